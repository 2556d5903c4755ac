/**
 * Bearer-token gate in front of `/mcp`, `/sse` and `/message` (never `/healthz`, `/readyz`,
 * `/metrics` or the metadata documents). With `require_oauth` off it only attaches an empty
 * identity. Any failure inside verification is a 401; nothing reaches Keycloak's exchange or
 * Kubernetes before the token is verified.
 */
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { decodeProtectedHeader } from 'jose';
import type { Runtime, Generation } from '../runtime.js';
import type { Metrics } from '../obs/metrics.js';
import { bearerChallenge, metadataUrlFor } from '../auth/challenge.js';
import { TokenRejected } from '../auth/verifier.js';
import { authInfoFor, callerOf } from '../caller.js';
import { exchangeFor } from '../k8s/credentials.js';
import { callsMethod } from '../mcp/json-rpc.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Read by the SDK transports and handed to tool handlers as `extra.authInfo`. */
    auth?: AuthInfo;
    /** The generation this request was admitted under. */
    generation?: Generation;
  }
}

/** An error that the app's error handler answers with `status` and `message` (4xx only). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** RFC 9110 §7.2 Host = uri-host [ ":" port ]: a DNS name / IPv4 address or a bracketed IPv6 literal. */
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * The resource (RFC 9728 §1.2) this server protects: `server_url + "/mcp"`, or derived from the
 * request's `X-Forwarded-Proto` (http/https; else the connection's protocol) and `Host`.
 * @throws HttpError 400 when the Host header is missing or malformed (`a b`, `x:99999`) or
 *   X-Forwarded-Proto is neither http nor https.
 */
export function resourceFor(gen: Generation, req: Request): string {
  if (gen.config.server_url) return `${gen.config.server_url}/mcp`;
  const proto = ((req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() || req.protocol).toLowerCase();
  if (proto !== 'http' && proto !== 'https') throw new HttpError(400, `X-Forwarded-Proto "${proto.slice(0, 20)}" is not http or https`);
  const host = req.headers.host ?? '';
  const m = HOST.exec(host);
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) {
    throw new HttpError(400, 'malformed Host header: expected host[:port] with a port of at most 65535 (or set server_url)');
  }
  return `${proto}://${host}/mcp`;
}

function reject(
  res: Response,
  gen: Generation,
  req: Request,
  metrics: Metrics,
  status: 401 | 403,
  reason: string,
  error?: 'invalid_token' | 'insufficient_scope',
  description?: string,
): void {
  metrics.authRejections.inc({ reason });
  res.setHeader(
    'WWW-Authenticate',
    bearerChallenge({ resourceMetadata: metadataUrlFor(resourceFor(gen, req)), scopes: gen.auth?.scopes ?? [], error, description }),
  );
  res.status(status).json({ error: error ?? 'unauthorized', error_description: description ?? 'a bearer access token is required' });
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
/** The auth-scheme token of an Authorization header (RFC 9110 §11.6.2: case-insensitive). */
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/** Whether `token` is a JWS in compact serialization (RFC 7515 §7.1: three parts, a JSON header naming `alg`). */
export function isCompactJws(token: string): boolean {
  if (token.split('.').length !== 3) return false;
  try {
    return typeof decodeProtectedHeader(token).alg === 'string';
  } catch {
    return false;
  }
}

/** How many `Authorization` header lines a request carries (`rawHeaders`: name, value, name, value, …). */
export function authorizationHeaderCount(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'authorization') n++;
  return n;
}

/**
 * Step 1: verify the bearer token (before the body is parsed). More than one `Authorization`
 * header is HTTP 400 `invalid_request` (RFC 6750 §3.1), with or without `require_oauth` (with it,
 * also the `WWW-Authenticate` challenge carrying `error="invalid_request"`).
 */
