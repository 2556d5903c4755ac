/**
 * The npm package as a platform team gets it (issue 11): `npm pack` (its `prepack` builds lib/),
 * then from the tarball alone, in fresh temporary folders:
 * - the tarball holds compiled JavaScript, `.d.ts`, the init templates and docs; no tests, no
 *   TypeScript sources, no .git or .cache;
 * - `npm install <tarball>` in an empty folder gives working executables (`--version`);
 * - `npx --package <tarball> kube-mcp-stack init` scaffolds a repository whose
 *   `npm install && npm run synth && npm test` pass with no other step; changing the MCP
 *   server's replica count in stack.config.ts fails exactly one snapshot; an invalid config
 *   leaves the previous dist/ byte-identical.
 * Needs the npm registry (the shared npm cache makes the installs quick when warm). `CI` is
 * removed from the scaffolded repository's environment: jest's `--ci` would refuse to write the
 * first snapshots, as a team's first local `npm test` does.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'kms-package-'));
const env = (() => {
  const e: NodeJS.ProcessEnv = { ...process.env, NPM_CONFIG_FUND: 'false', NPM_CONFIG_AUDIT: 'false', NPM_CONFIG_UPDATE_NOTIFIER: 'false' };
  delete e.CI;
  // npm sets these for `npm test`; a child npm in another folder must not inherit them.
  for (const k of Object.keys(e)) if (k.startsWith('npm_')) delete e[k];
  return e;
})();
let tarball = '';

/** Runs a command; throws with its output when it fails unless `allowFailure`. */
function run(cmd: string, args: readonly string[], cwd: string, allowFailure = false): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600_000 });
  if (!allowFailure && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** sha256 of every file under `dir`, by relative path. */
function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out[f] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

beforeAll(() => {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root).stdout.replace(/^[^[]*/, '')) as { filename: string }[];
  tarball = join(work, packed[0]!.filename);
}, 600_000);
afterAll(() => {
  // npx keeps each tarball's install (~150 MB) under <npm cache>/_npx/<hash>: drop ours.
  const npx = join(run('npm', ['config', 'get', 'cache'], work).stdout.trim(), '_npx');
  for (const d of existsSync(npx) ? readdirSync(npx) : []) {
    const manifest = join(npx, d, 'package.json');
    const packages = existsSync(manifest) ? ((JSON.parse(readFileSync(manifest, 'utf8')) as { _npx?: { packages?: string[] } })._npx?.packages ?? []) : [];
    if (packages.includes(tarball)) rmSync(join(npx, d), { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds compiled JS with .d.ts, the templates and the executables; no tests, sources, .git or .cache', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'README.md',
      'lib/charts/index.js',
      'lib/charts/index.d.ts',
      'lib/charts/oauth2-proxy-release.json',
      'lib/cli/bin.js',
      'lib/mcp-server/src/main.js',
      'lib/playground/src/main.js',
      'lib/playground/public/index.html',
      'templates/init/main.ts',
      'templates/init/package.json.tmpl',
    ]) {
      expect(files).toContain(f);
    }
    // templates/init/ is a team repository's sources (its snapshot test among them), written by init
    const unwanted = files.filter(
      (f) =>
        /(^|\/)(\.git|\.cache|node_modules|__snapshots__)\//.test(f) ||
        (!f.startsWith('templates/') && (/(^|\/)test\/|\.test\.|\.map$/.test(f) || (/\.[mc]?ts$/.test(f) && !f.endsWith('.d.ts')))) ||
        /^(charts|cli|imports|keycloak-realm|secrets|mcp-server|playground|examples|bench|scripts|images|bin)\//.test(f),
    );
    expect(unwanted).toEqual([]);
    const { size } = statSync(tarball);
    process.stderr.write(`[package] ${tarball}: ${size} bytes, ${files.length} files\n`);
  });
});

describe('npm install <tarball> in an empty folder', () => {
  it('gives working executables', () => {
    const dir = mkdtempSync(join(work, 'empty-'));
    run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
    const bin = join(dir, 'node_modules', '.bin');
    expect(run(join(bin, 'kube-mcp-stack'), ['--version'], dir).stdout.trim()).toBe(version);
    expect(run(join(bin, 'kube-mcp-server'), ['--version'], dir).stdout.trim()).toContain(version);
    expect(run(join(bin, 'kube-mcp-playground'), ['--version'], dir).stdout.trim()).toContain(version);
    // compiled JS only: no TypeScript loader in the install (tsx is an optional peer)
    expect(readdirSync(join(dir, 'node_modules'))).not.toContain('tsx');
  }, 600_000);
});

describe('a team repository from `kube-mcp-stack init`', () => {
  it('synthesizes and tests with no other step; one replica change fails exactly one snapshot; a failed synth keeps dist/', () => {
    const repo = join(work, 'team-stack');
    const init = run('npx', ['--yes', '--package', tarball, '--', 'kube-mcp-stack', 'init', repo], work);
    expect(init.stdout).toContain('stack.config.ts');
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['kube-mcp-stack']).toBe(`file:${tarball}`);
    // a second init refuses the now non-empty folder
    const again = run('npx', ['--yes', '--package', tarball, '--', 'kube-mcp-stack', 'init', repo], work, true);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('is not empty');

    run('npm', ['install', '--no-audit', '--no-fund'], repo);
    run('npm', ['run', 'synth'], repo);
    const dist = join(repo, 'dist');
    const files = readdirSync(dist);
    expect(files).toContain('0000-keycloak-operator.k8s.yaml');
    expect(files.some((f) => f.endsWith('-mcp-server.k8s.yaml'))).toBe(true);
    expect(statSync(dist).mode & 0o777).toBe(0o755);
    for (const f of files) expect(statSync(join(dist, f)).mode & 0o777).toBe(0o644);
    const first = run('npm', ['test'], repo);
    expect(`${first.stdout}${first.stderr}`).toMatch(/Snapshots:\s+\d+ written/);
    run('npm', ['run', 'check'], repo);

    const configFile = join(repo, 'stack.config.ts');
    const config = readFileSync(configFile, 'utf8');
    expect(config).toContain('replicas: 2,');
    writeFileSync(configFile, config.replace('replicas: 2,', 'replicas: 3,'));
    const report = join(work, 'jest-report.json');
    const changed = run('npm', ['test', '--', '--ci', '--json', `--outputFile=${report}`], repo, true);
    expect(changed.status).not.toBe(0);
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      snapshot: { unmatched: number };
      testResults: { assertionResults: { title: string; status: string }[] }[];
    };
    expect(results.snapshot.unmatched).toBe(1);
    expect(results.testResults.flatMap((t) => t.assertionResults.filter((a) => a.status === 'failed').map((a) => a.title))).toEqual(['chart mcp-server']);

    const before = digest(dist);
    writeFileSync(configFile, config.replace('replicas: 2,', 'replicas: 0,'));
    const bad = run('npm', ['run', 'synth'], repo, true);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('mcpServer.replicas: expected a positive integer');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(digest(dist)).toEqual(before);
  }, 900_000);
});
