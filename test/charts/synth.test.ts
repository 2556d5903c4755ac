import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StackConfigError } from '../../charts/config.js';
import { lastOutputCopy, synthesizeStackTo } from '../../charts/synth.js';
import { referenceInput } from './stack-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'kms-synth-'));
const outdir = join(work, 'dist');
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(() => {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir);
  writeFileSync(join(outdir, 'previous.k8s.yaml'), 'kind: Previous\n');
});

describe('synthesizeStackTo', () => {
  it('throws StackConfigError and leaves the previous output for an invalid config', () => {
    const c = referenceInput();
    c.mcpServer.replicas = 0;
    expect(() => synthesizeStackTo(c, outdir)).toThrow(StackConfigError);
    expect(readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
    expect(readdirSync(work)).toEqual(['dist']);
  });

  it('refuses an output folder holding anything it did not write (KMS_OUTDIR=. would delete a repository), and writes nothing', () => {
    writeFileSync(join(outdir, 'notes.txt'), 'keep\n');
    mkdirSync(join(outdir, '.git'));
    expect(() => synthesizeStackTo(referenceInput(), outdir)).toThrow(/holds \.git\/, notes\.txt, which synthesis did not write.*choose a new or empty folder/);
    expect(readdirSync(outdir).sort()).toEqual(['.git', 'notes.txt', 'previous.k8s.yaml']);
    expect(readFileSync(join(outdir, 'notes.txt'), 'utf8')).toBe('keep\n');
    expect(readdirSync(work)).toEqual(['dist']);
  });

  it('replaces the output whole on success and reports the files in apply order', () => {
    const r = synthesizeStackTo(referenceInput(), outdir);
    expect(readdirSync(outdir).sort()).toEqual([...r.files]);
    expect(r.files).not.toContain('previous.k8s.yaml');
    expect(r.files[0]).toBe('0000-keycloak-operator.k8s.yaml');
    expect(readdirSync(work)).toEqual(['dist']);
  });

  it('also copies the result to CDK8S_OUTDIR (the cdk8s CLI output) when that is another directory', () => {
    const cliOut = join(work, 'cli-out');
    process.env.CDK8S_OUTDIR = cliOut;
    try {
      const r = synthesizeStackTo(referenceInput(), outdir);
      expect(r.cliOutdir).toBe(cliOut);
      expect(readdirSync(cliOut).sort()).toEqual([...r.files]);
      // the same directory is not copied onto itself
      process.env.CDK8S_OUTDIR = outdir;
      expect(synthesizeStackTo(referenceInput(), outdir).cliOutdir).toBeUndefined();
    } finally {
      delete process.env.CDK8S_OUTDIR;
      rmSync(cliOut, { recursive: true, force: true });
    }
  });

  it('leaves CDK8S_OUTDIR alone for an invalid config', () => {
    const cliOut = join(work, 'cli-out');
    process.env.CDK8S_OUTDIR = cliOut;
    try {
      const c = referenceInput();
      c.mcpServer.replicas = 0;
      expect(() => synthesizeStackTo(c, outdir)).toThrow(StackConfigError);
      expect(existsSync(cliOut)).toBe(false);
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
  });
});

describe('synthesizeStackTo: the output as build output, also under the cdk8s CLI', () => {
  it('writes directories 0755 and files 0644 (not mkdtemp 0700)', () => {
    const r = synthesizeStackTo(referenceInput(), outdir);
    expect(statSync(outdir).mode & 0o777).toBe(0o755);
    for (const f of r.files) expect(statSync(join(outdir, f)).mode & 0o777).toBe(0o644);
  });

  it('puts the last output back, byte for byte, when the CLI deleted it (CDK8S_OUTDIR = outdir) and the synth fails', () => {
    const project = mkdtempSync(join(work, 'project-'));
    mkdirSync(join(project, 'node_modules'));
    const dist = join(project, 'dist');
    process.env.CDK8S_OUTDIR = dist;
    try {
      const good = synthesizeStackTo(referenceInput(), dist);
      const copy = lastOutputCopy(dist)!;
      expect(copy.startsWith(join(project, 'node_modules', '.cache', 'kube-mcp-stack'))).toBe(true);
      const before = Object.fromEntries(good.files.map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
      rmSync(dist, { recursive: true }); // what `cdk8s synth` does before it runs the app
      const c = referenceInput();
      c.mcpServer.replicas = 0;
      expect(() => synthesizeStackTo(c, dist)).toThrow(StackConfigError);
      expect(Object.fromEntries(readdirSync(dist).map((f) => [f, readFileSync(join(dist, f), 'utf8')]))).toEqual(before);
      // the copy follows the last success only
      expect(readdirSync(copy).sort()).toEqual([...good.files]);
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
  });
});
