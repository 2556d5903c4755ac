/**
 * MCP over HTTP. Streamable HTTP at `/mcp` is STATELESS: every POST gets a fresh McpServer and
 * transport (no session id), so any replica serves any request; GET/DELETE answer 405. The
 * legacy SSE transport (`GET /sse` + `POST /message?sessionId=…`) is inherently stateful: the
 * session lives on the replica that holds the event stream.
 */
import type { Request, Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { callerOf } from '../caller.js';
import { callsMethod, jsonRpcError } from './json-rpc.js';
import { createMcpServer, type FactoryDeps } from './server-factory.js';
import { batchRefusal, lenientInitialize, negotiatedVersion, toolCallRefusals } from './request-checks.js';

const wantsToolList = (body: unknown) => callsMethod(body, 'tools/list');

/** POST /mcp */
export function streamableHandler(deps: FactoryDeps) {
  return async (req: Request, res: Response) => {
    const gen = req.generation!;
    let server: McpServer | undefined;
    try {
      server = await createMcpServer(gen, deps, req.auth, wantsToolList(req.body));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server?.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (e) {
      deps.log.error({ err: (e as Error).message }, 'streamable HTTP request failed');
      jsonRpcError(res, 500, -32603, 'internal error');
    }
  };
}

/**
 * POST /mcp, before the exchange and the transport (request-checks.ts): a batch under a
 * protocol version without batching is HTTP 400 `-32600`; an invalid `tools/call` is answered
 * `-32602` (HTTP 200, as any JSON-RPC error response) and never runs; an `initialize` without
 * `clientInfo` is accepted.
 */
export function streamableChecks(req: Request, res: Response, next: () => void): void {
  const header = req.headers['mcp-protocol-version'];
  const batch = batchRefusal(req.body, typeof header === 'string' ? header : undefined);
  if (batch) return void res.status(400).json(batch);
  const refused = toolCallRefusals(req.body, req.generation!.tools);
  if (refused) return void res.status(200).json(refused);
  lenientInitialize(req.body);
  next();
}

/** GET/DELETE /mcp in stateless mode. */
export function methodNotAllowed(_req: Request, res: Response): void {
  res.setHeader('Allow', 'POST');
  jsonRpcError(res, 405, -32000, 'method not allowed: this server runs Streamable HTTP statelessly (POST only)');
}

interface SseSession {
  readonly transport: SSEServerTransport;
  readonly server: McpServer;
  /** The caller who opened the stream; messages from anyone else are refused. */
  readonly sub?: string;
  /** The configuration generation the session's tools were built for. */
  readonly generation: number;
  /** The protocol version negotiated by the session's `initialize` (none yet: undefined). */
  protocolVersion?: string;
}

/** GET /sse and POST /message, sharing one session table. */
export function sseHandlers(deps: FactoryDeps, messagePath = '/message') {
  const sessions = new Map<string, SseSession>();
  const open = async (req: Request, res: Response) => {
    const gen = req.generation!;
    const sub = callerOf(req.auth)?.user.sub;
    // Ownership of the session is its opener's `sub`: without one, no session (never undefined === undefined).
    if (gen.auth && !sub) return jsonRpcError(res, 403, -32001, 'an SSE session needs a token with a sub claim');
    try {
      const server = await createMcpServer(gen, deps, req.auth, true);
      const transport = new SSEServerTransport(messagePath, res);
      sessions.set(transport.sessionId, { transport, server, sub, generation: gen.id });
      res.on('close', () => {
        sessions.delete(transport.sessionId);
        void server.close();
      });
      await server.connect(transport);
    } catch (e) {
      deps.log.error({ err: (e as Error).message }, 'SSE session failed to start');
      if (!res.headersSent) res.status(500).end();
    }
  };
  const message = async (req: Request, res: Response) => {
    const id = typeof req.query.sessionId === 'string' ? req.query.sessionId : '';
    const s = sessions.get(id);
    if (!s) return jsonRpcError(res, 404, -32001, 'unknown SSE session (it ended, or lives on another replica)');
    const gen = req.generation!;
    if (s.generation !== gen.id) {
      // The configuration was reloaded: the session's tools and credentials rules are stale.
      sessions.delete(id);
      void s.transport.close();
      return jsonRpcError(res, 404, -32001, 'SSE session ended by a configuration reload; reconnect');
    }
    const caller = callerOf(req.auth)?.user.sub;
    if (gen.auth && (!s.sub || !caller || caller !== s.sub)) {
      return jsonRpcError(res, 403, -32001, 'this SSE session belongs to another user');
    }
    // Refusals travel on the event stream, as every answer of this transport does.
    const refused = batchRefusal(req.body, s.protocolVersion) ?? toolCallRefusals(req.body, gen.tools);
    if (refused) {
      for (const m of Array.isArray(refused) ? refused : [refused]) await s.transport.send(m as never);
      return void res.status(202).end('Accepted');
    }
    const init = (Array.isArray(req.body) ? req.body : [req.body]).find((m) => m && typeof m === 'object' && m.method === 'initialize');
    if (init) s.protocolVersion = negotiatedVersion(init.params?.protocolVersion);
    lenientInitialize(req.body);
    await s.transport.handlePostMessage(req, res, req.body);
  };
  return { open, message, sessions };
}
