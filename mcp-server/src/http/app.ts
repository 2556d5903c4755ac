/**
 * The HTTP surface. Open: `/healthz`, `/readyz`, `/metrics`, `/.well-known/*`. Behind the
 * bearer gate: `/mcp` (Streamable HTTP, stateless), `/sse` + `/message` (legacy SSE).
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Runtime } from '../runtime.js';
import type { FactoryDeps } from '../mcp/server-factory.js';
import { authenticate, exchangeEarly, resourceFor } from './auth-middleware.js';
import { protectedResourceMetadata } from '../auth/challenge.js';
import { methodNotAllowed, sseHandlers, streamableChecks, streamableHandler } from '../mcp/transports.js';
import { jsonRpcError } from '../mcp/json-rpc.js';

export interface App {
  readonly app: Express;
  /** Open SSE sessions (for tests and shutdown). */
  readonly sseSessions: Map<string, unknown>;
}

export function createApp(runtime: Runtime, deps: FactoryDeps): App {
  const { metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = req.route?.path ?? (req.path.startsWith('/.well-known/') ? '/.well-known' : 'other');
      metrics.httpRequests.inc({ route: String(route), status: String(res.statusCode) });
    });
    next();
  });

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const auth = runtime.current.auth;
    if (!auth || auth.ready || (await auth.ensureReady())) return void res.json({ status: 'ready' });
    res.status(503).json({ status: 'not ready', reason: 'issuer metadata or JWKS not loaded' });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const resourceMetadata = (req: Request, res: Response) => {
    const gen = runtime.current;
    if (!gen.auth) return void res.status(404).json({ error: 'not_found', error_description: 'require_oauth is off' });
    const resource = resourceFor(gen, req);
    res.setHeader('Cache-Control', 'max-age=300');
    // Derived from the request: caches must key the document on what it was derived from.
    if (!gen.config.server_url) res.setHeader('Vary', 'Host, X-Forwarded-Proto');
    res.json(protectedResourceMetadata(resource, gen.auth.issuer, gen.auth.scopes));
  };
  app.get('/.well-known/oauth-protected-resource', resourceMetadata);
  app.get('/.well-known/oauth-protected-resource/{*rest}', resourceMetadata);
  const realmMetadata = async (_req: Request, res: Response) => {
    const auth = runtime.current.auth;
    if (!auth) return void res.status(404).json({ error: 'not_found', error_description: 'require_oauth is off' });
    if (!(await auth.ensureReady()) || !auth.metadata) return void res.status(503).json({ error: 'temporarily_unavailable' });
    res.setHeader('Cache-Control', 'max-age=300');
    res.json(auth.metadata);
  };
  app.get('/.well-known/oauth-authorization-server', realmMetadata);
  app.get('/.well-known/openid-configuration', realmMetadata);

  const gate = authenticate(runtime, metrics);
  const json = express.json({ limit: '4mb' });
  const streamable = streamableHandler(deps);
  app.post('/mcp', gate, json, streamableChecks, exchangeEarly(metrics), streamable);
  app.get('/mcp', gate, methodNotAllowed);
  app.delete('/mcp', gate, methodNotAllowed);

  const sse = sseHandlers(deps);
  app.get('/sse', gate, exchangeEarly(metrics, true), sse.open);
  app.post('/message', gate, json, exchangeEarly(metrics), sse.message);

  app.use(jsonRpcErrorHandler(deps.log));

  return { app, sseSessions: sse.sessions };
}

/**
 * Body parsing and other request errors as a JSON-RPC error (JSON-RPC 2.0 §5.1), never an HTML
 * page or a stack: `-32700` parse error (400), `-32600` with the error's message for any other
 * 4xx (e.g. a malformed Host header), `-32603` "internal error" for everything else (500,
 * logged with its message only).
 */
export function jsonRpcErrorHandler(log: Pick<Logger, 'error'>) {
  return (err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction): void => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log.error({ err: err.message }, 'request failed');
    const parseError = err.type === 'entity.parse.failed';
    const code = parseError ? -32700 : status === 500 ? -32603 : -32600;
    jsonRpcError(res, status, code, parseError ? 'parse error' : status === 500 ? 'internal error' : err.message);
  };
}
