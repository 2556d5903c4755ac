import { ConfigMap, Secret } from 'cdk8s-plus-28';
import { parse } from 'smol-toml';
import { KubernetesMcpServer, McpServerProps } from '../../charts/mcp-server.js';
import { mcpServerConfigObject, mcpServerConfigToml } from '../../charts/mcp-server-config.js';
import { crossKeyProblems, rawConfigSchema } from '../../mcp-server/src/config/schema.js';
import { KubeObject, synthConstruct } from '../support/synth.js';
import { chartObjects, one, referenceInput } from './stack-fixture.js';

const ISSUER = 'https://keycloak-admin.apps.example.com/realms/openshift';

function build(over: Partial<McpServerProps> = {}, authOver: Partial<McpServerProps['auth']> = {}): KubeObject[] {
  return synthConstruct((c) => {
    new KubernetesMcpServer(c, 'mcp', {
      namespace: 'llama-stack',
      image: { repository: 'quay.io/kube-mcp-stack/mcp-server', tag: '0.1.0' },
      serverUrl: 'https://ocp-mcp-server-llama-stack.apps.example.com',
      routeHost: 'ocp-mcp-server-llama-stack.apps.example.com',
      auth: {
        issuerUrl: ISSUER,
        audience: 'mcp-server',
        stsClientId: 'mcp-server',
        stsAudience: 'openshift',
        stsClientSecret: { secret: Secret.fromSecretName(c, 's', 'mcp-server-sts'), key: 'clientSecret' },
        issuerCa: ConfigMap.fromConfigMapName(c, 'ca', 'keycloak-oidc-ca'),
        issuerCaKey: 'ca-bundle.crt',
        ...authOver,
      },
      ...over,
    });
  });
}
const byKind = (objs: KubeObject[], kind: string) => objs.filter((o) => o.kind === kind);

