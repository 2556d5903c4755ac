/**
 * Renders a realm model into a Keycloak `RealmRepresentation` (the JSON of
 * `POST /admin/realms`, of a realm export, and of `KeycloakRealmImport.spec.realm`).
 */
import { BUILTIN_REALM_DEFAULT_SCOPES, BUILTIN_REALM_OPTIONAL_SCOPES, BUILTIN_SCOPE_DEFINITIONS } from './builtin-scopes.js';
import type { Client, ClientScope, ProtocolMapper, RealmModel, SecretRef, User } from './realm-model.js';

/**
 * `placeholders`: secrets become `${NAME}` strings for the Keycloak operator, which
 * substitutes them from `spec.placeholders` (KeycloakRealmImport CRD, field
 * `spec.placeholders.<NAME>.secret.{name,key}`).
 * `values`: secrets are taken from `secrets`, keyed by {@link secretRefKey}.
 */
export type RenderMode = { kind: 'placeholders' } | { kind: 'values'; secrets: ReadonlyMap<string, string> };

export interface RenderedRealm {
  /** Keycloak RealmRepresentation (plain JSON). */
  realm: Record<string, unknown>;
  /** `spec.placeholders` of a KeycloakRealmImport; empty in `values` mode. */
  placeholders: Record<string, { secret: { name: string; key: string } }>;
}

/** Key of a Secret reference in a secret-value map: `<name>/<key>`. */
export function secretRefKey(ref: SecretRef): string {
  return `${ref.name}/${ref.key}`;
}

export { BUILTIN_REALM_DEFAULT_SCOPES, BUILTIN_REALM_OPTIONAL_SCOPES };

export function mapperRepresentation(m: ProtocolMapper): Record<string, unknown> {
  return { name: m.name, protocol: m.protocol, protocolMapper: m.protocolMapper, config: { ...m.config } };
}

export function clientScopeRepresentation(s: ClientScope): Record<string, unknown> {
  return {
    name: s.name,
    ...(s.description !== undefined ? { description: s.description } : {}),
    protocol: s.protocol,
    attributes: { ...s.attributes },
    protocolMappers: s.protocolMappers.map(mapperRepresentation),
  };
}

/** Client attributes the model sets: its `attributes` plus token exchange and PKCE. */
export function clientAttributes(c: Client): Record<string, string> {
  return {
    ...c.attributes,
    'standard.token.exchange.enabled': String(c.tokenExchange),
    ...(c.pkce ? { 'pkce.code.challenge.method': c.pkce } : {}),
  };
}

/** ClientRepresentation without secret, scopes lists or mappers (the fields `PUT` updates). */
export function clientSettings(c: Client): Record<string, unknown> {
  return {
    clientId: c.clientId,
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
    enabled: c.enabled,
    protocol: 'openid-connect',
    publicClient: c.publicClient,
    standardFlowEnabled: c.standardFlow,
    directAccessGrantsEnabled: c.directAccessGrants,
    serviceAccountsEnabled: c.serviceAccounts,
    implicitFlowEnabled: c.implicitFlow,
    redirectUris: [...c.redirectUris],
    webOrigins: [...c.webOrigins],
    attributes: clientAttributes(c),
  };
}

/** The realm-level settings a model manages (RealmRepresentation top-level fields). */
export function realmSettings(model: RealmModel): Record<string, unknown> {
  const out: Record<string, unknown> = { realm: model.realm, enabled: model.enabled };
  for (const [k, v] of Object.entries(model.settings)) if (v !== undefined) out[k] = v;
  return out;
}

class SecretResolver {
  readonly placeholders: RenderedRealm['placeholders'] = {};
  private readonly byRef = new Map<string, string>();
  constructor(private readonly mode: RenderMode) {}

  /** The string to put where the secret goes: `${NAME}` or the value. @throws if a value is missing. */
  resolve(ref: SecretRef, hint: string): string {
    const key = secretRefKey(ref);
    if (this.mode.kind === 'values') {
      const value = this.mode.secrets.get(key);
      if (value === undefined) throw new Error(`no value for Secret ${ref.name} key ${ref.key} (${hint})`);
      return value;
    }
    let name = this.byRef.get(key);
    if (!name) {
      const base = hint
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '');
      name = base;
      for (let i = 2; name in this.placeholders; i++) name = `${base}_${i}`;
      this.byRef.set(key, name);
      this.placeholders[name] = { secret: { name: ref.name, key: ref.key } };
    }
    return '${' + name + '}';
  }
}

