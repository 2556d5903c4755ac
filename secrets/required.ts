/**
 * What a Secret the stack needs looks like, in one place for every layer: the key it lives
 * in ({@link SecretKey}), the value format its consumer accepts, and the `valueId` that ties
 * keys which must hold the same value. charts/required-secrets.ts lists them for a stack
 * model, keycloak-realm/realm-secrets.ts for a realm, and secrets/store.ts ensures them.
 */

/** A key of a Kubernetes Secret in a namespace (the one name for this concept). */
export interface SecretKey {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/**
 * Value format of a required Secret key:
 * - `client-secret`: an OAuth client secret (random, URL-safe);
 * - `password`: a random password (database, test users);
 * - `cookie-secret`: oauth2-proxy cookie secret, 32 random bytes base64url-encoded (valid AES-256 key);
 * - `username`: not secret; the generator writes `value` as is (the database user);
 * - `external-token`: issued by someone else (a model API token); cannot be generated,
 *   only reported when missing.
 */
export type RequiredSecretFormat = 'client-secret' | 'password' | 'cookie-secret' | 'username' | 'external-token';

/** One key of one Secret the stack needs. */
export interface RequiredSecret extends SecretKey {
  readonly format: RequiredSecretFormat;
  /** Entries with the same `valueId` must hold the same value (e.g. a client secret in two namespaces); made by {@link valueIds}. */
  readonly valueId: string;
  /** Fixed value for `format: 'username'` only. */
  readonly value?: string;
  /** Who reads it and why. */
  readonly purpose: string;
}

/**
 * The one scheme of `valueId`s: `<kind>:<scope>`. Two keys with the same id must hold the
 * same value; `secrets ensure` copies an existing one or generates one for all of them.
 */
export const valueIds = {
  /** The secret of confidential client `clientId` of `realm`, wherever a copy of it is read. */
  realmClient: (realm: string, clientId: string) => `realm-client:${realm}/${clientId}`,
  /** The password of `username` in `realm`. */
  realmUser: (realm: string, username: string) => `realm-user:${realm}/${username}`,
  /** An oauth2-proxy cookie secret, one per Secret. */
  cookie: (s: Omit<SecretKey, 'key'>) => `cookie:${s.namespace}/${s.name}`,
  /** The Keycloak database user, per Keycloak namespace (in-cluster) or database host (external). */
  keycloakDbUsername: (scope: string) => `keycloak-db-username:${scope}`,
  /** The Keycloak database password, per Keycloak namespace (in-cluster) or database host (external). */
  keycloakDbPassword: (scope: string) => `keycloak-db-password:${scope}`,
  /** A model API token of an inference provider. */
  modelToken: (s: SecretKey) => `model-token:${s.namespace}/${s.name}/${s.key}`,
} as const;

/** `<namespace>/<name>/<key>`: the identity of a key, in messages and maps. */
export const secretKeyId = (s: SecretKey): string => `${s.namespace}/${s.name}/${s.key}`;
