/**
 * The derived stack model: every host, URL, issuer, redirect URI, Service name/port and
 * Secret reference of the stack, computed ONCE from a validated {@link ValidStackConfig}.
 * Constructs receive these values; nothing else builds a host name or URL.
 *
 * Derivation rules (documented in docs/config.md):
 * - public hosts: `hosts.<x>` if set, else from `openshift.appsDomain`
 *   (Keycloak `keycloak-admin.<domain>`, console `console-openshift-console.<domain>`,
 *   Routes `<name>-<namespace>.<domain>`, OpenShift's default Route host form);
 * - Keycloak base URL `https://<keycloak host>`; issuer `<base>/realms/<realm>` (Keycloak's
 *   issuer form); JWKS `<issuer>/protocol/openid-connect/certs`;
 * - in-cluster Service URL `http://<service>.<namespace>.svc:<port>`.
 */
import type { RealmModel } from '../keycloak-realm/realm-model.js';
import { parseStackConfig, problemsOf, StackConfigBaseSchema, StackConfigError, type StackConfig, type ValidStackConfig } from './config.js';
import { defaultAudiences, effectiveGroupBindings } from './config-checks.js';
import type { GroupBinding } from './cluster-auth.js';
import { findKeycloakCrApiVersion, type KeycloakCrApiVersion } from './versions/keycloak-cr.js';
import { valueOrThrow } from './versions/resolved.js';
import type { SecretKey } from '../secrets/required.js';
import { keycloakBaseUrl, keycloakHost, realmIssuer, routeHosts } from './urls.js';
import { accessTokenLifespanOf, cookieRefreshFor } from './playground-session.js';

/** The namespace OpenShift reads cluster configuration references from. */
export const OPENSHIFT_CONFIG_NAMESPACE = 'openshift-config';
/** Key of the CA bundle in the issuer-CA ConfigMap (fixed by the Authentication API). */
export const ISSUER_CA_KEY = 'ca-bundle.crt';
/** Key of the console client secret in its Secret (fixed by the Authentication API). */
export const OIDC_CLIENT_SECRET_KEY = 'clientSecret';

/** A key of a Secret in a given namespace (the one name: secrets/required.ts). */
export type { SecretKey };

/** A Service of the stack and how to reach it in-cluster. */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  /** `<name>.<namespace>.svc` */
  readonly host: string;
  /** `http://<name>.<namespace>.svc:<port>` */
  readonly url: string;
}

/** The realm's OIDC endpoints (Keycloak's URL layout under the issuer). */
export interface OidcEndpoints {
  /** `https://<keycloak host>/realms/<realm>`: the one issuer string of the stack. */
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUri: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** `<issuer>/protocol/openid-connect/logout` (OIDC RP-initiated logout, `end_session_endpoint`). */
  readonly endSessionEndpoint: string;
}

/**
 * Public hosts of the stack (no scheme). `keycloak` and `console` may carry a port (test
 * harnesses, a console the stack does not route); the others are Route hosts, never with a port.
 */
export interface StackHosts {
  readonly keycloak: string;
  readonly console?: string;
  readonly mcpServer?: string;
  readonly playground?: string;
  readonly mcpInspector?: string;
  readonly mcpInspectorProxy?: string;
}