export function authenticate(runtime: Runtime, metrics: Metrics): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const gen = runtime.current;
    req.generation = gen;
    // Node keeps the first of repeated Authorization headers and drops the rest: refuse the ambiguity.
    if (authorizationHeaderCount(req.rawHeaders) > 1) {
      metrics.authRejections.inc({ reason: 'ambiguous_authorization' });
      const description = 'more than one Authorization header: send exactly one';
      // RFC 6750 §3.1: with OAuth on, the 400 carries the challenge with error="invalid_request".
      if (gen.auth)
        res.setHeader(
          'WWW-Authenticate',
          bearerChallenge({ resourceMetadata: metadataUrlFor(resourceFor(gen, req)), scopes: gen.auth.scopes, error: 'invalid_request', description }),
        );
      res.status(400).json({ error: 'invalid_request', error_description: description });
      return;
    }
    if (!gen.auth) return next();
    const header = req.headers.authorization;
    if (!header) return reject(res, gen, req, metrics, 401, 'missing_token');
    // RFC 6750 §3.1: a request using another authentication method (Basic, …) gets the bare
    // challenge, without an error code; only a malformed Bearer credential is `invalid_token`.
    if (!BEARER_SCHEME.test(header))
      return reject(res, gen, req, metrics, 401, 'unsupported_scheme', undefined, 'only the Bearer authentication scheme is supported');
    const m = BEARER.exec(header);
    if (!m) return reject(res, gen, req, metrics, 401, 'invalid_token', 'invalid_token', 'the Bearer credential is malformed');
    // No issuer state can make a non-JWS valid: 401 before waiting on the metadata/JWKS (never 503).
    if (!isCompactJws(m[1]!))
      return reject(res, gen, req, metrics, 401, 'invalid_token', 'invalid_token', 'the access token is not a signed JWT (JWS compact serialization)');
    if (!(await gen.auth.ensureReady()) || !gen.auth.verifier) {
      metrics.authRejections.inc({ reason: 'not_ready' });
      res.setHeader('Retry-After', '5');
      res.status(503).json({ error: 'temporarily_unavailable', error_description: 'the authorization server metadata or JWKS could not be loaded yet' });
      return;
    }
    try {
      const v = await gen.auth.verifier.verify(m[1]!);
      req.auth = authInfoFor(
        { token: m[1]!, user: { sub: v.claims.sub, preferredUsername: v.claims.preferred_username } },
        { clientId: v.claims.azp ?? '', scopes: v.scopes, expiresAt: v.claims.exp },
      );
      next();
    } catch (e) {
      if (e instanceof TokenRejected && e.kind === 'insufficient_scope')
        return reject(res, gen, req, metrics, 403, 'insufficient_scope', 'insufficient_scope', e.message);
      reject(res, gen, req, metrics, 401, 'invalid_token', 'invalid_token', e instanceof TokenRejected ? e.message : 'the token could not be verified');
    }
  };
}

/** JSON-RPC methods whose handling needs cluster credentials (exchange before the transport). */
const needsCredentials = (body: unknown) => callsMethod(body, 'tools/call', 'tools/list');

/**
 * Step 2 (after body parsing): for requests that will call or list tools (and for GET /sse),
 * exchange the token now, so that Keycloak refusing the SUBJECT token becomes HTTP 401
 * `invalid_token` (the client re-authenticates). Other exchange failures travel on to the tool
 * call, which answers `isError` naming Keycloak's error code.
 */
export function exchangeEarly(metrics: Metrics, always = false): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const gen = req.generation!;
    const caller = callerOf(req.auth);
    if (!gen.auth || !caller || !gen.auth.exchanger || !(always || needsCredentials(req.body))) return next();
    // The result stays on the caller: the tool call uses it and does not exchange again.
    const result = await exchangeFor(gen.auth, caller);
    if (result && !result.ok && result.refusedSubjectToken) {
      return reject(
        res,
        gen,
        req,
        metrics,
        401,
        'subject_token_refused',
        'invalid_token',
        `the authorization server refused the token (${result.error}); authenticate again`,
      );
    }
    next();
  };
}
