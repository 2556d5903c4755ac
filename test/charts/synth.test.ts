import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StackConfigError } from '../../charts/config.js';
import { synthesizeStackTo } from '../../charts/synth.js';
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

  it('replaces the output whole on success and reports the files in apply order', () => {
    const r = synthesizeStackTo(referenceInput(), outdir);
    expect(readdirSync(outdir).sort()).toEqual([...r.files]);
    expect(r.files).not.toContain('previous.k8s.yaml');
    expect(r.files[0]).toBe('0000-keycloak-operator.k8s.yaml');
    expect(readdirSync(work)).toEqual(['dist']);
  });
});
