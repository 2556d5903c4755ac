/**
 * main.ts end to end: a bad config exits non-zero, prints every problem as `path: reason`
 * and leaves a previous output directory untouched; a good config replaces it whole.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';

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
