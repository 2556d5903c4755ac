/**
 * The stack configuration the real-stack suite runs: the shipped example
 * (examples/reference.config.ts) pointed at the harness Keycloak. Only what a loopback run
 * must change is changed:
 * - `hosts.keycloak` = `127.0.0.1:<port>` of the harness Keycloak, so the issuer is
 *   `https://127.0.0.1:<port>/realms/<realm>`;
 * - `clusterAuth.issuerCaPem` = the harness CA (the one that signed Keycloak's certificate);
 * - the realm is named {@link E2E_REALM} (so the realm tests of issue 4, which use the reference
 *   name, never change it under this suite) and declares the suite's test users.
 * Everything else (clients, scopes, audiences, groups, RBAC, namespaces) is the example's.
 */
import { readFileSync } from 'node:fs';
import type { StackConfig } from '../../../charts/config.js';
import { publicUrls } from '../../../charts/model.js';
import { referenceRealm, type UserSchema } from '../../../keycloak-realm/realm-model.js';
import reference from '../../../examples/reference.config.js';
import type { z } from 'zod';

/** Realm name of the suite's stack. */
export const E2E_REALM = 'kms-e2e-stack';

/** Where the harness Keycloak is (the `keycloak` entry of the e2e state file). */
export interface HarnessKeycloak {
  /** `https://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** PEM file of the CA that signed Keycloak's certificate. */
  readonly caFile: string;
}

/** A test user; its password is a Secret reference like every password of the model. */
export type HarnessUser = z.input<typeof UserSchema>;

/**
 * Realm of the browser journey (test/e2e/browser.e2e.test.ts): the same realm under another
 * name with a short access-token lifespan ({@link E2E_BROWSER_ACCESS_TOKEN_LIFESPAN}), so a
 * session outlives its first token within the test. The harness apiserver trusts both issuers.
 */
export const E2E_BROWSER_REALM = 'kms-e2e-browser';
/** Access-token lifespan of {@link E2E_BROWSER_REALM}, seconds. */
export const E2E_BROWSER_ACCESS_TOKEN_LIFESPAN = 40;

/** Which realm a harness config declares. @default realm {@link E2E_REALM} with the example's settings */
export interface HarnessRealmOptions {
  readonly realm?: string;
  readonly settings?: { readonly accessTokenLifespan?: number };
}

/** The browser journey's options: {@link E2E_BROWSER_REALM} with its short lifespan. */
export const BROWSER_REALM_OPTIONS: HarnessRealmOptions = { realm: E2E_BROWSER_REALM, settings: { accessTokenLifespan: E2E_BROWSER_ACCESS_TOKEN_LIFESPAN } };

/** The example config pointed at the harness Keycloak, with `users` declared in the realm. */
export function harnessStackConfig(keycloak: HarnessKeycloak, users: readonly HarnessUser[] = [], realmOptions: HarnessRealmOptions = {}): StackConfig {
  const { realm: _realm, ...example } = reference;
  const base = {
    ...example,
    hosts: { ...example.hosts, keycloak: new URL(keycloak.baseUrl).host },
    clusterAuth: { ...example.clusterAuth, issuerCaPem: readFileSync(keycloak.caFile, 'utf8') },
  };
  const urls = publicUrls(base);
  return {
    ...base,
    realm: withSettings(
      referenceRealm({
        realm: realmOptions.realm ?? E2E_REALM,
        consoleRedirectUri: urls.consoleRedirectUri!,
        mcpClientRedirectUris: urls.playgroundRedirectUri ? [urls.playgroundRedirectUri] : [],
        mcpClientWebOrigins: urls.playgroundOrigin ? [urls.playgroundOrigin] : [],
        users,
      }),
      realmOptions.settings,
    ),
  };
}

function withSettings(realm: StackConfig['realm'], settings: HarnessRealmOptions['settings']): StackConfig['realm'] {
  return settings ? { ...realm, settings: { ...realm.settings, ...settings } } : realm;
}
