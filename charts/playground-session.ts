/**
 * The Playground's oauth2-proxy session timing, derived from the realm so the upstream never
 * receives an expired access token.
 *
 * oauth2-proxy (v7.15.6, pkg/middleware/stored_session.go) refreshes a session on the first
 * request after the session is older than `--cookie-refresh`; until then it forwards the access
 * token it got at login or at the last refresh. A token issued at age 0 lives
 * {@link accessTokenLifespanOf} seconds, so the refresh interval must be below the lifespan,
 * with room for the time the upstream holds the token (a Llama Stack agent turn calls the MCP
 * server with it): refresh = lifespan − min(60 s, lifespan / 2), e.g. 300 s → 240 s, 60 s → 30 s.
 * The forwarded token then has at least min(60 s, lifespan / 2) − 1 s left (oauth2-proxy counts
 * the session age in whole seconds).
 */
import type { RealmModel } from '../keycloak-realm/realm-model.js';

/**
 * OpenShift's default cluster network (`networking.clusterNetwork`), where the router connects to
 * pods from: the default of `playground.trustedProxyCidrs` (oauth2-proxy `--trusted-proxy-ip`).
 */
export const OPENSHIFT_DEFAULT_CLUSTER_NETWORK = '10.128.0.0/14';

/** Keycloak's realm default access-token lifespan (`accessTokenLifespan`), seconds. */
export const KEYCLOAK_DEFAULT_ACCESS_TOKEN_LIFESPAN = 300;
/** Keycloak client attribute that overrides the realm's access-token lifespan for one client (seconds). */
export const CLIENT_ACCESS_TOKEN_LIFESPAN_ATTRIBUTE = 'access.token.lifespan';
/** At most this much of the lifespan is kept as margin before a refresh, seconds. */
export const REFRESH_MARGIN_MAX_SECONDS = 60;

/**
 * Access-token lifespan (seconds) of the tokens `clientId` gets: the client's
 * `access.token.lifespan` attribute when set (Keycloak's per-client override), else the realm's
 * `settings.accessTokenLifespan`, else Keycloak's default 300.
 */
export function accessTokenLifespanOf(realm: RealmModel, clientId: string): number {
  const attr = realm.clients.find((c) => c.clientId === clientId)?.attributes[CLIENT_ACCESS_TOKEN_LIFESPAN_ATTRIBUTE];
  const fromClient = attr !== undefined && /^\d+$/.test(attr) && Number(attr) > 0 ? Number(attr) : undefined;
  return fromClient ?? realm.settings.accessTokenLifespan ?? KEYCLOAK_DEFAULT_ACCESS_TOKEN_LIFESPAN;
}

/** Seconds of a Go duration of the form `<n>s|m|h` (the forms the config accepts). */
export function durationSeconds(d: string): number {
  const m = /^(\d+)([smh])$/.exec(d);
  if (!m) throw new Error(`expected a duration such as "15m", got "${d}"`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** The largest `--cookie-refresh` (seconds) that keeps every forwarded token unexpired for `lifespan` seconds (see module doc). */
export function maxCookieRefreshSeconds(lifespanSeconds: number): number {
  return Math.max(1, lifespanSeconds - Math.min(REFRESH_MARGIN_MAX_SECONDS, Math.floor(lifespanSeconds / 2)));
}

/** `--cookie-refresh` for a lifespan, as a Go duration in seconds (e.g. `240s`). */
export function cookieRefreshFor(lifespanSeconds: number): string {
  return `${maxCookieRefreshSeconds(lifespanSeconds)}s`;
}