/** Everything the charts need, derived once. */
export interface StackModel {
  readonly config: ValidStackConfig;
  readonly openshift: { readonly version: string; readonly minor: number };
  readonly namespaces: {
    readonly keycloak: string;
    readonly llamaStack: string;
    readonly mcpServer: string;
    readonly playground: string;
    readonly openshiftAiOperator: string;
    readonly openshiftAiApplications: string;
    readonly openshiftAiMonitoring: string;
    readonly openshiftConfig: string;
  };
  readonly hosts: StackHosts;
  readonly oidc: OidcEndpoints;
  /** Realm model with the derived redirect URIs added to the console and Playground clients. */
  readonly realm: RealmModel;
  readonly keycloak: {
    readonly name: string;
    readonly namespace: string;
    readonly apiVersion: KeycloakCrApiVersion;
    /** `https://<keycloak host>` (Keycloak `hostname` option). */
    readonly baseUrl: string;
    /** The operator-created Service `<name>-service`. */
    readonly service: ServiceRef;
    readonly database: {
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly username: SecretKey;
      readonly password: SecretKey;
      /** Set when the stack runs PostgreSQL itself. */
      readonly inCluster?: { readonly service: ServiceRef; readonly username: string };
    };
  };
  readonly issuerCa: {
    readonly configMapName: string;
    readonly key: string;
    /** Namespaces that get the ConfigMap: `openshift-config`, the MCP server's, and the Llama Stack and Playground ones when they run. */
    readonly namespaces: readonly string[];
    /** PEM bundle; when absent the ConfigMaps ask OpenShift to inject its trusted CA bundle. */
    readonly pem?: string;
  };
  readonly clusterAuth: {
    readonly externalOidc: boolean;
    /** Emit FeatureGate TechPreviewNoUpgrade (4.19 with acknowledgement only). */
    readonly featureGate: boolean;
    readonly audiences: readonly string[];
    /** The group RBAC emitted: `clusterAuth.groupBindings`, else the defaults (charts/config-checks.ts `effectiveGroupBindings`). */
    readonly groupBindings: readonly GroupBinding[];
    readonly consoleClientSecret: SecretKey;
    readonly consoleRedirectUri?: string;
  };
  readonly mcpServer: {
    readonly namespace: string;
    readonly service: ServiceRef;
    /** `https://<host>` of its Route, when it has one. */
    readonly publicUrl?: string;
    /** Host of its Route (`spec.host`, no port), when it has one (`mcpServer.route`). */
    readonly routeHost?: string;
    /**
     * The server's base URL (`server_url` of config.toml; the RFC 9728 resource is `<serverUrl>/mcp`):
     * {@link publicUrl} with a Route, else the in-cluster Service URL `http://<name>.<namespace>.svc:<port>`.
     * Always set, so the server never takes its URL from a request's Host header.
     */
    readonly serverUrl: string;
    /** In-cluster streamable HTTP endpoint `<service url>/mcp`. */
    readonly mcpUrl: string;
    /** In-cluster legacy SSE endpoint `<service url>/sse` (Llama Stack's MCP tool group). */
    readonly sseUrl: string;
    /** STS client secret in the MCP server namespace (same value as the realm client's). */
    readonly stsClientSecret: SecretKey;
  };
  readonly llamaStack: {
    readonly namespace: string;
    /** The operator-created Service `<name>-service`. */
    readonly service: ServiceRef;
  };
  readonly playground: {
    readonly namespace: string;
    readonly publicUrl?: string;
    /** Host of its Route (`spec.host`, no port), when it runs. */
    readonly routeHost?: string;
    /** oauth2-proxy callback `https://<host>/oauth2/callback`. */
    readonly redirectUri?: string;
    /**
     * Where Keycloak may send the browser after an RP-initiated logout: `https://<host>/`,
     * registered on the Playground client (attribute `post.logout.redirect.uris`).
     */
    readonly postLogoutRedirectUri?: string;
    /** Access-token lifespan of the Playground client's tokens, seconds (charts/playground-session.ts). */
    readonly accessTokenLifespan: number;
    /** oauth2-proxy `--cookie-refresh`: `playground.cookieRefresh`, else derived from {@link accessTokenLifespan}. */
    readonly cookieRefresh: string;
    readonly cookieExpire: string;
    /** oauth2-proxy `--trusted-proxy-ip` CIDRs (where the router connects from). */
    readonly trustedProxyCidrs: readonly string[];
    /** Who may sign in: `playground.allowedGroups`, default every group of `clusterAuth.groupBindings` (by default the admin and developer groups), each once. */
    readonly allowedGroups: readonly string[];
    /** The token claim holding group names (`clusterAuth.groupsClaim`). */
    readonly groupsClaim: string;
    readonly clientSecret: SecretKey;
    readonly cookieSecret: SecretKey;
    readonly defaultModel?: string;
  };
  readonly mcpInspector: {
    readonly namespace: string;
    readonly publicUrl?: string;
    readonly proxyPublicUrl?: string;
    /** Hosts of the UI and proxy Routes (`spec.host`, no port), when it runs. */
    readonly routeHost?: string;
    readonly proxyRouteHost?: string;
  };
}

