/**
 * The MCP server's `config.toml`, built from typed settings and serialized with smol-toml.
 *
 * Keys are those of containers/kubernetes-mcp-server (`pkg/config`), which the bundled server
 * (`mcp-server/`, issue 3) reads unchanged, plus `sts_client_secret_file`. The STS client secret
 * itself never appears here: only the path of the file where the Secret is mounted.
 *
 * Pure functions, no cdk8s: the e2e harness calls {@link mcpServerConfigToml} to write a config
 * for a local run with its own paths and `cluster_provider_strategy = "kubeconfig"`.
 */
import { parse, stringify } from 'smol-toml';
import { crossKeyProblems, rawConfigSchema } from '../mcp-server/src/config/schema.js';

/** A Kubernetes kind the server's tools must refuse (`[[denied_resources]]`). */
export interface DeniedResource {
  /** API group; `""` for the core group. */
  readonly group: string;
  /** API version, e.g. `v1`. */
  readonly version: string;
  /** Kind, e.g. `Secret`. */
  readonly kind: string;
}

/** RFC 8693 token exchange at Keycloak (the `sts_*` keys). All fields are required together. */
export interface McpServerTokenExchange {
  /** Confidential client that performs the exchange (`sts_client_id`), e.g. `mcp-server`. */
  readonly clientId: string;
  /** Audience requested for the exchanged token (`sts_audience`), e.g. `openshift`. */
  readonly audience: string;
  /** Scopes requested for the exchanged token (`sts_scopes`), e.g. `["mcp:openshift"]`. */
  readonly scopes: readonly string[];
  /** Path of the file holding the client secret (`sts_client_secret_file`), mounted from a Secret. */
  readonly clientSecretFile: string;
  /** Seconds an exchanged token is reused (`sts_cache_max_age`). @default unset: the server's default (30) */
  readonly cacheMaxAge?: number;
}

/** Typed form of the MCP server's `config.toml`. */
export interface McpServerSettings {
  /** Listen port (`port`). Written as a string, as the Go server's config does. */
  readonly port: number;
  /** Listen address (`bind_address`). @default unset: the server's own default, loopback ("127.0.0.1") */
  readonly bindAddress?: string;
  /** Log verbosity 0..9 (`log_level`). @default 2 */
  readonly logLevel?: number;
  /** Output of list tools (`list_output`). @default "table" */
  readonly listOutput?: 'table' | 'yaml';
  /** Enabled toolsets (`toolsets`). @default ["core", "config", "helm"] */
  readonly toolsets?: readonly string[];
  /** Hide every tool that is not read-only (`read_only`). @default false */
  readonly readOnly?: boolean;
  /** Hide destructive tools (`disable_destructive`). @default false */
  readonly disableDestructive?: boolean;
  /** Kinds every tool refuses (`denied_resources`). @default [] (key omitted) */
  readonly deniedResources?: readonly DeniedResource[];
  /** How the server finds the cluster (`cluster_provider_strategy`). @default "in-cluster" */
  readonly clusterProviderStrategy?: 'in-cluster' | 'kubeconfig';
  /** Kubeconfig path (`kubeconfig`), only with the `kubeconfig` strategy. @default unset */
  readonly kubeconfig?: string;
  /** Require an OAuth bearer token on `/mcp` and `/sse` (`require_oauth`). @default true */
  readonly requireOauth?: boolean;
  /** The realm issuer URL (`authorization_url`), exactly as in the token's `iss`. Required with requireOauth. @default unset */
  readonly authorizationUrl?: string;
  /** The server's public base URL (`server_url`); the RFC 9728 resource is `server_url` + `/mcp`. @default unset */
  readonly serverUrl?: string;
  /** Audience the user's token must carry (`oauth_audience`). Required with requireOauth. @default unset */
  readonly oauthAudience?: string;
  /** Scopes advertised in metadata and challenges (`oauth_scopes`). @default unset */
  readonly oauthScopes?: readonly string[];
  /** Verify the token's signature and claims locally (`validate_token`). @default true */
  readonly validateToken?: boolean;
  /** Token exchange settings (`sts_*`). @default unset (the user's token is not exchanged) */
  readonly tokenExchange?: McpServerTokenExchange;
  /** PEM CA bundle trusted for the issuer (`certificate_authority`). @default unset (system roots) */
  readonly certificateAuthority?: string;
}

