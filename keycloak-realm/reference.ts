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
import { RealmModelSchema, SecretRefSchema, type RealmModel, type SecretRef, type UserSchema } from './realm-model.js';
import { z } from 'zod';

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

/**
 * {@link ReferenceRealmOptions} checked at run time (a config module is plain JavaScript to its
 * caller: an unknown option such as `realmName` must not be ignored silently). Strict: unknown
 * options are errors. A function, because realm-model.ts re-exports this module (the import
 * cycle leaves its schemas uninitialized while this module loads).
 */
export const referenceRealmOptionsSchema = () =>
  z
    .object({
      consoleRedirectUri: z.string().url('expected an absolute URL, e.g. https://console-openshift-console.apps.example.com/auth/callback'),
      mcpClientRedirectUris: z.array(z.string().min(1)).optional(),
      mcpClientWebOrigins: z.array(z.string().min(1)).optional(),
      realm: z.string().min(1).optional(),
      clientSecrets: z
        .object(Object.fromEntries(REFERENCE_CONFIDENTIAL_CLIENTS.map((c) => [c, SecretRefSchema.optional()])))
        .strict()
        .optional(),
      users: z.array(z.unknown()).optional(),
    })
    .strict();

/** Thrown by {@link referenceRealm} for bad options: one `path: reason` line per problem. */
export class ReferenceRealmOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`referenceRealm(): invalid options:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ReferenceRealmOptionsError';
  }
}

function optionProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
    if (i.code === 'unrecognized_keys') {
      const hint = i.keys.includes('realmName') ? ' (the realm name option is "realm")' : '';
      return `${path || '(options)'}: unknown option(s) ${i.keys.map((k) => `"${k}"`).join(', ')}${hint}`;
    }
    return `${path || '(options)'}: ${i.message}`;
  });
}

/** Default Secret (in the Keycloak namespace) holding a client's secret under key `clientSecret`. */
export function defaultClientSecretRef(clientId: string): SecretRef {
  return { name: `keycloak-client-${clientId}-secret`, key: 'clientSecret' };
}

/**
 * Builds the reference realm model.
 * @throws ReferenceRealmOptionsError for an unknown or malformed option (e.g. `realmName`, which is spelled `realm`)
 * @throws ZodError if a user is malformed (checked by the realm model schema)
 */
export function referenceRealm(opts: ReferenceRealmOptions): RealmModel {
  const checked = referenceRealmOptionsSchema().safeParse(opts);
  if (!checked.success) throw new ReferenceRealmOptionsError(optionProblems(checked.error));
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
