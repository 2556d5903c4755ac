/**
 * `apply` and `doctor` against a cluster that is not there: a kubeconfig naming
 * https://127.0.0.1:1 (a refused connection, a real socket error, no stub) and an environment
 * without any kubeconfig (HOME an empty directory, KUBECONFIG unset). One line naming the
 * server, the cause and the fix, exit 1 at once — never "not served yet", never a wait.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/main.js';
import { unreachableCause } from '../../cli/kubeconfig.js';

const REFERENCE_CONFIG = resolve('examples/reference.config.ts');
const REFUSED = 'cannot reach the cluster at https://127.0.0.1:1: connection refused (ECONNREFUSED); check the kubeconfig';

let out = '';
let err = '';
const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST };

beforeEach(() => {
  out = '';
  err = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A dist/ of one plain ConfigMap and a kubeconfig pointing at a port nothing listens on. */
function refusedSetup(): { dist: string; kubeconfig: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kms-unreach-'));
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, '0000-cm.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\ndata:\n  a: "1"\n');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: one, context: {cluster: c, user: u}}]\ncurrent-context: one\n',
  );
  return { dist, kubeconfig };
}

/** HOME an empty directory, KUBECONFIG and the in-cluster variable unset. */
function noKubeconfig(): void {
  process.env.HOME = mkdtempSync(join(tmpdir(), 'kms-home-'));
  delete process.env.KUBECONFIG;
  delete process.env.KUBERNETES_SERVICE_HOST;
}

describe('apply against an unreachable cluster', () => {
  it('--dry-run fails at once naming the server and the cause, and reports nothing as "not served yet"', async () => {
    const { dist, kubeconfig } = refusedSetup();
    const code = await main(['node', 'kube-mcp-stack', 'apply', '--dry-run', '--dist', dist, '--kubeconfig', kubeconfig]);
    expect(err).toContain(`kube-mcp-stack apply: ${REFUSED}`);
    expect(err).toContain('oc login');
    expect(err.split('\n').filter((l) => l.startsWith('kube-mcp-stack'))).toHaveLength(1);
    expect(out).not.toContain('not served yet');
    expect(out).not.toContain('would create');
    expect(code).toBe(1);
  });

  it('a real apply ends at once instead of waiting the --wait-timeout (600 s) for kinds to be served', async () => {
    const { dist, kubeconfig } = refusedSetup();
    const t0 = Date.now();
    const code = await main(['node', 'kube-mcp-stack', 'apply', '--dist', dist, '--kubeconfig', kubeconfig, '--wait-timeout', '600']);
    expect(code).toBe(1);
    expect(err).toContain(`kube-mcp-stack apply: ${REFUSED}`);
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 20_000);

  it('without any kubeconfig says so (not a localhost:8080 fallback)', async () => {
    noKubeconfig();
    const { dist } = refusedSetup();
    const code = await main(['node', 'kube-mcp-stack', 'apply', '--dry-run', '--dist', dist]);
    expect(code).toBe(1);
    expect(err).toContain('kube-mcp-stack apply: no kubeconfig found: pass --kubeconfig, set KUBECONFIG or log in (oc login)');
  });
});

describe('doctor against an unreachable cluster', () => {
  it('without any kubeconfig gives the same message as apply', async () => {
    noKubeconfig();
    const code = await main(['node', 'kube-mcp-stack', 'doctor', '--config', REFERENCE_CONFIG]);
    expect(code).toBe(1);
    expect(err).toContain('kube-mcp-stack doctor: no kubeconfig found: pass --kubeconfig, set KUBECONFIG or log in (oc login)');
    expect(err).not.toContain('HTTP protocol is not allowed');
  });

  it('says once that the cluster cannot be reached and skips the cluster checks', async () => {
    const { kubeconfig } = refusedSetup();
    const code = await main(['node', 'kube-mcp-stack', 'doctor', '--config', REFERENCE_CONFIG, '--kubeconfig', kubeconfig]);
    expect(code).toBe(1);
    const fails = out.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toEqual([
      expect.stringMatching(
        /^FAIL cluster: cannot reach https:\/\/127\.0\.0\.1:1: connection refused \(ECONNREFUSED\); the cluster checks were skipped — fix: check the kubeconfig .*oc login/,
      ),
    ]);
    expect(out).not.toContain('Failed to fetch resource metadata');
    expect(err).not.toContain('kube-mcp-stack doctor');
  });
});

describe('unreachableCause', () => {
  it('reads socket, TLS and credential failures as unreachable, and a 404 or 409 as an API answer', () => {
    expect(unreachableCause({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND api.x' })).toBe('host name not found (ENOTFOUND)');
    expect(unreachableCause({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'request to https://x/api failed, reason: self-signed certificate' })).toBe(
      'TLS failure (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate)',
    );
    expect(unreachableCause({ code: 401, message: 'Unauthorized' })).toMatch(/^HTTP 401 Unauthorized/);
    expect(unreachableCause({ code: 403, message: 'Forbidden' })).toMatch(/^HTTP 403 Forbidden/);
    expect(unreachableCause({ code: 403, message: 'Forbidden' }, false)).toBeUndefined();
    expect(unreachableCause({ code: 404, message: 'Not Found' })).toBeUndefined();
    expect(unreachableCause({ code: 409, message: 'Conflict' })).toBeUndefined();
  });
});
