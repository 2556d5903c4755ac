/**
 * The typed caller context of one request: the verified access token, the identity it carries
 * and, once done, the token exchange's result. The auth middleware attaches it to the request's
 * `AuthInfo` (the SDK's typed object, handed to tool handlers as `extra.authInfo`) through
 * {@link attachCaller}; everything after reads it with {@link callerOf}. Nothing travels in
 * `AuthInfo.extra`.
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { ExchangeResult } from './exchange/exchanger.js';
import type { UserIdentity } from './obs/audit.js';

export interface Caller {
  /** The verified bearer token (never logged). */
  readonly token: string;
  readonly user: UserIdentity;
  /** The token exchange, once done for this request (k8s/credentials.ts sets it). */
  exchange?: ExchangeResult;
}

const callers = new WeakMap<AuthInfo, Caller>();

/** Builds the request's AuthInfo for a verified token and attaches its caller. */
export function authInfoFor(caller: Caller, info: Omit<AuthInfo, 'token' | 'extra'>): AuthInfo {
  const auth: AuthInfo = { ...info, token: caller.token };
  callers.set(auth, caller);
  return auth;
}

/** The caller attached to `auth`, if any. */
export function callerOf(auth: AuthInfo | undefined): Caller | undefined {
  return auth ? callers.get(auth) : undefined;
}
