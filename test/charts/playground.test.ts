import { ConfigMap, Secret } from 'cdk8s-plus-28';
import { Playground, PlaygroundProps } from '../../charts/playground.js';
import { KubeObject, synthConstruct } from '../support/synth.js';

const ISSUER = 'https://keycloak-admin.apps.example.com/realms/openshift';
function build(over: Partial<PlaygroundProps> = {}): KubeObject[] {
  return synthConstruct((c) => {
    new Playground(c, 'pg', {
      namespace: 'llama-stack',
      image: { repository: 'quay.io/sudash/llama-stack-playground-new', tag: '0.2.22' },
      oauth2ProxyImage: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: 'v7.15.6' },
      publicUrl: 'https://llama-stack-playground-llama-stack.apps.example.com',
      routeHost: 'llama-stack-playground-llama-stack.apps.example.com',
      redirectUri: 'https://llama-stack-playground-llama-stack.apps.example.com/oauth2/callback',
      issuerUrl: ISSUER,
      llamaStackUrl: 'http://llamastack-with-config-service.llama-stack.svc:8321',
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

  test('the UI calls Llama Stack in-cluster and has /health probes', () => {
    expect(ui.env).toContainEqual({ name: 'LLAMA_STACK_ENDPOINT', value: 'http://llamastack-with-config-service.llama-stack.svc:8321' });
    expect(ui.env).toContainEqual({ name: 'DEFAULT_MODEL', value: 'llama-4-scout-17b-16e-w4a16' });
    expect(ui.readinessProbe.httpGet).toEqual({ path: '/health', port: 'ui' });
    expect(proxy.readinessProbe.httpGet).toEqual({ path: '/ping', port: 'proxy' });
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
