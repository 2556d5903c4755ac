/**
 * Forged and misused tokens against the real Keycloak and a real kube-apiserver: the MCP server
 * from dist/ (its config.toml, machine-local keys replaced; `mcpServer.stsCacheMaxAge` = 2 s, so
 * revoked users are seen after a short cache window) with its own realm, and an apiserver of
 * this suite only, which trusts that realm and writes an audit log.
 *
 * Every case sends one `tools/call namespaces_list` and asserts the HTTP status, the
 * `WWW-Authenticate` challenge (error code and `resource_metadata`), that no token was exchanged
 * (`mcp_token_exchanges_total`, `mcp_token_exchange_cache_hits_total`) and that nothing reached
 * Kubernetes: `mcp_kubernetes_requests_total` of the server and the apiserver's own audit log (events
 * of anyone but the harness admin and the apiserver's system users). Cases that only Keycloak can
 * refuse (revoked users, an `exp` within the verifier's 30 s leeway) assert exactly one refused
 * exchange instead. Controls show the counters do move: a real token and a token signed with a
 * key imported into the realm both reach the apiserver as the user.
 *
 * Tokens signed by the realm (for the claim cases) use an RSA key this suite imports into the
 * realm as a passive key (published in its JWKS, never used by Keycloak to sign): only its claims
 * differ from a valid token's.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, sign, constants, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deriveModel } from '../../charts/model.js';
import type { StackConfig } from '../../charts/config.js';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir, startKube, stopKube, waitForJwtAuthenticator, type KubeState } from './kube-harness.js';
import { kubeOptionsFor } from './kube/setup.js';
import type { RunningMcpServer } from './kube/mcp-process.js';
import { harnessStackConfig, type HarnessUser } from './kube/stack-config.js';
import { kubeToken, readSecret, realmClient, USERS, type StackFixture } from './kube/stack-fixture.js';
import { caFetch, passwordGrant } from './kube/tokens.js';
import { admin as keycloakAdmin } from './realm-fixture.js';
import { startLocalMcpStack } from './support/local-mcp-stack.js';

const MINUTE = 60_000;
/** `mcpServer.stsCacheMaxAge` of this suite's stack, seconds: the revoked-user cases wait this long. */
const CACHE_MAX_AGE = 2;
/** The harness admin's client certificate CN (test/e2e/kube/pki.ts): its audit events are the suite's own. */
const HARNESS_ADMIN = 'kube-mcp-stack-e2e-admin';
const keycloak = keycloakFromState();
const REALM = `kms-e2e-forged-${process.pid}`;
const base = join(cacheDir(), 'e2e-forged');
const workDir = join(base, `run-${process.pid}`);

/** Users beyond the suite's developer and admin: one per revocation kind (each in the developer group). */
const user = (username: string): HarnessUser => ({
  username,
  email: `${username}@example.com`,
  emailVerified: true,
  firstName: 'Forged',
  lastName: 'E2e',
  groups: ['openshift_developers'],
  password: { name: `${username}-password`, key: 'password' },
});
const REVOKED = { disabled: user('e2e-disabled'), deleted: user('e2e-deleted'), loggedOut: user('e2e-logged-out') };

const vary = (c: StackConfig): StackConfig => ({
  ...c,
  realm: { ...c.realm, realm: REALM, users: [...(c.realm.users ?? []), ...Object.values(REVOKED)] },
  mcpServer: { ...c.mcpServer, stsCacheMaxAge: CACHE_MAX_AGE },
});

let kube: KubeState;
let f: StackFixture;
let server: RunningMcpServer;
/** The key imported into the realm: its kid and private key. */
let realmSigner: { kid: string; key: KeyObject };
/** Requests the attacker's key server (jku/x5u targets) received. */
const attackerHits: string[] = [];
let attacker: Server;
let attackerUrl: string;

// ---------------------------------------------------------------------------------------------
// Tokens

const b64u = (v: string | Buffer) => Buffer.from(v).toString('base64url');
const json = (v: unknown) => b64u(JSON.stringify(v));
const now = () => Math.floor(Date.now() / 1000);