/** Builds a {@link ServiceRef}. */
export function serviceRef(namespace: string, name: string, port: number): ServiceRef {
  const host = `${name}.${namespace}.svc`;
  return { namespace, name, port, host, url: `http://${host}:${port}` };
}

type HostInputs = Pick<ValidStackConfig, 'openshift' | 'hosts' | 'namespaces' | 'clusterAuth' | 'mcpServer' | 'playground' | 'mcpInspector'>;

/** Derives the public hosts (see module doc). Missing hosts are undefined. */
export function deriveHosts(cfg: HostInputs): StackHosts {
  const domain = cfg.openshift.appsDomain;
  const keycloak = keycloakHost(cfg.hosts.keycloak, domain);
  if (!keycloak) throw new Error('hosts.keycloak: required when openshift.appsDomain is not set');
  const routes = new Map(routeHosts(cfg).map((r) => [r.field, r.host]));
  return {
    keycloak,
    console: cfg.clusterAuth.externalOidc ? (cfg.hosts.console ?? (domain ? `console-openshift-console.${domain}` : undefined)) : cfg.hosts.console,
    mcpServer: routes.get('mcpServer'),
    playground: routes.get('playground'),
    mcpInspector: routes.get('mcpInspector'),
    mcpInspectorProxy: routes.get('mcpInspectorProxy'),
  };
}

/** The public URLs a realm needs before the config is complete (for building a realm in a config module). */
export interface PublicUrls {
  readonly keycloakBaseUrl: string;
  /** The console's OAuth callback `https://<console host>/auth/callback`. */
  readonly consoleRedirectUri?: string;
  /** oauth2-proxy callback of the Playground `https://<host>/oauth2/callback`. */
  readonly playgroundRedirectUri?: string;
  readonly playgroundOrigin?: string;
}

function urlsOf(hosts: StackHosts): PublicUrls {
  return {
    keycloakBaseUrl: keycloakBaseUrl(hosts.keycloak),
    consoleRedirectUri: hosts.console ? `https://${hosts.console}/auth/callback` : undefined,
    playgroundRedirectUri: hosts.playground ? `https://${hosts.playground}/oauth2/callback` : undefined,
    playgroundOrigin: hosts.playground ? `https://${hosts.playground}` : undefined,
  };
}

/**
 * The public URLs of a configuration without its realm, derived by the same rules as
 * {@link deriveModel}; lets a config module pass redirect URIs to `referenceRealm()`.
 * @throws StackConfigError naming every invalid field
 */
export function publicUrls(input: Omit<StackConfig, 'realm'>): PublicUrls {
  const parsed = StackConfigBaseSchema.omit({ realm: true }).safeParse(input);
  if (!parsed.success) throw new StackConfigError(problemsOf(parsed.error));
  if (!parsed.data.hosts.keycloak && !parsed.data.openshift.appsDomain) {
    throw new StackConfigError([{ path: 'hosts.keycloak', reason: 'required when openshift.appsDomain is not set (set openshift.appsDomain or this host)' }]);
  }
  return urlsOf(deriveHosts(parsed.data));
}

