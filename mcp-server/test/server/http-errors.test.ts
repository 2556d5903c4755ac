import { request as httpRequest } from 'node:http';
import type { Request, Response } from 'express';
import { jsonRpcErrorHandler } from '../../src/http/app.js';
import { startIssuerStub, type IssuerStub } from './support/issuer-stub.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';

let stub: IssuerStub;
let derived: Harness;
let fixed: Harness;
beforeAll(async () => {
  stub = await startIssuerStub();
  derived = await startHarness((secretFile) => oauthToml(stub, secretFile).replace('server_url = "https://mcp.example.test"\n', ''));
  fixed = await startHarness((secretFile) => oauthToml(stub, secretFile));
});
afterAll(async () => {
  await derived.server.stop();
  await fixed.server.stop();
  await stub.close();
});

/** A raw HTTP/1.1 request (fetch cannot send an arbitrary Host header). */
function raw(base: string, method: string, path: string, host: string): Promise<{ status: number; body: unknown }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, setHost: false, headers: { host, 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('a malformed Host header when the resource is derived from the request', () => {
  it.each([
    ['a b', 'GET', '/.well-known/oauth-protected-resource/mcp'],
    ['x:99999', 'GET', '/.well-known/oauth-protected-resource'],
    ['a b', 'POST', '/mcp'],
    ['x:99999', 'POST', '/mcp'],
  ])('Host "%s" on %s %s answers 400 with a JSON-RPC error naming the Host header', async (host, method, path) => {
    const res = await raw(derived.server.url!, method, path, host);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: expect.stringMatching(/^malformed Host header/) }, id: null });
  });

  it('still serves a well-formed host:port', async () => {
    const res = await raw(derived.server.url!, 'GET', '/.well-known/oauth-protected-resource/mcp', 'mcp.example.test:8443');
    expect(res.status).toBe(200);
    expect((res.body as { resource: string }).resource).toBe('http://mcp.example.test:8443/mcp');
  });
});

describe('Vary on the protected-resource metadata', () => {
  it('names Host and X-Forwarded-Proto when the resource is derived from them', async () => {
    const res = await fetch(`${derived.server.url}/.well-known/oauth-protected-resource/mcp`);
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toBe('Host, X-Forwarded-Proto');
  });

  it('is absent when server_url fixes the resource', async () => {
    const res = await fetch(`${fixed.server.url}/.well-known/oauth-protected-resource/mcp`);
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toBeNull();
  });
});

describe('jsonRpcErrorHandler', () => {
  function run(err: Error & { status?: number; type?: string }) {
    const out = { status: 0, body: undefined as unknown, logged: [] as unknown[] };
    const res = {
      headersSent: false,
      status(s: number) {
        out.status = s;
        return res;
      },
      json(b: unknown) {
        out.body = b;
        return res;
      },
    };
    jsonRpcErrorHandler({ error: (o: unknown) => void out.logged.push(o) } as never)(err, {} as Request, res as unknown as Response, () => {});
    return out;
  }

  it('answers an unexpected error with 500 and -32603 internal error, logging only its message', () => {
    const out = run(new Error('boom at /secret/path'));
    expect(out.status).toBe(500);
    expect(out.body).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null });
    expect(out.logged).toEqual([{ err: 'boom at /secret/path' }]);
  });

  it('answers a 4xx error with -32600 and its message, a body that is not JSON with -32700', () => {
    expect(run(Object.assign(new Error('request entity too large'), { status: 413 }))).toMatchObject({
      status: 413,
      body: { error: { code: -32600, message: 'request entity too large' } },
    });
    expect(run(Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' }))).toMatchObject({
      status: 400,
      body: { error: { code: -32700, message: 'parse error' } },
    });
  });
});
