import { describe, expect, it } from '@jest/globals';
import { deriveModel, publicUrls } from '../../charts/model.js';
import { referenceInput, synthStack } from './stack-fixture.js';

describe('deriveModel', () => {
  it('derives the reference hosts from the apps domain', () => {
    const m = deriveModel(referenceInput());
    expect(m.hosts).toEqual({
      keycloak: 'keycloak-admin.apps.cluster.example.com',
      console: 'console-openshift-console.apps.cluster.example.com',
      mcpServer: 'ocp-mcp-server-mcp-server.apps.cluster.example.com',
      playground: 'llama-stack-playground-llama-stack-playground.apps.cluster.example.com',
      mcpInspector: undefined,
      mcpInspectorProxy: undefined,
    });
  });

  it('builds the issuer once as <https keycloak base>/realms/<realm> and the endpoints under it', () => {
    const m = deriveModel(referenceInput());
    expect(m.keycloak.baseUrl).toBe('https://keycloak-admin.apps.cluster.example.com');
    expect(m.oidc.issuer).toBe('https://keycloak-admin.apps.cluster.example.com/realms/openshift');
    expect(m.oidc.jwksUri).toBe(`${m.oidc.issuer}/protocol/openid-connect/certs`);
    expect(m.oidc.tokenEndpoint).toBe(`${m.oidc.issuer}/protocol/openid-connect/token`);
  });

  it('keeps an explicit Keycloak host with its port in the issuer', () => {
    const c = referenceInput();
    delete c.openshift.appsDomain;
    c.hosts = { keycloak: '127.0.0.1:8443', console: 'console.example.com', mcpServer: 'mcp.example.com', playground: 'play.example.com' };
    const m = deriveModel(c);
    expect(m.oidc.issuer).toBe('https://127.0.0.1:8443/realms/openshift');
    expect(m.playground.redirectUri).toBe('https://play.example.com/oauth2/callback');
  });

  it('gives the MCP server its Route host and server_url: the Route origin, or the in-cluster Service URL without a Route', () => {
    const routed = deriveModel(referenceInput());
    expect(routed.mcpServer.routeHost).toBe('ocp-mcp-server-mcp-server.apps.cluster.example.com');
    expect(routed.mcpServer.serverUrl).toBe('https://ocp-mcp-server-mcp-server.apps.cluster.example.com');
    const c = referenceInput();
    c.mcpServer = { ...c.mcpServer, route: false };
    const internal = deriveModel(c);
    expect(internal.mcpServer.routeHost).toBeUndefined();
    expect(internal.mcpServer.serverUrl).toBe('http://ocp-mcp-server.mcp-server.svc:8000');
  });

  it('exposes Route hosts without a scheme for the Playground and the MCP Inspector', () => {
    const c = referenceInput();
    c.mcpInspector = { enabled: true };
    const m = deriveModel(c);
    expect(m.playground.routeHost).toBe('llama-stack-playground-llama-stack-playground.apps.cluster.example.com');
    expect(m.mcpInspector.routeHost).toBe('mcp-inspector-mcp-server.apps.cluster.example.com');
    expect(m.mcpInspector.proxyRouteHost).toBe('mcp-inspector-proxy-mcp-server.apps.cluster.example.com');
  });

  it('derives in-cluster Service URLs, the MCP SSE endpoint Llama Stack uses, and the Llama Stack Service', () => {
    const m = deriveModel(referenceInput());
    expect(m.mcpServer.service.url).toBe('http://ocp-mcp-server.mcp-server.svc:8000');
    expect(m.mcpServer.sseUrl).toBe('http://ocp-mcp-server.mcp-server.svc:8000/sse');
    expect(m.llamaStack.service.url).toBe('http://llamastack-with-config-service.llama-stack.svc:8321');
    expect(m.keycloak.database.host).toBe('postgresql.redhat-keycloak.svc');
  });

  it('adds the derived console and Playground redirect URIs to their realm clients exactly once', () => {
    const m = deriveModel(referenceInput());
    const client = (id: string) => m.realm.clients.find((c) => c.clientId === id)!;
    expect(client('openshift-console').redirectUris).toEqual(['https://console-openshift-console.apps.cluster.example.com/auth/callback']);
    expect(client('mcp-client').redirectUris).toEqual(['https://llama-stack-playground-llama-stack-playground.apps.cluster.example.com/oauth2/callback']);
  });

  it('publicUrls() gives a config module the same URLs the model derives', () => {
    const { realm: _realm, ...rest } = referenceInput();
    const urls = publicUrls(rest);
    const m = deriveModel(referenceInput());
    expect(urls.consoleRedirectUri).toBe(m.clusterAuth.consoleRedirectUri);
    expect(urls.playgroundRedirectUri).toBe(m.playground.redirectUri);
  });

  it('gives the MCP server and the Playground their own namespaces by default, with their Secrets there', () => {
    const m = deriveModel(referenceInput());
    expect(m.namespaces).toMatchObject({ llamaStack: 'llama-stack', mcpServer: 'mcp-server', playground: 'llama-stack-playground' });
    expect(m.mcpServer.stsClientSecret.namespace).toBe('mcp-server');
    expect(m.mcpInspector.namespace).toBe('mcp-server');
    expect([m.playground.namespace, m.playground.clientSecret.namespace, m.playground.cookieSecret.namespace]).toEqual(Array(3).fill('llama-stack-playground'));
    expect(m.namespaces).not.toHaveProperty('acknowledgeDevelopersReadSecrets');
  });

  it('puts the issuer CA in openshift-config and in the MCP server, Llama Stack and Playground namespaces', () => {
    const c = referenceInput();
    c.namespaces.mcpServer = 'mcp';
    const m = deriveModel(c);
    expect(m.issuerCa.namespaces).toEqual(['openshift-config', 'mcp', 'llama-stack', 'llama-stack-playground']);
    expect(m.mcpServer.stsClientSecret.namespace).toBe('mcp');
    c.playground.enabled = false;
    expect(deriveModel(c).issuerCa.namespaces).toEqual(['openshift-config', 'mcp', 'llama-stack']);
  });

  it('picks the Keycloak CR API version from the operator channel', () => {
    const c = referenceInput();
    expect(deriveModel(c).keycloak.apiVersion).toBe('v2alpha1');
    c.keycloakOperator.channel = 'stable-v26.6';
    expect(deriveModel(c).keycloak.apiVersion).toBe('v2beta1');
    c.keycloak.apiVersion = 'v2alpha1';
    expect(deriveModel(c).keycloak.apiVersion).toBe('v2alpha1');
  });

  it('emits the FeatureGate only for 4.19 with external OIDC', () => {
    const c = referenceInput();
    expect(deriveModel(c).clusterAuth.featureGate).toBe(true);
    c.openshift.version = '4.20';
    expect(deriveModel(c).clusterAuth.featureGate).toBe(false);
  });
});

