/**
 * The parts of `kube-mcp-stack doctor` that need no cluster: the image reference check, the
 * report line and the kubeconfig/context errors. The checks against a cluster run on the real
 * kube-apiserver harness (test/e2e/doctor.e2e.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveModel } from '../../charts/model.js';
import { checkImage, formatCheck } from '../../cli/doctor.js';
import { loadKubeConfig } from '../../cli/kubeconfig.js';
import { referenceInput } from '../charts/stack-fixture.js';

const withImage = (repository: string, tag: string) => {
  const c = referenceInput();
  c.mcpServer.image = { repository, tag };
  return deriveModel(c);
};

describe('doctor: mcp server image', () => {
  it('accepts the default release image and a digest', () => {
    expect(checkImage(deriveModel(referenceInput())).status).toBe('OK');
    expect(checkImage(withImage('quay.io/team/mcp', `sha256:${'a'.repeat(64)}`))).toMatchObject({ status: 'OK' });
  });

  it.each([
    ['quay.io/Team/mcp', '1.0', 'repository name must be lowercase'],
    ['quay.io/team//mcp', '1.0', 'invalid reference format'],
    ['quay.io/team/mcp', 'sha256:abc', 'invalid reference format'],
    ['quay.io/team/mcp', 'bad tag!', 'invalid reference format'],
  ])('FAILs %s with tag %s (%s)', (repo, tag, reason) => {
    const r = checkImage(withImage(repo, tag));
    expect(r.status).toBe('FAIL');
    expect(r.detail).toContain(reason);
  });

  it('WARNs for a reference without a registry host', () => {
    expect(checkImage(withImage('team/mcp', '1.0')).status).toBe('WARN');
  });
});

describe('doctor: report lines and kubeconfig', () => {
  it('prints the fix only for WARN and FAIL', () => {
    expect(formatCheck({ check: 'x', status: 'OK', detail: 'fine', fix: 'n/a' })).toBe('OK   x: fine');
    expect(formatCheck({ check: 'x', status: 'FAIL', detail: 'broken', fix: 'mend it' })).toBe('FAIL x: broken — fix: mend it');
  });

  it('names a missing kubeconfig file and an unknown context', () => {
    expect(() => loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(/^cannot load kubeconfig \/nonexistent\/kubeconfig: ENOENT/);
    const file = join(mkdtempSync(join(tmpdir(), 'kms-kc-')), 'config');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: one, context: {cluster: c, user: u}}]\ncurrent-context: one\n',
    );
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'two' })).toThrow('--context two: no such context in the kubeconfig (known: one)');
    expect(loadKubeConfig({ kubeconfig: file, context: 'one' }).getCurrentContext()).toBe('one');
  });
});
