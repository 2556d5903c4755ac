import { ConfigMap, Secret } from 'cdk8s-plus-28';
import { Playground, playgroundLlamaStackApi, PlaygroundProps } from '../../charts/playground.js';
import { exampleConfig, synthStack } from '../support/stack.js';
import { KubeObject, synthConstruct } from '../support/synth.js';

const ISSUER = 'https://keycloak-admin.apps.example.com/realms/openshift';
function build(over: Partial<PlaygroundProps> = {}): KubeObject[] {
  return synthConstruct((c) => {
    new Playground(c, 'pg', {
      namespace: 'llama-stack',
      image: { repository: 'quay.io/kube-mcp-stack/mcp-server', tag: '0.1.0' },
      oauth2ProxyImage: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: 'v7.15.6' },
      publicUrl: 'https://llama-stack-playground-llama-stack.apps.example.com',
      routeHost: 'llama-stack-playground-llama-stack.apps.example.com',
      redirectUri: 'https://llama-stack-playground-llama-stack.apps.example.com/oauth2/callback',
      issuerUrl: ISSUER,
      llamaStackUrl: 'http://llamastack-with-config-service.llama-stack.svc:8321',
      llamaStackApi: { apiBasePath: '/v1/openai/v1', mcpAuth: 'headers' },
      mcpServerUrl: 'http://kube-mcp-server.kube-mcp.svc:8000/mcp',
      defaultModel: 'llama-4-scout-17b-16e-w4a16',
      oauthSecret: Secret.fromSecretName(c, 's', 'llama-stack-playground-oauth'),
      issuerCa: ConfigMap.fromConfigMapName(c, 'ca', 'keycloak-oidc-ca'),
      issuerCaKey: 'ca-bundle.crt',
      cookieRefresh: '240s',
      endSessionEndpoint: `${ISSUER}/protocol/openid-connect/logout`,
      ...over,
    });
  });
}
const one = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind)!;
const objs = build();
const pod = one(objs, 'Deployment').spec.template.spec;
const proxy = pod.containers.find((c: any) => c.name === 'oauth2-proxy');
const ui = pod.containers.find((c: any) => c.name === 'playground');

