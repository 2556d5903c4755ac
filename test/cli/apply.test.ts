/** `kube-mcp-stack apply` without a cluster: reading dist/, the dry-run diff, the flags (the cluster runs are in test/e2e/apply.e2e.test.ts). */
import { describe, expect, it, jest, afterEach } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectDiff, readDist } from '../../cli/apply.js';
import { pollUntil, type DistObject } from '../../cli/apply-cluster.js';
import { main } from '../../cli/main.js';

afterEach(() => {
  jest.restoreAllMocks();
});

const cm = (data: Record<string, string>, extra: Record<string, unknown> = {}): DistObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', ...extra }, data }) as DistObject;

describe('objectDiff', () => {
  it('is undefined when only server-side bookkeeping differs (resourceVersion, managedFields, generation, status)', () => {
    const live = cm({ a: '1' }, { resourceVersion: '7', managedFields: [{ manager: 'x' }], generation: 3, uid: 'u', creationTimestamp: 't' });
    expect(objectDiff('v1/ConfigMap n/c', { ...live, status: { x: 1 } } as DistObject, cm({ a: '1' }, { resourceVersion: '8' }))).toBeUndefined();
  });

  it('shows only the changed field as -/+ lines, with both sides named', () => {
    const d = objectDiff('v1/ConfigMap n/c', cm({ a: '1', b: '2' }), cm({ a: '1', b: '3' }))!;
    expect(d).toContain('--- v1/ConfigMap n/c (cluster)');
    expect(d).toContain('+++ v1/ConfigMap n/c (after apply)');
    expect(d.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l))).toEqual(['-  b: "2"', '+  b: "3"']);
  });

  it('shows a new object as added lines only', () => {
    const d = objectDiff('v1/ConfigMap n/c', undefined, cm({ a: '1' }))!;
    const body = d.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(body.length).toBeGreaterThan(3);
    expect(body.every((l) => l.startsWith('+'))).toBe(true);
  });
});

describe('readDist', () => {
  it('names a missing directory and says how to make it', async () => {
    await expect(readDist('/nonexistent/dist')).rejects.toThrow('--dist /nonexistent/dist: no such directory (run the synth first: npx tsx main.ts)');
  });

  it('names the file of a YAML error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-apply-'));
    writeFileSync(join(dir, '0000-a.k8s.yaml'), 'apiVersion: v1\nkind: [unclosed\n');
    await expect(readDist(dir)).rejects.toThrow(join(dir, '0000-a.k8s.yaml'));
  });
});

describe('kube-mcp-stack apply flags', () => {
  it('refuses a --wait-timeout that is not a positive integer, naming the option', async () => {
    let stderr = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(['node', 'kube-mcp-stack', 'apply', '--wait-timeout', 'soon']);
    expect(code).toBe(1);
    expect(stderr).toContain("option '--wait-timeout <seconds>' argument 'soon' is invalid. expected a positive integer of seconds, got soon");
  });

  it('stops on an unknown --context before touching a cluster, naming the known ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-apply-'));
    writeFileSync(join(dir, '0000-a.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: mine, context: {cluster: c, user: u}}]\ncurrent-context: mine\n',
    );
    let stderr = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(['node', 'kube-mcp-stack', 'apply', '--dist', dir, '--kubeconfig', kubeconfig, '--context', 'other']);
    expect(code).toBe(1);
    expect(stderr).toContain('kube-mcp-stack apply: --context other: no such context in the kubeconfig (known: mine)');
  });
});

describe('pollUntil', () => {
  it('times out naming what it waited for and the last state seen', async () => {
    let polls = 0;
    const last = () => ({ done: false as const, last: `Ready=False (poll ${++polls})` });
    await expect(pollUntil('Keycloak Ready of k8s.keycloak.org/v2beta1/Keycloak kc/keycloak', async () => last(), 1000, 200)).rejects.toThrow(
      /^timed out after 1s waiting for Keycloak Ready of k8s.keycloak.org\/v2beta1\/Keycloak kc\/keycloak; last seen: Ready=False \(poll \d+\)$/,
    );
    expect(polls).toBeGreaterThan(2);
  });

  it('returns the detail of the first successful poll', async () => {
    let n = 0;
    await expect(pollUntil('x', async () => (++n < 3 ? { done: false, last: 'no' } : { done: true, detail: `after ${n}` }), 5000, 10)).resolves.toBe('after 3');
  });
});
