import { describe, expect, it } from '@jest/globals';
import { chartObjects, one, referenceInput, synthStack } from './stack-fixture.js';

describe('keycloak-operator chart', () => {
  const objs = chartObjects('keycloak-operator');
  it('creates the namespace, an OwnNamespace OperatorGroup and the rhbk-operator Subscription on stable-v26.2', () => {
    expect(one(objs, 'Namespace').metadata.name).toBe('redhat-keycloak');
    expect(one(objs, 'OperatorGroup').spec).toEqual({ targetNamespaces: ['redhat-keycloak'] });
    expect(one(objs, 'Subscription').spec).toEqual({
      name: 'rhbk-operator',
      channel: 'stable-v26.2',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      installPlanApproval: 'Automatic',
    });
  });
  it('pins a starting CSV and manual approval when configured', () => {
    const c = referenceInput();
    c.keycloakOperator.installPlanApproval = 'Manual';
    c.keycloakOperator.startingCSV = 'rhbk-operator.v26.2.5-opr.1';
    const sub = one(chartObjects('keycloak-operator', c), 'Subscription');
    expect(sub.spec).toMatchObject({ installPlanApproval: 'Manual', startingCSV: 'rhbk-operator.v26.2.5-opr.1' });
  });
});

describe('keycloak-database chart', () => {
  const objs = chartObjects('keycloak-database');
  const sts = one(objs, 'StatefulSet');
  const pod = sts.spec.template.spec;
  it('keeps data on a PersistentVolumeClaim, not an emptyDir', () => {
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(JSON.stringify(sts)).not.toContain('emptyDir');
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/pgsql/data' }]);
  });
  it('uses the configured storage class and size', () => {
    const c = referenceInput();
    c.keycloak.database = { type: 'in-cluster', storageSize: '20Gi', storageClass: 'gp3-csi' };
    const s = one(chartObjects('keycloak-database', c), 'StatefulSet');
    expect(s.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'gp3-csi', resources: { requests: { storage: '20Gi' } } });
  });
  it('reads credentials from the referenced Secret and runs restricted with a pinned image', () => {
    const env = pod.containers[0].env;
    expect(env.find((e: any) => e.name === 'POSTGRESQL_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'postgresql-credentials', key: 'password' });
    expect(env.find((e: any) => e.name === 'POSTGRESQL_USER').valueFrom.secretKeyRef).toEqual({ name: 'postgresql-credentials', key: 'username' });
    expect(pod.containers[0].image).toMatch(/^[^@]+:[^:]+$/);
    expect(pod.containers[0].image).not.toMatch(/:latest$/);
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].resources.limits).toBeDefined();
  });
  it('has a Service whose selector matches the pods', () => {
    const svc = one(objs, 'Service');
    expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(svc.spec.ports[0].port).toBe(5432);
  });
  it('is left out for an external database, whose Secrets the Keycloak CR references', () => {
    const c = referenceInput();
    c.keycloak.database = { type: 'external', host: 'db.example.com', port: 5433 };
    const { charts } = synthStack(c);
    expect(charts.has('keycloak-database')).toBe(false);
    const kc = one(charts.get('keycloak')!, 'Keycloak');
    expect(kc.spec.db).toMatchObject({ host: 'db.example.com', port: 5433, usernameSecret: { name: 'keycloak-db', key: 'username' } });
  });
});

describe('keycloak chart', () => {
  it('writes a v2alpha1 Keycloak for channel stable-v26.2 with hostname, proxy headers, HTTP behind the router and DB Secret refs', () => {
    const kc = one(chartObjects('keycloak'), 'Keycloak');
    expect(kc.apiVersion).toBe('k8s.keycloak.org/v2alpha1');
    expect(kc.spec).toMatchObject({
      instances: 1,
      hostname: { hostname: 'https://keycloak-admin.apps.cluster.example.com', strict: true },
      proxy: { headers: 'xforwarded' },
      http: { httpEnabled: true },
      ingress: { enabled: true, annotations: { 'route.openshift.io/termination': 'edge' } },
      db: {
        vendor: 'postgres',
        host: 'postgresql.redhat-keycloak.svc',
        port: 5432,
        database: 'keycloak',
        usernameSecret: { name: 'postgresql-credentials', key: 'username' },
        passwordSecret: { name: 'postgresql-credentials', key: 'password' },
      },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    });
  });
  it('writes a v2beta1 Keycloak for a channel whose operator serves it, with HTTPS from a TLS Secret', () => {
    const c = referenceInput();
    c.keycloakOperator.channel = 'stable-v26.6';
    c.keycloak.tlsSecret = 'keycloak-tls';
    const kc = one(chartObjects('keycloak', c), 'Keycloak');
    expect(kc.apiVersion).toBe('k8s.keycloak.org/v2beta1');
    expect(kc.spec.http).toEqual({ httpEnabled: false, tlsSecret: 'keycloak-tls' });
    expect(kc.spec.ingress.annotations).toEqual({ 'route.openshift.io/termination': 'passthrough' });
  });
});