describe('Playground', () => {
  test('oauth2-proxy logs in at the realm issuer with keycloak-oidc and PKCE S256', () => {
    expect(proxy.args).toEqual(
      expect.arrayContaining([
        '--provider=keycloak-oidc',
        `--oidc-issuer-url=${ISSUER}`,
        '--client-id=mcp-client',
        '--scope=openid profile email mcp-server',
        '--code-challenge-method=S256',
        '--redirect-url=https://llama-stack-playground-llama-stack.apps.example.com/oauth2/callback',
        '--upstream=http://localhost:8501',
        '--pass-access-token=true',
        '--cookie-expire=15m',
        '--cookie-refresh=240s',
        '--provider-ca-file=/etc/pki/issuer-ca/ca-bundle.crt',
      ]),
    );
  });

  test('only static assets and the health check skip the login; the Streamlit websocket does not', () => {
    const skip = proxy.args.filter((a: string) => a.startsWith('--skip-auth-route='));
    expect(skip).toEqual(['--skip-auth-route=^/(static|health)(/|$)']);
    const pattern = new RegExp(skip[0].split('=')[1]);
    expect(['/static/app.js', '/health'].every((p) => pattern.test(p))).toBe(true);
    expect(['/_stcore/stream', '/', '/healthz-admin'].some((p) => pattern.test(p))).toBe(false);
  });

  test('client secret and cookie secret are two keys of ONE Secret, read from env, never in args', () => {
    const refs = proxy.env.map((e: any) => e.valueFrom.secretKeyRef);
    expect(proxy.env.map((e: any) => e.name)).toEqual(['OAUTH2_PROXY_CLIENT_SECRET', 'OAUTH2_PROXY_COOKIE_SECRET']);
    expect(new Set(refs.map((r: any) => r.name))).toEqual(new Set(['llama-stack-playground-oauth']));
    expect(refs.map((r: any) => r.key)).toEqual(['client-secret', 'cookie-secret']);
    expect(proxy.args.join(' ')).not.toMatch(/client-secret=|cookie-secret=/);
  });

  test("the UI runs the project's Playground app, calling Llama Stack and naming the MCP server in-cluster, with /healthz probes and no env", () => {
    expect(ui.image).toBe('quay.io/kube-mcp-stack/mcp-server:0.1.0');
    expect(ui.command).toEqual(['node', '/app/playground/dist/main.js']);
    expect(ui.args).toEqual([
      '--port=8501',
      '--llama-stack-url=http://llamastack-with-config-service.llama-stack.svc:8321',
      '--api-base-path=/v1/openai/v1',
      '--mcp-server-url=http://kube-mcp-server.kube-mcp.svc:8000/mcp',
      '--mcp-auth=headers',
      '--default-model=llama-4-scout-17b-16e-w4a16',
    ]);
    expect(ui.env).toBeUndefined();
    expect(ui.ports).toEqual([{ name: 'ui', containerPort: 8501, protocol: 'TCP' }]);
    expect(ui.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'ui' });
    expect(ui.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'ui' });
    expect(ui.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(proxy.readinessProbe.httpGet).toEqual({ path: '/ping', port: 'proxy' });
  });

  test.each([
    ['0.2.22', { apiBasePath: '/v1/openai/v1', mcpAuth: 'headers' }],
    ['0.7.3', { apiBasePath: '/v1', mcpAuth: 'authorization' }],
  ])('Llama Stack %s: the Playground calls %j', (version, api) => {
    expect(playgroundLlamaStackApi(version)).toEqual(api);
  });

  test.each(['0.1.9', '0.3.4', '0.4.0', '1.0.0', 'latest'])('Llama Stack %s is refused naming llamaStack.version and the supported releases', (version) => {
    expect(() => playgroundLlamaStackApi(version)).toThrow(/^llamaStack.version: ".*" is not a supported Llama Stack release; use one of 0\.2\.22, 0\.7\.3/);
  });

  test('in the stack the Playground runs the MCP server image and follows the Llama Stack release', () => {
    const args = (cfg = exampleConfig) => {
      const s = synthStack(cfg);
      const dep = s.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === s.model.config.playground.name)!;
      const c = dep.spec.template.spec.containers.find((x: any) => x.name === 'playground');
      return { image: c.image as string, args: c.args as string[], model: s.model };
    };
    const d = args();
    const ms = d.model.config.mcpServer.image;
    expect(d.image).toBe(`${ms.repository}:${ms.tag}`);
    expect(d.args).toEqual(
      expect.arrayContaining([
        '--api-base-path=/v1/openai/v1',
        '--mcp-auth=headers',
        `--mcp-server-url=${d.model.mcpServer.mcpUrl}`,
        `--llama-stack-url=${d.model.llamaStack.service.url}`,
      ]),
    );
    const n = args({ ...exampleConfig, llamaStack: { ...exampleConfig.llamaStack!, version: '0.7.3', operatorVersion: '0.9.0' } });
    expect(n.args).toEqual(expect.arrayContaining(['--api-base-path=/v1', '--mcp-auth=authorization']));
  });

  test('the Service maps 8080 to the proxy port 4180, never to the UI port', () => {
    const svc = one(objs, 'Service');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'proxy', protocol: 'TCP' }]);
    expect(proxy.ports).toEqual([{ name: 'proxy', containerPort: 4180, protocol: 'TCP' }]);
  });

  test('the Route is edge-terminated with an HTTP redirect', () => {
    expect(one(objs, 'Route').spec).toMatchObject({
      host: 'llama-stack-playground-llama-stack.apps.example.com',
      to: { kind: 'Service', name: 'llama-stack-playground' },
      tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
    });
  });

  test('the NetworkPolicy admits only the router, only on the proxy port', () => {
    const np = one(objs, 'NetworkPolicy');
    expect(np.spec.podSelector.matchLabels).toEqual(one(objs, 'Deployment').spec.selector.matchLabels);
    expect(np.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'ingress' } } }], ports: [{ protocol: 'TCP', port: 4180 }] },
    ]);
  });

  test('the ServiceAccount token is not mounted', () => {
    expect(one(objs, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('rejects an http public URL and an unpinned proxy image', () => {
    expect(() => build({ publicUrl: 'http://pg.example.com' })).toThrow(/playground.publicUrl: .* must use https/);
    expect(() => build({ routeHost: 'pg.example.com:8443' })).toThrow(/playground.routeHost: "pg.example.com:8443": a Route host carries no port/);
    expect(() => build({ oauth2ProxyImage: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: 'latest' } })).toThrow(/playground.oauth2ProxyImage.tag/);
  });
});
