/**
 * A `fetch` whose TLS connections trust exactly the given CA bundle (PEM) when one is given
 * (Node's default roots otherwise) — used for the issuer metadata, the JWKS and the token
 * endpoint, passed to jose and openid-client through their `customFetch` options. Built on
 * Node's fetch with an undici `Agent({ connect: { ca } })` dispatcher. Redirects are not
 * followed (`redirect: 'manual'`: a 3xx comes back as is).
 */
import { Agent } from 'undici';

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * @param ca PEM bundle to trust (replaces the default roots for these requests); undefined =
 *   Node's default roots.
 * @param timeoutMs abort a request after this many milliseconds. @default 10000
 * @returns a fetch that rejects with `request to <origin> timed out after <timeoutMs> ms` on
 *   timeout, with the caller's abort reason when `init.signal` aborts, and with the TLS/connect
 *   error (e.g. an untrusted certificate) as `cause` otherwise.
 */
export function caFetch(ca: string | undefined, timeoutMs = 10_000): FetchLike {
  const dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  return async (input, init = {}) => {
    const url = new URL(input instanceof URL ? input.href : String(input));
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      // Node's fetch accepts an undici dispatcher (not part of the DOM RequestInit type).
      return await fetch(url, { ...init, redirect: 'manual', signal, ...(dispatcher ? { dispatcher } : {}) } as RequestInit);
    } catch (e) {
      if (timeout.aborted && !init.signal?.aborted) throw new Error(`request to ${url.origin} timed out after ${timeoutMs} ms`, { cause: e });
      throw e;
    }
  };
}
