import { describe, expect, it } from '@jest/globals';
import { parseStackConfig, StackConfigError } from '../../charts/config.js';
import { referenceInput } from './stack-fixture.js';

/** Parses `input` and returns the problems (fails the test when it parses). */
function problemsOf(input: unknown): string[] {
  try {
    parseStackConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(StackConfigError);
    return (e as StackConfigError).problems.map((p) => `${p.path}: ${p.reason}`);
  }
  throw new Error('expected the config to be rejected');
}

function rejected(mutate: (c: any) => void): string[] {
  const c = referenceInput();
  mutate(c);
  return problemsOf(c);
}

describe('parseStackConfig', () => {
  it('accepts the reference config and applies the defaults', () => {
    const cfg = parseStackConfig(referenceInput());
    expect(cfg.realm.realm).toBe('openshift');
    expect(cfg.realm.clients.map((c) => c.clientId).sort()).toEqual(['mcp-client', 'mcp-server', 'openshift', 'openshift-cli', 'openshift-console']);
    expect(cfg.realm.clientScopes.map((s) => s.name).sort()).toEqual(['groups', 'mcp-server', 'mcp:openshift']);
    expect(cfg.realm.groups.map((g) => g.name)).toEqual(['openshift_admins', 'openshift_developers']);
    expect(cfg.keycloakOperator.channel).toBe('stable-v26.2');
    expect(cfg.openshiftAi.operator.channel).toBe('stable-2.25');
    expect(cfg.mcpServer.replicas).toBe(2);
    expect(cfg.keycloak.database).toMatchObject({ type: 'in-cluster', storageSize: '10Gi', credentialsSecret: 'postgresql-credentials' });
    expect(cfg.mcpInspector.enabled).toBe(false);
  });

  it('is idempotent: a parsed config parses to itself', () => {
    const once = parseStackConfig(referenceInput());
    expect(parseStackConfig(once)).toEqual(once);
  });

  const cases: [string, (c: any) => void, RegExp][] = [
    ['a zero replica count', (c) => (c.mcpServer.replicas = 0), /^mcpServer\.replicas: expected a positive integer$/],
    ['a non-numeric replica count', (c) => (c.mcpServer.replicas = 'two'), /^mcpServer\.replicas: expected a positive integer/],
    [
      'a negative exchange cache age',
      (c) => (c.mcpServer.stsCacheMaxAge = -1),
      /^mcpServer\.stsCacheMaxAge: expected 0 \(exchange on every request\) or more seconds$/,
    ],
    ['an exchange cache age above the server limit', (c) => (c.mcpServer.stsCacheMaxAge = 7200), /^mcpServer\.stsCacheMaxAge: expected at most 3600 seconds/],
    ['an exchange cache age with a unit', (c) => (c.mcpServer.stsCacheMaxAge = '30s'), /^mcpServer\.stsCacheMaxAge: expected a whole number of seconds$/],
    ['a fractional exchange cache age', (c) => (c.mcpServer.stsCacheMaxAge = 1.5), /^mcpServer\.stsCacheMaxAge: expected a whole number of seconds$/],
    ['a malformed OpenShift version', (c) => (c.openshift.version = '4'), /^openshift\.version: expected an OpenShift version "4\.<minor>"/],
    ['a missing openshift section', (c) => delete c.openshift, /^openshift: required/],
    ['a namespace that is not a DNS label', (c) => (c.namespaces.keycloak = 'Red_Hat'), /^namespaces\.keycloak: expected a DNS label/],
    ['a host with a scheme', (c) => (c.hosts = { keycloak: 'https://kc.example.com' }), /^hosts\.keycloak: expected a host name/],
    [
      'an unknown install-plan approval',
      (c) => (c.keycloakOperator.installPlanApproval = 'Sometimes'),
      /^keycloakOperator\.installPlanApproval: expected one of "Automatic", "Manual"/,
    ],
    ['a misspelled field', (c) => (c.mcpServer.replica = 3), /^mcpServer: unknown field\(s\) "replica"/],
    ['an image tagged latest', (c) => (c.mcpServer.image = { repository: 'quay.io/x/mcp', tag: 'latest' }), /^mcpServer\.image\.tag: "latest" is not pinned/],
    [
      'a malformed resource quantity',
      (c) => (c.keycloak.resources = { requests: { cpu: 'lots', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }),
      /^keycloak\.resources\.requests\.cpu: expected a Kubernetes CPU quantity/,
    ],
    [
      'a public client with token exchange',
      (c) => Object.assign(c.realm.clients[1], { publicClient: true, secret: undefined }),
      /^realm\.clients\[1\]\.tokenExchange: client "mcp-server" enables token exchange but is public/,
    ],
    [
      'a client naming an unknown client scope',
      (c) => c.realm.clients[0].optionalClientScopes.push('mcp-srever'),
      /^realm\.clients\[0\]\.optionalClientScopes\[1\]: unknown client scope "mcp-srever"/,
    ],
    [
      'OpenShift 4.19 external OIDC without the acknowledgement',
      (c) => (c.clusterAuth.acknowledgeTechPreviewNoUpgrade = false),
      /^clusterAuth\.acknowledgeTechPreviewNoUpgrade: OpenShift 4\.19 needs FeatureGate TechPreviewNoUpgrade/,
    ],
    ['external OIDC on OpenShift 4.18', (c) => (c.openshift.version = '4.18'), /^openshift\.version: external OIDC needs OpenShift 4\.19 or later/],
    [
      'more audiences than the Authentication API accepts',
      (c) => (c.clusterAuth.audiences = Array.from({ length: 11 }, (_, i) => `aud-${i}`).concat('openshift')),
      /^clusterAuth\.audiences: the Authentication API accepts 1 to 10 audiences, got 12/,
    ],
    [
      'an STS audience the cluster does not accept',
      (c) => (c.mcpServer.stsAudience = 'kubernetes'),
      /^mcpServer\.stsAudience: "kubernetes" is not in clusterAuth\.audiences/,
    ],
    [
      'an STS scope that no client scope defines',
      (c) => (c.mcpServer.stsScopes = ['mcp:kubernetes']),
      /^mcpServer\.stsScopes\[0\]: unknown client scope "mcp:kubernetes"/,
    ],
    [
      'an STS client without token exchange',
      (c) => (c.realm.clients[1].tokenExchange = false),
      /^realm\.clients\[1\]\.tokenExchange: the MCP server's STS client "mcp-server" must enable token exchange/,
    ],
    ['no apps domain and no Keycloak host', (c) => delete c.openshift.appsDomain, /^hosts\.keycloak: required when openshift\.appsDomain is not set/],
    [
      'a public Playground client',
      (c) => Object.assign(c.realm.clients[0], { publicClient: true, secret: undefined }),
      /^realm\.clients\[0\]\.publicClient: the Playground client "mcp-client" must be confidential/,
    ],
    [
      'Llama Stack without the OpenShift AI Llama Stack operator',
      (c) => (c.openshiftAi.components = { dashboard: 'Managed' }),
      /^llamaStack\.enabled: Llama Stack needs OpenShift AI/,
    ],
    [
      'an operator channel whose Keycloak CR version is unknown',
      (c) => (c.keycloakOperator.channel = 'fast'),
      /^keycloakOperator\.channel: cannot tell the Keycloak CR version served by channel "fast" \(expected stable-v<major>\[\.<minor>\]/,
    ],
    ['an admin group the realm does not declare', (c) => (c.clusterAuth.adminGroup = 'admins'), /^clusterAuth\.adminGroup: no realm group "admins"/],
    [
      'a confidential CLI client',
      (c) => Object.assign(c.realm.clients[3], { publicClient: false, secret: { name: 'cli', key: 'clientSecret' } }),
      /^realm\.clients\[3\]\.publicClient: the CLI client "openshift-cli" must be public/,
    ],
    [
      'a DataScienceCluster component the API version lacks',
      (c) => (c.openshiftAi.components = { ...c.openshiftAi.components, notacomponent: 'Managed' }),
      /^openshiftAi\.components\.notacomponent: not a DataScienceCluster v1 component/,
    ],
    [
      'an OpenShift AI channel without a version',
      (c) => (c.openshiftAi.operator.channel = 'fast'),
      /^openshiftAi\.operator\.channel: cannot tell the DataScienceCluster API version/,
    ],
    [
      'a Llama Stack release the operator cannot run',
      (c) => (c.llamaStack.version = '0.7.3'),
      /^llamaStack\.operatorVersion: operator 0\.3\.0 starts the server from run\.yaml/,
    ],
    [
      'a Llama Stack release no e2e run has proven',
      (c) => (c.llamaStack.version = '0.4.1'),
      /^llamaStack\.version: "0\.4\.1" is not a supported Llama Stack release; use one of 0\.2\.22, 0\.7\.3/,
    ],
    [
      'an MCP server Route host with a port',
      (c) => (c.hosts = { mcpServer: 'mcp.example.com:8443' }),
      /^hosts\.mcpServer: a Route host carries no port \(the router serves Routes on 443\); use "mcp\.example\.com"$/,
    ],
    ['a Playground Route host with a port', (c) => (c.hosts = { playground: 'play.example.com:443' }), /^hosts\.playground: a Route host carries no port/],
    [
      'an MCP Inspector proxy Route host with a port',
      (c) => (c.hosts = { mcpInspectorProxy: 'proxy.example.com:8443' }),
      /^hosts\.mcpInspectorProxy: a Route host carries no port/,
    ],
    [
      'a Route host with an upper-case or over-long label',
      (c) => (c.hosts = { mcpServer: `${'a'.repeat(64)}.example.com` }),
      /^hosts\.mcpServer: expected a DNS host name for a Route/,
    ],
    [
      'a derived Route host whose first label exceeds 63 characters',
      (c) => (c.mcpServer = { ...c.mcpServer, name: 'm'.repeat(60) }),
      /^hosts\.mcpServer: the derived Route host "m{60}-mcp-server\.apps\.cluster\.example\.com" breaks the Route CRD's host rule \(first label 71 characters/,
    ],
    [
      'an issuer longer than the Authentication API accepts',
      (c) => (c.realm.realm = 'r'.repeat(500)),
      /^realm\.realm: the issuer https:\/\/keycloak-admin\.apps\.cluster\.example\.com\/realms\/r+ is 5\d\d characters; the Authentication API accepts at most 512/,
    ],
  ];

  it.each(cases)('rejects %s, naming the field', (_name, mutate, expected) => {
    const problems = rejected(mutate);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it('refuses replica counts beyond what Kubernetes stores (int32), naming each field', () => {
    const problems = rejected((c) => {
      c.mcpServer.replicas = 1e12;
      c.keycloak.instances = 2_147_483_648;
      c.playground.replicas = 2_147_483_648;
    });
    for (const path of ['mcpServer.replicas', 'keycloak.instances', 'playground.replicas']) {
      expect(problems).toContain(`${path}: expected at most 2147483647 (Kubernetes stores a replica count as an int32)`);
    }
    const ok = referenceInput();
    ok.mcpServer.replicas = 2_147_483_647;
    expect(parseStackConfig(ok).mcpServer.replicas).toBe(2_147_483_647);
  });

  it('lists every problem at once, one line per problem in the message', () => {
    const c = referenceInput();
    c.mcpServer.replicas = -1;
    c.namespaces.llamaStack = 'LLAMA';
    c.keycloak.instances = 0;
    try {
      parseStackConfig(c);
      throw new Error('not rejected');
    } catch (e) {
      const err = e as StackConfigError;
      expect(err.problems.map((p) => p.path).sort()).toEqual(['keycloak.instances', 'mcpServer.replicas', 'namespaces.llamaStack']);
      expect(err.message.split('\n')).toEqual(
        expect.arrayContaining(['  mcpServer.replicas: expected a positive integer', '  keycloak.instances: expected a positive integer']),
      );
    }
  });

  it('accepts explicit hosts instead of an apps domain, a Keycloak host may carry a port', () => {
    const c = referenceInput();
    delete c.openshift.appsDomain;
    c.hosts = { keycloak: '127.0.0.1:8443', console: 'console.example.com', mcpServer: 'mcp.example.com', playground: 'play.example.com' };
    expect(parseStackConfig(c).hosts.keycloak).toBe('127.0.0.1:8443');
  });

  it('lets the console host carry a port (it is not a Route of the stack)', () => {
    const c = referenceInput();
    c.hosts = { console: 'console.example.com:8443' };
    expect(parseStackConfig(c).hosts.console).toBe('console.example.com:8443');
  });

  it("defaults the MCP server and Playground namespaces to their own, apart from the developers' edit namespace", () => {
    const cfg = parseStackConfig(referenceInput());
    expect(cfg.namespaces).toMatchObject({
      llamaStack: 'llama-stack',
      mcpServer: 'mcp-server',
      playground: 'llama-stack-playground',
      acknowledgeDevelopersReadSecrets: false,
    });
  });

  it.each([
    [
      'mcpServer',
      /^namespaces\.mcpServer: "llama-stack" is the developers' namespace \(clusterAuth\.developerGroup "openshift_developers" has ClusterRole edit in namespaces\.llamaStack\), so every developer could read the MCP server's token-exchange client Secret \(mcpServer\.stsClientSecret "mcp-server-sts"\).*set namespaces\.acknowledgeDevelopersReadSecrets: true/,
    ],
    [
      'playground',
      /^namespaces\.playground: "llama-stack" is the developers' namespace .*could read the Playground's oauth2-proxy Secret "llama-stack-playground-oauth" \(client and cookie secret\)/,
    ],
    ['keycloak', /^namespaces\.keycloak: "llama-stack" is the developers' namespace .*could read the realm client secrets/],
  ])("rejects namespaces.%s equal to the developers' edit namespace, explaining why", (field, expected) => {
    const problems = rejected((c) => (c.namespaces[field] = c.namespaces.llamaStack));
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  it("accepts a shared developers' namespace only with namespaces.acknowledgeDevelopersReadSecrets, and a disabled Playground anywhere", () => {
    const c = referenceInput();
    c.namespaces = { ...c.namespaces, mcpServer: 'llama-stack', playground: 'llama-stack', acknowledgeDevelopersReadSecrets: true };
    expect(parseStackConfig(c).namespaces.mcpServer).toBe('llama-stack');
    const off = referenceInput();
    off.namespaces.playground = 'llama-stack';
    off.playground.enabled = false;
    expect(parseStackConfig(off).namespaces.playground).toBe('llama-stack');
  });

  it('accepts OpenShift 4.20 without the TechPreviewNoUpgrade acknowledgement', () => {
    const c = referenceInput();
    c.openshift.version = '4.20';
    c.clusterAuth.acknowledgeTechPreviewNoUpgrade = false;
    expect(parseStackConfig(c).openshift.version).toBe('4.20');
  });
});