describe('MCP server config.toml', () => {
  const objs = build();
  const toml = byKind(objs, 'ConfigMap')[0]!.data['config.toml'] as string;
  const parsed = parse(toml);

  test('parses back with smol-toml to the OAuth and token-exchange settings', () => {
    expect(parsed).toEqual({
      port: '8000',
      bind_address: '0.0.0.0',
      log_level: 2,
      list_output: 'table',
      cluster_provider_strategy: 'in-cluster',
      toolsets: ['core', 'config', 'helm'],
      read_only: false,
      disable_destructive: false,
      require_oauth: true,
      authorization_url: ISSUER,
      server_url: 'https://ocp-mcp-server-llama-stack.apps.example.com',
      oauth_audience: 'mcp-server',
      oauth_scopes: ['openid', 'mcp-server'],
      validate_token: true,
      sts_client_id: 'mcp-server',
      sts_audience: 'openshift',
      sts_scopes: ['mcp:openshift'],
      sts_client_secret_file: '/var/run/secrets/mcp-server-sts/client-secret',
      certificate_authority: '/etc/pki/keycloak-ca/ca-bundle.crt',
    });
  });

  test("is accepted by the bundled server's own config schema and cross-key rules", () => {
    const result = rawConfigSchema.safeParse(parsed);
    expect(result.success ? [] : result.error.issues).toEqual([]);
    expect(crossKeyProblems(result.data!)).toEqual([]);
  });

  test('carries no sts_client_secret value, only the file path', () => {
    expect(parsed).not.toHaveProperty('sts_client_secret');
  });

  test('the secret file and the CA file are mounted where config.toml points', () => {
    const pod = byKind(objs, 'Deployment')[0]!.spec.template.spec;
    const container = pod.containers[0];
    const mountOf = (file: string) => container.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
    const sts = mountOf(parsed.sts_client_secret_file as string);
    const stsVolume = pod.volumes.find((v: any) => v.name === sts.name);
    expect(stsVolume.secret).toEqual({ secretName: 'mcp-server-sts', items: [{ key: 'clientSecret', path: 'client-secret' }], defaultMode: 0o440 });
    const ca = mountOf(parsed.certificate_authority as string);
    expect(pod.volumes.find((v: any) => v.name === ca.name).configMap).toEqual({
      name: 'keycloak-oidc-ca',
      items: [{ key: 'ca-bundle.crt', path: 'ca-bundle.crt' }],
    });
    expect(container.args).toEqual(['--config', '/etc/mcp-server/config.toml']);
  });

  test('stsCacheMaxAge is written as sts_cache_max_age (unset: left to the server default)', () => {
    expect(parsed).not.toHaveProperty('sts_cache_max_age');
    const tomlOf = (o: KubeObject[]) => parse(byKind(o, 'ConfigMap')[0]!.data['config.toml'] as string);
    const withAge = (age: number) => build({}, { stsCacheMaxAge: age });
    expect(tomlOf(withAge(5)).sts_cache_max_age).toBe(5);
    expect(tomlOf(withAge(0)).sts_cache_max_age).toBe(0);
    expect(() => withAge(86400)).toThrow(/sts_cache_max_age: Number must be less than or equal to 3600/);
  });

  test("the stack's mcpServer.stsCacheMaxAge reaches the ConfigMap's config.toml (default 30)", () => {
    const tomlOfStack = (input: unknown) => parse(one(chartObjects('mcp-server', input as never), 'ConfigMap').data['config.toml'] as string);
    expect(tomlOfStack(referenceInput()).sts_cache_max_age).toBe(30);
    const c = referenceInput();
    c.mcpServer.stsCacheMaxAge = 10;
    expect(tomlOfStack(c).sts_cache_max_age).toBe(10);
  });

  test('denied_resources become an array of tables', () => {
    const t = mcpServerConfigObject({ port: 8080, requireOauth: false, deniedResources: [{ group: '', version: 'v1', kind: 'Secret' }] });
    expect(parse(mcpServerConfigToml({ port: 8080, requireOauth: false, deniedResources: [{ group: '', version: 'v1', kind: 'Secret' }] }))).toEqual(t);
    expect(t.denied_resources).toEqual([{ group: '', version: 'v1', kind: 'Secret' }]);
  });

  test('a local kubeconfig run can be generated for the e2e harness', () => {
    const text = mcpServerConfigToml({
      port: 18000,
      clusterProviderStrategy: 'kubeconfig',
      kubeconfig: '/tmp/kubeconfig',
      authorizationUrl: 'https://127.0.0.1:8443/realms/openshift',
      oauthAudience: 'mcp-server',
      tokenExchange: { clientId: 'mcp-server', audience: 'openshift', scopes: ['mcp:openshift'], clientSecretFile: '/tmp/sts-secret' },
      certificateAuthority: '/tmp/ca.pem',
    });
    expect(parse(text)).toMatchObject({
      port: '18000',
      cluster_provider_strategy: 'kubeconfig',
      kubeconfig: '/tmp/kubeconfig',
      sts_client_secret_file: '/tmp/sts-secret',
    });
  });

  test('a partial OAuth config the server refuses is refused here too, naming the missing sts_* keys', () => {
    const partial = { port: 8000, authorizationUrl: ISSUER, oauthAudience: 'mcp-server' };
    expect(() => mcpServerConfigToml(partial)).toThrow(/sts_client_id is missing/);
    expect(() => mcpServerConfigToml(partial)).toThrow(/sts_audience is missing/);
    expect(() => mcpServerConfigToml(partial)).toThrow(/sts_client_secret_file \(or sts_client_secret\) is missing/);
  });

  test.each([
    [{ port: 8000 }, /authorization_url is missing/],
    [{ port: 8000, authorizationUrl: ISSUER }, /oauth_audience is missing/],
    [{ port: 8000, requireOauth: false, logLevel: 10 }, /log_level: /],
    [{ port: 70000, requireOauth: false }, /port: must be 0..65535/],
    [{ port: 8000, requireOauth: false, kubeconfig: '/k' }, /kubeconfig is set but cluster_provider_strategy = "in-cluster"/],
    [
      { port: 8000, requireOauth: false, tokenExchange: { clientId: 'x', audience: '', scopes: [], clientSecretFile: '/f' } },
      /sts_audience: must not be empty/,
    ],
    [
      {
        port: 8000,
        requireOauth: false,
        authorizationUrl: ISSUER,
        tokenExchange: { clientId: 'x', audience: 'openshift', scopes: [], clientSecretFile: '/f' },
        serverUrl: 'https://mcp.example.com/',
      },
      /server_url: must not end with "\/"/,
    ],
  ])("refuses, with the server's own rules, a fail-open or inconsistent config %#", (settings, message) => {
    expect(() => mcpServerConfigToml(settings as any)).toThrow(message);
  });
});

