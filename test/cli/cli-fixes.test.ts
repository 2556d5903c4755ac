/**
 * Issue 12 item 6: the CLI prints a config error whole, reads `stack.config.ts` from the working
 * directory by default (naming `--config` when it is absent), answers `--version` on every
 * command, reports an unreadable operator channel on `keycloakOperator.channel`, and
 * `referenceRealm()` checks its options at run time.
 */
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { configPathOf, DEFAULT_CONFIG } from '../../cli/config-load.js';
import { parseStackConfig, StackConfigError } from '../../charts/config.js';
import { referenceRealm } from '../../keycloak-realm/realm-model.js';
import { referenceInput } from '../charts/stack-fixture.js';

const pkgVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

afterEach(() => {
  jest.restoreAllMocks();
});

/** Runs the CLI in-process, collecting stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  const code = await main(['node', 'kube-mcp-stack', ...args]);
  return { code, stdout, stderr };
}

describe('a config error is printed whole', () => {
  let bad: string;
  beforeAll(() => {
    const c = referenceInput();
    c.mcpServer.replicas = 0;
    c.keycloakOperator.channel = 'fast';
    bad = join(mkdtempSync(join(tmpdir(), 'kms-bad-')), 'bad.config.json');
    writeFileSync(bad, JSON.stringify(c));
  });

  it.each([
    ['secrets', 'list'],
    ['realm', 'plan'],
  ])('%s %s lists every `path: reason` line, not just the first', async (cmd, action) => {
    const r = await cli([cmd, action, '--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kube-mcp-stack ${cmd} ${action}: config ${bad}: invalid stack configuration:\n`);
    expect(r.stderr).toContain('  mcpServer.replicas: expected a positive integer\n');
    expect(r.stderr).toMatch(/\n {2}keycloakOperator\.channel: cannot tell the Keycloak CR version served by channel "fast"/);
  });
});

describe('--config defaults to stack.config.ts in the working directory', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it.each([
    ['secrets', 'list'],
    ['realm', 'plan'],
  ])('%s %s without --config and without stack.config.ts names --config and the directory', async (cmd, action) => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-team-'));
    process.chdir(dir);
    const r = await cli([cmd, action]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `kube-mcp-stack ${cmd} ${action}: no --config given and no stack.config.ts in ${dir}: pass --config <path> (e.g. --config examples/reference.config.ts in this repository)\n`,
    );
  });

  it('picks stack.config.ts of the working directory when present, and --config when given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-team-'));
    writeFileSync(join(dir, DEFAULT_CONFIG), 'export default {};\n');
    process.chdir(dir);
    expect(configPathOf(undefined)).toBe('stack.config.ts');
    expect(configPathOf('other.config.ts')).toBe('other.config.ts');
  });
});

describe('--version on every command', () => {
  // Commander already answered a parent's --version after a subcommand; what was missing is the
  // option of each command itself (listed in its --help, so users find it).
  it.each([['secrets'], ['secrets', 'list'], ['secrets', 'ensure'], ['realm'], ['realm', 'plan'], ['realm', 'apply'], ['doctor']])(
    'kube-mcp-stack %s … --help lists -V, --version',
    async (...cmd) => {
      const r = await cli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ {2}-V, --version +print the version \(package\.json\) and exit$/m);
    },
  );

  it.each([['secrets'], ['secrets', 'list'], ['secrets', 'ensure'], ['realm'], ['realm', 'plan'], ['realm', 'apply'], ['doctor']])(
    'kube-mcp-stack %s … --version prints the package version and exits 0',
    async (...cmd) => {
      const r = await cli([...cmd, '--version']);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkgVersion);
    },
  );
});

describe('keycloakOperator.channel', () => {
  it('an unreadable channel is reported on keycloakOperator.channel, not on keycloak.apiVersion', () => {
    const c = referenceInput();
    c.keycloakOperator.channel = 'fast';
    let err: unknown;
    try {
      parseStackConfig(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StackConfigError);
    const paths = (err as StackConfigError).problems.map((p) => p.path);
    expect(paths).toContain('keycloakOperator.channel');
    expect(paths).not.toContain('keycloak.apiVersion');
  });

  it('an explicit keycloak.apiVersion still accepts any channel name', () => {
    const c = referenceInput();
    c.keycloakOperator.channel = 'fast';
    (c.keycloak as { apiVersion?: string }).apiVersion = 'v2beta1';
    expect(parseStackConfig(c).keycloakOperator.channel).toBe('fast');
  });
});

describe('referenceRealm() options are checked at run time', () => {
  const consoleRedirectUri = 'https://console.apps.example.test/auth/callback';

  it('realmName (not an option) fails naming it and the right option, instead of silently giving realm "openshift"', () => {
    const opts = { consoleRedirectUri, realmName: 'corp' } as unknown as Parameters<typeof referenceRealm>[0];
    expect(() => referenceRealm(opts)).toThrow(
      'referenceRealm(): invalid options:\n  (options): unknown option(s) "realmName" (the realm name option is "realm")',
    );
  });

  it('realm: "corp" gives realm corp', () => {
    expect(referenceRealm({ consoleRedirectUri, realm: 'corp' }).realm).toBe('corp');
  });

  it('a malformed option is named by its path', () => {
    const opts = { consoleRedirectUri: 'not a url', clientSecrets: { 'mcp-server': { name: '' } } } as unknown as Parameters<typeof referenceRealm>[0];
    expect(() => referenceRealm(opts)).toThrow(/consoleRedirectUri: expected an absolute URL[\s\S]*clientSecrets\.mcp-server\.(name|key): /);
  });
});

describe('secrets list|ensure pick the cluster like apply and doctor (--kubeconfig, --context)', () => {
  it('read the kubeconfig given and refuse an unknown context, naming the known ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-secrets-kc-'));
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]',
        'users: [{ name: u, user: { token: t } }]',
        'contexts: [{ name: ctx-a, context: { cluster: c, user: u } }]',
        'current-context: ctx-a',
      ].join('\n'),
    );
    for (const action of ['list', 'ensure']) {
      const r = await cli(['secrets', action, '--config', 'examples/reference.config.ts', '--kubeconfig', kubeconfig, '--context', 'nope']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`kube-mcp-stack secrets ${action}: --context nope: no such context in the kubeconfig (known: ctx-a)\n`);
    }
    const missing = await cli(['secrets', 'list', '--config', 'examples/reference.config.ts', '--kubeconfig', join(dir, 'absent.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`kube-mcp-stack secrets list: cannot load kubeconfig ${join(dir, 'absent.yaml')}:`);
  });
});
