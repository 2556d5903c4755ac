/**
 * Properties of the whole synthesized stack, for the example config and variants of it. Each
 * property also runs on a deliberately broken copy of the output, which it must reject, so a
 * property that cannot fail would show up here.
 */
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { StackConfig } from '../../charts/config.js';
import { serverConfigProblems } from '../../charts/mcp-server-config.js';
import type { RequiredSecret } from '../../charts/required-secrets.js';
import {
  bindingsOf,
  containerViolations,
  literalSecrets,
  objectReferences,
  objectsInMissingNamespaces,
  podsWithoutServiceAccount,
  routesWithoutBackend,
  servicesWithoutPods,
  unresolvedReferences,
} from '../support/properties.js';
import { exampleConfig, synthStack, type SynthesizedStack } from '../support/stack.js';
import type { KubeObject } from '../support/synth.js';

const variants: Record<string, StackConfig> = {
  'the example config': exampleConfig,
  'other MCP server and Playground namespaces': { ...exampleConfig, namespaces: { ...exampleConfig.namespaces, mcpServer: 'mcp', playground: 'playground' } },
  'the MCP Inspector enabled': { ...exampleConfig, mcpInspector: { enabled: true } },
  'OpenShift 4.20 (no FeatureGate)': {
    ...exampleConfig,
    openshift: { ...exampleConfig.openshift, version: '4.20' },
    clusterAuth: { ...exampleConfig.clusterAuth, acknowledgeTechPreviewNoUpgrade: false },
  },
  'the current Llama Stack pairing': {
    ...exampleConfig,
    llamaStack: { ...exampleConfig.llamaStack!, version: '0.7.3', operatorVersion: '0.9.0' },
  } as StackConfig,
};
const stacks: [string, SynthesizedStack][] = Object.entries(variants).map(([name, cfg]) => [name, synthStack(cfg)]);
const example = stacks[0]![1];

/** A deep copy of the example output with one change applied. */
function broken(change: (objs: KubeObject[]) => void): KubeObject[] {
  const copy = structuredClone(example.objects);
  change(copy);
  return copy;
}
const find = (objs: KubeObject[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name))!;
const mcpName = example.model.config.mcpServer.name;
const mcpContainer = (objs: KubeObject[]) => find(objs, 'Deployment', mcpName).spec.template.spec.containers[0];

/**
 * Services an in-cluster SSE URL (`http://<service>.<namespace>.svc[:port]/sse`, in any
 * ConfigMap) points at whose pods run in more than one replica without `sessionAffinity:
 * ClientIP`: an SSE session's `POST /message` would land on a replica that does not hold it.
 */
