/**
 * One HTTP request to the Kubernetes API server with a KubeConfig's cluster, CA and credentials
 * (applied by `KubeConfig.applyToHTTPSOptions`). Used for everything the typed clients do not
 * expose well: `as=Table` rendering, server-side apply, discovery, metrics, logs.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from './kube-config.js';
import { transportOf } from './transport.js';

/** A non-2xx answer from the API server, with the `Status` object's reason and message when present. */
export class KubeApiError extends Error {
  constructor(
    /** HTTP status code (403, 404, 409, …). */
    readonly code: number,
    /** `Status.reason` (e.g. `Forbidden`, `NotFound`, `AlreadyExists`), or the HTTP status text. */
    readonly reason: string,
    /** `Status.message`, e.g. `pods is forbidden: User "alice" cannot list resource "pods" …`. */
    readonly apiMessage: string,
  ) {
    super(`${reason}: ${apiMessage}`);
    this.name = 'KubeApiError';
  }
}

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the server URL, starting with `/`, e.g. `/api/v1/namespaces`. */
  path: string;
  /** Query parameters; undefined values are dropped. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Request body; objects are sent as JSON. */
  body?: unknown;
  /** Content-Type of the body; default `application/json`. */
  contentType?: string;
  /** Accept header; default `application/json`. */
  accept?: string;
  /** Socket timeout in ms; default 30 000. */
  timeoutMs?: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const unauthorizedListeners = new WeakMap<KubeConfig, (request: string) => void>();

/**
 * Calls `listener` with the request line (`GET /api/v1/namespaces`) each time the API server
 * answers HTTP 401 to a request sent with `kc`: the server rejected the credentials themselves
 * (an untrusted token issuer or audience, an expired token), as opposed to RBAC's 403. One
 * listener per KubeConfig (a later call replaces it); it must not throw.
 */
export function onUnauthorized(kc: KubeConfig, listener: (request: string) => void): void {
  unauthorizedListeners.set(kc, listener);
}

const requestObservers = new WeakMap<KubeConfig, (method: string, code: string) => void>();

/**
 * Calls `observer` once per request sent with `kc` (after the answer: `code` is the HTTP status
 * as a string, or `error` for a network/TLS failure before any answer). One observer per
 * KubeConfig (a later call replaces it); it must not throw.
 * @returns `kc`
 */
export function observeRequests(kc: KubeConfig, observer: (method: string, code: string) => void): KubeConfig {
  requestObservers.set(kc, observer);
  return kc;
}

/** Reports a request made with `kc` outside {@link kubeRequestText} (an exec WebSocket: `code` "websocket"). */
export function recordKubeRequest(kc: KubeConfig, method: string, code: string): void {
  requestObservers.get(kc)?.(method, code);
}

/** Build the full URL for a request (keeps a path prefix in the server URL, e.g. a proxy's). */
export function requestUrl(kc: KubeConfig, req: Pick<KubeRequest, 'path' | 'query'>): URL {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('KubeConfig has no current cluster');
  const base = new URL(cluster.server);
  const path = base.pathname.replace(/\/+$/, '') + req.path;
  const url = new URL(path, base);
  // `new URL()` collapses dot segments (`/ns/team-a/configmaps/..` → `/ns/team-a/`) and re-encodes;
  // a request must go exactly where its path says, or policy checks and audit lines would lie.
  if (url.pathname !== path || url.search !== '' || url.hash !== '') {
    throw new Error(
      `refusing request: path ${JSON.stringify(req.path)} does not stay as built (the URL would be ${JSON.stringify(url.pathname + url.search + url.hash)})`,
    );
  }
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  return url;
}

/**
 * Send a request and return the raw body text.
 * @throws KubeApiError for a non-2xx status; Error for network/TLS failures.
 */
export async function kubeRequestText(kc: KubeConfig, req: KubeRequest): Promise<string> {
  const url = requestUrl(kc, req);
  const transport = transportOf(kc);
  let opts: https.RequestOptions;
  if (transport) {
    // TLS per cluster (the shared agent), credentials per request: this caller's token only.
    const token = kc.getCurrentUser()?.token;
    if (!token) throw new Error('refusing request: the KubeConfig has no bearer token');
    opts = { agent: transport.agent, headers: { Authorization: `Bearer ${token}` } };
  } else {
    opts = { headers: {} };
    await kc.applyToHTTPSOptions(opts);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
  headers.Accept = req.accept ?? 'application/json';
  let payload: string | undefined;
  if (req.body !== undefined) {
    payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const mod = url.protocol === 'http:' ? http : https;
  const method = req.method ?? 'GET';
  const send = (retry: boolean) =>
    new Promise<string>((resolve, reject) => {
      const r = mod.request(url, { ...opts, method, headers, timeout: req.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          recordKubeRequest(kc, method, String(status));
          if (status >= 200 && status < 300) return resolve(text);
          if (status === 401) unauthorizedListeners.get(kc)?.(`${method} ${url.pathname}`);
          reject(statusError(status, text, `${method} ${url.pathname}`));
        });
      });
      r.on('timeout', () => r.destroy(new Error(`request to ${url.origin}${url.pathname} timed out`)));
      r.on('error', (e: NodeJS.ErrnoException) => {
        // A pooled connection the server closed while idle: a GET is sent once more on a new one
        // (what Node's docs advise for keep-alive agents); nothing else is repeated.
        if (retry && method === 'GET' && r.reusedSocket && e.code === 'ECONNRESET') return resolve(send(false));
        recordKubeRequest(kc, method, 'error');
        reject(e);
      });
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  return send(true);
}

/** Send a request and parse the JSON answer. @throws as {@link kubeRequestText}. */
export async function kubeRequest<T = unknown>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  const text = await kubeRequestText(kc, req);
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * Turn an error body (ideally a `metav1.Status`) into a KubeApiError. A body that is not a Status
 * (e.g. `404 page not found` for an API group the cluster does not serve) is summarised and
 * `request` (`GET /apis/...`) is appended so the caller sees what was not found.
 */
export function statusError(code: number, body: string, request?: string): KubeApiError {
  try {
    const s = JSON.parse(body) as { kind?: string; reason?: string; message?: string };
    if (s && (s.kind === 'Status' || s.message)) {
      return new KubeApiError(code, s.reason || REASONS[code] || `HTTP${code}`, s.message ?? body);
    }
  } catch {
    /* not JSON: fall through */
  }
  const text = code === 404 ? 'the server could not find the requested resource' : body.trim().slice(0, 500) || http.STATUS_CODES[code] || 'error';
  return new KubeApiError(code, REASONS[code] ?? `HTTP${code}`, request ? `${text} (${request})` : text);
}
