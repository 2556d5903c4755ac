import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdk8s';
import { TechPreviewFeatureGate } from '../../charts/cluster-auth.js';
import { externalOidcModel, toApiserverAuthenticationConfiguration, toAuthenticationSpec } from '../../charts/external-auth.js';
import { deriveModel } from '../../charts/model.js';
import { chartObjects, one, referenceInput, synthStack } from './stack-fixture.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('cluster-auth chart', () => {
  const objs = chartObjects('cluster-auth');

  it('creates the issuer-CA ConfigMap in openshift-config, where the Authentication API reads it, and in each namespace whose workload mounts it', () => {
    const cms = objs.filter((o) => o.kind === 'ConfigMap');
    expect(cms.map((c) => `${c.metadata.namespace}/${c.metadata.name}`).sort()).toEqual([
      'llama-stack-playground/keycloak-oidc-ca',
      'llama-stack/keycloak-oidc-ca',
      'mcp-server/keycloak-oidc-ca',
      'openshift-config/keycloak-oidc-ca',
    ]);
    // No OpenShift CA injection (it would overwrite the key with a bundle lacking the ingress CA):
    // `kube-mcp-stack apply` fills the empty ConfigMaps, found by their label (test/charts/apply-phases.test.ts).
    for (const cm of cms) expect(cm.metadata.labels!['config.openshift.io/inject-trusted-cabundle']).toBeUndefined();
    for (const cm of cms) expect(cm.data).toBeUndefined();
  });

  it('writes a configured PEM under ca-bundle.crt', () => {
    const c = referenceInput();
    c.clusterAuth.issuerCaPem = PEM;
    const cm = one(
      chartObjects('cluster-auth', c).filter((o) => o.metadata.namespace === 'openshift-config'),
      'ConfigMap',
    );
    expect(cm.data).toEqual({ 'ca-bundle.crt': PEM });
    expect(cm.metadata.labels!['config.openshift.io/inject-trusted-cabundle']).toBeUndefined();
  });

  it('binds the admin group to cluster-admin and the developer group to edit in llama-stack', () => {
    const crb = one(objs, 'ClusterRoleBinding');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
    expect(crb.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'openshift_admins' }]);
    const rb = one(objs, 'RoleBinding');
    expect(rb.metadata.namespace).toBe('llama-stack');
    expect(rb.roleRef.name).toBe('edit');
    expect(rb.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'openshift_developers' }]);
  });

  it('creates the MCP server and Playground namespaces (not the Llama Stack one, which its own chart creates)', () => {
    const c = referenceInput();
    c.namespaces.mcpServer = 'mcp';
    const ns = chartObjects('cluster-auth', c).filter((o) => o.kind === 'Namespace');
    expect(ns.map((n) => n.metadata.name)).toEqual(['mcp', 'llama-stack-playground']);
  });

  it('creates no Namespace for a component that shares the Llama Stack namespace by acknowledgement, nor for a disabled Playground', () => {
    const c = referenceInput();
    c.namespaces = { ...c.namespaces, mcpServer: 'llama-stack', acknowledgeDevelopersReadSecrets: true };
    c.playground = { ...c.playground, enabled: false };
    expect(chartObjects('cluster-auth', c).filter((o) => o.kind === 'Namespace')).toEqual([]);
  });
});

describe('feature-gate chart', () => {
  it('sets TechPreviewNoUpgrade on 4.19 with the acknowledgement', () => {
    const fg = one(chartObjects('feature-gate'), 'FeatureGate');
    expect(fg.metadata.name).toBe('cluster');
    expect(fg.spec).toEqual({ featureSet: 'TechPreviewNoUpgrade' });
  });
  it('is absent on 4.20, where external OIDC is generally available', () => {
    const c = referenceInput();
    c.openshift.version = '4.20';
    c.clusterAuth.acknowledgeTechPreviewNoUpgrade = false;
    expect(synthStack(c).charts.has('feature-gate')).toBe(false);
  });
  it('the construct refuses to emit the gate without the acknowledgement or on another version', () => {
    expect(() => new TechPreviewFeatureGate(Testing.chart(), 'fg', { openshiftVersion: '4.19', acknowledgeTechPreviewNoUpgrade: false })).toThrow(
      /acknowledgeTechPreviewNoUpgrade/,
    );
    expect(() => new TechPreviewFeatureGate(Testing.chart(), 'fg', { openshiftVersion: '4.20', acknowledgeTechPreviewNoUpgrade: true })).toThrow(
      /only needed on 4\.19/,
    );
  });
});

describe('cluster-authentication chart and the external OIDC model', () => {
  const auth = one(chartObjects('cluster-authentication'), 'Authentication');

  it('switches Authentication "cluster" to OIDC with the realm issuer, audiences, claim mappings, CA and the console/CLI clients', () => {
    expect(auth.metadata.name).toBe('cluster');
    expect(auth.spec).toEqual({
      type: 'OIDC',
      oidcProviders: [
        {
          name: 'rhbk-external-auth',
          issuer: {
            issuerURL: 'https://keycloak-admin.apps.cluster.example.com/realms/openshift',
            audiences: ['openshift-console', 'openshift-cli', 'openshift'],
            issuerCertificateAuthority: { name: 'keycloak-oidc-ca' },
          },
          claimMappings: { username: { claim: 'preferred_username', prefixPolicy: 'NoPrefix' }, groups: { claim: 'groups', prefix: '' } },
          oidcClients: [
            { clientID: 'openshift-cli', componentName: 'cli', componentNamespace: 'openshift-console' },
            {
              clientID: 'openshift-console',
              componentName: 'console',
              componentNamespace: 'openshift-console',
              clientSecret: { name: 'keycloak-client-openshift-console-secret' },
            },
          ],
        },
      ],
    });
  });

  it('is left out when external OIDC is off', () => {
    const c = referenceInput();
    c.clusterAuth.externalOidc = false;
    expect(synthStack(c).charts.has('cluster-authentication')).toBe(false);
  });

  it('renders the same provider as a kube-apiserver AuthenticationConfiguration', () => {
    const ext = externalOidcModel(deriveModel(referenceInput()));
    const apiserver = toApiserverAuthenticationConfiguration(ext, { issuerCaPem: PEM });
    expect(apiserver).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1beta1',
      kind: 'AuthenticationConfiguration',
      jwt: [
        {
          issuer: {
            url: 'https://keycloak-admin.apps.cluster.example.com/realms/openshift',
            audiences: ['openshift-console', 'openshift-cli', 'openshift'],
            audienceMatchPolicy: 'MatchAny',
            certificateAuthority: PEM,
          },
          claimMappings: { username: { claim: 'preferred_username', prefix: '' }, groups: { claim: 'groups', prefix: '' } },
        },
      ],
    });
    const spec = toAuthenticationSpec(ext);
    expect(apiserver.jwt[0].issuer.url).toBe(spec.oidcProviders![0].issuer.issuerUrl);
    expect(apiserver.jwt[0].issuer.audiences).toEqual(spec.oidcProviders![0].issuer.audiences);
  });

  it('leaves out audienceMatchPolicy for a single audience', () => {
    const ext = { ...externalOidcModel(deriveModel(referenceInput())), audiences: ['openshift'] };
    expect(toApiserverAuthenticationConfiguration(ext).jwt[0].issuer).toEqual({ url: ext.issuer, audiences: ['openshift'] });
  });
});
