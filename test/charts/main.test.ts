/**
 * main.ts end to end: a bad config exits non-zero, prints every problem as `path: reason`
 * and leaves a previous output directory untouched; a good config replaces it whole.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { lastOutputCopy } from '../../charts/synth.js';
import { scaffold } from '../../cli/init.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'kms-main-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const outdir = join(work, 'dist');
const badConfig = join(work, 'bad.config.ts');
writeFileSync(badConfig, "export default { openshift: { version: '4' }, mcpServer: { replicas: 0 }, namespaces: { keycloak: 'Bad_NS' } };\n");

function run(cmd: string, args: string[], env: Record<string, string>) {
  return spawnSync(cmd, args, { cwd: root, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env }, encoding: 'utf8', timeout: 120_000 });
}

beforeEach(() => {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'previous.k8s.yaml'), 'kind: Previous\n');
});

describe('main.ts', () => {
  it('on a bad config: exits 1, lists every problem by field path, writes nothing', () => {
    const r = run('npx', ['tsx', 'main.ts'], { KMS_CONFIG: badConfig, KMS_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('openshift.version: expected an OpenShift version');
    expect(r.stderr).toContain('mcpServer.replicas: expected a positive integer');
    expect(r.stderr).toContain('namespaces.keycloak: expected a DNS label');
    expect(r.stderr).toContain('realm: required');
    expect(readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
    expect(readFileSync(join(outdir, 'previous.k8s.yaml'), 'utf8')).toBe('kind: Previous\n');
    expect(readdirSync(work).filter((f) => f.includes('-synth-'))).toEqual([]);
  }, 120_000);

  it('through `cdk8s synth` with a scratch --output: exits non-zero and the previous output stays', () => {
    const staging = join(work, 'staging');
    const r = run('npx', ['cdk8s', 'synth', '--output', staging], { KMS_CONFIG: badConfig, KMS_OUTDIR: outdir });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('mcpServer.replicas: expected a positive integer');
    expect(readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
  }, 120_000);

  it('on the reference config: replaces the previous output with the whole stack', () => {
    const r = run('npx', ['tsx', 'main.ts'], { KMS_OUTDIR: outdir });
    expect(r.status).toBe(0);
    const files = readdirSync(outdir);
    expect(files).not.toContain('previous.k8s.yaml');
    expect(files).toContain('0000-keycloak-operator.k8s.yaml');
    expect(files.sort().at(-1)).toMatch(/-cluster-authentication\.k8s\.yaml$/);
    expect(existsSync(`${outdir}.old-${r.pid}`)).toBe(false);
    // the summary names Secrets, never values
    expect(r.stdout).toContain('redhat-keycloak/postgresql-credentials [password] (password)');
  }, 120_000);
});

describe('main.ts with a config module that validates while it loads', () => {
  // examples/reference.config.ts and the documented team config call publicUrls(base) at load time
  const loadTimeTypo = join(work, 'load-time.config.ts');
  writeFileSync(
    loadTimeTypo,
    `import { publicUrls } from ${JSON.stringify(join(root, 'charts', 'index.ts'))};\n` +
      "const base = { openshift: { version: '4.20', appsDomain: 'apps.example.com' }, mcpServer: { replicas: 0, replica: 2 } };\n" +
      'publicUrls(base as never);\nexport default base;\n',
  );

  it('prints the field paths without a stack trace, exits 1 and writes nothing', () => {
    const r = run('npx', ['tsx', 'main.ts'], { KMS_CONFIG: loadTimeTypo, KMS_OUTDIR: outdir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid stack configuration:');
    expect(r.stderr).toContain('mcpServer.replicas: expected a positive integer');
    expect(r.stderr).toContain('mcpServer: unknown field(s) "replica"');
    expect(r.stderr).toContain('nothing was written (');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
  }, 120_000);
});

describe('a team repository from `kube-mcp-stack init`, under `npx cdk8s synth` (output: dist)', () => {
  const lib = JSON.stringify(join(root, 'charts', 'index.ts'));
  const team = join(work, 'my-platform');
  scaffold({ dir: team });
  // the team's own dependencies (cdk8s-cli, tsx, cdk8s, …): the ones installed here; the
  // package itself from its sources (test/package/ runs the same templates from the tarball)
  symlinkSync(join(root, 'node_modules'), join(team, 'node_modules'));
  for (const f of ['stack.config.ts', 'main.ts']) writeFileSync(join(team, f), readFileSync(join(team, f), 'utf8').replace("'kube-mcp-stack'", lib));
  const dist = join(team, 'dist');
  afterAll(() => rmSync(lastOutputCopy(dist)!, { recursive: true, force: true }));
  const teamRun = () =>
    spawnSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], {
      cwd: team,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: undefined },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('the scaffolded cdk8s.yaml points the CLI at dist/ itself', () => {
    expect(readFileSync(join(team, 'cdk8s.yaml'), 'utf8')).toMatch(/^output: dist$/m);
  });

  it('writes dist/ (world-readable) and the CLI lists dist/ files', () => {
    const r = teamRun();
    expect(r.status === 0 ? '' : r.stderr).toBe('');
    expect(r.stdout).toContain('  - dist/0000-keycloak-operator.k8s.yaml');
    expect(r.stdout).not.toContain('.cache');
    expect(readdirSync(dist)).toContain('0000-keycloak-operator.k8s.yaml');
    expect(statSync(dist).mode & 0o777).toBe(0o755);
  }, 180_000);

  it('on a typo in the config: clean field path, no stack trace from the app, dist/ byte-identical though the CLI deleted it', () => {
    const before = Object.fromEntries(readdirSync(dist).map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
    const config = join(team, 'stack.config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace('replicas: 2,', 'replicas: 0,'));
    const r = teamRun();
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('mcpServer.replicas: expected a positive integer');
    // the CLI then reports the app's exit code with its own trace; the app's output has none
    const appOutput = `${r.stdout}${r.stderr}`.split('Error: command "npx tsx main.ts')[0]!;
    expect(appOutput).toContain('nothing was written (dist/ unchanged).');
    expect(appOutput).not.toMatch(/^\s+at /m);
    expect(Object.fromEntries(readdirSync(dist).map((f) => [f, readFileSync(join(dist, f), 'utf8')]))).toEqual(before);
  }, 180_000);
});
