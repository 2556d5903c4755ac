/**
 * The Playground's HTTP behaviour against an in-process stand-in of Llama Stack's Responses API
 * (playground/test/fake-llama-stack.ts) that records what it receives.
 */
import { Registry } from 'prom-client';
import type { PlaygroundConfig } from '../src/config.js';
import type { ChatEvent } from '../src/llama-stack.js';
import { createLogger, startPlayground, type RunningPlayground } from '../src/server.js';
import { startFakeLlamaStack, type FakeLlamaStack, type FakeOptions } from './fake-llama-stack.js';

const logLines: string[] = [];
const logger = createLogger('debug', { write: (s: string) => void logLines.push(s) });
/** Every token any test sent; none may appear in a log line. */
const tokensUsed = new Set<string>();

function token(user: string): string {
  const t = `${user}.${Buffer.from(`${user}-${Math.random()}-${Date.now()}`).toString('base64url')}.sig`;
  tokensUsed.add(t);
  return t;
}

const MCP_URL = 'http://kube-mcp-server.mcp.svc:8000/mcp';
function config(fake: FakeLlamaStack | string, over: Partial<PlaygroundConfig> = {}): PlaygroundConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    llamaStackUrl: typeof fake === 'string' ? fake : fake.url,
    apiBasePath: '/v1/openai/v1',
    mcpServerUrl: MCP_URL,
    mcpServerLabel: 'kubernetes',
    mcpAuth: 'headers',
    timeoutMs: 10_000,
    logLevel: 'debug',
    ...over,
  };
}

const running: { close(): Promise<void> }[] = [];
async function setup(fakeOpts: FakeOptions = {}, over: Partial<PlaygroundConfig> = {}): Promise<{ fake: FakeLlamaStack; pg: RunningPlayground }> {
  const fake = await startFakeLlamaStack(fakeOpts);
  const pg = await startPlayground(config(fake, over), { logger, registry: new Registry() });
  running.push(fake, { close: () => pg.stop() });
  return { fake, pg };
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

function asUser(t: string | undefined, user?: string): Record<string, string> {
  return { ...(t ? { 'X-Forwarded-Access-Token': t } : {}), ...(user ? { 'X-Forwarded-Preferred-Username': user, 'X-Forwarded-User': `${user}-sub` } : {}) };
}

async function chat(
  pg: RunningPlayground,
  t: string | undefined,
  question: string,
  opts: { user?: string; model?: string; history?: { role: string; content: string }[] } = {},
) {
  const res = await fetch(`${pg.url}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...asUser(t, opts.user) },
    body: JSON.stringify({ model: opts.model ?? 'llama-3b', messages: [...(opts.history ?? []), { role: 'user', content: question }] }),
  });
  const text = await res.text();
  const events: ChatEvent[] = res.headers.get('content-type')?.includes('ndjson')
    ? text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
  return { status: res.status, contentType: res.headers.get('content-type'), text, events };
}
const answerOf = (events: ChatEvent[]) =>
  events
    .filter((e) => e.type === 'text')
    .map((e) => (e as { delta: string }).delta)
    .join('');

describe('health and static files', () => {
  test('/healthz answers without a token and without calling Llama Stack', async () => {
    const { fake, pg } = await setup();
    const res = await fetch(`${pg.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(fake.requests).toHaveLength(0);
  });

  test('the page script and style are served without a token, with a strict CSP', async () => {
    const { pg } = await setup();
    const js = await fetch(`${pg.url}/static/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${pg.url}/static/style.css`)).status).toBe(200);
    expect((await fetch(`${pg.url}/static/nope.js`)).status).toBe(404);
  });
});

