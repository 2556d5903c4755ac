/**
 * Shared pieces of the realm e2e tests: an admin client for the harness's Keycloak, a
 * realm name per test, secrets in memory (no kube-apiserver needed), the reference realm
 * with a declared developer user, and an openid-client Configuration trusting the
 * harness CA.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import * as oidc from 'openid-client';
import { Agent } from 'undici';
import { connectAdmin, selectRealm } from '../../keycloak-realm/connect.js';
import { referenceRealm, type RealmModel } from '../../keycloak-realm/realm-model.js';
import { runRealm, type RealmRunOptions, type RealmRunResult } from '../../cli/realm.js';
import { MemorySecretSource } from '../../secrets/store.js';
import { keycloakFromState } from './e2e-state.js';

export const KEYCLOAK_NAMESPACE = 'redhat-keycloak';
export const DEV_PASSWORD_REF = { name: 'realm-test-users', key: 'developer' };

export const keycloak = () => keycloakFromState();

/** A realm name no other test uses. */
export function uniqueRealm(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Admin client authenticated in `master` with the bootstrap admin. */
export async function admin(): Promise<KcAdminClient> {
  const kc = keycloak();
  return connectAdmin({ baseUrl: kc.baseUrl, caFile: kc.caFile, credentials: { kind: 'password', username: kc.adminUsername, password: kc.adminPassword } });
}

/** The reference realm under `realm`, with user `dev` (group openshift_developers) when `withUser`. */
export function testRealm(realm: string, withUser = true): RealmModel {
  return referenceRealm({
    realm,
    consoleRedirectUri: 'https://console-openshift-console.apps.example.test/auth/callback',
    mcpClientRedirectUris: ['https://playground.apps.example.test/oauth2/callback'],
    users: withUser
      ? [{ username: 'dev', email: 'dev@example.test', firstName: 'Dee', lastName: 'Veloper', groups: ['openshift_developers'], password: DEV_PASSWORD_REF }]
      : [],
  });
}

/** runRealm against the harness Keycloak with the given in-memory secret store; output lines are collected. */
export async function realmRun(
  action: 'plan' | 'apply',
  model: RealmModel,
  secrets: MemorySecretSource,
  extra: Partial<RealmRunOptions> = {},
): Promise<RealmRunResult & { lines: string[] }> {
  const kc = keycloak();
  const lines: string[] = [];
  const result = await runRealm({
    action,
    realm: model,
    baseUrl: kc.baseUrl,
    caFile: kc.caFile,
    keycloakNamespace: KEYCLOAK_NAMESPACE,
    keycloakName: 'keycloak',
    credentials: { kind: 'password', username: kc.adminUsername, password: kc.adminPassword },
    secretSource: secrets,
    out: (l) => lines.push(l),
    ...extra,
  });
  return { ...result, lines };
}

/** Reads a realm Secret value from the in-memory store. */
export function secretValue(secrets: MemorySecretSource, ref: { name: string; key: string }): string {
  const v = secrets.values.get(`${KEYCLOAK_NAMESPACE}/${ref.name}/${ref.key}`);
  if (v === undefined) throw new Error(`test setup: no value for ${ref.name}/${ref.key}`);
  return v;
}

/** An openid-client Configuration for a client of `realm` (client_secret_post), trusting the harness CA. */
export async function oidcClient(realm: string, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
  const kc = keycloak();
  const dispatcher = new Agent({ connect: { ca: readFileSync(kc.caFile) } });
  const fetchWithCa: oidc.CustomFetch = (url, options) => fetch(url, { ...options, dispatcher } as RequestInit);
  const config = await oidc.discovery(new URL(`${kc.baseUrl}/realms/${realm}`), clientId, undefined, oidc.ClientSecretPost(clientSecret), {
    [oidc.customFetch]: fetchWithCa,
  });
  config[oidc.customFetch] = fetchWithCa;
  return config;
}

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The OAuth `error` code of a refused grant request (openid-client ResponseBodyError). */
export async function refusal(p: Promise<unknown>): Promise<{ error: string; status: number; description?: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof oidc.ResponseBodyError) return { error: e.error, status: e.status, description: e.error_description };
    throw e;
  }
  throw new Error('expected the request to be refused, but it succeeded');
}

export { selectRealm };
