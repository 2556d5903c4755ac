/**
 * Building blocks of the stack configuration schema (charts/config.ts): shared field
 * types (DNS names, hosts, images, resources, Secret references, OLM Subscriptions) and
 * the sections of the application components (MCP server, OpenShift AI, Llama Stack,
 * Playground, MCP Inspector). Every default is secure; docs/config.md lists them all.
 */
import { DEFAULT_LLAMA_STACK_VERSION, DEFAULT_OPERATOR_VERSION } from './versions/llama-stack.js';
import { z } from 'zod';
import { MCP_SERVER_DEFAULTS } from './mcp-server-defaults.js';
import { STS_CACHE_MAX_AGE } from '../mcp-server/src/config/schema.js';
import { OAUTH2_PROXY_RELEASE } from './oauth2-proxy-release.js';
import { OPENSHIFT_DEFAULT_CLUSTER_NETWORK } from './playground-session.js';

/** A DNS-1123 label: Namespace, Service, ConfigMap and Secret names. */
export const dnsLabel = z
  .string({ invalid_type_error: 'expected a DNS label (string)' })
  .max(63, 'expected at most 63 characters (DNS label)')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS label: lower-case letters, digits and "-", starting and ending alphanumeric');

/** A host name, optionally with a port (`127.0.0.1:8443`); no scheme, no path. */
export const hostWithPort = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5]))?$/,
    'expected a host name with an optional port, e.g. "keycloak.apps.example.com" or "127.0.0.1:8443" (no scheme, no path)',
  );

/**
 * Why a string is not a valid OpenShift Route host (`spec.host`), or undefined when it is: a
 * DNS-1123 subdomain of at most 253 characters with labels of at most 63 (the host pattern of
 * the Route CRD, route.openshift.io/v1). A port is refused with the fix named: the router
 * serves every Route on 80/443.
 */
export function routeHostProblem(host: string): string | undefined {
  const port = /^(.*):(\d*)$/.exec(host);
  if (port) return `a Route host carries no port (the router serves Routes on 443); use "${port[1]}"`;
  if (host.length > 253 || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/.test(host)) {
    return 'expected a DNS host name for a Route, e.g. "mcp.apps.example.com": lower-case labels of at most 63 characters, 253 in all (no scheme, port or path)';
  }
  return undefined;
}