describe('no token forwarded', () => {
  test('the page is a 401 sign-in page linking /oauth2/sign_in, not a 500', async () => {
    const { fake, pg } = await setup();
    const res = await fetch(`${pg.url}/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('id="pg-login"');
    expect(html).toMatch(/id="pg-sign-in"[^>]*href="\/oauth2\/sign_in/);
    expect(fake.requests).toHaveLength(0);
  });

  test('a malformed token counts as none', async () => {
    const { pg } = await setup();
    const res = await fetch(`${pg.url}/`, { headers: { 'X-Forwarded-Access-Token': 'not a token' } });
    expect(res.status).toBe(401);
  });

  test('the APIs answer 401 login_required as JSON and call nothing', async () => {
    const { fake, pg } = await setup();
    for (const r of [await fetch(`${pg.url}/api/models`), await fetch(`${pg.url}/api/session`)]) {
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: expect.objectContaining({ code: 'login_required', signIn: '/oauth2/sign_in' }) });
    }
    const c = await chat(pg, undefined, 'pods?');
    expect(c.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('signed in', () => {
  test('the page is the chat page with the documented element ids; /api/session names the user', async () => {
    const { pg } = await setup({}, { defaultModel: 'llama-3b' });
    const t = token('alice');
    const res = await fetch(`${pg.url}/`, { headers: asUser(t, 'alice') });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ['pg-model', 'pg-question', 'pg-send', 'pg-conversation', 'pg-sign-out', 'pg-error', 'pg-status']) expect(html).toContain(`id="${id}"`);
    const s = await (await fetch(`${pg.url}/api/session`, { headers: asUser(t, 'alice') })).json();
    expect(s).toEqual({ user: 'alice', defaultModel: 'llama-3b', mcpServerLabel: 'kubernetes', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  test.each(['0.2', '0.4'] as const)('/api/models lists only LLMs of the %s model list, asked with the user token', async (shape) => {
    const { fake, pg } = await setup({ modelsShape: shape });
    const t = token('alice');
    const res = await fetch(`${pg.url}/api/models`, { headers: asUser(t, 'alice') });
    expect(res.status).toBe(200);
    const body = await res.json();
    const id = shape === '0.2' ? 'llama-3b' : 'vllm/llama-3b';
    expect(body).toEqual({ models: [{ id, provider: 'vllm' }], defaultModel: id });
    expect(fake.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/models', authorization: `Bearer ${t}` })]);
  });

  test.each([
    ['0.4', 'llama-3b', 'vllm/llama-3b'],
    ['0.2', 'llama-3b', 'llama-3b'],
    ['0.4', 'not-listed', 'vllm/aaa-first'],
  ] as const)('/api/models (%s list): --default-model %s preselects %s (a listed id matches exactly or as <provider>/<id>)', async (shape, want, chosen) => {
    const { pg } = await setup({ modelsShape: shape, extraLlms: ['aaa-first'] }, { defaultModel: want });
    const body = (await (await fetch(`${pg.url}/api/models`, { headers: asUser(token('alice'), 'alice') })).json()) as { defaultModel: string };
    expect(body.defaultModel).toBe(chosen);
  });

  test('headers mode: the user token is the bearer to Llama Stack and the MCP tool carries headers.Authorization', async () => {
    const { fake, pg } = await setup();
    const t = token('alice');
    const history = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi alice' },
    ];
    const c = await chat(pg, t, 'Which pods run in llama-stack?', { user: 'alice', history });
    expect(c.status).toBe(200);
    expect(c.contentType).toMatch(/application\/x-ndjson/);
    expect(fake.requests).toHaveLength(1);
    const r = fake.requests[0]!;
    expect(r.path).toBe('/v1/openai/v1/responses');
    expect(r.authorization).toBe(`Bearer ${t}`);
    expect(r.body).toMatchObject({ model: 'llama-3b', stream: true, store: false });
    expect(r.body.input).toEqual([...history, { role: 'user', content: 'Which pods run in llama-stack?' }].map((m) => ({ type: 'message', ...m })));
    expect(r.body.tools).toEqual([
      { type: 'mcp', server_label: 'kubernetes', server_url: MCP_URL, require_approval: 'never', headers: { Authorization: `Bearer ${t}` } },
    ]);
    expect(c.events.map((e) => e.type)).toEqual(['tools', 'tool_call', 'tool_result', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'done']);
    expect(c.events[0]).toEqual({ type: 'tools', server: 'kubernetes', tools: ['pods_list_in_namespace'] });
    expect(c.events[2]).toEqual({
      type: 'tool_result',
      id: expect.any(String),
      server: 'kubernetes',
      name: 'pods_list_in_namespace',
      arguments: '{"namespace":"llama-stack"}',
      output: 'NAME READY\nalice-pod-1 1/1',
      forbidden: false,
    });
    expect(answerOf(c.events)).toBe('The pods for alice in llama-stack: alice-pod-1.');
    expect(c.events.at(-1)).toEqual({
      type: 'done',
      responseId: expect.stringMatching(/^resp_alice/),
      text: 'The pods for alice in llama-stack: alice-pod-1.',
    });
  });

  test('authorization mode on /v1: the MCP tool carries the token in `authorization`, no headers', async () => {
    const { fake, pg } = await setup({ basePath: '/v1' }, { apiBasePath: '/v1', mcpAuth: 'authorization', mcpServerLabel: 'openshift' });
    const t = token('bob');
    const c = await chat(pg, t, 'pods in llama-stack?', { user: 'bob' });
    const r = fake.requests[0]!;
    expect(r.path).toBe('/v1/responses');
    expect(r.authorization).toBe(`Bearer ${t}`);
    expect(r.body.tools).toEqual([{ type: 'mcp', server_label: 'openshift', server_url: MCP_URL, require_approval: 'never', authorization: t }]);
    expect(c.events.at(-1)).toMatchObject({ type: 'done', text: 'The pods for bob in llama-stack: bob-pod-1.' });
  });

  test("Kubernetes' Forbidden in a tool result is marked forbidden", async () => {
    const { pg } = await setup();
    const c = await chat(pg, token('dev'), 'pods in kube-system?', { user: 'dev' });
    const result = c.events.find((e) => e.type === 'tool_result');
    expect(result).toMatchObject({
      name: 'pods_list_in_namespace',
      forbidden: true,
      error: expect.stringMatching(/^Forbidden: pods is forbidden: User "dev"/),
    });
    expect(result).not.toHaveProperty('output');
    const admin = await chat(pg, token('admin'), 'pods in kube-system?', { user: 'admin' });
    expect(admin.events.find((e) => e.type === 'tool_result')).toMatchObject({ forbidden: false, output: expect.stringContaining('admin-pod-1') });
  });

  test('a tool error Llama Stack reports as "Error (code 1): None" is told before done, forbidden when the answer reports the Forbidden', async () => {
    const { pg } = await setup({ opaqueToolErrors: true });
    const c = await chat(pg, token('dev'), 'pods in kube-system?', { user: 'dev' });
    const types = c.events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(['tool_result', 'done']);
    expect(types.indexOf('text')).toBeLessThan(types.indexOf('tool_result'));
    expect(c.events.find((e) => e.type === 'tool_result')).toMatchObject({ forbidden: true, error: 'Error (code 1): None' });
    const admin = await chat(pg, token('admin'), 'pods in kube-system?', { user: 'admin' });
    expect(admin.events.find((e) => e.type === 'tool_result')).toMatchObject({ forbidden: false, output: expect.stringContaining('admin-pod-1') });
  });

  test('a release that reports tool calls only in response.completed still shows them and the answer', async () => {
    const { pg } = await setup({ completedOnly: true });
    const c = await chat(pg, token('carol'), 'pods in llama-stack?');
    expect(c.events.map((e) => e.type)).toEqual(['tools', 'tool_call', 'tool_result', 'text', 'done']);
    expect(c.events[2]).toMatchObject({ output: expect.stringContaining('carol-pod-1') });
    expect(c.events.at(-1)).toMatchObject({ type: 'done', text: 'The pods for carol in llama-stack: carol-pod-1.' });
  });

  test('two users at once, many times: each request carries its own token and each stream only its own answer', async () => {
    const { fake, pg } = await setup({ chunkDelayMs: 3 });
    const users = ['alice', 'bob'];
    const tokens = Object.fromEntries(users.map((u) => [u, token(u)]));
    const rounds = 5;
    const results = await Promise.all(
      Array.from({ length: rounds }, () => users.map(async (u) => ({ u, c: await chat(pg, tokens[u], 'pods in llama-stack?', { user: u }) }))).flat(),
    );
    expect(fake.maxInFlight()).toBeGreaterThanOrEqual(2);
    expect(fake.requests).toHaveLength(rounds * users.length);
    for (const r of fake.requests) {
      const t = /^Bearer (.+)$/.exec(r.authorization!)![1]!;
      expect(r.body.tools[0].headers).toEqual({ Authorization: `Bearer ${t}` });
    }
    expect(fake.requests.filter((r) => r.authorization === `Bearer ${tokens.alice}`)).toHaveLength(rounds);
    for (const { u, c } of results) {
      const other = users.find((x) => x !== u)!;
      expect(answerOf(c.events)).toBe(`The pods for ${u} in llama-stack: ${u}-pod-1.`);
      expect(c.text).not.toContain(other);
    }
  });
});

describe('metrics and disconnects', () => {
  test('/metrics counts turns by outcome and tool calls by result', async () => {
    const { pg } = await setup();
    await chat(pg, token('dev'), 'pods in kube-system?', { user: 'dev' });
    await chat(pg, token('alice'), 'pods in llama-stack?', { user: 'alice' });
    const text = await (await fetch(`${pg.url}/metrics`)).text();
    expect(text).toMatch(/playground_chat_turns_total\{outcome="done"\} 2/);
    expect(text).toMatch(/playground_tool_calls_total\{result="forbidden"\} 1/);
    expect(text).toMatch(/playground_tool_calls_total\{result="ok"\} 1/);
    expect(text).toMatch(/playground_http_requests_total\{route="\/api\/chat",status="200"\} 2/);
  });

  test('a browser that goes away stops the Llama Stack call', async () => {
    const { fake, pg } = await setup({ chunkDelayMs: 300 });
    const ac = new AbortController();
    const res = await fetch(`${pg.url}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...asUser(token('alice')) },
      body: JSON.stringify({ model: 'llama-3b', messages: [{ role: 'user', content: 'pods?' }] }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(fake.inFlight()).toBe(1);
    ac.abort();
    const until = Date.now() + 2000;
    while (fake.inFlight() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    // The scripted answer would take about 3 s more; the call ended well before.
    expect(fake.inFlight()).toBe(0);
  });
});

describe('Llama Stack down or refusing', () => {
  test('down: the turn ends with an unreachable error event; /api/models is a 502 with a message', async () => {
    const fake = await startFakeLlamaStack();
    const url = fake.url;
    await fake.close();
    const pg = await startPlayground(config(url), { logger, registry: new Registry() });
    running.push({ close: () => pg.stop() });
    const t = token('alice');
    const c = await chat(pg, t, 'pods?');
    expect(c.status).toBe(200);
    expect(c.events).toEqual([{ type: 'error', code: 'unreachable', message: expect.stringContaining('cannot be reached') }]);
    const m = await fetch(`${pg.url}/api/models`, { headers: asUser(t) });
    expect(m.status).toBe(502);
    expect(await m.json()).toEqual({ error: { code: 'unreachable', message: expect.stringContaining('cannot be reached') } });
  });

  test('401 from Llama Stack: an unauthorized error telling the user to sign in again', async () => {
    const { pg } = await setup({ failWith: { status: 401, body: { error: { message: 'Invalid JWT token' } } } });
    const t = token('alice');
    const c = await chat(pg, t, 'pods?');
    expect(c.events).toEqual([{ type: 'error', code: 'unauthorized', status: 401, message: expect.stringMatching(/Sign in again.*Invalid JWT token/) }]);
    const m = await fetch(`${pg.url}/api/models`, { headers: asUser(t) });
    expect(m.status).toBe(401);
    expect(((await m.json()) as { error: unknown }).error).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  test('500 from Llama Stack: an upstream error event; an error body echoing the token is scrubbed', async () => {
    const t = token('alice');
    const { pg } = await setup({ failWith: { status: 500, body: { error: { detail: `boom for ${t}` } } } });
    const c = await chat(pg, t, 'pods?');
    expect(c.events).toEqual([{ type: 'error', code: 'upstream', status: 500, message: expect.stringContaining('HTTP 500') }]);
    expect(c.text).not.toContain(t);
    expect(c.text).toContain('[token]');
  });

  test('response.failed mid-stream: the tools seen so far, then an error event', async () => {
    const { pg } = await setup({ failMidStream: true });
    const c = await chat(pg, token('alice'), 'pods?');
    expect(c.events.map((e) => e.type)).toEqual(['tools', 'error']);
    expect(c.events[1]).toMatchObject({ code: 'failed', message: expect.stringContaining('inference provider unavailable') });
  });
});

describe('bad requests', () => {
  test('invalid bodies are 400 with the field named; non-JSON is 415; nothing reaches Llama Stack', async () => {
    const { fake, pg } = await setup();
    const h = { 'Content-Type': 'application/json', ...asUser(token('alice')) };
    const post = (body: string, headers: Record<string, string> = h) => fetch(`${pg.url}/api/chat`, { method: 'POST', headers, body });
    const noModel = await post(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }));
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { message: string } }).error.message).toMatch(/^model:/);
    const lastAssistant = await post(JSON.stringify({ model: 'm', messages: [{ role: 'assistant', content: 'x' }] }));
    expect(lastAssistant.status).toBe(400);
    expect((await post('{not json')).status).toBe(400);
    expect((await post('x', { ...h, 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(fake.requests).toHaveLength(0);
  });
});

afterAll(() => {
  // Runs after every test above: what they logged names users but holds no token.
  expect(logLines.length).toBeGreaterThan(10);
  const all = logLines.join('');
  expect(all).toContain('"user":"alice"');
  expect(all).toMatch(/"msg":"chat turn"/);
  expect(all).toContain('"path":"/static"');
  for (const t of tokensUsed) expect(all).not.toContain(t);
  expect(all).not.toMatch(/Bearer /);
});
