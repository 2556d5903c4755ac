/**
 * The server configuration: the keys and meanings of containers/kubernetes-mcp-server's
 * `config.toml` (pkg/config StaticConfig), plus `sts_client_secret_file` and
 * `allow_secret_values`. Validated with zod in strict mode: an unknown key or a wrong type
 * is an error naming the key.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const pinoLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const nonEmpty = z.string().min(1, 'must not be empty');
const httpUrl = z
  .string()
  .url('must be an absolute URL')
  .refine((s) => /^https?:\/\//.test(s), 'must be an http(s) URL');

/**
 * One `denied_resources` entry: `{ group = "", version = "v1", kind = "Secret" }`. As in the Go
 * server, `kind` may be omitted (and `version` left empty) to deny every kind of the group/version.
 */
export const gvkSchema = z.object({ group: z.string(), version: z.string(), kind: z.string().default('') }).strict();

/**
 * `sts_cache_max_age`: the default and the largest value, in seconds (the chart's
 * `mcpServer.stsCacheMaxAge` reads both from here).
 */
export const STS_CACHE_MAX_AGE = { default: 30, max: 3600 } as const;

/**
 * Raw keys as they appear in the TOML file (and as CLI flags override them).
 * Defaults are applied here so the parsed result is complete.
 */
export const rawConfigSchema = z
  .object({
    /** Listen port; the Go server writes it as a string (`port = "8000"`). Absent: stdio transport. */
    port: z
      .union([z.number().int(), z.string().regex(/^\d+$/, 'must be a port number')])
      .transform((p) => Number(p))
      .refine((p) => p >= 0 && p <= 65535, 'must be 0..65535')
      .optional(),
    /**
     * Listen address of the HTTP transport: an IPv4/IPv6 literal or `localhost`. @default
     * "127.0.0.1" (loopback: a local run is not reachable from the network); the chart writes
     * "0.0.0.0" for the pod, where the Service must reach it.
     */
    bind_address: z
      .string()
      .refine((a) => a === 'localhost' || isIP(a) !== 0, 'must be an IP address (e.g. "0.0.0.0", "127.0.0.1", "::") or "localhost"')
      .default('127.0.0.1'),
    /** klog-style verbosity 0..9 (as the Go server) or a pino level name. @default 0 (info) */
    log_level: z.union([z.number().int().min(0).max(9), z.enum(pinoLevels)]).default(0),
    list_output: z.enum(['table', 'yaml']).default('table'),
    toolsets: z.array(z.enum(['core', 'config', 'helm'])).default(['core', 'config', 'helm']),
    read_only: z.boolean().default(false),
    disable_destructive: z.boolean().default(false),
    denied_resources: z.array(gvkSchema).default([]),
    /** Absent: in-cluster when KUBERNETES_SERVICE_HOST is set, otherwise kubeconfig. */
    cluster_provider_strategy: z.enum(['in-cluster', 'kubeconfig']).optional(),
    kubeconfig: nonEmpty.optional(),
    require_oauth: z.boolean().default(false),
    authorization_url: httpUrl.optional(),
    /** Public base URL, no trailing slash, query or fragment; the resource is exactly server_url + "/mcp". */
    server_url: httpUrl
      .refine((s) => !s.endsWith('/'), 'must not end with "/" (the resource is server_url + "/mcp")')
      .refine((s) => !/[?#]/.test(s), 'must not contain a query or fragment')
      .optional(),
    oauth_audience: nonEmpty.optional(),
    oauth_scopes: z.array(nonEmpty).default([]),
    validate_token: z.boolean().default(false),
    sts_client_id: nonEmpty.optional(),
    sts_client_secret: nonEmpty.optional(),
    sts_client_secret_file: nonEmpty.optional(),
    sts_audience: nonEmpty.optional(),
    sts_scopes: z.array(nonEmpty).default([]),
    /**
     * Longest time, in seconds, an exchanged token is reused for the same user token before
     * Keycloak is asked again: the bound on how long a logged-out or disabled user keeps access
     * (docs/mcp-server.md "Revocation"). `0` exchanges on every request. @default 30
     */
    sts_cache_max_age: z.number().int().min(0).max(STS_CACHE_MAX_AGE.max).default(STS_CACHE_MAX_AGE.default),
    certificate_authority: nonEmpty.optional(),
    allow_secret_values: z.boolean().default(false),
  })
  .strict();

export type RawConfig = z.input<typeof rawConfigSchema>;
export type ParsedConfig = z.output<typeof rawConfigSchema>;

/** Every key the file may hold (for `--help` and docs). */
export const CONFIG_KEYS = Object.keys(rawConfigSchema.shape) as (keyof ParsedConfig)[];

/**
 * Cross-key rules. Fail closed: a partial token-exchange configuration, or `require_oauth`
 * without what validation needs, is refused instead of passing the user's token through.
 * @returns one message per violated rule, each naming the keys and the fix.
 */
export function crossKeyProblems(c: ParsedConfig): string[] {
  const problems: string[] = [];
  const stsKeys = ['sts_client_id', 'sts_client_secret', 'sts_client_secret_file', 'sts_audience'] as const;
  const anySts = stsKeys.some((k) => c[k] !== undefined) || c.sts_scopes.length > 0;
  if (c.sts_client_secret !== undefined && c.sts_client_secret_file !== undefined) {
    problems.push('sts_client_secret and sts_client_secret_file are both set: keep only one (prefer the file)');
  }
  if (anySts || c.require_oauth) {
    const why = c.require_oauth && !anySts ? 'require_oauth = true needs the token exchange' : 'partial token-exchange configuration';
    if (c.sts_client_id === undefined) problems.push(`sts_client_id is missing (${why}): set the Keycloak client that performs the exchange`);
    if (c.sts_audience === undefined) problems.push(`sts_audience is missing (${why}): set the audience the Kubernetes API accepts`);
    if (c.sts_client_secret === undefined && c.sts_client_secret_file === undefined) {
      problems.push(`sts_client_secret_file (or sts_client_secret) is missing (${why}): mount the client secret and point at it`);
    }
    if (c.authorization_url === undefined) problems.push(`authorization_url is missing (${why}): set the realm issuer URL`);
  }
  if (c.require_oauth) {
    if (c.oauth_audience === undefined) problems.push('oauth_audience is missing (require_oauth = true): set the audience every access token must carry');
  }
  if (c.cluster_provider_strategy === 'in-cluster' && c.kubeconfig !== undefined) {
    problems.push('kubeconfig is set but cluster_provider_strategy = "in-cluster": remove one of them');
  }
  return problems;
}
