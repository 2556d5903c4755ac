/**
 * A `fetch` whose TLS connections trust exactly the given CA bundle (PEM) when one is given
 * (Node's default roots otherwise) — used for the issuer metadata, the JWKS and the token endpoint, passed to
 * jose and openid-client through their `customFetch` options. Redirects are not followed.
 */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

async function bodyBytes(body: RequestInit['body']): Promise<Buffer | undefined> {
  if (body == null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  return Buffer.from(await new Response(body).arrayBuffer());
}

/**
 * @param ca PEM bundle to trust (replaces the default roots for these requests); undefined =
 *   Node's default roots.
 * @param timeoutMs abort a request after this many milliseconds. @default 10000
 */
export function caFetch(ca: string | undefined, timeoutMs = 10_000): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(input instanceof URL ? input.href : String(input));
    const headers = new Headers(init.headers);
    const payload = await bodyBytes(init.body);
    if (payload && !headers.has('content-length')) headers.set('content-length', String(payload.length));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(
        url,
        { method: init.method ?? 'GET', headers: Object.fromEntries(headers), ...(url.protocol === 'https:' && ca ? { ca } : {}), timeout: timeoutMs },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (Array.isArray(v)) v.forEach((x) => h.append(k, x));
              else if (v !== undefined) h.set(k, v);
            }
            const status = res.statusCode ?? 502;
            const noBody = status === 204 || status === 304;
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: h }));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`request to ${url.origin} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      const signal = init.signal;
      if (signal) {
        if (signal.aborted) req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal.addEventListener('abort', () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true });
      }
      if (payload) req.write(payload);
      req.end();
    });
  };
}