function sseServicesWithoutAffinity(objs: KubeObject[]): string[] {
  const text = objs
    .filter((o) => o.kind === 'ConfigMap')
    .flatMap((o) => Object.values<string>(o.data ?? {}))
    .join('\n');
  const targets = [...text.matchAll(/https?:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?(?::\d+)?\/sse\b/g)].map((m) => ({
    name: m[1]!,
    namespace: m[2]!,
  }));
  return targets.flatMap(({ name, namespace }) => {
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
    if (!svc) return [`SSE URL names Service ${namespace}/${name}, which the stack does not create`];
    const selects = (labels: Record<string, string> = {}) => Object.entries<string>(svc.spec.selector ?? {}).every(([k, v]) => labels[k] === v);
    const replicas = objs
      .filter((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace && selects(o.spec.template.metadata?.labels))
      .reduce((n, d) => n + (d.spec.replicas ?? 1), 0);
    return replicas > 1 && svc.spec.sessionAffinity !== 'ClientIP'
      ? [`Service ${namespace}/${name} serves SSE from ${replicas} replicas without sessionAffinity: ClientIP`]
      : [];
  });
}

/** ClusterRoles that read and write every Secret of the namespace they are bound in (Kubernetes user-facing roles). */
const SECRET_READING_ROLES = new Set(['edit', 'admin', 'cluster-admin']);

/**
 * Secrets the stack references (`requiredSecrets`) that live in a namespace where a RoleBinding
 * of the stack gives a Group `edit`/`admin`: every member could read them. One exception: the
 * model API tokens of Llama Stack (`external-token`, valueId `model-token:`) must stay in the
 * Llama Stack namespace, because the LlamaStackDistribution reads them through `secretKeyRef`,
 * which only resolves Secrets of the pod's own namespace; and `edit` there lets developers exec
 * into the Llama Stack pod, whose environment holds the tokens anyway, so another namespace
 * would hide nothing. (The cluster-admin ClusterRoleBinding of the admin group is cluster-wide by
 * design and not a namespace grant.)
 */
function secretsReadableByGroups(objs: KubeObject[], external: readonly RequiredSecret[]): string[] {
  const granted = new Map<string, string[]>();
  for (const rb of objs.filter((o) => o.kind === 'RoleBinding' && SECRET_READING_ROLES.has(o.roleRef?.name))) {
    const ns = rb.metadata.namespace ?? '';
    for (const subject of (rb.subjects ?? []).filter((x: any) => x.kind === 'Group')) {
      granted.set(ns, [...(granted.get(ns) ?? []), `${subject.name} (${rb.roleRef.name})`]);
    }
  }
  return external
    .filter((s) => granted.has(s.namespace) && !(s.format === 'external-token' && s.valueId.startsWith('model-token:')))
    .map((s) => `Secret ${s.namespace}/${s.name} [${s.key}] (${s.purpose}) is readable by group ${granted.get(s.namespace)!.join(', ')}`);
}

describe.each(stacks)('whole stack with %s', (_name, stack) => {
  test('no Secret the stack references lives where a group RoleBinding grants edit/admin (model API tokens excepted)', () => {
    expect(stack.objects.some((o) => o.kind === 'RoleBinding' && o.subjects?.some((x: any) => x.kind === 'Group'))).toBe(true);
    expect(secretsReadableByGroups(stack.objects, stack.external)).toEqual([]);
  });
  test('every Secret/ConfigMap a pod or operator reads is created by the stack or declared external', () => {
    expect(objectReferences(stack.objects).length).toBeGreaterThan(10);
    expect(unresolvedReferences(stack.objects, stack.external)).toEqual([]);
  });
  test('every namespaced object lives in a Namespace the stack creates (or openshift-config)', () => {
    expect(objectsInMissingNamespaces(stack.objects)).toEqual([]);
  });
  test('every pod runs as a ServiceAccount the stack creates', () => {
    expect(podsWithoutServiceAccount(stack.objects)).toEqual([]);
  });
  test('every Service selector matches a pod template', () => {
    expect(servicesWithoutPods(stack.objects)).toEqual([]);
  });
  test('SSE reaches one replica per client: a multi-replica Service behind an /sse URL has ClientIP affinity', () => {
    expect(stack.objects.some((o) => o.kind === 'ConfigMap' && JSON.stringify(o.data).includes('.svc:'))).toBe(true);
    expect(sseServicesWithoutAffinity(stack.objects)).toEqual([]);
  });
  test('only the OpenShift AI operator namespace is labelled for platform (cluster) monitoring', () => {
    const labelled = stack.objects
      .filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['openshift.io/cluster-monitoring'] === 'true')
      .map((o) => o.metadata.name);
    expect(labelled).toEqual([stack.model.config.namespaces.openshiftAiOperator]);
    const userWorkloads = [stack.model.config.namespaces.keycloak, stack.model.config.namespaces.llamaStack];
    expect(stack.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(expect.arrayContaining(userWorkloads));
  });
  test("the Playground's namespace is admitted by Llama Stack's operator NetworkPolicy, and --llama-stack-url names Llama Stack's Service", () => {
    const pg = stack.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === stack.model.config.playground.name)!;
    const args: string[] = pg.spec.template.spec.containers.flatMap((c: any) => c.args ?? []);
    expect(args).toContain(`--llama-stack-url=${stack.model.llamaStack.service.url}`);
    const lsd = stack.objects.find((o) => o.kind === 'LlamaStackDistribution')!;
    expect(lsd.metadata.namespace).toBe(stack.model.llamaStack.namespace);
    const admitted = [lsd.metadata.namespace, ...(lsd.spec.network?.allowedFrom?.namespaces ?? [])];
    expect(admitted).toContain(pg.metadata.namespace);
  });
  test('every Route targets an existing Service and port', () => {
    expect(stack.objects.some((o) => o.kind === 'Route')).toBe(true);
    expect(routesWithoutBackend(stack.objects)).toEqual([]);
  });
  test('every container has requests and limits, the restricted security context and a pinned image', () => {
    expect(containerViolations(stack.objects)).toEqual([]);
  });
  test('no literal secret value appears anywhere', () => {
    expect(literalSecrets(stack.objects)).toEqual([]);
  });
  test("the MCP server's ServiceAccount is bound to nothing", () => {
    const sa = { namespace: stack.model.mcpServer.namespace, name: stack.model.config.mcpServer.serviceAccountName };
    expect(stack.objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === sa.name && o.metadata.namespace === sa.namespace)).toBe(true);
    expect(bindingsOf(stack.objects, sa)).toEqual([]);
  });
  test('the issuer CA ConfigMap exists in openshift-config under the name the Authentication reads', () => {
    const auth = stack.objects.find((o) => o.kind === 'Authentication');
    const name = auth?.spec.oidcProviders[0].issuer.issuerCertificateAuthority.name ?? stack.model.issuerCa.configMapName;
    expect(stack.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'openshift-config' && o.metadata.name === name)).toHaveLength(1);
  });
});

