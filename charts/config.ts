/**
 * The typed stack configuration: the one input from which every resource of the stack is
 * synthesized. `StackConfig` is what a team writes (every field with a default is
 * optional); {@link parseStackConfig} validates it at run time, applies the defaults and runs
 * the model-level checks, throwing a {@link StackConfigError} that lists EVERY problem as
 * `path: reason`.
 *
 * Names follow the services' own terms (OLM Subscription channel/source, Keycloak realm and
 * client, OpenShift `Authentication` oidcProviders). Every field is documented in
 * docs/config.md.
 */
import { z } from 'zod';
import { RealmModelSchema } from '../keycloak-realm/realm-model.js';
import { checkStackConfig } from './config-checks.js';
import {
  componentsSchema,
  dnsLabel,
  hostWithPort,
  imageSchema,
  replicaCount,
  routeHost,
  resourcesSchema,
  secretKeyRef,
  subscriptionSchema,
} from './config-parts.js';

export { secretKeyRef, imageSchema, resourcesSchema } from './config-parts.js';

/** OpenShift target cluster. */
const openshiftSchema = z
  .object({
    /** OpenShift minor version, `4.<minor>`, e.g. `4.19`. Decides whether external OIDC needs the TechPreviewNoUpgrade FeatureGate (4.19 only). */
    version: z.string().regex(/^4\.\d{1,2}$/, 'expected an OpenShift version "4.<minor>", e.g. "4.19"'),
    /** The cluster's apps (ingress) domain, e.g. `apps.cluster.example.com`; hosts default to `<name>.<appsDomain>`. @default none: every host must then be given in `hosts` */
    appsDomain: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'expected a DNS domain such as "apps.cluster.example.com"')
      .optional(),
  })
  .strict();

/** Explicit public hosts; each overrides the one derived from `openshift.appsDomain`. */
const hostsSchema = z
  .object({
    /** Keycloak's public host (may carry a port, e.g. `127.0.0.1:8443` for test harnesses). @default `keycloak-admin.<appsDomain>` */
    keycloak: hostWithPort.optional(),
    /** The OpenShift web console host (console redirect URI); may carry a port (not a Route of the stack). @default `console-openshift-console.<appsDomain>` */
    console: hostWithPort.optional(),
    /** MCP server Route host (`spec.host`: a DNS name, no port). @default `<mcpServer.name>-<namespaces.mcpServer>.<appsDomain>` */
    mcpServer: routeHost.optional(),
    /** Playground Route host (no port). @default `<playground.name>-<namespaces.playground>.<appsDomain>` */
    playground: routeHost.optional(),
    /** MCP Inspector Route host (no port). @default `<mcpInspector.name>-<namespace>.<appsDomain>` */
    mcpInspector: routeHost.optional(),
    /** MCP Inspector proxy Route host (no port). @default `<mcpInspector.name>-proxy-<namespace>.<appsDomain>` */
    mcpInspectorProxy: routeHost.optional(),
  })
  .strict();

/** Namespaces of the stack. */
const namespacesSchema = z
  .object({
    /** Keycloak operator, database, Keycloak and the realm import. @default `redhat-keycloak` */
    keycloak: dnsLabel.default('redhat-keycloak'),
    /** Llama Stack; the developers' group gets ClusterRole `edit` here. @default `llama-stack` */
    llamaStack: dnsLabel.default('llama-stack'),
    /**
     * MCP server (and MCP Inspector), with the token-exchange client Secret. Kept apart from the
     * developers' `edit` namespace (`llamaStack`), where any developer could read that Secret.
     * @default `mcp-server`
     */
    mcpServer: dnsLabel.default('mcp-server'),
    /** Playground, with its oauth2-proxy Secret (client + cookie secret); kept apart for the same reason. @default `llama-stack-playground` */
    playground: dnsLabel.default('llama-stack-playground'),
    /**
     * Accept that `keycloak`, `mcpServer` or `playground` equals `llamaStack`, where the developers'
     * group has `edit` and so can read every Secret there (STS client secret, oauth2-proxy secrets,
     * realm client secrets). @default false
     */
    acknowledgeDevelopersReadSecrets: z.boolean().default(false),
    /** OpenShift AI operator. @default `redhat-ods-operator` */
    openshiftAiOperator: dnsLabel.default('redhat-ods-operator'),
    /** OpenShift AI applications (DSCInitialization `applicationsNamespace`). @default `redhat-ods-applications` */
    openshiftAiApplications: dnsLabel.default('redhat-ods-applications'),
    /** OpenShift AI monitoring. @default `redhat-ods-monitoring` */
    openshiftAiMonitoring: dnsLabel.default('redhat-ods-monitoring'),
  })
  .strict();

