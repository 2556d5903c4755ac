/**
 * The one place a caller becomes cluster credentials (as the Go server derives its client where
 * it exchanges): with `require_oauth`, the caller's token is exchanged once per request (the
 * result is kept on the caller) and the client carries the exchanged token only; without it, the
 * server's own credentials. This is the token exchanger's only caller.
 */
import type { KubeConfig } from './kube-config.js';
import type { Caller } from '../caller.js';
import type { ExchangeResult } from '../exchange/exchanger.js';

/** What turning a caller into credentials needs of the current configuration generation. */
export interface CredentialSource {
  /** Set with `require_oauth`: the authorization server side (undefined when OAuth is off). */
  readonly auth?: {
    /** Loads the metadata/JWKS and the exchanger if not yet done; false while unavailable. */
    ensureReady(): Promise<boolean>;
    readonly exchanger?: { exchange(token: string, user: Caller['user']): Promise<ExchangeResult> };
  };
  readonly cluster: {
    /** A client acting as the caller: cluster address + CA + `token`, nothing else. */
    forCaller(token: string): KubeConfig;
    /** The server's own credentials (`require_oauth` off only). */
    forServer(): KubeConfig;
  };
}

/** Credentials for one call, or why there are none (`code`: a short error code for the audit line). */
export type Credentials = { readonly ok: true; readonly kubeConfig: KubeConfig } | { readonly ok: false; readonly failure: string; readonly code: string };

/**
 * The caller's token exchange, done once per request (kept on the caller).
 * @returns the exchange result, or `undefined` while the authorization server is unavailable
 */
export async function exchangeFor(auth: NonNullable<CredentialSource['auth']>, caller: Caller): Promise<ExchangeResult | undefined> {
  if (!caller.exchange) {
    if (!(await auth.ensureReady()) || !auth.exchanger) return undefined;
    caller.exchange = await auth.exchanger.exchange(caller.token, caller.user);
  }
  return caller.exchange;
}

/**
 * @returns the caller's cluster client; without `require_oauth`, the server's own; a failed or
 *   unavailable exchange as `ok: false` naming Keycloak's error code
 * @throws Error from `forServer`/`forCaller` (e.g. a missing kubeconfig)
 */
export async function credentialsFor(source: CredentialSource, caller: Caller | undefined): Promise<Credentials> {
  if (!source.auth) return { ok: true, kubeConfig: source.cluster.forServer() };
  if (!caller) return { ok: false, failure: 'no access token on this request', code: 'unauthenticated' };
  const exchange = await exchangeFor(source.auth, caller);
  if (!exchange) return { ok: false, failure: 'authorization server metadata not available', code: 'exchange_unavailable' };
  if (!exchange.ok && exchange.problem) {
    return { ok: false, failure: `token exchange failed: ${exchange.problem}; nothing was sent to the Kubernetes API`, code: exchange.error };
  }
  if (!exchange.ok) return { ok: false, failure: `token exchange failed: the authorization server answered error "${exchange.error}"`, code: exchange.error };
  return { ok: true, kubeConfig: source.cluster.forCaller(exchange.token) };
}
