/**
 * Revocation within the bound, against the real Keycloak: the MCP server from dist/ (its
 * config.toml, machine-local keys replaced) with the exchange cache on (the default
 * `sts_cache_max_age`, 30 s). A user logged out, then a user disabled, via the admin API loses
 * access within 30 s and stays refused. The realm is this suite's own, so no other suite's
 * users are touched; `configuration_view` needs the exchange but no apiserver trust.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir } from './kube-harness.js';
import { kubeFromState } from './kube/setup.js';
import type { RunningMcpServer } from './kube/mcp-process.js';
import { USERS, userToken, type StackFixture } from './kube/stack-fixture.js';
import { admin as keycloakAdmin } from './realm-fixture.js';
import { startLocalMcpStack } from './support/local-mcp-stack.js';
import { STS_CACHE_MAX_AGE } from '../../mcp-server/src/config/schema.js';

const MINUTE = 60_000;
/** The stack's default `mcpServer.stsCacheMaxAge` (the server's own default), which dist/ writes as sts_cache_max_age. */
const BOUND_MS = STS_CACHE_MAX_AGE.default * 1000;
const keycloak = keycloakFromState();
const kube = kubeFromState();
const adminKc = adminKubeConfig(kube);
const workDir = join(cacheDir(), 'e2e-revocation', `run-${process.pid}`);
let f: StackFixture;
let server: RunningMcpServer;

/** One stateless tools/call of configuration_view: HTTP status and whether the tool ran. */
async function call(token: string): Promise<{ status: number; ok: boolean; challenge?: string | null }> {
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'configuration_view', arguments: {} } }),
  });
  if (res.status !== 200) return { status: res.status, ok: false, challenge: res.headers.get('www-authenticate') };
  const body = (await res.json()) as { result?: { isError?: boolean } };
  return { status: 200, ok: body.result !== undefined && !body.result.isError };
}

/** Calls every second from `since` until one fails; the milliseconds that took. */
async function msUntilRefused(token: string, since: number, limitMs: number): Promise<number> {
  for (;;) {
    const r = await call(token);
    if (!r.ok) {
      expect(r.status).toBe(401);
      expect(r.challenge).toContain('error="invalid_token"');
      return Date.now() - since;
    }
    if (Date.now() - since > limitMs) throw new Error(`still served ${Date.now() - since} ms after the revocation`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  const realm = `kms-e2e-revocation-${process.pid}`;
  ({ f, server } = await startLocalMcpStack({
    keycloak,
    kube,
    workDir,
    vary: (c) => ({ ...c, realm: { ...c.realm, realm } }),
    fieldManager: 'kube-mcp-stack-e2e-revocation',
  }));
}, 5 * MINUTE);

afterAll(async () => {
  await server?.stop();
});

describe('a revoked user loses access within sts_cache_max_age (30 s)', () => {
  const userId = async () => {
    const kc = await keycloakAdmin();
    const [u] = await kc.users.find({ realm: f.model.realm.realm, username: USERS.developer.username, exact: true });
    return { kc, id: u!.id! };
  };

  test(
    'logged out via the admin API: refused within the bound, and stays refused',
    async () => {
      const token = await userToken(f, adminKc, keycloak.caFile, 'developer');
      expect(await call(token)).toEqual({ status: 200, ok: true }); // exchanged and cached
      const { kc, id } = await userId();
      await kc.users.logout({ realm: f.model.realm.realm, id });
      const t0 = Date.now();
      const ms = await msUntilRefused(token, t0, BOUND_MS + 5_000);
      process.stdout.write(`[e2e] revocation: logged-out user refused ${ms} ms after the logout (bound ${BOUND_MS} ms)\n`);
      expect(ms).toBeLessThanOrEqual(BOUND_MS + 2_000);
      for (let i = 0; i < 3; i++) expect((await call(token)).status).toBe(401);
    },
    2 * MINUTE,
  );

  test(
    'disabled via the admin API: refused within the bound, and stays refused',
    async () => {
      const token = await userToken(f, adminKc, keycloak.caFile, 'developer');
      expect(await call(token)).toEqual({ status: 200, ok: true });
      const { kc, id } = await userId();
      await kc.users.update({ realm: f.model.realm.realm, id }, { enabled: false });
      const t0 = Date.now();
      const ms = await msUntilRefused(token, t0, BOUND_MS + 5_000);
      process.stdout.write(`[e2e] revocation: disabled user refused ${ms} ms after disabling (bound ${BOUND_MS} ms)\n`);
      expect(ms).toBeLessThanOrEqual(BOUND_MS + 2_000);
      for (let i = 0; i < 3; i++) expect((await call(token)).status).toBe(401);
    },
    2 * MINUTE,
  );
});