/** PostgreSQL run by the stack as a StatefulSet with a PersistentVolumeClaim. */
const inClusterDatabase = z
  .object({
    type: z.literal('in-cluster'),
    /** StatefulSet and Service name. @default `postgresql` */
    name: dnsLabel.default('postgresql'),
    /** @default `registry.redhat.io/rhel9/postgresql-16:1` (runs under any UID, restricted-v2 SCC) */
    image: imageSchema.default({ repository: 'registry.redhat.io/rhel9/postgresql-16', tag: '1' }),
    /** Database name. @default `keycloak` */
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'expected a PostgreSQL identifier')
      .default('keycloak'),
    /** Database user (not secret; written into the credentials Secret by `realm apply --generate-missing`). @default `keycloak` */
    username: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'expected a PostgreSQL identifier')
      .default('keycloak'),
    /** Secret holding `username` and `password` keys; referenced, never created by the stack. @default `postgresql-credentials` */
    credentialsSecret: dnsLabel.default('postgresql-credentials'),
    /** PersistentVolumeClaim size. @default `10Gi` */
    storageSize: z
      .string()
      .regex(/^\d+(Mi|Gi|Ti)$/, 'expected a size such as "10Gi"')
      .default('10Gi'),
    /** StorageClass of the claim. @default the cluster's default StorageClass */
    storageClass: z.string().min(1).optional(),
    /** @default requests 100m/256Mi, limits 500m/512Mi */
    resources: resourcesSchema.default({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
  })
  .strict();

/** A PostgreSQL server the team runs elsewhere. */
const externalDatabase = z
  .object({
    type: z.literal('external'),
    /** Server host name (DNS name reachable from the Keycloak pods). */
    host: z.string().min(1),
    /** @default 5432 */
    port: z.number().int().min(1).max(65535).default(5432),
    /** @default `keycloak` */
    database: z.string().min(1).default('keycloak'),
    /** Secret (in the Keycloak namespace) with the user name, key `username`. */
    usernameSecret: secretKeyRef.default({ name: 'keycloak-db', key: 'username' }),
    /** Secret (in the Keycloak namespace) with the password, key `password`. */
    passwordSecret: secretKeyRef.default({ name: 'keycloak-db', key: 'password' }),
  })
  .strict();

/** Keycloak server (Keycloak CR). */
const keycloakSchema = z
  .object({
    /** Keycloak CR name (also the operator's Service `<name>-service`). @default `keycloak` */
    name: dnsLabel.default('keycloak'),
    /** Keycloak CR API version: `auto` picks by operator channel (see docs/config.md). @default `auto` */
    apiVersion: z.enum(['auto', 'v2alpha1', 'v2beta1']).default('auto'),
    /** Number of Keycloak pods. @default 1 */
    instances: replicaCount.default(1),
    /** Keycloak image override. @default the operator's own image */
    image: imageSchema.optional(),
    /** Proxy headers Keycloak trusts behind the router: `xforwarded` (OpenShift router) or `forwarded`. @default `xforwarded` */
    proxyHeaders: z.enum(['xforwarded', 'forwarded']).default('xforwarded'),
    /** TLS Secret (tls.crt/tls.key) for Keycloak's own HTTPS listener. @default none: HTTP behind the edge-terminating router */
    tlsSecret: dnsLabel.optional(),
    /** Let the operator create a Route/Ingress for `hosts.keycloak`. @default true */
    ingress: z.boolean().default(true),
    /** @default requests 500m/1Gi, limits 2/2Gi */
    resources: resourcesSchema.default({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } }),
    /** Database backing Keycloak. @default `{ type: 'in-cluster' }` */
    database: z.discriminatedUnion('type', [inClusterDatabase, externalDatabase]).default({ type: 'in-cluster' }),
  })
  .strict();