function addRedirects(realm: RealmModel, clientId: string, redirects: (string | undefined)[], origins: (string | undefined)[]): RealmModel {
  const add = (list: string[], extra: (string | undefined)[]) => [...list, ...extra.filter((u): u is string => !!u && !list.includes(u))];
  return {
    ...realm,
    clients: realm.clients.map((c) =>
      c.clientId === clientId ? { ...c, redirectUris: add(c.redirectUris, redirects), webOrigins: add(c.webOrigins, origins) } : c,
    ),
  };
}

/** Keycloak client attribute listing the allowed post-logout redirect URIs (`##`-separated). */
export const POST_LOGOUT_REDIRECT_URIS_ATTRIBUTE = 'post.logout.redirect.uris';

function addPostLogoutRedirect(realm: RealmModel, clientId: string, uri: string | undefined): RealmModel {
  if (!uri) return realm;
  return {
    ...realm,
    clients: realm.clients.map((c) => {
      if (c.clientId !== clientId) return c;
      const list = (c.attributes[POST_LOGOUT_REDIRECT_URIS_ATTRIBUTE] ?? '').split('##').filter(Boolean);
      return list.includes(uri) ? c : { ...c, attributes: { ...c.attributes, [POST_LOGOUT_REDIRECT_URIS_ATTRIBUTE]: [...list, uri].join('##') } };
    }),
  };
}

/**
 * Derives the whole {@link StackModel}.
 * @param config a validated configuration ({@link parseStackConfig}, not parsed again), or raw
 *   input, which is validated first
 * @throws StackConfigError when raw input is invalid
 */
