/**
 * The exchange response is checked before use: a token lacking the requested audience, from
 * another issuer, expired, of another token type or no JWT at all is an `isError` naming the
 * problem, and the tool (the only code that reaches the Kubernetes API) never runs.
 */
import { z } from 'zod';
import { exchangedTokenProblem } from '../../src/exchange/exchanged-token.js';
import { ACCESS_TOKEN_TYPE } from '../../src/exchange/exchanger.js';
import type { ToolDef } from '../../src/tools/types.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';
import { exchangedId, startIssuerStub, type IssuerStub } from './support/issuer-stub.js';

let stub: IssuerStub;
let h: Harness;
let runs = 0;
const probe: ToolDef = {
  name: 'probe',
  toolset: 'core',
  description: 'Counts its runs and reports the bearer token it would send',
  inputSchema: { note: z.string().optional() },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
  async handler(_args, ctx) {
    runs++;
    return { content: [{ type: 'text', text: ctx.kubeConfig.getCurrentUser()?.token ?? '' }] };
  },
};

beforeAll(async () => {
  stub = await startIssuerStub();
  h = await startHarness(
    (secretFile) => oauthToml(stub, secretFile),
    () => [probe],
  );
});
afterAll(async () => {
  await h.server.stop();
  await stub.close();
});
afterEach(() => {
  stub.exchangedClaims = undefined;
  stub.issuedTokenType = undefined;
  stub.exchangedRaw = undefined;
});

async function callProbe(): Promise<{ isError?: boolean; content: { text: string }[] }> {
  const res = await fetch(`${h.server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${await stub.token()}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'probe', arguments: {} } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { isError?: boolean; content: { text: string }[] } }).result;
}

const past = () => Math.floor(Date.now() / 1000) - 10;

it.each<[string, () => void, RegExp]>([
  ['aud without the requested audience', () => (stub.exchangedClaims = { aud: 'account' }), /aud \["account"\] lacks the requested audience "openshift"/],
  [
    'aud array without it',
    () => (stub.exchangedClaims = { aud: ['mcp-server', 'account'] }),
    /aud \["mcp-server","account"\] lacks the requested audience "openshift"/,
  ],
  ['no aud', () => (stub.exchangedClaims = { aud: undefined }), /aud \[\] lacks the requested audience "openshift"/],
  ['another issuer', () => (stub.exchangedClaims = { iss: 'https://evil.example/realms/x' }), /iss "https:\/\/evil.example\/realms\/x" is not the issuer/],
  ['an expired token', () => (stub.exchangedClaims = { exp: past() }), /the issued token expired \d+ s ago/],
  ['no exp', () => (stub.exchangedClaims = { exp: undefined }), /the issued token has no exp/],
  [
    'a refresh token type',
    () => (stub.issuedTokenType = 'urn:ietf:params:oauth:token-type:refresh_token'),
    /issued_token_type ".*refresh_token" is not the requested ".*access_token"/,
  ],
  ['no issued_token_type', () => (stub.issuedTokenType = null), /lacks issued_token_type/],
  ['an opaque token', () => (stub.exchangedRaw = 'opaque-exchanged-token'), /the issued access token is not a JWT/],
])('refuses an exchanged token with %s: isError naming it, the tool never runs', async (_what, arrange, problem) => {
  arrange();
  const before = runs;
  const r = await callProbe();
  expect(r.isError).toBe(true);
  expect(r.content[0]!.text).toMatch(/^token exchange failed: /);
  expect(r.content[0]!.text).toMatch(problem);
  expect(r.content[0]!.text).toContain('nothing was sent to the Kubernetes API');
  expect(runs).toBe(before);
  expect(h.logLines.some((l) => l.msg === 'token exchange answered a token that fails the checks; not used' && typeof l.problem === 'string')).toBe(true);
});

it('uses an exchanged token that passes every check', async () => {
  const before = runs;
  const r = await callProbe();
  expect(r.isError).toBeUndefined();
  expect(exchangedId(r.content[0]!.text)).toMatch(/^exchanged-\d+-for-/);
  expect(runs).toBe(before + 1);
});

describe('exchangedTokenProblem', () => {
  const e = { issuer: 'https://kc/realms/r', audience: 'openshift', tokenType: ACCESS_TOKEN_TYPE, nowSec: 1000 };
  const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  it('passes aud as a string or an array containing the audience, with exp in the future', () => {
    for (const aud of ['openshift', ['x', 'openshift']]) {
      expect(exchangedTokenProblem({ access_token: jwt({ iss: e.issuer, aud, exp: 1001 }), issued_token_type: ACCESS_TOKEN_TYPE }, e)).toBeUndefined();
    }
  });
  it('refuses exp equal to now', () => {
    expect(exchangedTokenProblem({ access_token: jwt({ iss: e.issuer, aud: 'openshift', exp: 1000 }), issued_token_type: ACCESS_TOKEN_TYPE }, e)).toBe(
      'the issued token expired 0 s ago (exp 1000)',
    );
  });
});
