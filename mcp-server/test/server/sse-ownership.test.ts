import type { Request, Response } from 'express';
import { authInfoFor } from '../../src/caller.js';
import { sseHandlers } from '../../src/mcp/transports.js';
import type { FactoryDeps } from '../../src/mcp/server-factory.js';

/** Just enough of an Express response to read what a handler answered. */
function recorder() {
  const out = { status: 0, body: undefined as unknown, ended: false };
  const res = {
    headersSent: false,
    status(s: number) {
      out.status = s;
      return res;
    },
    json(b: unknown) {
      out.body = b;
      out.ended = true;
      return res;
    },
    end() {
      out.ended = true;
      return res;
    },
    on() {
      return res;
    },
  };
  return { res: res as unknown as Response, out };
}

const silentDeps = { log: { error() {}, warn() {}, info() {}, debug() {} } } as unknown as FactoryDeps;

function request(sub: string | undefined, extra: Partial<Request> = {}): Request {
  return {
    generation: { id: 1, auth: {} },
    auth: authInfoFor({ token: 't', user: { sub } }, { clientId: '', scopes: [] }),
    query: {},
    ...extra,
  } as unknown as Request;
}

describe('SSE session ownership with require_oauth', () => {
  it('refuses to open a session for a token without sub (403, JSON-RPC error), before building an MCP server', async () => {
    const { open, sessions } = sseHandlers(silentDeps);
    const { res, out } = recorder();
    await open(request(undefined), res);
    expect(out.status).toBe(403);
    expect(out.body).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'an SSE session needs a token with a sub claim' }, id: null });
    expect(sessions.size).toBe(0);
  });

  it('never lets a caller without sub post to a session whose owner has none (undefined !== undefined here)', async () => {
    const { message, sessions } = sseHandlers(silentDeps);
    let delivered = 0;
    (sessions as Map<string, unknown>).set('s1', { transport: { handlePostMessage: async () => void delivered++ }, server: {}, sub: undefined, generation: 1 });
    const { res, out } = recorder();
    await message(request(undefined, { query: { sessionId: 's1' } as Request['query'] }), res);
    expect(out.status).toBe(403);
    expect(delivered).toBe(0);
  });

  it('delivers a message from the session owner', async () => {
    const { message, sessions } = sseHandlers(silentDeps);
    let delivered = 0;
    (sessions as Map<string, unknown>).set('s1', {
      transport: { handlePostMessage: async () => void delivered++ },
      server: {},
      sub: 'user-alice',
      generation: 1,
    });
    const { res, out } = recorder();
    await message(request('user-alice', { query: { sessionId: 's1' } as Request['query'] }), res);
    expect(out.status).toBe(0);
    expect(delivered).toBe(1);
  });
});