export function deriveModel(config: ValidStackConfig | StackConfig): StackModel {
  const cfg = parseStackConfig(config);
  const hosts = deriveHosts(cfg);
  const urls = urlsOf(hosts);
  const { acknowledgeDevelopersReadSecrets: _ack, ...configured } = cfg.namespaces;
  const ns: StackModel['namespaces'] = { ...configured, openshiftConfig: OPENSHIFT_CONFIG_NAMESPACE };
  const issuer = realmIssuer(hosts.keycloak, cfg.realm.realm);
  const oidc: OidcEndpoints = {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/protocol/openid-connect/certs`,
    authorizationEndpoint: `${issuer}/protocol/openid-connect/auth`,
    tokenEndpoint: `${issuer}/protocol/openid-connect/token`,
    endSessionEndpoint: `${issuer}/protocol/openid-connect/logout`,
  };

  let realm = cfg.realm;
  if (cfg.clusterAuth.externalOidc) realm = addRedirects(realm, cfg.clusterAuth.consoleClientId, [urls.consoleRedirectUri], []);
  if (cfg.playground.enabled) {
    realm = addRedirects(realm, cfg.playground.clientId, [urls.playgroundRedirectUri], [urls.playgroundOrigin]);
    realm = addPostLogoutRedirect(realm, cfg.playground.clientId, urls.playgroundOrigin && `${urls.playgroundOrigin}/`);
  }

  const kc = cfg.keycloak;
  const db = kc.database;
  const database =
    db.type === 'in-cluster'
      ? (() => {
          const service = serviceRef(ns.keycloak, db.name, 5432);
          const secret = (key: string): SecretKey => ({ namespace: ns.keycloak, name: db.credentialsSecret, key });
          return {
            host: service.host,
            port: service.port,
            database: db.database,
            username: secret('username'),
            password: secret('password'),
            inCluster: { service, username: db.username },
          };
        })()
      : {
          host: db.host,
          port: db.port,
          database: db.database,
          username: { namespace: ns.keycloak, ...db.usernameSecret },
          password: { namespace: ns.keycloak, ...db.passwordSecret },
        };

  const apiVersion = valueOrThrow(findKeycloakCrApiVersion(cfg.keycloakOperator.channel, kc.apiVersion));
  const mcpService = serviceRef(ns.mcpServer, cfg.mcpServer.name, cfg.mcpServer.port);
  const pg = cfg.playground;
  const mcpPublicUrl = hosts.mcpServer ? `https://${hosts.mcpServer}` : undefined;

  return {
    config: cfg,
    openshift: { version: cfg.openshift.version, minor: Number(cfg.openshift.version.split('.')[1]) },
    namespaces: ns,
    hosts,
    oidc,
    realm,
    keycloak: {
      name: kc.name,
      namespace: ns.keycloak,
      apiVersion,
      baseUrl: urls.keycloakBaseUrl,
      service: serviceRef(ns.keycloak, `${kc.name}-service`, kc.tlsSecret ? 8443 : 8080),
      database,
    },
    issuerCa: {
      configMapName: cfg.clusterAuth.issuerCaConfigMap,
      key: ISSUER_CA_KEY,
      namespaces: [
        ...new Set([
          OPENSHIFT_CONFIG_NAMESPACE,
          ns.mcpServer,
          ...(cfg.llamaStack.enabled ? [ns.llamaStack] : []),
          ...(cfg.playground.enabled ? [ns.playground] : []),
        ]),
      ],
      pem: cfg.clusterAuth.issuerCaPem,
    },
    clusterAuth: {
      externalOidc: cfg.clusterAuth.externalOidc,
      featureGate: cfg.clusterAuth.externalOidc && cfg.openshift.version === '4.19' && cfg.clusterAuth.acknowledgeTechPreviewNoUpgrade,
      audiences: cfg.clusterAuth.audiences ?? defaultAudiences(cfg),
      groupBindings: effectiveGroupBindings(cfg),
      consoleClientSecret: { namespace: OPENSHIFT_CONFIG_NAMESPACE, name: cfg.clusterAuth.consoleClientSecretName, key: OIDC_CLIENT_SECRET_KEY },
      consoleRedirectUri: urls.consoleRedirectUri,
    },
    mcpServer: {
      namespace: ns.mcpServer,
      service: mcpService,
      publicUrl: mcpPublicUrl,
      routeHost: hosts.mcpServer,
      serverUrl: mcpPublicUrl ?? mcpService.url,
      mcpUrl: `${mcpService.url}/mcp`,
      sseUrl: `${mcpService.url}/sse`,
      stsClientSecret: { namespace: ns.mcpServer, ...cfg.mcpServer.stsClientSecret },
    },
    llamaStack: {
      namespace: ns.llamaStack,
      service: serviceRef(ns.llamaStack, `${cfg.llamaStack.name}-service`, cfg.llamaStack.port),
    },
    playground: {
      namespace: ns.playground,
      publicUrl: urls.playgroundOrigin,
      routeHost: hosts.playground,
      redirectUri: urls.playgroundRedirectUri,
      postLogoutRedirectUri: urls.playgroundOrigin && `${urls.playgroundOrigin}/`,
      accessTokenLifespan: accessTokenLifespanOf(realm, pg.clientId),
      cookieRefresh: pg.cookieRefresh ?? cookieRefreshFor(accessTokenLifespanOf(realm, pg.clientId)),
      cookieExpire: pg.cookieExpire,
      trustedProxyCidrs: pg.trustedProxyCidrs,
      allowedGroups: pg.allowedGroups ?? [...new Set(effectiveGroupBindings(cfg).map((b) => b.group))],
      groupsClaim: cfg.clusterAuth.groupsClaim,
      clientSecret: { namespace: ns.playground, name: pg.oauthSecretName, key: 'client-secret' },
      cookieSecret: { namespace: ns.playground, name: pg.oauthSecretName, key: 'cookie-secret' },
      defaultModel: pg.defaultModel ?? cfg.llamaStack.inference[0]?.modelId,
    },
    mcpInspector: {
      namespace: ns.mcpServer,
      publicUrl: hosts.mcpInspector ? `https://${hosts.mcpInspector}` : undefined,
      proxyPublicUrl: hosts.mcpInspectorProxy ? `https://${hosts.mcpInspectorProxy}` : undefined,
      routeHost: hosts.mcpInspector,
      proxyRouteHost: hosts.mcpInspectorProxy,
    },
  };
}