const SAML_SCOPES = new Set(BUILTIN_SCOPE_DEFINITIONS.filter((s) => s.protocol === 'saml').map((s) => s.name));
const isOidcScope = (name: string) => !SAML_SCOPES.has(name);

function clientRepresentation(c: Client, secrets: SecretResolver, realmScopes: RealmScopeLists): Record<string, unknown> {
  return {
    ...clientSettings(c),
    ...(c.secret && !c.publicClient ? { secret: secrets.resolve(c.secret, `client secret ${c.clientId}`) } : {}),
    defaultClientScopes: [...(c.defaultClientScopes ?? realmScopes.defaults.filter(isOidcScope))],
    optionalClientScopes: [...(c.optionalClientScopes ?? realmScopes.optional.filter(isOidcScope))],
    protocolMappers: c.protocolMappers.map(mapperRepresentation),
  };
}

/**
 * The UserRepresentation fields the model manages (no groups, no credentials): shared by the
 * rendered import and the reconciler so both set a user the same way.
 */
export function userSettings(u: User): Record<string, unknown> {
  return {
    username: u.username,
    enabled: u.enabled,
    emailVerified: u.emailVerified,
    ...(u.email !== undefined ? { email: u.email } : {}),
    ...(u.firstName !== undefined ? { firstName: u.firstName } : {}),
    ...(u.lastName !== undefined ? { lastName: u.lastName } : {}),
  };
}

function userRepresentation(u: User, secrets: SecretResolver): Record<string, unknown> {
  return {
    ...userSettings(u),
    groups: u.groups.map((g) => `/${g}`),
    ...(u.password ? { credentials: [{ type: 'password', value: secrets.resolve(u.password, `user password ${u.username}`), temporary: false }] } : {}),
  };
}

/** The realm's default and optional client scopes: Keycloak's built-in lists plus the model's `realmDefault` scopes. */
export interface RealmScopeLists {
  defaults: string[];
  optional: string[];
}

export function realmScopeLists(model: RealmModel): RealmScopeLists {
  const by = (kind: 'default' | 'optional') => model.clientScopes.filter((s) => s.realmDefault === kind).map((s) => s.name);
  return {
    defaults: [...new Set([...BUILTIN_REALM_DEFAULT_SCOPES, ...by('default')])],
    optional: [...new Set([...BUILTIN_REALM_OPTIONAL_SCOPES, ...by('optional')])],
  };
}

/**
 * Renders the whole realm. In `placeholders` mode no secret value is read; each distinct
 * Secret reference gets one placeholder named after its first use (e.g.
 * `CLIENT_SECRET_MCP_SERVER`). The representation also defines Keycloak's built-in
 * client scopes (a realm imported with `clientScopes` gets none otherwise) unless the
 * model declares one of the same name; realm default/optional client scopes are
 * Keycloak's built-in lists plus the model's `realmDefault` scopes. A client without
 * explicit scope lists gets the realm's lists written out, because an import (unlike
 * the admin API's client create) gives such a client no client scopes at all.
 * @throws Error in `values` mode when a referenced secret value is missing.
 */
export function renderRealmRepresentation(model: RealmModel, mode: RenderMode): RenderedRealm {
  const secrets = new SecretResolver(mode);
  const declared = new Set(model.clientScopes.map((s) => s.name));
  const realmScopes = realmScopeLists(model);
  const realm: Record<string, unknown> = {
    ...realmSettings(model),
    defaultDefaultClientScopes: realmScopes.defaults,
    defaultOptionalClientScopes: realmScopes.optional,
    clientScopes: [
      ...BUILTIN_SCOPE_DEFINITIONS.filter((b) => !declared.has(b.name)).map((b) => structuredClone(b) as unknown as Record<string, unknown>),
      ...model.clientScopes.map(clientScopeRepresentation),
    ],
    clients: model.clients.map((c) => clientRepresentation(c, secrets, realmScopes)),
    groups: model.groups.map((g) => ({ name: g.name, path: `/${g.name}` })),
    ...(model.users.length ? { users: model.users.map((u) => userRepresentation(u, secrets)) } : {}),
  };
  return { realm, placeholders: secrets.placeholders };
}