type Signer = { alg: 'none' } | { alg: 'HS256' | 'HS512'; secret: string | Buffer } | { alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA'; key: KeyObject };

/** A compact JWS of exactly this header and payload (no library in the way of a malformed one). */
function jws(header: Record<string, unknown>, payload: unknown, s: Signer): string {
  const input = `${json(header)}.${typeof payload === 'string' ? b64u(payload) : json(payload)}`;
  const data = Buffer.from(input);
  let sig: Buffer;
  switch (s.alg) {
    case 'none':
      sig = Buffer.alloc(0);
      break;
    case 'HS256':
    case 'HS512':
      sig = createHmac(s.alg === 'HS256' ? 'sha256' : 'sha512', s.secret)
        .update(data)
        .digest();
      break;
    case 'RS256':
      sig = sign('sha256', data, s.key);
      break;
    case 'PS256':
      sig = sign('sha256', data, { key: s.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      break;
    case 'ES256':
      sig = sign('sha256', data, { key: s.key, dsaEncoding: 'ieee-p1363' });
      break;
    case 'EdDSA':
      sig = sign(null, data, s.key);
      break;
  }
  return `${input}.${b64u(sig)}`;
}

/** A JWT's three parts, decoded header and payload. */
function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; sig: string } {
  const [h, p, sig] = token.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()), sig: sig! };
}

/** `token` with its header replaced (its payload and signature kept). */
function withHeader(token: string, header: Record<string, unknown>): string {
  const [, p, sig] = token.split('.');
  return `${json(header)}.${p}.${sig}`;
}

/** `token` with its payload replaced (its header and signature kept). */
function withPayload(token: string, payload: Record<string, unknown>): string {
  const [h, , sig] = token.split('.');
  return `${h}.${json(payload)}.${sig}`;
}

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const own = { rsa: rsa(), ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, ed: generateKeyPairSync('ed25519').privateKey };
const ownJwk = (k: KeyObject, kid?: string) => ({ ...createPublicKey(k).export({ format: 'jwk' }), ...(kid ? { kid } : {}), use: 'sig' });

/** Material gathered once from the real Keycloak. */
interface Material {
  /** A valid access token of the developer (password grant at mcp-client, scope `openid mcp-server`). */
  access: string;
  refresh: string;
  id: string;
  /** The developer's access token without the `mcp-server` scope (no `mcp-server` audience). */
  noAudience: string;
  /** What the MCP server exchanges the access token for (audience `openshift`, azp `mcp-server`). */
  exchanged: string;
  /** An access token of the master realm (admin-cli), signed by Keycloak for another issuer. */
  master: string;
  /** Kid and PEM (SPKI) of the realm key that signed `access`. */
  realmKid: string;
  realmPublicPem: string;
  realmPublicJwk: Record<string, unknown>;
  mcpClientSecret: string;
  stsClientSecret: string;
}
let m: Material;

/** Valid-looking claims: the developer's, fresh `iat`/`exp`. */
function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  const c: Record<string, unknown> = { ...parts(m.access).payload, iat: now(), exp: now() + 300, jti: randomUUID(), ...over };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete c[k];
  return c;
}

/** Signed with the key imported into the realm (a key the realm's JWKS publishes). */
const realmSigned = (over: Record<string, unknown> = {}) =>
  jws({ alg: 'RS256', typ: 'JWT', kid: realmSigner.kid }, claims(over), { alg: 'RS256', key: realmSigner.key });
/** Signed with the suite's own RSA key under `header`. */
const ownSigned = (header: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  jws({ alg: 'RS256', typ: 'JWT', ...header }, claims(over), { alg: 'RS256', key: own.rsa });

async function userTokens(u: HarnessUser): Promise<{ access_token: string }> {
  const admin = adminKubeConfig(kube);
  const password = await readSecret(admin, f.model.keycloak.namespace, u.password!.name, u.password!.key);
  return passwordGrant(await realmClient(f, admin, keycloak.caFile, 'mcp-client'), u.username, password, 'openid mcp-server');
}

// ---------------------------------------------------------------------------------------------
// Requests and counters

const CALL = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'namespaces_list', arguments: {} } });

interface Answer {
  status: number;
  challenge?: string;
  body: string;
}