/** One `clusterAuth.groupBindings` entry (charts/cluster-auth.ts `GroupBinding`). */
const groupBindingSchema = z
  .object({
    /** Realm group, as the groups claim carries it. */
    group: z.string().min(1),
    /** ClusterRole granted (an RBAC object name: no "/" or "%"). */
    clusterRole: z
      .string()
      .min(1)
      .regex(/^[^/%]+$/, 'expected a ClusterRole name (no "/" or "%")'),
    /** Namespaces of the RoleBindings. @default none: one cluster-wide ClusterRoleBinding */
    namespaces: z.array(dnsLabel).min(1, 'expected at least one namespace; omit namespaces for a cluster-wide binding').optional(),
  })
  .strict();

/** OpenShift cluster authentication through Keycloak (external OIDC). */
const clusterAuthSchema = z
  .object({
    /** Switch the cluster `Authentication` to `type: OIDC` with the realm as provider. @default true */
    externalOidc: z.boolean().default(true),
    /** Required `true` on OpenShift 4.19: enabling FeatureGate TechPreviewNoUpgrade is irreversible and blocks upgrades. @default false */
    acknowledgeTechPreviewNoUpgrade: z.boolean().default(false),
    /** `oidcProviders[].name`. @default `rhbk-external-auth` */
    providerName: z.string().min(1).default('rhbk-external-auth'),
    /** `issuer.audiences` (1..10 by the Authentication CRD). @default the console, CLI and `openshift` client ids */
    audiences: z.array(z.string().min(1)).optional(),
    /** Claim used as the user name, no prefix. @default `preferred_username` */
    usernameClaim: z.string().min(1).max(256).default('preferred_username'),
    /** Claim holding the group names. @default `groups` */
    groupsClaim: z.string().min(1).max(256).default('groups'),
    /** Realm client used by the web console (confidential). @default `openshift-console` */
    consoleClientId: z.string().min(1).default('openshift-console'),
    /** Realm client used by `oc login` (public). @default `openshift-cli` */
    cliClientId: z.string().min(1).default('openshift-cli'),
    /** Secret in `openshift-config` holding the console client secret (key `clientSecret`, fixed by the API). @default `keycloak-client-openshift-console-secret` */
    consoleClientSecretName: dnsLabel.default('keycloak-client-openshift-console-secret'),
    /** Name of the issuer-CA ConfigMap (in `openshift-config` and the MCP server namespace). @default `keycloak-oidc-ca` */
    issuerCaConfigMap: dnsLabel.default('keycloak-oidc-ca'),
    /** PEM CA bundle that signed Keycloak's certificate. @default none: `kube-mcp-stack apply` fills the ConfigMaps with the cluster's default ingress CA */
    issuerCaPem: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'expected a PEM certificate bundle' }).optional(),
    /** Group bound to ClusterRole `cluster-admin` by the default `groupBindings`. @default `openshift_admins` */
    adminGroup: z.string().min(1).default('openshift_admins'),
    /** Group bound to ClusterRole `edit` in the Llama Stack namespace by the default `groupBindings`. @default `openshift_developers` */
    developerGroup: z.string().min(1).default('openshift_developers'),
    /**
     * Group RBAC: each realm group bound to a ClusterRole, cluster-wide (no `namespaces`) or in each
     * listed namespace. When set, it replaces the default bindings. @default `adminGroup` → `cluster-admin`
     * cluster-wide, `developerGroup` → `edit` in `namespaces.llamaStack`
     */
    groupBindings: z
      .array(groupBindingSchema)
      .min(1, 'expected at least one binding; omit groupBindings for the defaults (adminGroup → cluster-admin, developerGroup → edit in namespaces.llamaStack)')
      .optional(),
  })
  .strict();