describe('each property rejects a broken stack', () => {
  test('a deleted ConfigMap, a renamed Secret reference or an undeclared external Secret is reported', () => {
    const cm = `${mcpName}-config`;
    expect(
      unresolvedReferences(
        broken((o) => o.splice(o.indexOf(find(o, 'ConfigMap', cm)), 1)),
        example.external,
      ),
    ).toEqual([expect.stringContaining(`ConfigMap ${example.model.mcpServer.namespace}/${cm} is neither created`)]);
    const renamed = broken((o) => {
      find(o, 'LlamaStackDistribution').spec.server.containerSpec.env[0].valueFrom.secretKeyRef.name = 'typo-secret';
    });
    expect(unresolvedReferences(renamed, example.external)).toEqual([expect.stringContaining('Secret llama-stack/typo-secret')]);
    const sts = example.model.mcpServer.stsClientSecret;
    const withoutSts = example.external.filter((e) => !(e.name === sts.name && e.namespace === sts.namespace));
    expect(unresolvedReferences(example.objects, withoutSts)).toEqual([expect.stringContaining(`Secret ${sts.namespace}/${sts.name} key ${sts.key}`)]);
  });

  test('a realm placeholder naming an undeclared Secret is reported', () => {
    const objs = broken((o) => {
      const placeholders = find(o, 'KeycloakRealmImport').spec.placeholders;
      Object.values<any>(placeholders)[0].secret.name = 'not-declared';
    });
    expect(unresolvedReferences(objs, example.external)).toEqual([expect.stringContaining('Secret redhat-keycloak/not-declared')]);
  });

  test('a ConfigMap reference to a key the ConfigMap lacks is reported', () => {
    const objs = broken((o) => {
      const vol = find(o, 'Deployment', mcpName).spec.template.spec.volumes.find((v: any) => v.name === 'config');
      vol.configMap.items = [{ key: 'missing.toml', path: 'config.toml' }];
    });
    expect(unresolvedReferences(objs, example.external)).toEqual([expect.stringContaining('has no key "missing.toml"')]);
  });

  test('an object in a Namespace nobody creates, and a pod with a missing ServiceAccount, are reported', () => {
    expect(objectsInMissingNamespaces(broken((o) => (find(o, 'Service', mcpName).metadata.namespace = 'nowhere')))).toEqual([
      expect.stringContaining('namespace nowhere'),
    ]);
    expect(podsWithoutServiceAccount(broken((o) => (find(o, 'Deployment', mcpName).spec.template.spec.serviceAccountName = 'ghost')))).toEqual([
      expect.stringContaining(`ServiceAccount ${example.model.mcpServer.namespace}/ghost`),
    ]);
  });

  test('a Service whose selector matches no pod is reported', () => {
    const objs = broken((o) => {
      find(o, 'Deployment', mcpName).spec.template.metadata.labels = { app: 'other' };
    });
    expect(servicesWithoutPods(objs)).toEqual([expect.stringContaining(`Service ${example.model.mcpServer.namespace}/${mcpName}`)]);
  });

  test('an SSE Service without session affinity in front of several replicas is reported', () => {
    expect(sseServicesWithoutAffinity(broken((o) => delete find(o, 'Service', mcpName).spec.sessionAffinity))).toEqual([
      `Service ${example.model.mcpServer.namespace}/${mcpName} serves SSE from ${example.model.config.mcpServer.replicas} replicas without sessionAffinity: ClientIP`,
    ]);
  });

  test('a Route to a missing port or Service is reported', () => {
    expect(routesWithoutBackend(broken((o) => (find(o, 'Route', mcpName).spec.port.targetPort = 'metrics')))).toEqual([
      expect.stringContaining('has no port metrics'),
    ]);
    expect(routesWithoutBackend(broken((o) => (find(o, 'Route', mcpName).spec.to.name = 'gone')))).toEqual([expect.stringContaining('no Service')]);
  });

  test.each([
    ['missing limits', (c: any) => delete c.resources.limits, /no limits.cpu/],
    ['privilege escalation', (c: any) => (c.securityContext.allowPrivilegeEscalation = true), /allowPrivilegeEscalation is not false/],
    ['capabilities kept', (c: any) => (c.securityContext.capabilities = { drop: ['NET_RAW'] }), /do not drop ALL/],
    ['root allowed', (c: any) => (c.securityContext.runAsNonRoot = false), /runAsNonRoot is not true/],
    ['latest image', (c: any) => (c.image = 'quay.io/kube-mcp-stack/mcp-server:latest'), /is not pinned/],
    ['untagged image', (c: any) => (c.image = 'quay.io/kube-mcp-stack/mcp-server'), /is not pinned/],
  ])('a container with %s is reported', (_what, change, message) => {
    expect(containerViolations(broken((o) => change(mcpContainer(o))))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('a container without RuntimeDefault seccomp (container and pod) is reported', () => {
    const objs = broken((o) => {
      const spec = find(o, 'Deployment', mcpName).spec.template.spec;
      delete spec.securityContext.seccompProfile;
      delete spec.containers[0].securityContext.seccompProfile;
    });
    expect(containerViolations(objs)).toEqual([expect.stringMatching(/seccompProfile is not RuntimeDefault/)]);
  });

  test.each([
    [
      'a Secret with data',
      (o: KubeObject[]) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'x' }, stringData: { password: 'hunter2' } }),
      /carries values for password/,
    ],
    [
      'a literal realm client secret',
      (o: KubeObject[]) => (find(o, 'KeycloakRealmImport').spec.realm.clients[0].secret = 'hunter2'),
      /literal value in "secret"/,
    ],
    [
      'an STS secret inside config.toml',
      (o: KubeObject[]) => (find(o, 'ConfigMap', `${mcpName}-config`).data['config.toml'] += 'sts_client_secret = "hunter2"\n'),
      /literal value in "sts_client_secret"/,
    ],
    [
      'a literal model token in run.yaml',
      (o: KubeObject[]) => {
        const cm = find(o, 'ConfigMap', example.model.config.llamaStack.configMapName);
        cm.data['run.yaml'] = cm.data['run.yaml'].replace(/\$\{env\.[A-Z0-9_]+\}/, 'sk-live-123');
      },
      /literal value in "api_token"/,
    ],
    [
      'a literal password env var',
      (o: KubeObject[]) => (mcpContainer(o).env = [{ name: 'DB_PASSWORD', value: 'hunter2' }]),
      /env DB_PASSWORD has a literal value/,
    ],
    ['a secret on the command line', (o: KubeObject[]) => mcpContainer(o).args.push('--client-secret=hunter2'), /argument --client-secret carries a value/],
  ])('%s is reported', (_what, change, message) => {
    expect(literalSecrets(broken(change))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test("a Secret in a namespace where a group has edit is reported: the STS and Playground secrets once they share the developers' namespace", () => {
    const dev = example.model.namespaces.llamaStack;
    const shared = synthStack({
      ...exampleConfig,
      namespaces: { ...exampleConfig.namespaces, mcpServer: dev, playground: dev, acknowledgeDevelopersReadSecrets: true },
    });
    const sts = shared.model.mcpServer.stsClientSecret;
    const oauth = shared.model.playground.clientSecret;
    expect(secretsReadableByGroups(shared.objects, shared.external)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`Secret ${dev}/${sts.name} [${sts.key}]`),
        expect.stringContaining(`Secret ${dev}/${oauth.name} [client-secret]`),
        expect.stringContaining(`Secret ${dev}/${oauth.name} [cookie-secret]`),
      ]),
    );
    const mcpNs = example.model.mcpServer.namespace;
    const adminInMcp = broken((o) =>
      o.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'devs', namespace: mcpNs },
        roleRef: { kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'Group', name: 'devs' }],
      }),
    );
    expect(secretsReadableByGroups(adminInMcp, example.external)).toEqual([
      expect.stringContaining(
        `Secret ${mcpNs}/${sts.name} [${sts.key}] (MCP server token-exchange (STS) client secret, mounted as a file) is readable by group devs (admin)`,
      ),
    ]);
  });

  test('a binding of the MCP server ServiceAccount (directly or through its group) is reported', () => {
    const sa = { namespace: example.model.mcpServer.namespace, name: example.model.config.mcpServer.serviceAccountName };
    const objs = broken((o) =>
      o.push(
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'a' },
          roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'b', namespace: sa.namespace },
          roleRef: { kind: 'ClusterRole', name: 'edit' },
          subjects: [{ kind: 'Group', name: `system:serviceaccounts:${sa.namespace}` }],
        },
      ),
    );
    expect(bindingsOf(objs, sa)).toHaveLength(2);
  });
});

