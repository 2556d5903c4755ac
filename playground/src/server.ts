/**
 * The Playground's HTTP server (express 5).
 *
 * Routes:
 * - `GET /healthz` → 200 `{"status":"ok"}`; no token needed, does not call Llama Stack (probes).
 * - `GET /metrics` → Prometheus text (request and turn counters).
 * - `GET /static/*` → the page's script and style (no token needed; oauth2-proxy skips auth there).
 * - `GET /` → the chat page; without a forwarded token → 401 with the sign-in page.
 * - `GET /api/session` → `{user, defaultModel, mcpServerLabel, version}`.
 * - `GET /api/models` → `{models: [{id, provider?}], defaultModel?}` (LLM models, as the user);
 *   Llama Stack failures → `{error: {code, message}}` with 401/403/502/504.
 * - `POST /api/chat` (`application/json` `{model, messages: [{role, content}]}`) → 200
 *   `application/x-ndjson`, one {@link ChatEvent} per line, ending with `done` or `error`.
 * - any `/api/*` without a token → 401 `{error: {code: "login_required", signIn}}`.
 *
 * Logs: one line per request (method, path, status, duration, username) and per turn; never
 * a header, a token, a question or an answer.
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { z } from 'zod';
import type { PlaygroundConfig } from './config.js';
import { callerOf, type Caller } from './identity.js';
import { chat, listModels, LlamaStackError, type ChatEvent } from './llama-stack.js';
import { loginPage, notFoundPage, SIGN_IN_PATH } from './pages.js';
import { playgroundVersion } from './version.js';

/** Directory of the page's static files (`playground/public`, beside `src/` and `dist/`). */
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** Body of `POST /api/chat`. At most 100 turns of 32 000 characters; the last is the user's question. */
export const ChatRequestSchema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(32_000) }).strict())
      .min(1)
      .max(100),
  })
  .strict()
  .refine((b) => b.messages[b.messages.length - 1]!.role === 'user', { message: "the last message must be the user's question", path: ['messages'] });

/** pino logger of the Playground; tokens and authorization headers are censored should they ever be passed. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kube-mcp-playground' },
      redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'headers', '*.headers', 'apiKey'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Options of {@link createApp}. */
export interface AppOptions {
  readonly logger?: Logger;
  readonly registry?: Registry;
}

const STATUS_OF: Record<string, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 502,
  bad_request: 502,
  unreachable: 502,
  timeout: 504,
  upstream: 502,
  failed: 502,
};