/** POST /mcp with these header lines exactly (repeated, non-ASCII and oversize values included). */
function send(authorization: readonly string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(server.mcpUrl);
    let answered = false;
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST' }, (res) => {
      answered = true;
      let body = '';
      const done = () => resolve({ status: res.statusCode!, challenge: res.headers['www-authenticate'], body });
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', done);
      // A server refusing oversize headers answers and closes the connection at once.
      res.on('error', done);
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    req.appendHeader('content-type', 'application/json');
    req.appendHeader('accept', 'application/json, text/event-stream');
    req.appendHeader('mcp-protocol-version', '2025-06-18');
    for (const a of authorization) req.appendHeader('authorization', a);
    req.end(CALL);
  });
}

interface Counts {
  /** Exchanges sent to Keycloak, any outcome. */
  exchanges: number;
  refusedExchanges: number;
  cacheHits: number;
  /** `mcp_kubernetes_requests_total`. */
  kubeRequests: number;
  /** Audit events (distinct auditID) of anyone but the harness admin and `system:` users. */
  apiserverRequests: number;
  /** Users named by those events. */
  apiserverUsers: string[];
}

function metricSum(text: string, name: string, label?: string): number {
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && (!label || l.includes(label)))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Audit IDs of the set-up's own apiserver requests (the authenticator wait), left out of every count. */
let setupEventIds = new Set<string>();

async function apiserverEvents(): Promise<Map<string, string>> {
  const byId = new Map<string, string>();
  for (const line of (await readFile(kube.auditLogFile!, 'utf8')).split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { auditID: string; user?: { username?: string } };
    const name = e.user?.username ?? '';
    if (name === HARNESS_ADMIN || name.startsWith('system:')) continue;
    if (setupEventIds.has(e.auditID)) continue;
    byId.set(e.auditID, name || '(unauthenticated)');
  }
  return byId;
}

async function counts(): Promise<Counts> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const events = await apiserverEvents();
  return {
    exchanges: metricSum(text, 'mcp_token_exchanges_total'),
    refusedExchanges: metricSum(text, 'mcp_token_exchanges_total', 'outcome="subject_token_refused"'),
    cacheHits: metricSum(text, 'mcp_token_exchange_cache_hits_total'),
    kubeRequests: metricSum(text, 'mcp_kubernetes_requests_total'),
    apiserverRequests: events.size,
    apiserverUsers: [...new Set(events.values())].sort(),
  };
}

/** The apiserver writes an event at the end of each request: give the last one time to land. */
const settle = () => new Promise((r) => setTimeout(r, 300));

/** What one request changed. */
async function probe(authorization: readonly string[]): Promise<{ answer: Answer; delta: Omit<Counts, 'apiserverUsers'> }> {
  const before = await counts();
  const answer = await send(authorization);
  await settle();
  const after = await counts();
  return {
    answer,
    delta: {
      exchanges: after.exchanges - before.exchanges,
      refusedExchanges: after.refusedExchanges - before.refusedExchanges,
      cacheHits: after.cacheHits - before.cacheHits,
      kubeRequests: after.kubeRequests - before.kubeRequests,
      apiserverRequests: after.apiserverRequests - before.apiserverRequests,
    },
  };
}

/** The challenge prefix every refusal carries: this server's RFC 9728 metadata URL and its scopes. */
const challengeBase = () => `Bearer resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource/mcp", scope="openid mcp-server"`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Refusal = 'invalid_token' | 'bare' | 'insufficient_scope' | 'invalid_request' | 'header_too_large';
/** What Keycloak sees of a case: nothing (the server refused it alone) or one refused exchange. */
type KeycloakSees = 'nothing' | 'one refused exchange';

/** Asserts a refusal: status, challenge, exchanges and 0 Kubernetes requests on both sides. */
async function expectRefused(authorization: readonly string[], refusal: Refusal, keycloakSees: KeycloakSees = 'nothing'): Promise<void> {
  const { answer, delta } = await probe(authorization);
  const status = { invalid_token: 401, bare: 401, insufficient_scope: 403, invalid_request: 400, header_too_large: 431 }[refusal];
  expect({ status: answer.status, body: answer.body.slice(0, 300) }).toEqual({ status, body: expect.any(String) });
  if (refusal === 'header_too_large') expect(answer.challenge).toBeUndefined();
  else if (refusal === 'bare') expect(answer.challenge).toBe(challengeBase());
  else expect(answer.challenge).toMatch(new RegExp(`^${esc(challengeBase())}, error="${refusal}", error_description="[^"]+"$`));
  expect(delta).toEqual({
    exchanges: keycloakSees === 'nothing' ? 0 : 1,
    refusedExchanges: keycloakSees === 'nothing' ? 0 : 1,
    cacheHits: 0,
    kubeRequests: 0,
    apiserverRequests: 0,
  });
}