describe('MCP server workload', () => {
  const objs = build();

  test('runs 2 replicas with a PodDisruptionBudget over the same pods', () => {
    const dep = byKind(objs, 'Deployment')[0]!;
    const pdb = byKind(objs, 'PodDisruptionBudget')[0]!;
    expect(dep.spec.replicas).toBe(2);
    expect(pdb.spec.selector.matchLabels).toEqual(dep.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  test('probes /healthz (liveness) and /readyz (readiness) on the http port', () => {
    const c = byKind(objs, 'Deployment')[0]!.spec.template.spec.containers[0];
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  test('creates a ServiceAccount and nothing that binds it', () => {
    expect(byKind(objs, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['ocp-mcp']);
    expect(objs.filter((o) => /RoleBinding$/.test(o.kind))).toEqual([]);
    expect(byKind(objs, 'Deployment')[0]!.spec.template.spec.serviceAccountName).toBe('ocp-mcp');
  });

  test('mounts no service-account token: only the cluster CA and namespace, which the in-cluster strategy reads', () => {
    const pod = byKind(objs, 'Deployment')[0]!.spec.template.spec;
    expect(byKind(objs, 'ServiceAccount')[0]!.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount');
    const sources = pod.volumes.find((v: any) => v.name === mount.name).projected.sources;
    expect(sources).toEqual([
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
    ]);
    expect(JSON.stringify(sources)).not.toContain('serviceAccountToken');
  });

  test('exposes an edge Route that redirects HTTP, with a long timeout for SSE', () => {
    const route = byKind(objs, 'Route')[0]!;
    expect(route.spec).toMatchObject({
      host: 'ocp-mcp-server-llama-stack.apps.example.com',
      to: { kind: 'Service', name: 'ocp-mcp-server' },
      port: { targetPort: 'http' },
      tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
    });
    expect(route.metadata.annotations!['haproxy.router.openshift.io/timeout']).toBe('3600s');
  });

  test('pins each client to one replica: SSE /message must reach the pod holding the /sse stream', () => {
    expect(byKind(objs, 'Deployment')[0]!.spec.replicas).toBeGreaterThan(1);
    expect(byKind(objs, 'Service')[0]!.spec.sessionAffinity).toBe('ClientIP');
    expect(byKind(build({ sessionAffinity: false }), 'Service')[0]!.spec).not.toHaveProperty('sessionAffinity');
  });

  test('without a Route host there is no Route, and server_url is still the given (in-cluster) URL', () => {
    const objs2 = build({ routeHost: undefined, serverUrl: 'http://ocp-mcp-server.llama-stack.svc:8000' });
    expect(byKind(objs2, 'Route')).toEqual([]);
    expect(parse(byKind(objs2, 'ConfigMap')[0]!.data['config.toml']).server_url).toBe('http://ocp-mcp-server.llama-stack.svc:8000');
  });

  test.each([
    [{ image: { repository: 'quay.io/x/mcp', tag: 'latest' } }, /mcpServer.image.tag: "latest" is not a pinned version/],
    [{ replicas: 0 }, /mcpServer.replicas: expected a positive integer/],
    [{ port: 70000 }, /mcpServer.port: expected a TCP port/],
    [{ serverUrl: 'ftp://mcp.example.com' }, /mcpServer.serverUrl: "ftp:\/\/mcp.example.com" must use https or http/],
    [{ serverUrl: 'https://mcp.example.com/mcp' }, /mcpServer.serverUrl: .* must be a bare https or http origin/],
    [{ serverUrl: 'https://mcp.example.com/' }, /mcpServer.serverUrl: "https:\/\/mcp.example.com\/" .*trailing slash/],
    [{ routeHost: 'mcp.example.com:8443' }, /mcpServer.routeHost: "mcp.example.com:8443": a Route host carries no port .*use "mcp.example.com"/],
  ])('rejects bad props with the prop named %#', (over, message) => {
    expect(() => build(over as Partial<McpServerProps>)).toThrow(message);
  });

  test('rejects an issuer that is not https', () => {
    expect(() =>
      synthConstruct((c) => {
        new KubernetesMcpServer(c, 'mcp', {
          namespace: 'ns',
          image: { repository: 'quay.io/x/mcp', tag: '1' },
          serverUrl: 'http://mcp.ns.svc:8000',
          auth: {
            issuerUrl: 'http://kc/realms/openshift',
            audience: 'mcp-server',
            stsClientId: 'mcp-server',
            stsAudience: 'openshift',
            stsClientSecret: { secret: Secret.fromSecretName(c, 's', 's'), key: 'k' },
            issuerCa: ConfigMap.fromConfigMapName(c, 'ca', 'ca'),
          },
        });
      }),
    ).toThrow(/mcpServer.auth.issuerUrl: .* must use https/);
  });
});