/** An OpenShift Route host: see {@link routeHostProblem}. */
export const routeHost = z.string().superRefine((h, ctx) => {
  const problem = routeHostProblem(h);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A key of a Kubernetes Secret: `{ name, key }`. */
export const secretKeyRef = z
  .object({
    name: dnsLabel,
    key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'expected a Secret data key ([-._a-zA-Z0-9]+)'),
  })
  .strict();

/** A container image pinned to a tag or `sha256:` digest; `latest` is refused. */
export const imageSchema = z
  .object({
    /** Registry and repository without tag, e.g. `quay.io/oauth2-proxy/oauth2-proxy`. */
    repository: z
      .string()
      .min(1)
      .refine((r) => !r.includes('@') && !/:[^/]+$/.test(r), 'expected a repository without tag or digest; put the version in "tag"'),
    /** A version tag or `sha256:<hex>` digest. */
    tag: z
      .string()
      .min(1, 'expected a pinned version tag or sha256 digest')
      .refine((t) => t !== 'latest', '"latest" is not pinned; set an explicit version tag or sha256 digest'),
  })
  .strict();

const quantity = (what: string) =>
  z.string().regex(/^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, `expected a Kubernetes ${what} quantity such as "500m" or "512Mi"`);

/** Requests and limits (both required: every container of the stack has both). */
export const resourcesSchema = z
  .object({
    requests: z.object({ cpu: quantity('CPU'), memory: quantity('memory') }).strict(),
    limits: z.object({ cpu: quantity('CPU'), memory: quantity('memory') }).strict(),
  })
  .strict();

const port = z
  .number({ invalid_type_error: 'expected a TCP port (integer 1..65535)' })
  .int('expected a TCP port (integer 1..65535)')
  .min(1, 'expected a TCP port (integer 1..65535)')
  .max(65535, 'expected a TCP port (integer 1..65535)');
const positiveInt = z.number({ invalid_type_error: 'expected a positive integer' }).int('expected a positive integer').positive('expected a positive integer');
/** The largest replica count Kubernetes accepts: `replicas` is an int32 in the apps/v1 API (and the Keycloak CR's `instances` becomes a StatefulSet's). */
export const MAX_REPLICAS = 2_147_483_647;
/** A replica/instance count: a positive integer that fits Kubernetes' int32. */
export const replicaCount = positiveInt.max(MAX_REPLICAS, `expected at most ${MAX_REPLICAS} (Kubernetes stores a replica count as an int32)`);

/** Defaults of an OLM Subscription section. */
export interface SubscriptionDefaults {
  readonly name: string;
  readonly channel: string;
  readonly operatorGroupName: string;
}

/** An OLM Subscription (+ its OperatorGroup) section. */
export function subscriptionSchema(d: SubscriptionDefaults) {
  return z
    .object({
      /** Package name in the catalog (also the Subscription name). */
      name: dnsLabel.default(d.name),
      /** Update channel. */
      channel: z.string().min(1).default(d.channel),
      /** CatalogSource. @default `redhat-operators` */
      source: z.string().min(1).default('redhat-operators'),
      /** Namespace of the CatalogSource. @default `openshift-marketplace` */
      sourceNamespace: z.string().min(1).default('openshift-marketplace'),
      /** `Automatic` or `Manual` install-plan approval. @default `Automatic` */
      installPlanApproval: z.enum(['Automatic', 'Manual']).default('Automatic'),
      /** Exact ClusterServiceVersion to start from (pins the operator version). @default latest in the channel */
      startingCSV: z.string().min(1).optional(),
      /** OperatorGroup name. */
      operatorGroupName: dnsLabel.default(d.operatorGroupName),
    })
    .strict();
}

const mcpServerSchema = z
  .object({
    /** Deployment, Service, ConfigMap and Route name. @default `ocp-mcp-server` */
    name: dnsLabel.default(MCP_SERVER_DEFAULTS.name),
    /** ServiceAccount (bound to nothing). @default `ocp-mcp` */
    serviceAccountName: dnsLabel.default(MCP_SERVER_DEFAULTS.serviceAccountName),
    /** @default `quay.io/kube-mcp-stack/mcp-server:<package.json version>` (charts/release-image.ts) */
    image: imageSchema.default(MCP_SERVER_DEFAULTS.image),
    /** @default 2 (with a PodDisruptionBudget) */
    replicas: replicaCount.default(MCP_SERVER_DEFAULTS.replicas),
    /** HTTP port (`port` in config.toml). @default 8000 */
    port: port.default(MCP_SERVER_DEFAULTS.port),
    /** @default requests 100m/128Mi, limits 500m/512Mi */
    resources: resourcesSchema.default(MCP_SERVER_DEFAULTS.resources),
    /** `toolsets`. @default core, config, helm */
    toolsets: z
      .array(z.enum(['core', 'config', 'helm']))
      .min(1)
      .default(['core', 'config', 'helm']),
    /** `read_only`. @default false */
    readOnly: z.boolean().default(false),
    /** `disable_destructive`. @default false */
    disableDestructive: z.boolean().default(false),
    /** `list_output`. @default `table` */
    listOutput: z.enum(['table', 'yaml']).default('table'),
    /** `log_level` 0..9. @default 2 */
    logLevel: z.number().int().min(0).max(9).default(2),
    /** `oauth_audience`: the `aud` a user token must carry. @default `mcp-server` */
    oauthAudience: z.string().min(1).default('mcp-server'),
    /** `oauth_scopes`. @default openid, mcp-server */
    oauthScopes: z.array(z.string().min(1)).default([...MCP_SERVER_DEFAULTS.oauthScopes]),
    /** `sts_client_id`: the confidential realm client that performs token exchange. @default `mcp-server` */
    stsClientId: z.string().min(1).default('mcp-server'),
    /** `sts_audience`: audience of the exchanged token (an `Authentication` audience). @default `openshift` */
    stsAudience: z.string().min(1).default('openshift'),
    /** `sts_scopes`. @default mcp:openshift */
    stsScopes: z.array(z.string().min(1)).default([...MCP_SERVER_DEFAULTS.stsScopes]),
    /**
     * `sts_cache_max_age`: seconds an exchanged token is reused before Keycloak is asked again,
     * the bound on how long a logged-out or disabled user keeps access; `0` exchanges on every
     * request. @default 30 (the server's own, mcp-server/src/config/schema.ts)
     */
    stsCacheMaxAge: z
      .number({ invalid_type_error: 'expected a whole number of seconds' })
      .int('expected a whole number of seconds')
      .min(0, 'expected 0 (exchange on every request) or more seconds')
      .max(STS_CACHE_MAX_AGE.max, `expected at most ${STS_CACHE_MAX_AGE.max} seconds (the MCP server's limit)`)
      .default(STS_CACHE_MAX_AGE.default),
    /** Secret in the MCP server namespace with the STS client secret, mounted as a file. @default `{ name: 'mcp-server-sts', key: 'clientSecret' }` */
    stsClientSecret: secretKeyRef.default({ name: 'mcp-server-sts', key: 'clientSecret' }),
    /** `denied_resources`: kinds no tool may touch. @default [] */
    deniedResources: z.array(z.object({ group: z.string(), version: z.string().min(1), kind: z.string().min(1) }).strict()).default([]),
    /** Expose the server through an edge Route. @default true */
    route: z.boolean().default(true),
  })
  .strict();

const managementState = z.enum(['Managed', 'Removed', 'Unmanaged']);

const openshiftAiSchema = z
  .object({
    /** Install OpenShift AI. @default true */
    enabled: z.boolean().default(true),
    /** rhods-operator Subscription. @default channel `stable-2.25` */
    operator: subscriptionSchema({ name: 'rhods-operator', channel: 'stable-2.25', operatorGroupName: 'rhods-operator-group' }).default({}),
    /** DataScienceCluster/DSCInitialization API version. @default from the channel: 2.x → `v1`, 3.x → `v2` */
    apiVersion: z.enum(['v1', 'v2']).optional(),
    /** DSCInitialization name. @default `default-dsci` */
    dsciName: dnsLabel.default('default-dsci'),
    /** DataScienceCluster name. @default `default` */
    dscName: dnsLabel.default('default'),
    /** Monitoring management state in the DSCInitialization. @default `Managed` */
    monitoring: managementState.default('Managed'),
    /** DataScienceCluster components and their management state; unlisted ones are `Removed`. @default dashboard and llamastackoperator Managed */
    components: z
      .record(z.string().regex(/^[a-z]+$/, 'expected a component name such as "llamastackoperator"'), managementState)
      .default({ dashboard: 'Managed', llamastackoperator: 'Managed' }),
  })
  .strict();

const inferenceProvider = z
  .object({
    /** `provider_id`, e.g. `llama-3b`. */
    providerId: z.string().regex(/^[a-z0-9][-a-z0-9_]*$/, 'expected a provider id such as "llama-3b"'),
    /** OpenAI-compatible vLLM endpoint (`…/v1`). */
    url: z.string().url('expected an absolute URL'),
    /** Model id served there. */
    modelId: z.string().min(1),
    /** API token from a Secret in the Llama Stack namespace. @default none */
    apiToken: secretKeyRef.optional(),
    /** @default 128000 */
    maxTokens: positiveInt.default(128000),
    /** Verify the endpoint's TLS certificate. @default true */
    tlsVerify: z.boolean().default(true),
  })
  .strict();

const llamaStackSchema = z
  .object({
    /** Deploy Llama Stack. @default true */
    enabled: z.boolean().default(true),
    /** LlamaStackDistribution name (its Service is `<name>-service`). @default `llamastack-with-config` */
    name: dnsLabel.default('llamastack-with-config'),
    /** `spec.server.distribution.name`. @default `rh-dev` */
    distribution: z.string().min(1).default('rh-dev'),
    /** Llama Stack release the run config is written for; one of charts/versions/llama-stack.ts (0.2.22, 0.7.3). @default `0.2.22` (OpenShift AI 2.25) */
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'expected a version such as "0.2.22"')
      .default(DEFAULT_LLAMA_STACK_VERSION),
    /** llama-stack-k8s-operator release (decides the ConfigMap key the operator reads). @default `0.3.0` (paired with Llama Stack 0.2.x) */
    operatorVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'expected a version such as "0.3.0"')
      .default(DEFAULT_OPERATOR_VERSION),
    /** Server port. @default 8321 */
    port: port.default(8321),
    /** Run-config ConfigMap name. @default `llama-stack-config` */
    configMapName: dnsLabel.default('llama-stack-config'),
    /** `server.auth` audience a token must carry. @default `mcp-server` */
    authAudience: z.string().min(1).default('mcp-server'),
    /** Remote vLLM inference providers, one model each. @default [] */
    inference: z.array(inferenceProvider).default([]),
    /** Tool group id of the bundled MCP server. @default `mcp::openshift` */
    mcpToolGroupId: z.string().min(1).default('mcp::openshift'),
    /** @default requests 250m/1Gi, limits 2/4Gi */
    resources: resourcesSchema.default({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } }),
  })
  .strict();