// ---------------------------------------------------------------------------------------------
// Setup

beforeAll(async () => {
  // This suite's apiserver: trusts this suite's realm, and its audit log is this suite's alone.
  kube = await startKube({
    ...kubeOptionsFor(deriveModel(vary(harnessStackConfig(keycloak, Object.values(USERS))))),
    runDir: join(base, `kube-${process.pid}`),
    auditLog: true,
  });
  ({ f, server } = await startLocalMcpStack({
    keycloak,
    kube,
    workDir,
    vary,
    fieldManager: 'kube-mcp-stack-e2e-forged',
    // Import the suite's signing key before the server's first JWKS fetch sees the realm's keys.
    beforeServer: async (fx) => {
      const kc = await keycloakAdmin();
      const realm = await kc.realms.findOne({ realm: fx.model.realm.realm });
      const key = rsa();
      const { id } = await kc.components.create({
        realm: fx.model.realm.realm,
        name: 'e2e-forged-imported',
        providerId: 'rsa',
        providerType: 'org.keycloak.keys.KeyProvider',
        parentId: realm!.id,
        config: {
          priority: ['-100'],
          enabled: ['true'],
          active: ['false'],
          algorithm: ['RS256'],
          privateKey: [key.export({ format: 'pem', type: 'pkcs8' }) as string],
        },
      });
      const meta = (await kc.realms.getKeys({ realm: fx.model.realm.realm })).keys?.find((k) => k.providerId === id);
      if (!meta?.kid) throw new Error('the imported realm key is not listed by Keycloak');
      realmSigner = { kid: meta.kid, key };
    },
  }));

  const admin = adminKubeConfig(kube);
  const mcpClient = await realmClient(f, admin, keycloak.caFile, 'mcp-client');
  const devPassword = await readSecret(admin, f.model.keycloak.namespace, USERS.developer.password.name, USERS.developer.password.key);
  const dev = await passwordGrant(mcpClient, USERS.developer.username, devPassword, 'openid mcp-server');
  const noAudience = await passwordGrant(mcpClient, USERS.developer.username, devPassword, 'openid');
  const master = await passwordGrant(
    { issuer: `${keycloak.baseUrl}/realms/master`, clientId: 'admin-cli', caFile: keycloak.caFile },
    keycloak.adminUsername,
    keycloak.adminPassword,
    'openid',
  );
  const realmKid = parts(dev.access_token).header.kid as string;
  const jwks = (await (await caFetch(keycloak.caFile)(`${f.model.oidc.issuer}/protocol/openid-connect/certs`)).json()) as { keys: Record<string, unknown>[] };
  const realmPublicJwk = jwks.keys.find((k) => k.kid === realmKid)!;
  m = {
    access: dev.access_token,
    refresh: dev.refresh_token!,
    id: dev.id_token!,
    noAudience: noAudience.access_token,
    exchanged: await kubeToken(f, admin, keycloak.caFile, dev.access_token),
    master: master.access_token,
    realmKid,
    realmPublicJwk,
    realmPublicPem: createPublicKey({ key: realmPublicJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string,
    mcpClientSecret: mcpClient.clientSecret!,
    stsClientSecret: readFileSync(join(workDir, 'sts-client-secret'), 'utf8').trim(),
  };
  expect(jwks.keys.map((k) => k.kid)).toContain(realmSigner.kid);
  // The apiserver's JWT authenticator loads the realm's keys on its own schedule: until it has,
  // the controls' real token would be "(unauthenticated)" there. Its wait's requests are set-up,
  // not part of any case: the counts below leave them out.
  await waitForJwtAuthenticator(kube, m.exchanged);
  await settle();
  setupEventIds = new Set((await apiserverEvents()).keys());

  // The attacker's key server: jku/x5u point here; a server that fetched them would show up.
  attacker = createServer((req, res) => {
    attackerHits.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [ownJwk(own.rsa, 'attacker')] }));
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
}, 8 * MINUTE);

afterAll(async () => {
  await server?.stop();
  await new Promise((r) => (attacker ? attacker.close(() => r(undefined)) : r(undefined)));
  if (kube) await stopKube(kube.runDir);
});

/** A self-signed certificate of the suite's own RSA key (for the x5c header), DER base64. */
function ownCertificate(): string {
  const dir = join(workDir, 'x5c');
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'key.pem'), own.rsa.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  execFileSync('openssl', ['req', '-x509', '-key', 'key.pem', '-subj', '/CN=attacker', '-days', '1', '-outform', 'DER', '-out', 'cert.der'], {
    cwd: dir,
    stdio: 'ignore',
  });
  return readFileSync(join(dir, 'cert.der')).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// The cases: [name, Authorization header lines, expected refusal, what Keycloak sees]

type Case = [string, () => string[], Refusal, KeycloakSees?];
const bearer = (t: string) => [`Bearer ${t}`];

const algorithmConfusion: Case[] = [
  ['alg none, unsigned, the realm kid', () => bearer(jws({ alg: 'none', typ: 'JWT', kid: m.realmKid }, claims(), { alg: 'none' })), 'invalid_token'],
  ['alg "None" (other casing), unsigned', () => bearer(jws({ alg: 'None', typ: 'JWT' }, claims(), { alg: 'none' })), 'invalid_token'],
  ["alg none with the real token's signature kept", () => bearer(withHeader(m.access, { alg: 'none', typ: 'JWT', kid: m.realmKid })), 'invalid_token'],
  [
    'HS256 keyed with the realm public key (PEM)',
    () => bearer(jws({ alg: 'HS256', typ: 'JWT', kid: m.realmKid }, claims(), { alg: 'HS256', secret: m.realmPublicPem })),
    'invalid_token',
  ],
  [
    'HS256 keyed with the realm public JWK (JSON)',
    () => bearer(jws({ alg: 'HS256', kid: m.realmKid }, claims(), { alg: 'HS256', secret: JSON.stringify(m.realmPublicJwk) })),
    'invalid_token',
  ],
  [
    'HS512 keyed with the realm public key (PEM)',
    () => bearer(jws({ alg: 'HS512', kid: m.realmKid }, claims(), { alg: 'HS512', secret: m.realmPublicPem })),
    'invalid_token',
  ],
  [
    'HS256 keyed with the mcp-client client secret',
    () => bearer(jws({ alg: 'HS256', kid: m.realmKid }, claims(), { alg: 'HS256', secret: m.mcpClientSecret })),
    'invalid_token',
  ],
  [
    'HS256 keyed with the mcp-server (STS) client secret',
    () => bearer(jws({ alg: 'HS256' }, claims(), { alg: 'HS256', secret: m.stsClientSecret })),
    'invalid_token',
  ],
  ['a real RS256 token relabelled PS256', () => bearer(withHeader(m.access, { ...parts(m.access).header, alg: 'PS256' })), 'invalid_token'],
  ['a real RS256 token relabelled ES256', () => bearer(withHeader(m.access, { ...parts(m.access).header, alg: 'ES256' })), 'invalid_token'],
  ['a real RS256 token relabelled RS512', () => bearer(withHeader(m.access, { ...parts(m.access).header, alg: 'RS512' })), 'invalid_token'],
  ['a real RS256 token relabelled EdDSA', () => bearer(withHeader(m.access, { ...parts(m.access).header, alg: 'EdDSA' })), 'invalid_token'],
  ['a real token whose header names no alg', () => bearer(withHeader(m.access, { typ: 'JWT', kid: m.realmKid })), 'invalid_token'],
];

const foreignKeys: Case[] = [
  ['a self-made RSA key under the realm kid', () => bearer(ownSigned({ kid: m.realmKid })), 'invalid_token'],
  ["a self-made RSA key under the imported key's kid", () => bearer(ownSigned({ kid: realmSigner.kid })), 'invalid_token'],
  ['a self-made RSA key under an unknown kid', () => bearer(ownSigned({ kid: 'attacker-key-1' })), 'invalid_token'],
  ['a self-made RSA key without a kid', () => bearer(ownSigned({})), 'invalid_token'],
  [
    'a self-made EC P-256 key (ES256) under the realm kid',
    () => bearer(jws({ alg: 'ES256', kid: m.realmKid }, claims(), { alg: 'ES256', key: own.ec })),
    'invalid_token',
  ],
  [
    'a self-made Ed25519 key (EdDSA) under the realm kid',
    () => bearer(jws({ alg: 'EdDSA', kid: m.realmKid }, claims(), { alg: 'EdDSA', key: own.ed })),
    'invalid_token',
  ],
  [
    'a self-made RSA key with PS256 under the realm kid',
    () => bearer(jws({ alg: 'PS256', kid: m.realmKid }, claims(), { alg: 'PS256', key: own.rsa })),
    'invalid_token',
  ],
  ['a kid with a path traversal', () => bearer(ownSigned({ kid: '../../../../etc/passwd' })), 'invalid_token'],
  ['a kid of 6000 characters', () => bearer(ownSigned({ kid: 'k'.repeat(6000) })), 'invalid_token'],
];

const embeddedKeys: Case[] = [
  ["a jwk header carrying the signer's own key", () => bearer(ownSigned({ jwk: ownJwk(own.rsa) })), 'invalid_token'],
  ['a jwk header carrying the own key under the realm kid', () => bearer(ownSigned({ kid: m.realmKid, jwk: ownJwk(own.rsa, m.realmKid) })), 'invalid_token'],
  ["a jku header pointing at the attacker's JWKS", () => bearer(ownSigned({ kid: 'attacker', jku: `${attackerUrl}/jwks.json` })), 'invalid_token'],
  ['a jku header with the realm kid', () => bearer(ownSigned({ kid: m.realmKid, jku: `${attackerUrl}/jwks.json` })), 'invalid_token'],
  ["an x5u header pointing at the attacker's certificate", () => bearer(ownSigned({ x5u: `${attackerUrl}/cert.pem` })), 'invalid_token'],
  ['an x5c header with a self-signed certificate of the signing key', () => bearer(ownSigned({ x5c: [ownCertificate()] })), 'invalid_token'],
  [
    'a crit header naming an unknown extension',
    () => bearer(jws({ alg: 'RS256', kid: realmSigner.kid, crit: ['kms-ext'], 'kms-ext': 1 }, claims(), { alg: 'RS256', key: realmSigner.key })),
    'invalid_token',
  ],
];

const tampered: Case[] = [
  ['a real token with its sub changed', () => bearer(withPayload(m.access, { ...parts(m.access).payload, sub: randomUUID() })), 'invalid_token'],
  [
    'a real token with preferred_username changed to the admin',
    () => bearer(withPayload(m.access, { ...parts(m.access).payload, preferred_username: USERS.admin.username })),
    'invalid_token',
  ],
  ['a real token with its exp extended', () => bearer(withPayload(m.access, { ...parts(m.access).payload, exp: now() + 86400 })), 'invalid_token'],
  [
    'a real token with a flipped signature byte',
    () => {
      const [h, p, s] = m.access.split('.');
      const sig = Buffer.from(s!, 'base64url');
      sig[10] ^= 0x01;
      return bearer(`${h}.${p}.${b64u(sig)}`);
    },
    'invalid_token',
  ],
  ['a real token with its signature removed', () => bearer(m.access.split('.').slice(0, 2).join('.') + '.'), 'invalid_token'],
];

const realmSignedClaims: Case[] = [
  [
    'exp 1 s in the past (inside the 30 s leeway: only Keycloak refuses it)',
    () => bearer(realmSigned({ exp: now() - 1 })),
    'invalid_token',
    'one refused exchange',
  ],
  ['exp 31 s in the past (beyond the leeway)', () => bearer(realmSigned({ exp: now() - 31 })), 'invalid_token'],
  ['exp an hour in the past', () => bearer(realmSigned({ exp: now() - 3600, iat: now() - 3900 })), 'invalid_token'],
  ['no exp', () => bearer(realmSigned({ exp: undefined })), 'invalid_token'],
  ['exp as a string', () => bearer(realmSigned({ exp: String(now() + 300) })), 'invalid_token'],
  ['nbf 2 minutes in the future', () => bearer(realmSigned({ nbf: now() + 120 })), 'invalid_token'],
  ['iat 2 minutes in the future', () => bearer(realmSigned({ iat: now() + 120 })), 'invalid_token'],
  ['iss of the master realm', () => bearer(realmSigned({ iss: `${keycloak.baseUrl}/realms/master` })), 'invalid_token'],
  ['iss with a trailing slash', () => bearer(realmSigned({ iss: `${f.model.oidc.issuer}/` })), 'invalid_token'],
  ['iss with http instead of https', () => bearer(realmSigned({ iss: f.model.oidc.issuer.replace('https:', 'http:') })), 'invalid_token'],
  ['no iss', () => bearer(realmSigned({ iss: undefined })), 'invalid_token'],
  ['no aud', () => bearer(realmSigned({ aud: undefined })), 'invalid_token'],
  ['aud openshift only (the Kubernetes audience)', () => bearer(realmSigned({ aud: 'openshift' })), 'invalid_token'],
  ['aud "mcp-server-evil" (a prefix match)', () => bearer(realmSigned({ aud: ['mcp-server-evil', 'account'] })), 'invalid_token'],
  ['no sub', () => bearer(realmSigned({ sub: undefined })), 'invalid_token'],
  ['scope without mcp-server (aud right)', () => bearer(realmSigned({ scope: 'openid profile' })), 'insufficient_scope'],
];

const realTokens: Case[] = [
  ['the real refresh token', () => bearer(m.refresh), 'invalid_token'],
  ['the real ID token (aud mcp-client)', () => bearer(m.id), 'invalid_token'],
  ['a real access token without the mcp-server scope (no mcp-server audience)', () => bearer(m.noAudience), 'invalid_token'],
  ["the real exchanged token (aud openshift, azp mcp-server: another client's token)", () => bearer(m.exchanged), 'invalid_token'],
  ['a real master-realm token (admin-cli: another issuer and client)', () => bearer(m.master), 'invalid_token'],
];

const malformed: Case[] = [
  ['no Authorization header', () => [], 'bare'],
  ['"Bearer" with no token (empty token)', () => ['Bearer'], 'invalid_token'],
  ['"Bearer" with a quoted empty token', () => ['Bearer ""'], 'invalid_token'],
  ['a valid token without the scheme', () => [m.access], 'bare'],
  ['lowercase "bearer" with a forged token', () => [`bearer ${ownSigned({ kid: m.realmKid })}`], 'invalid_token'],
  ['two tokens in one header, space-separated', () => [`Bearer ${m.access} ${m.access}`], 'invalid_token'],
  ['two credentials in one header, comma-separated', () => [`Bearer ${m.access}, Bearer ${m.noAudience}`], 'invalid_token'],
  ['a tab between scheme and token', () => [`Bearer\t${m.access}`], 'bare'],
  ['Basic credentials', () => [`Basic ${b64u('e2e-dev:password')}`], 'bare'],
  ['base64 garbage', () => ['Bearer dGhpcyBpcyBub3QgYSBqd3QgYXQgYWxs'], 'invalid_token'],
  ['non-ASCII characters', () => ['Bearer tökén.wïth.ümläuts'], 'invalid_token'],
  ['a JWE-shaped token (five parts)', () => bearer(`${json({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`), 'invalid_token'],
  ['a header part that is not JSON', () => bearer(`${b64u('not json')}.${json(claims())}.c2ln`), 'invalid_token'],
  ['a real token and a forged one in two Authorization headers', () => [`Bearer ${m.access}`, `Bearer ${ownSigned({ kid: m.realmKid })}`], 'invalid_request'],
  ['the same real token in two Authorization headers', () => [`Bearer ${m.access}`, `Bearer ${m.access}`], 'invalid_request'],
  ['a forged token of 12 KB', () => bearer(ownSigned({ kid: m.realmKid }, { padding: 'x'.repeat(9000) })), 'invalid_token'],
  [
    "an Authorization header of 20 KB (above the HTTP server's header limit)",
    () => bearer(ownSigned({ kid: m.realmKid }, { padding: 'x'.repeat(20000) })),
    'header_too_large',
  ],
];

const CASES: Record<string, Case[]> = {
  'algorithm confusion': algorithmConfusion,
  'foreign keys and kids': foreignKeys,
  'header-embedded keys': embeddedKeys,
  'tampered real tokens': tampered,
  'realm-signed tokens with bad claims': realmSignedClaims,
  'real Keycloak tokens of the wrong kind': realTokens,
  'malformed Authorization values': malformed,
};
/** Cases of the describe blocks below plus the three revoked users. */
const FORGED_CASE_COUNT = Object.values(CASES).flat().length + Object.keys(REVOKED).length;

describe('controls: the counters see a request that does reach the apiserver', () => {
  test('a real token: one exchange, Kubernetes requests on both sides, as the user', async () => {
    const { answer, delta } = await probe(bearer(m.access));
    expect(answer.status).toBe(200);
    expect(delta).toMatchObject({ exchanges: 1, refusedExchanges: 0 });
    expect(delta.kubeRequests).toBeGreaterThanOrEqual(1);
    expect(delta.apiserverRequests).toBe(delta.kubeRequests);
    expect((await counts()).apiserverUsers).toContain(USERS.developer.username);
  }, 30_000);

  test('a token signed with the key imported into the realm, with valid claims, is accepted like a real one', async () => {
    const { answer, delta } = await probe(bearer(realmSigned()));
    expect(answer.status).toBe(200);
    expect(delta.exchanges).toBe(1);
    expect(delta.kubeRequests).toBeGreaterThanOrEqual(1);
    expect(delta.apiserverRequests).toBe(delta.kubeRequests);
  }, 30_000);

  test("the challenge names this server's protected-resource metadata", async () => {
    const doc = (await (await fetch(`${server.baseUrl}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ resource: server.mcpUrl, authorization_servers: [f.model.oidc.issuer] });
  }, 30_000);
});

describe.each(Object.entries(CASES))('%s', (_group, cases) => {
  // Every row gets all four values: jest hands a shorter row's test a done callback instead.
  test.each(cases.map(([name, authorization, refusal, keycloakSees]) => [name, authorization, refusal, keycloakSees ?? 'nothing'] as const))(
    '%s',
    async (_name, authorization, refusal, keycloakSees) => {
      await expectRefused(authorization(), refusal, keycloakSees);
    },
    30_000,
  );
});

describe(`revoked users, after the cache window (mcpServer.stsCacheMaxAge = ${CACHE_MAX_AGE} s)`, () => {
  const revoke: Record<keyof typeof REVOKED, (kc: Awaited<ReturnType<typeof keycloakAdmin>>, id: string) => Promise<unknown>> = {
    disabled: (kc, id) => kc.users.update({ realm: REALM, id }, { enabled: false }),
    deleted: (kc, id) => kc.users.del({ realm: REALM, id }),
    loggedOut: (kc, id) => kc.users.logout({ realm: REALM, id }),
  };

  test.each(Object.keys(REVOKED) as (keyof typeof REVOKED)[])(
    'a %s user',
    async (kind) => {
      const u = REVOKED[kind];
      const token = (await userTokens(u)).access_token;
      expect((await probe(bearer(token))).answer.status).toBe(200); // exchanged and cached
      const kc = await keycloakAdmin();
      const [found] = await kc.users.find({ realm: REALM, username: u.username, exact: true });
      await revoke[kind](kc, found!.id!);
      await new Promise((r) => setTimeout(r, CACHE_MAX_AGE * 1000 + 500));
      await expectRefused(bearer(token), 'invalid_token', 'one refused exchange');
    },
    MINUTE,
  );
});

describe('after every case', () => {
  test("nothing fetched the attacker's jku/x5u URLs, and the apiserver saw only the controls' and revoked users' requests", async () => {
    expect(FORGED_CASE_COUNT).toBeGreaterThanOrEqual(40);
    expect(attackerHits).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    const users = (await counts()).apiserverUsers;
    expect(users).toEqual([USERS.developer.username, ...Object.values(REVOKED).map((u) => u.username)].sort());
    const keycloakOnly =
      Object.values(CASES)
        .flat()
        .filter((c) => c[3] === 'one refused exchange').length + Object.keys(REVOKED).length;
    process.stdout.write(
      `[e2e] forged tokens: ${FORGED_CASE_COUNT} refused cases, 0 Kubernetes requests each; ${FORGED_CASE_COUNT - keycloakOnly} with 0 exchanges, ` +
        `${keycloakOnly} refused by Keycloak at the exchange (apiserver audit log: ${kube.auditLogFile})\n`,
    );
  }, 30_000);
});