describe('one issuer string everywhere', () => {
  it('the Keycloak hostname, the Authentication issuer, the MCP server, Llama Stack and oauth2-proxy all use the model issuer', () => {
    const { model, charts } = synthStack();
    const issuer = model.oidc.issuer;
    const all = JSON.stringify([...charts.values()]);
    // every URL under the Keycloak host found anywhere in the output starts with the issuer or is the base URL itself
    const urls = new Set(all.match(/https:\/\/keycloak-admin\.apps\.cluster\.example\.com[^"\s\\]*/g) ?? []);
    for (const url of urls) expect(url === model.keycloak.baseUrl || url.startsWith(issuer)).toBe(true);

    const kc = charts.get('keycloak')!.find((o) => o.kind === 'Keycloak')!;
    expect(`${kc.spec.hostname.hostname}/realms/${model.realm.realm}`).toBe(issuer);
    const auth = charts.get('cluster-authentication')!.find((o) => o.kind === 'Authentication')!;
    expect(auth.spec.oidcProviders[0].issuer.issuerURL).toBe(issuer);
    const mcpToml = charts.get('mcp-server')!.find((o) => o.kind === 'ConfigMap')!.data['config.toml'] as string;
    expect(mcpToml).toContain(`authorization_url = "${issuer}"`);
    const runConfig = JSON.stringify(charts.get('llama-stack')!.filter((o) => o.kind === 'ConfigMap'));
    expect(runConfig).toContain(`issuer: ${issuer}`);
    const proxyArgs = JSON.stringify(charts.get('playground')!.find((o) => o.kind === 'Deployment'));
    expect(proxyArgs).toContain(`--oidc-issuer-url=${issuer}`);
  });
});

describe('publicUrls', () => {
  it('throws a StackConfigError naming the field for invalid sections', () => {
    const { realm: _realm, ...rest } = referenceInput();
    rest.openshift.appsDomain = 'Not A Domain';
    expect(() => publicUrls(rest)).toThrow(/openshift\.appsDomain: expected a DNS domain/);
  });
});
