/**
 * An authenticated @keycloak/keycloak-admin-client, with an optional extra CA, and the
 * translation of connection failures into one-line causes.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { Agent } from 'undici';
import type { SecretSource } from '../secrets/store.js';

/** A failure with a one-line cause for the CLI (exit code 1). */
export class RealmCliError extends Error {}

/** Admin credentials: a user of the admin realm (password grant via `admin-cli`) or a client (client credentials). */
export type AdminCredentials =
  { kind: 'password'; username: string; password: string; clientId?: string } | { kind: 'client'; clientId: string; clientSecret: string };

export interface ConnectOptions {
  /** Keycloak base URL, e.g. `https://keycloak.apps.example.com` (no `/realms/...`). */
  baseUrl: string;
  credentials: AdminCredentials;
  /** Realm the admin authenticates in. @default 'master' */
  adminRealm?: string;
  /** PEM file of a CA to trust in addition to the system CAs. */
  caFile?: string;
}

/**
 * Admin credentials from the environment: `KEYCLOAK_ADMIN_USERNAME` + `KEYCLOAK_ADMIN_PASSWORD`,
 * or `KEYCLOAK_ADMIN_CLIENT_ID` + `KEYCLOAK_ADMIN_CLIENT_SECRET`; `undefined` when neither pair is set.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AdminCredentials | undefined {
  if (env.KEYCLOAK_ADMIN_USERNAME && env.KEYCLOAK_ADMIN_PASSWORD) {
    return { kind: 'password', username: env.KEYCLOAK_ADMIN_USERNAME, password: env.KEYCLOAK_ADMIN_PASSWORD };
  }
  if (env.KEYCLOAK_ADMIN_CLIENT_ID && env.KEYCLOAK_ADMIN_CLIENT_SECRET) {
    return { kind: 'client', clientId: env.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: env.KEYCLOAK_ADMIN_CLIENT_SECRET };
  }
  return undefined;
}

/**
 * Admin credentials from the Keycloak operator's initial-admin Secret `<keycloak>-initial-admin`
 * (keys `username`, `password`) in the Keycloak namespace.
 * @throws RealmCliError when the Secret or a key is missing.
 */
export async function credentialsFromSecret(source: SecretSource, namespace: string, keycloakName: string): Promise<AdminCredentials> {
  const name = `${keycloakName}-initial-admin`;
  const [username, password] = await Promise.all(['username', 'password'].map((key) => source.read({ namespace, name, key })));
  if (!username || !password) {
    throw new RealmCliError(
      `no admin credentials: set KEYCLOAK_ADMIN_USERNAME/KEYCLOAK_ADMIN_PASSWORD, or create Secret ${namespace}/${name} with keys username and password`,
    );
  }
  return { kind: 'password', username, password };
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function causeCode(e: unknown): string | undefined {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** HTTP status of an admin client error, if it came from a response. */
export function httpStatus(e: unknown): number | undefined {
  return (e as { response?: { status?: number } }).response?.status;
}

/** Turns a fetch/admin-client failure into a RealmCliError naming the cause; other errors pass through. */
export function describeConnectionError(e: unknown, opts: Pick<ConnectOptions, 'baseUrl' | 'caFile'>): Error {
  const code = causeCode(e);
  if (code && TLS_CODES.has(code)) {
    const ca = opts.caFile ? `with CA file ${opts.caFile}` : 'with the system CAs (pass --ca-file <pem> for a private CA)';
    return new RealmCliError(`TLS failure connecting to ${opts.baseUrl}: certificate not trusted ${ca} (${code})`);
  }
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) {
    return new RealmCliError(`Keycloak unreachable at ${opts.baseUrl} (${code})`);
  }
  const cause = (e as { cause?: { message?: string } }).cause;
  if (e instanceof TypeError && e.message === 'fetch failed') {
    return new RealmCliError(`Keycloak unreachable at ${opts.baseUrl} (${cause?.message ?? 'fetch failed'})`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Creates an admin client and authenticates it.
 * @throws RealmCliError for an unreachable server, an untrusted certificate, an unreadable
 * CA file, or credentials Keycloak rejects (HTTP 400/401 from the token endpoint).
 */
export async function connectAdmin(opts: ConnectOptions): Promise<KcAdminClient> {
  let requestOptions: RequestInit | undefined;
  if (opts.caFile) {
    let ca: string;
    try {
      ca = readFileSync(opts.caFile, 'utf8');
    } catch (e) {
      throw new RealmCliError(`cannot read CA file ${opts.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    // Node's fetch accepts an undici dispatcher; the CA is added to the system roots.
    requestOptions = { dispatcher: new Agent({ connect: { ca: [...rootCertificates, ca] } }) } as RequestInit;
  }
  const adminRealm = opts.adminRealm ?? 'master';
  const kc = new KcAdminClient({ baseUrl: opts.baseUrl.replace(/\/+$/, ''), realmName: adminRealm, requestOptions });
  const c = opts.credentials;
  try {
    if (c.kind === 'password') {
      await kc.auth({ grantType: 'password', clientId: c.clientId ?? 'admin-cli', username: c.username, password: c.password });
    } else {
      await kc.auth({ grantType: 'client_credentials', clientId: c.clientId, clientSecret: c.clientSecret });
    }
  } catch (e) {
    const status = httpStatus(e);
    if (status === 401 || status === 400) {
      const who = c.kind === 'password' ? `user "${c.username}"` : `client "${c.clientId}"`;
      throw new RealmCliError(`bad admin credentials: Keycloak rejected ${who} in realm ${adminRealm} (HTTP ${status})`);
    }
    if (status === 404) throw new RealmCliError(`no realm ${adminRealm} at ${opts.baseUrl} (HTTP 404): check the Keycloak base URL`);
    throw describeConnectionError(e, opts);
  }
  return kc;
}

/**
 * Points `kc` at another realm. Use instead of `kc.setConfig({ realmName })`, which also
 * resets the request options (and so drops the `--ca-file` dispatcher).
 */
export function selectRealm(kc: KcAdminClient, realmName: string): void {
  kc.setConfig({ realmName, requestOptions: kc.getRequestOptions() });
}
