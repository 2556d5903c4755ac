import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, validateConfig } from '../../src/config/load.js';
import { parseCli } from '../../src/cli.js';
import { mcpServerConfigToml } from '../../../charts/mcp-server-config.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-config-'));
const secretFile = join(dir, 'secret');
writeFileSync(secretFile, 's3cret\n');
const caFile = join(dir, 'ca.crt');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const exchange = {
  sts_client_id: 'mcp-server',
  sts_audience: 'openshift',
  sts_client_secret_file: secretFile,
  authorization_url: 'https://kc.example/realms/openshift',
};

describe('config file', () => {
  it('applies the Go server defaults when the file is empty', () => {
    const c = loadConfig(file('empty.toml', ''));
    expect(c.port).toBeUndefined();
    expect(c).toMatchObject({
      list_output: 'table',
      toolsets: ['core', 'config', 'helm'],
      read_only: false,
      disable_destructive: false,
      require_oauth: false,
      allow_secret_values: false,
      denied_resources: [],
    });
  });

  it('accepts port as a string (as the Go server writes it) or a number', () => {
    expect(loadConfig(file('p1.toml', 'port = "8000"')).port).toBe(8000);
    expect(loadConfig(file('p2.toml', 'port = 8000')).port).toBe(8000);
  });

  it('accepts the reference deployment file once its unquoted secret is fixed', () => {
    const c = loadConfig(
      file(
        'reference.toml',
        `port = "8000"
cluster_provider_strategy = "in-cluster"
log_level = 9
list_output = "table"
toolsets = ["core", "config", "helm"]
read_only = false
disable_destructive = false
require_oauth = true
authorization_url = "https://keycloak-admin.apps.example.com/realms/openshift"
oauth_scopes = ["openid", "mcp-server"]
sts_client_id = "mcp-server"
sts_client_secret = "quoted-now"
sts_audience = "openshift"
sts_scopes = ["mcp:openshift"]
certificate_authority = "${caFile}"
oauth_audience = "account"
validate_token = false
`,
      ),
    );
    expect(c).toMatchObject({
      port: 8000,
      log_level: 9,
      require_oauth: true,
      oauth_audience: 'account',
      stsSecret: 'quoted-now',
      sts_scopes: ['mcp:openshift'],
    });
  });

  it('accepts exactly what the chart generator (charts/mcp-server-config.ts) emits', () => {
    const toml = mcpServerConfigToml({
      port: 8000,
      authorizationUrl: 'https://kc.example/realms/openshift',
      serverUrl: 'https://mcp.apps.example.com',
      oauthAudience: 'mcp-server',
      oauthScopes: ['openid', 'mcp-server'],
      tokenExchange: { clientId: 'mcp-server', audience: 'openshift', scopes: ['mcp:openshift'], clientSecretFile: secretFile },
      certificateAuthority: caFile,
      deniedResources: [{ group: '', version: 'v1', kind: 'Secret' }],
    });
    const c = loadConfig(file('chart.toml', toml));
    expect(c).toMatchObject({
      port: 8000,
      require_oauth: true,
      validate_token: true,
      denied_resources: [{ group: '', version: 'v1', kind: 'Secret' }],
      stsSecret: 's3cret',
    });
  });

  it('reads denied_resources as an array of tables, kind optional as in the Go server', () => {
    const c = loadConfig(
      file(
        'deny.toml',
        '[[denied_resources]]\ngroup = ""\nversion = "v1"\nkind = "Secret"\n[[denied_resources]]\ngroup = "rbac.authorization.k8s.io"\nversion = "v1"\n',
      ),
    );
    expect(c.denied_resources).toEqual([
      { group: '', version: 'v1', kind: 'Secret' },
      { group: 'rbac.authorization.k8s.io', version: 'v1', kind: '' },
    ]);
  });

  it('refuses an unknown key, naming it', () => {
    expect(problemsOf(() => loadConfig(file('unknown.toml', 'port = "8000"\nrequire_oauht = true')))).toEqual([expect.stringContaining('"require_oauht"')]);
  });

  it('refuses a wrong type, naming the key', () => {
    expect(problemsOf(() => loadConfig(file('type.toml', 'read_only = "yes"')))).toEqual([expect.stringMatching(/^read_only: /)]);
    expect(problemsOf(() => loadConfig(file('type2.toml', 'toolsets = ["core", "kubevirt"]')))).toEqual([expect.stringMatching(/^toolsets\.1: /)]);
    expect(problemsOf(() => loadConfig(file('type3.toml', '[[denied_resources]]\ngroup = ""\nversion = "v1"\nkinds = "Secret"')))).toEqual([
      expect.stringContaining('"kinds"'),
    ]);
  });

  it('reports a TOML syntax error with its line', () => {
    expect(problemsOf(() => loadConfig(file('syntax.toml', 'port = "8000"\nsts_client_secret = abc\n')))).toEqual([expect.stringMatching(/line 2/)]);
  });

  it('refuses a server_url that would not give exactly server_url + "/mcp"', () => {
    expect(problemsOf(() => validateConfig({ server_url: 'https://mcp.example/' }))).toEqual([expect.stringMatching(/^server_url: must not end with "\/"/)]);
  });
});