describe('generated configuration documents of the example stack', () => {
  const objs = example.objects;
  const m = example.model;
  const toml = parseToml(find(objs, 'ConfigMap', `${mcpName}-config`).data['config.toml']);
  const lsCm = find(objs, 'ConfigMap', m.config.llamaStack.configMapName);
  const run = parseYaml(lsCm.data['run.yaml']);

  test('config.toml parses back with smol-toml to the model values', () => {
    expect(toml).toMatchObject({
      authorization_url: m.oidc.issuer,
      server_url: m.mcpServer.serverUrl,
      port: String(m.mcpServer.service.port),
      oauth_audience: m.config.mcpServer.oauthAudience,
      sts_client_id: m.config.mcpServer.stsClientId,
      sts_audience: m.config.mcpServer.stsAudience,
      require_oauth: true,
    });
  });

  test("config.toml passes the bundled server's own schema and cross-key rules", () => {
    expect(serverConfigProblems(toml)).toEqual([]);
    expect(serverConfigProblems({ ...toml, sts_audience: undefined })).toEqual([expect.stringMatching(/^sts_audience is missing/)]);
  });

  test('server_url is the Route origin with a Route, and the in-cluster Service URL without one', () => {
    expect(toml.server_url).toBe(`https://${m.hosts.mcpServer}`);
    const noRoute = synthStack({ ...exampleConfig, mcpServer: { ...exampleConfig.mcpServer, route: false } });
    expect(noRoute.objects.filter((o) => o.kind === 'Route' && o.metadata.name === mcpName)).toEqual([]);
    const text = find(noRoute.objects, 'ConfigMap', `${mcpName}-config`).data['config.toml'];
    expect(parseToml(text).server_url).toBe(noRoute.model.mcpServer.service.url);
    expect(noRoute.model.mcpServer.service.url).toBe(`http://${mcpName}.${noRoute.model.namespaces.mcpServer}.svc:${noRoute.model.mcpServer.service.port}`);
  });

  test('run.yaml parses back with yaml and points at the realm and the MCP server Service', () => {
    expect(run.server.auth.provider_config).toMatchObject({ issuer: m.oidc.issuer, jwks: { uri: m.oidc.jwksUri } });
    expect(run.tool_groups).toContainEqual(expect.objectContaining({ toolgroup_id: 'mcp::openshift', mcp_endpoint: { uri: m.mcpServer.sseUrl } }));
    expect(run.models.map((x: any) => x.model_id)).toEqual(expect.arrayContaining(m.config.llamaStack.inference.map((p) => p.modelId)));
  });

  test('one issuer string everywhere: Authentication, MCP server, Llama Stack, oauth2-proxy', () => {
    const auth = find(objs, 'Authentication');
    const proxyArgs: string[] = find(objs, 'Deployment', m.config.playground.name).spec.template.spec.containers.find(
      (c: any) => c.name === 'oauth2-proxy',
    ).args;
    const issuers = new Set([
      auth.spec.oidcProviders[0].issuer.issuerURL,
      toml.authorization_url,
      run.server.auth.provider_config.issuer,
      proxyArgs.find((a) => a.startsWith('--oidc-issuer-url='))!.split('=')[1],
    ]);
    expect([...issuers]).toEqual([m.oidc.issuer]);
  });
});