/** A TOML document as smol-toml reads and writes it. */
export type TomlTable = Record<string, unknown>;

/**
 * The problems the bundled server would report on this table: its own zod schema
 * (`rawConfigSchema`, one `key: reason` per issue) and, when that passes, its cross-key rules
 * (`crossKeyProblems`). Imported from mcp-server/src/config/schema.ts, so the chart refuses
 * exactly what the server refuses at start-up.
 * @returns [] when the server accepts the table
 */
export function serverConfigProblems(table: TomlTable): string[] {
  const parsed = rawConfigSchema.safeParse(table);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
  return crossKeyProblems(parsed.data);
}

/**
 * Builds the `config.toml` table (snake_case keys, defaults applied, unset keys omitted) and
 * checks it with the server's own schema and cross-key rules ({@link serverConfigProblems}).
 * @throws Error listing every problem the server would refuse the file for, e.g. a
 *   requireOauth config without authorizationUrl, oauthAudience or the token exchange
 *   (`sts_client_id`, `sts_audience`, `sts_client_secret_file`), a logLevel outside 0..9, or a
 *   kubeconfig with the in-cluster strategy
 */
export function mcpServerConfigObject(s: McpServerSettings): TomlTable {
  const requireOauth = s.requireOauth ?? true;
  const strategy = s.clusterProviderStrategy ?? 'in-cluster';
  const t = s.tokenExchange;

  const out: TomlTable = {
    port: String(s.port),
    ...(s.bindAddress !== undefined ? { bind_address: s.bindAddress } : {}),
    log_level: s.logLevel ?? 2,
    list_output: s.listOutput ?? 'table',
    cluster_provider_strategy: strategy,
    toolsets: [...(s.toolsets ?? ['core', 'config', 'helm'])],
    read_only: s.readOnly ?? false,
    disable_destructive: s.disableDestructive ?? false,
    require_oauth: requireOauth,
  };
  if (s.kubeconfig !== undefined) out.kubeconfig = s.kubeconfig;
  if (s.authorizationUrl !== undefined) out.authorization_url = s.authorizationUrl;
  if (s.serverUrl !== undefined) out.server_url = s.serverUrl;
  if (s.oauthAudience !== undefined) out.oauth_audience = s.oauthAudience;
  if (s.oauthScopes !== undefined) out.oauth_scopes = [...s.oauthScopes];
  out.validate_token = s.validateToken ?? true;
  if (t) {
    out.sts_client_id = t.clientId;
    out.sts_audience = t.audience;
    out.sts_scopes = [...t.scopes];
    out.sts_client_secret_file = t.clientSecretFile;
    if (t.cacheMaxAge !== undefined) out.sts_cache_max_age = t.cacheMaxAge;
  }
  if (s.certificateAuthority !== undefined) out.certificate_authority = s.certificateAuthority;
  if (s.deniedResources && s.deniedResources.length > 0) {
    out.denied_resources = s.deniedResources.map((d) => ({ group: d.group, version: d.version, kind: d.kind }));
  }
  const problems = serverConfigProblems(out);
  if (problems.length > 0) {
    throw new Error(`config.toml: the MCP server would refuse this configuration:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
  return out;
}

/**
 * Serializes {@link mcpServerConfigObject} to TOML text and checks that it parses back to the
 * same table (guards against a serializer regression producing an unreadable file).
 * @throws like {@link mcpServerConfigObject}
 */
export function mcpServerConfigToml(s: McpServerSettings): string {
  const table = mcpServerConfigObject(s);
  const text = `# Generated by kube-mcp-stack from typed config. Do not edit.\n${stringify(table)}\n`;
  const back = parse(text);
  if (JSON.stringify(back) !== JSON.stringify(table)) {
    throw new Error('config.toml: serialized TOML does not parse back to the same values');
  }
  return text;
}
