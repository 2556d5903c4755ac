/**
 * Who is asking: the headers oauth2-proxy sets on every request it passes upstream
 * (`--pass-access-token`, set by the chart; `--pass-user-headers`, on by default). The Playground trusts
 * them because its port is reachable only through the proxy (the chart's NetworkPolicy admits
 * the router on the proxy port only).
 */
import type { Request } from 'express';

/** The signed-in user of one request. */
export interface Caller {
  /** The access token, used as the bearer to Llama Stack and handed to MCP; never logged. */
  readonly token: string;
  /** For display and logs only: `X-Forwarded-Preferred-Username`, else `X-Forwarded-User`, else "". */
  readonly username: string;
}

/** RFC 6750 `b64token`, at most 16 KiB (a JWT is well below). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

/** The caller of a request, or undefined when no usable access token was forwarded. */
export function callerOf(req: Request): Caller | undefined {
  const token = header(req, 'x-forwarded-access-token')?.trim();
  if (!token || token.length > 16384 || !B64TOKEN.test(token)) return undefined;
  const raw = header(req, 'x-forwarded-preferred-username') || header(req, 'x-forwarded-user') || '';
  // Display text only: printable characters, bounded.
  const username = raw.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').slice(0, 256);
  return { token, username };
}
