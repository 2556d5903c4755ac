/**
 * The one typed realm model. The charts render it into a KeycloakRealmImport
 * (`charts/realm.ts`) and the reconciler (`keycloak-realm/reconcile.ts`) converges a
 * live Keycloak to it, so both always describe the same realm.
 *
 * Terms are Keycloak's: realm, client, client scope, protocol mapper, group, user.
 * Secret values never appear here: client secrets and user passwords are references
 * to keys of Kubernetes Secrets in the Keycloak namespace.
 */
import { z } from 'zod';
import { BUILTIN_SCOPE_DEFINITIONS } from './builtin-scopes.js';

/** A key of a Kubernetes Secret in the Keycloak namespace (`data[key]` of Secret `name`). */
export const SecretRefSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a Kubernetes Secret name (DNS subdomain)')
      .max(253),
    key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'expected a Secret data key ([-._a-zA-Z0-9]+)'),
  })
  .strict();
export type SecretRef = z.infer<typeof SecretRefSchema>;

const StringMap = z.record(z.string(), z.string());

/**
 * A protocol mapper (Keycloak `ProtocolMapperRepresentation`): `protocolMapper` is the
 * mapper type id, e.g. `oidc-audience-mapper`, `oidc-group-membership-mapper`,
 * `oidc-usermodel-property-mapper`; `config` holds its string-valued settings.
 */
export const ProtocolMapperSchema = z
  .object({
    name: z.string().min(1),
    protocol: z.literal('openid-connect').default('openid-connect'),
    protocolMapper: z.string().min(1),
    config: StringMap.default({}),
  })
  .strict();
export type ProtocolMapper = z.infer<typeof ProtocolMapperSchema>;

/**
 * A client scope. `realmDefault` adds it to the realm's default (`default`) or optional
 * (`optional`) client scopes, which Keycloak assigns to clients created without explicit
 * scope lists. @default realmDefault: not a realm default
 */
export const ClientScopeSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    protocol: z.literal('openid-connect').default('openid-connect'),
    /** Client scope attributes, e.g. `include.in.token.scope`. @default {} */
    attributes: StringMap.default({}),
    protocolMappers: z.array(ProtocolMapperSchema).default([]),
    realmDefault: z.enum(['default', 'optional']).optional(),
  })
  .strict();
export type ClientScope = z.infer<typeof ClientScopeSchema>;

/**
 * An OIDC client. Confidential clients (`publicClient: false`) authenticate with the
 * client secret read from `secret`. `tokenExchange` sets the client attribute
 * `standard.token.exchange.enabled` (Keycloak 26.2+ standard token exchange, RFC 8693).
 * `defaultClientScopes` / `optionalClientScopes`: when omitted, Keycloak's realm
 * defaults apply and the reconciler does not manage the list.
 */
export const ClientSchema = z
  .object({
    clientId: z.string().min(1),
    name: z.string().optional(),
    description: z.string().optional(),
    /** @default true */
    enabled: z.boolean().default(true),
    /** @default false (confidential) */
    publicClient: z.boolean().default(false),
    /** Client secret of a confidential client; required unless `publicClient`. */
    secret: SecretRefSchema.optional(),
    /** Authorization code flow. @default true */
    standardFlow: z.boolean().default(true),
    /** Resource owner password grant. @default false */
    directAccessGrants: z.boolean().default(false),
    /** Client credentials grant. @default false */
    serviceAccounts: z.boolean().default(false),
    /** @default false */
    implicitFlow: z.boolean().default(false),
    /** @default [] */
    redirectUris: z.array(z.string().min(1)).default([]),
    /** @default [] */
    webOrigins: z.array(z.string().min(1)).default([]),
    /** Attribute `standard.token.exchange.enabled`. @default false */
    tokenExchange: z.boolean().default(false),
    /** Attribute `pkce.code.challenge.method`. @default not required */
    pkce: z.enum(['S256', 'plain']).optional(),
    /** Further client attributes (string values). @default {} */
    attributes: StringMap.default({}),
    defaultClientScopes: z.array(z.string().min(1)).optional(),
    optionalClientScopes: z.array(z.string().min(1)).optional(),
    /** @default [] */
    protocolMappers: z.array(ProtocolMapperSchema).default([]),
  })
  .strict();
export type Client = z.infer<typeof ClientSchema>;

/** A top-level group (path `/<name>`). */
export const GroupSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[^/]+$/, 'no "/" in a group name'),
  })
  .strict();
export type Group = z.infer<typeof GroupSchema>;

/** A user; its password is only ever a Secret reference, set non-temporary. */
export const UserSchema = z
  .object({
    username: z.string().min(1),
    /** @default true */
    enabled: z.boolean().default(true),
    email: z.string().email().optional(),
    /** @default false */
    emailVerified: z.boolean().default(false),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    /** Names of top-level groups from `groups`. @default [] */
    groups: z.array(z.string().min(1)).default([]),
    password: SecretRefSchema.optional(),
  })
  .strict();
export type User = z.infer<typeof UserSchema>;

/** Realm settings that the model manages; anything else keeps Keycloak's value. */
export const RealmSettingsSchema = z
  .object({
    displayName: z.string().optional(),
    /** Access token lifespan in seconds. @default Keycloak's (300) */
    accessTokenLifespan: z.number().int().positive().optional(),
    /** SSO session idle timeout in seconds. @default Keycloak's (1800) */
    ssoSessionIdleTimeout: z.number().int().positive().optional(),
    /** SSO session max lifespan in seconds. @default Keycloak's (36000) */
    ssoSessionMaxLifespan: z.number().int().positive().optional(),
    /** `all` (default), `external` or `none`. @default Keycloak's (`external`) */
    sslRequired: z.enum(['all', 'external', 'none']).optional(),
    /** @default Keycloak's (false) */
    registrationAllowed: z.boolean().optional(),
  })
  .strict();
export type RealmSettings = z.infer<typeof RealmSettingsSchema>;

export const RealmModelSchema = z
  .object({
    /** Realm name, part of the issuer `<keycloak>/realms/<realm>`. */
    realm: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
    /** @default true */
    enabled: z.boolean().default(true),
    /** @default {} */
    settings: RealmSettingsSchema.default({}),
    /** @default [] */
    clientScopes: z.array(ClientScopeSchema).default([]),
    /** @default [] */
    clients: z.array(ClientSchema).default([]),
    /** @default [] */
    groups: z.array(GroupSchema).default([]),
    /** Users are only managed when declared. @default [] */
    users: z.array(UserSchema).default([]),
  })
  .strict();
/** The validated realm model (defaults applied). */
export type RealmModel = z.infer<typeof RealmModelSchema>;
/** What a config author writes (defaults optional). */
export type RealmModelInput = z.input<typeof RealmModelSchema>;

/**
 * Client scopes that Keycloak 26.2 creates in every realm made through the admin API
 * (see ./builtin-scopes.ts). A client may name them without the model declaring them.
 */
export const BUILTIN_CLIENT_SCOPES: readonly string[] = BUILTIN_SCOPE_DEFINITIONS.map((s) => s.name);

export type { RealmIssue } from './validate.js';
export { validateRealmModel } from './validate.js';
export { referenceRealm, type ReferenceRealmOptions } from './reference.js';
export { renderRealmRepresentation, secretRefKey, type RenderMode, type RenderedRealm } from './render.js';