/** Builds the express app. */
export function createApp(cfg: PlaygroundConfig, opts: AppOptions = {}): express.Express {
  const log = opts.logger ?? createLogger(cfg.logLevel);
  const registry = opts.registry ?? new Registry();
  const version = playgroundVersion();
  const requests = new Counter({
    name: 'playground_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const turns = new Counter({
    name: 'playground_chat_turns_total',
    help: 'Chat turns by outcome (done, or the error code)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const toolCalls = new Counter({
    name: 'playground_tool_calls_total',
    help: 'MCP tool calls seen in answers, by result (ok, error, forbidden)',
    labelNames: ['result'],
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    // The path as requested (a mounted router such as /static rewrites req.path); never the query.
    const path = req.path;
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    res.on('finish', () => {
      const known = ['/', '/healthz', '/metrics', '/api/session', '/api/models', '/api/chat'];
      const route = known.includes(path) ? path : path.startsWith('/static/') ? '/static' : 'other';
      requests.inc({ route, status: String(res.statusCode) });
      if (path === '/healthz') return;
      const user = res.locals.caller ? (res.locals.caller as Caller).username : undefined;
      log.info(
        { method: req.method, path: route, status: res.statusCode, duration_ms: Number((process.hrtime.bigint() - start) / 1000n) / 1000, user },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Browsers ask for it on every page; there is none.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.use('/static', express.static(PUBLIC_DIR, { index: false, fallthrough: false, maxAge: '5m' }));

  const withCaller = (kind: 'page' | 'api') => (req: Request, res: Response, next: NextFunction) => {
    const caller = callerOf(req);
    if (!caller) {
      res.status(401).setHeader('Cache-Control', 'no-store');
      if (kind === 'page') res.type('html').send(loginPage());
      else res.json({ error: { code: 'login_required', message: 'Sign in to use the Playground.', signIn: SIGN_IN_PATH } });
      return;
    }
    res.locals.caller = caller;
    next();
  };

  app.get('/', withCaller('page'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile('index.html', { root: PUBLIC_DIR });
  });

  app.use('/api', withCaller('api'), (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.get('/api/session', (_req, res) => {
    const caller = res.locals.caller as Caller;
    res.json({ user: caller.username, defaultModel: cfg.defaultModel ?? null, mcpServerLabel: cfg.mcpServerLabel, version });
  });

  app.get('/api/models', async (req, res) => {
    const caller = res.locals.caller as Caller;
    const ac = new AbortController();
    req.on('close', () => ac.abort());
    try {
      const models = await listModels(cfg, caller.token, ac.signal);
      // Llama Stack lists models as `<provider_id>/<model_id>` (docs/components.md); the chart passes
      // the configured model id, so a listed id matches it exactly or as `<provider>/<id>`.
      const want = cfg.defaultModel;
      const defaultModel = (want && models.find((m) => m.id === want || m.id.endsWith(`/${want}`))?.id) ?? models[0]?.id;
      res.json({ models, defaultModel: defaultModel ?? null });
    } catch (e) {
      const err = e instanceof LlamaStackError ? e : new LlamaStackError('failed', 'listing the models failed');
      log.warn({ user: caller.username, code: err.code, upstream_status: err.status }, 'model list failed');
      res.status(STATUS_OF[err.code] ?? 502).json({ error: { code: err.code, message: err.message, ...(err.status ? { status: err.status } : {}) } });
    }
  });

  app.post('/api/chat', express.json({ limit: '4mb' }), async (req, res) => {
    const caller = res.locals.caller as Caller;
    if (!req.is('application/json')) {
      res.status(415).json({ error: { code: 'bad_request', message: 'send application/json' } });
      return;
    }
    const parsed = ChatRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      res.status(400).json({ error: { code: 'bad_request', message: msg } });
      return;
    }
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    res.status(200).type('application/x-ndjson').setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const started = Date.now();
    let outcome = 'aborted';
    let calls = 0;
    for await (const ev of chat(cfg, caller.token, parsed.data, ac.signal)) {
      if (ev.type === 'tool_result') {
        calls++;
        toolCalls.inc({ result: ev.forbidden ? 'forbidden' : ev.error ? 'error' : 'ok' });
      }
      if (ev.type === 'done') outcome = 'done';
      if (ev.type === 'error') outcome = ev.code;
      if (!res.writable) break;
      res.write(`${JSON.stringify(ev satisfies ChatEvent)}\n`);
    }
    turns.inc({ outcome });
    log.info(
      { user: caller.username, model: parsed.data.model, turns: parsed.data.messages.length, tool_calls: calls, outcome, duration_ms: Date.now() - started },
      'chat turn',
    );
    res.end();
  });

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such API' } });
  });
  app.use((req: Request, res: Response) => {
    res.status(404).type('html').send(notFoundPage(req.path));
  });
  // Express 5 error handler: malformed JSON, missing static files, anything thrown.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; statusCode?: number; type?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 500) log.error({ path: req.path, err: { type: (err as Error)?.name } }, 'request failed');
    if (res.headersSent) return void res.end();
    if (status === 404) return void res.status(404).type('html').send(notFoundPage(req.path));
    const message =
      status === 400 ? 'the request body is not valid JSON' : status === 413 ? 'the conversation is too long' : 'the Playground failed this request';
    res.status(status).json({ error: { code: status < 500 ? 'bad_request' : 'internal', message } });
  });
  return app;
}

/** A listening Playground. */
export interface RunningPlayground {
  readonly server: Server;
  /** `http://<host>:<port>` actually bound. */
  readonly url: string;
  readonly log: Logger;
  stop(): Promise<void>;
}

/** Starts the server on `cfg.host:cfg.port` (port 0 = any free port). */
export async function startPlayground(cfg: PlaygroundConfig, opts: AppOptions = {}): Promise<RunningPlayground> {
  const log = opts.logger ?? createLogger(cfg.logLevel);
  const app = createApp(cfg, { ...opts, logger: log });
  const server = app.listen(cfg.port, cfg.host);
  // Behind oauth2-proxy (Go's http.Transport keeps idle upstream connections for 90 s), the
  // server must not close an idle keep-alive connection first: a POST the proxy sends on a
  // connection Node is closing is lost (Go retries no POST with a body) and the proxy answers
  // 502. Node closes keepAliveTimeout + 1 s after the last response (default 5 s → 6 s); 95 s
  // outlasts the proxy's idle timeout. Proven by test/e2e/playground-keep-alive.e2e.test.ts.
  server.keepAliveTimeout = 95_000;
  server.headersTimeout = 100_000;
  await once(server, 'listening');
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  log.info(
    {
      port: addr.port,
      llama_stack: cfg.llamaStackUrl,
      api_base_path: cfg.apiBasePath,
      mcp_server: cfg.mcpServerUrl,
      mcp_auth: cfg.mcpAuth,
      version: playgroundVersion(),
    },
    'playground listening',
  );
  return {
    server,
    url,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