const playgroundSchema = z
  .object({
    /** Deploy the Playground. @default true */
    enabled: z.boolean().default(true),
    /** @default `llama-stack-playground` */
    name: dnsLabel.default('llama-stack-playground'),
    /** Image with the Playground app (`node /app/playground/dist/main.js`). @default the MCP server's image (`mcpServer.image`), which carries it */
    image: imageSchema.optional(),
    /**
     * oauth2-proxy sidecar image. @default `quay.io/oauth2-proxy/oauth2-proxy:v7.15.6`, the release
     * pinned in charts/oauth2-proxy-release.json (the one the e2e builds and runs; v7.8.1 fails the login)
     */
    oauth2ProxyImage: imageSchema.default({ repository: OAUTH2_PROXY_RELEASE.image, tag: OAUTH2_PROXY_RELEASE.version }),
    /** @default 1 */
    replicas: replicaCount.default(1),
    /** Default model of the UI. @default the first inference provider's model */
    defaultModel: z.string().min(1).optional(),
    /** Realm client oauth2-proxy logs in with (confidential). @default `mcp-client` */
    clientId: z.string().min(1).default('mcp-client'),
    /** Scopes requested at login. @default openid profile email mcp-server */
    scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email', 'mcp-server']),
    /**
     * Realm groups whose members may sign in (oauth2-proxy `--allowed-group`, read from the token's
     * `clusterAuth.groupsClaim`); everyone else is refused after login. @default every group of
     * `clusterAuth.groupBindings` (by default `clusterAuth.adminGroup` and `clusterAuth.developerGroup`)
     */
    allowedGroups: z.array(z.string().min(1)).min(1).optional(),
    /** Secret with `client-secret` and `cookie-secret` keys (not created by the stack). @default `llama-stack-playground-oauth` */
    oauthSecretName: dnsLabel.default('llama-stack-playground-oauth'),
    /** Session cookie lifetime (Go duration). @default `15m` */
    cookieExpire: z
      .string()
      .regex(/^\d+[smh]$/, 'expected a duration such as "15m"')
      .default('15m'),
    /**
     * Cookie refresh interval (Go duration). @default derived from the access-token lifespan of
     * `clientId` (realm `settings.accessTokenLifespan`, Keycloak's 300 s when unset):
     * lifespan − min(60 s, lifespan/2), e.g. `240s`, so the upstream never gets an expired token
     * (charts/playground-session.ts). When set, it must stay at or below that value.
     */
    cookieRefresh: z
      .string()
      .regex(/^\d+[smh]$/, 'expected a duration such as "4m"')
      .optional(),
    /**
     * CIDRs oauth2-proxy trusts to send `X-Forwarded-*` headers (`--trusted-proxy-ip`): where the
     * OpenShift router connects from. @default `10.128.0.0/14`, OpenShift's default cluster
     * network (router pods, and host-network routers through the node's pod-network address);
     * set your cluster's `networking.clusterNetwork` when it differs.
     */
    trustedProxyCidrs: z
      .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, 'expected a CIDR such as "10.128.0.0/14"'))
      .min(1)
      .default([OPENSHIFT_DEFAULT_CLUSTER_NETWORK]),
    /** Playground container resources. @default requests 100m/128Mi, limits 500m/256Mi */
    resources: resourcesSchema.default({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }),
    /** oauth2-proxy resources. @default requests 50m/64Mi, limits 200m/128Mi */
    proxyResources: resourcesSchema.default({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } }),
  })
  .strict();

const mcpInspectorSchema = z
  .object({
    /** Deploy the MCP Inspector (manual testing only). @default false */
    enabled: z.boolean().default(false),
    /** @default `mcp-inspector` */
    name: dnsLabel.default('mcp-inspector'),
    /** @default `ghcr.io/modelcontextprotocol/inspector:0.17.2` */
    image: imageSchema.default({ repository: 'ghcr.io/modelcontextprotocol/inspector', tag: '0.17.2' }),
    /** @default requests 100m/128Mi, limits 500m/512Mi */
    resources: resourcesSchema.default({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
  })
  .strict();

/** The application component sections of the stack configuration. */
export const componentsSchema = {
  /** @default see each field */
  mcpServer: mcpServerSchema.default({}),
  openshiftAi: openshiftAiSchema.default({}),
  llamaStack: llamaStackSchema.default({}),
  playground: playgroundSchema.default({}),
  mcpInspector: mcpInspectorSchema.default({}),
};
