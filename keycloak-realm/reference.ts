/**
 * The reference deployment's realm (`openshift`: five clients, three client scopes, two
 * groups) as a typed realm model, with the reference's defects fixed:
 * - no users with literal passwords (users only when passed, passwords as Secret refs);
 * - `mcp-server`, `openshift-cli` and `openshift-console` get the built-in `basic` and
 *   `profile` default scopes: without them Keycloak 26 puts no `sub` (scope `basic`) and
 *   no `preferred_username` (scope `profile`) into their tokens, and OpenShift maps the
 *   username from `preferred_username` (see docs/realm.md);
 * - no wildcard redirect URIs: `mcp-server` and `openshift` are not browser clients
 *   (standard flow off), `mcp-client` gets the redirect URIs passed in.
 */
import { RealmModelSchema, type RealmModel, type SecretRef, type UserSchema } from './realm-model.js';
import type { z } from 'zod';

/** The confidential clients of the reference realm, whose secrets live in Kubernetes Secrets. */
export const REFERENCE_CONFIDENTIAL_CLIENTS = ['mcp-client', 'mcp-server', 'openshift', 'openshift-console'] as const;
export type ReferenceConfidentialClient = (typeof REFERENCE_CONFIDENTIAL_CLIENTS)[number];

export interface ReferenceRealmOptions {
  /** The console's OAuth callback, `https://console-openshift-console.<apps domain>/auth/callback`. */
  readonly consoleRedirectUri: string;
  /** Redirect URIs of `mcp-client` (e.g. the Playground's `https://<host>/oauth2/callback`). @default [] */
  readonly mcpClientRedirectUris?: readonly string[];
  /** Web origins of `mcp-client`. @default [] */
  readonly mcpClientWebOrigins?: readonly string[];
  /** Realm name. @default 'openshift' */
  readonly realm?: string;
  /** Secret reference per confidential client. @default `{ name: 'keycloak-client-<clientId>-secret', key: 'clientSecret' }` */
  readonly clientSecrets?: Partial<Record<ReferenceConfidentialClient, SecretRef>>;
  /** Users to declare (passwords as Secret references only). @default [] */
  readonly users?: readonly z.input<typeof UserSchema>[];
}

/** Default Secret (in the Keycloak namespace) holding a client's secret under key `clientSecret`. */
export function defaultClientSecretRef(clientId: string): SecretRef {
  return { name: `keycloak-client-${clientId}-secret`, key: 'clientSecret' };
}

/** Builds the reference realm model. @throws ZodError if an option is malformed. */
export function referenceRealm(opts: ReferenceRealmOptions): RealmModel {
  const secret = (id: ReferenceConfidentialClient): SecretRef => opts.clientSecrets?.[id] ?? defaultClientSecretRef(id);
  return RealmModelSchema.parse({
    realm: opts.realm ?? 'openshift',
    clientScopes: [
      {
        name: 'groups',
        description: 'Provides group membership',
        attributes: { 'include.in.token.scope': 'true' },
        realmDefault: 'default',
        protocolMappers: [
          {
            name: 'groups',
            protocolMapper: 'oidc-group-membership-mapper',
            config: { 'full.path': 'false', 'claim.name': 'groups', 'access.token.claim': 'true', 'id.token.claim': 'true' },
          },
        ],
      },
      {
        name: 'mcp-server',
        description: 'Audience for the MCP Server',
        attributes: { 'include.in.token.scope': 'true' },
        protocolMappers: [
          {
            name: 'mcp-server-audience',
            protocolMapper: 'oidc-audience-mapper',
            config: { 'included.client.audience': 'mcp-server', 'access.token.claim': 'true' },
          },
        ],
      },
      {
        name: 'mcp:openshift',
        description: 'Audience for the OpenShift API',
        attributes: { 'include.in.token.scope': 'true' },
        protocolMappers: [
          {
            name: 'openshift-api-audience',
            protocolMapper: 'oidc-audience-mapper',
            config: { 'included.custom.audience': 'openshift', 'access.token.claim': 'true' },
          },
        ],
      },
    ],
    clients: [
      {
        clientId: 'mcp-client',
        name: 'MCP Client',
        secret: secret('mcp-client'),
        directAccessGrants: true,
        pkce: 'S256',
        redirectUris: [...(opts.mcpClientRedirectUris ?? [])],
        webOrigins: [...(opts.mcpClientWebOrigins ?? [])],
        optionalClientScopes: ['mcp-server'],
      },
      {
        clientId: 'mcp-server',
        name: 'MCP Server',
        secret: secret('mcp-server'),
        standardFlow: false,
        tokenExchange: true,
        defaultClientScopes: ['basic', 'profile', 'groups'],
        optionalClientScopes: ['mcp:openshift'],
      },
      {
        clientId: 'openshift',
        name: 'OpenShift API',
        secret: secret('openshift'),
        standardFlow: false,
        defaultClientScopes: ['basic', 'profile', 'email', 'groups'],
        optionalClientScopes: [],
        protocolMappers: [
          userProperty('username', 'username', 'preferred_username'),
          userProperty('email', 'email', 'email'),
          {
            name: 'groups',
            protocolMapper: 'oidc-group-membership-mapper',
            config: {
              'full.path': 'false',
              'claim.name': 'groups',
              'id.token.claim': 'true',
              'access.token.claim': 'true',
              'userinfo.token.claim': 'true',
            },
          },
        ],
      },
      {
        clientId: 'openshift-cli',
        name: 'OpenShift CLI',
        publicClient: true,
        pkce: 'S256',
        redirectUris: ['http://localhost'],
        defaultClientScopes: ['basic', 'profile', 'groups'],
      },
      {
        clientId: 'openshift-console',
        name: 'OpenShift Console (openshift-console)',
        secret: secret('openshift-console'),
        redirectUris: [opts.consoleRedirectUri],
        defaultClientScopes: ['basic', 'profile', 'groups'],
      },
    ],
    groups: [{ name: 'openshift_admins' }, { name: 'openshift_developers' }],
    users: [...(opts.users ?? [])],
  });
}

function userProperty(name: string, attribute: string, claim: string) {
  return {
    name,
    protocolMapper: 'oidc-usermodel-property-mapper',
    config: {
      'user.attribute': attribute,
      'claim.name': claim,
      'jsonType.label': 'String',
      'id.token.claim': 'true',
      'access.token.claim': 'true',
      'userinfo.token.claim': 'true',
    },
  };
}