describe('fail closed at start-up', () => {
  it.each([
    ['sts_client_id without sts_audience', { ...exchange, sts_audience: undefined }, /sts_audience is missing/],
    ['sts_audience without sts_client_id', { ...exchange, sts_client_id: undefined }, /sts_client_id is missing/],
    ['an exchange client without a secret', { ...exchange, sts_client_secret_file: undefined }, /sts_client_secret_file \(or sts_client_secret\) is missing/],
    ['only sts_scopes', { sts_scopes: ['mcp:openshift'] }, /sts_client_id is missing/],
    ['require_oauth without oauth_audience', { ...exchange, require_oauth: true }, /oauth_audience is missing/],
    [
      'require_oauth without any exchange configuration',
      { require_oauth: true, oauth_audience: 'mcp-server', authorization_url: 'https://kc.example/realms/x' },
      /sts_client_id is missing \(require_oauth = true needs the token exchange\)/,
    ],
    ['both secret and secret file', { ...exchange, sts_client_secret: 'x' }, /both set/],
  ])('refuses %s', (_name, raw, message) => {
    expect(problemsOf(() => validateConfig(raw as Record<string, unknown>)).join('\n')).toMatch(message);
  });

  it('refuses an unreadable secret file, naming the key and the path', () => {
    expect(problemsOf(() => validateConfig({ ...exchange, sts_client_secret_file: join(dir, 'nope') }))).toEqual([
      expect.stringMatching(/^sts_client_secret_file: cannot read .*nope \(ENOENT\)/),
    ]);
  });

  it('never puts the secret value into an error message', () => {
    const msg = problemsOf(() =>
      validateConfig({ ...exchange, sts_client_secret_file: undefined, sts_client_secret: 'hunter2', sts_audience: undefined }),
    ).join('\n');
    expect(msg).not.toContain('hunter2');
  });

  it('trims the secret file content (mounted Secrets often end with a newline)', () => {
    expect(validateConfig({ ...exchange }).stsSecret).toBe('s3cret');
  });
});

describe('command line', () => {
  it('lets flags override file keys', () => {
    const path = file('flags.toml', 'port = "8000"\nread_only = true\nlist_output = "table"\ntoolsets = ["core"]');
    const cli = parseCli(['--config', path, '--port', '9000', '--no-read-only', '--list-output', 'yaml', '--toolsets', 'core,helm']);
    expect(cli.overrides).toEqual({ port: '9000', read_only: false, list_output: 'yaml', toolsets: ['core', 'helm'] });
    expect(loadConfig(cli.configPath, cli.overrides)).toMatchObject({ port: 9000, read_only: false, list_output: 'yaml', toolsets: ['core', 'helm'] });
  });

  it('leaves file keys alone when no flag is given', () => {
    expect(parseCli(['--config', 'x.toml']).overrides).toEqual({});
  });
});