/** The shape of the stack configuration (see docs/config.md for every field). */
export const StackConfigBaseSchema = z
  .object({
    openshift: openshiftSchema,
    /** @default {} */
    hosts: hostsSchema.default({}),
    /** @default the reference namespaces */
    namespaces: namespacesSchema.default({}),
    /** Red Hat build of Keycloak operator Subscription. */
    keycloakOperator: subscriptionSchema({
      name: 'rhbk-operator',
      channel: 'stable-v26.2',
      operatorGroupName: 'keycloak-operator-group',
    }).default({}),
    /** @default in-cluster PostgreSQL, one instance */
    keycloak: keycloakSchema.default({}),
    /** The realm (typed realm model of keycloak-realm/realm-model.ts). */
    realm: RealmModelSchema,
    /** @default external OIDC on, acknowledgement off */
    clusterAuth: clusterAuthSchema.default({}),
    /** How `dist/` serves a GitOps tool. @default no Argo CD annotations */
    gitops: z
      .object({
        /**
         * Write Argo CD `argocd.argoproj.io/sync-wave` from each object's apply phase
         * (charts/apply-phases.ts) and `SkipDryRunOnMissingResource=true` on objects whose CRD an
         * operator installs. @default false
         */
        argoCdSyncWaves: z.boolean().default(false),
      })
      .strict()
      .default({}),
    ...componentsSchema,
  })
  .strict();

/** The shape-checked configuration before the model-level checks. */
export type BaseStackConfig = z.output<typeof StackConfigBaseSchema>;

/** The stack configuration schema: the shape plus the model-level checks (charts/config-checks.ts). */
export const StackConfigSchema = StackConfigBaseSchema.superRefine(checkStackConfig);

/** What a team writes: every field with a default may be omitted. */
export type StackConfig = z.input<typeof StackConfigSchema>;
/** A validated configuration with every default applied. */
export type ValidStackConfig = z.output<typeof StackConfigSchema>;

/** One problem in a configuration: the dotted field path and the reason. */
export interface ConfigProblem {
  readonly path: string;
  readonly reason: string;
}

/** Thrown by {@link parseStackConfig}; `problems` lists every problem, the message one per line. */
export class StackConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  ${p.path}: ${p.reason}`).join('\n')}`);
    this.name = 'StackConfigError';
  }
}

/** `a.b[0].c` from a zod path. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '') || '(root)';
}

function reasonOf(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return `required (expected ${issue.expected})`;
      if (issue.message && !issue.message.startsWith('Expected')) return issue.message;
      return `expected ${issue.expected}, got ${issue.received}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against docs/config.md`;
    case 'invalid_enum_value':
      return `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(issue.received)}`;
    case 'invalid_union_discriminator':
      return `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'invalid_literal':
      return `expected ${JSON.stringify(issue.expected)}`;
    default:
      return issue.message;
  }
}

/**
 * Validates a configuration and applies its defaults.
 * @param input a {@link StackConfig} (any value: it is checked, not trusted)
 * @returns the configuration with every default applied
 * @throws StackConfigError listing every problem as `path: reason`, including the
 *   model-level checks (token-exchange clients confidential, client scopes exist, the
 *   Authentication API limits, one issuer, the TechPreviewNoUpgrade acknowledgement)
 */
export function parseStackConfig(input: unknown): ValidStackConfig {
  if (typeof input === 'object' && input !== null && validated.has(input)) return input as ValidStackConfig;
  const result = StackConfigSchema.safeParse(input);
  if (!result.success) throw new StackConfigError(problemsOf(result.error));
  validated.add(result.data);
  return result.data;
}

/**
 * The configurations {@link parseStackConfig} returned: parsing one of them again returns it as
 * is, so the config is parsed once however many layers (synth, deriveModel) ask for a valid one.
 */
const validated = new WeakSet<object>();

/** The problems of a zod error as `path: reason` pairs, without duplicates. */
export function problemsOf(error: z.ZodError): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const p = { path: formatPath(issue.path), reason: reasonOf(issue) };
    const key = `${p.path}\u0000${p.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}
