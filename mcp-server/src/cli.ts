/**
 * Command line: `--config <file>` plus one flag per config key; a flag overrides the file.
 * Lists are comma-separated (`--toolsets core,config`); booleans have `--x` / `--no-x`.
 */
import { Command, Option } from 'commander';
import { SERVER_VERSION } from './version.js';

const csv = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface CliResult {
  readonly configPath?: string;
  /** Overrides keyed by config key (snake_case); only flags given on the command line. */
  readonly overrides: Record<string, unknown>;
}

export function buildCommand(): Command {
  const cmd = new Command('kube-mcp-server')
    .description('Kubernetes MCP server: OAuth resource server that acts as each user via RFC 8693 token exchange')
    .version(SERVER_VERSION, '-V, --version', 'print the version and exit')
    .option('--config <file>', 'TOML configuration file (keys of containers/kubernetes-mcp-server)')
    .option('--port <port>', 'listen port for HTTP (/mcp, /sse); without a port the server speaks stdio')
    .option('--log-level <level>', 'verbosity 0..9 or a pino level name', (v) => (/^\d+$/.test(v) ? Number(v) : v))
    .addOption(new Option('--list-output <format>', 'output of list tools').choices(['table', 'yaml']))
    .option('--toolsets <list>', 'comma-separated toolsets: core,config,helm', csv)
    .option('--read-only', 'expose only read-only tools')
    .option('--no-read-only', 'expose all tools (overrides the file)')
    .option('--disable-destructive', 'hide destructive tools')
    .option('--no-disable-destructive', 'show destructive tools (overrides the file)')
    .addOption(new Option('--cluster-provider-strategy <strategy>', 'how to find the cluster').choices(['in-cluster', 'kubeconfig']))
    .option('--kubeconfig <file>', 'kubeconfig path (kubeconfig strategy)')
    .option('--require-oauth', 'require an OAuth bearer token on /mcp and /sse')
    .option('--no-require-oauth', 'do not require a token (overrides the file)')
    .option('--authorization-url <url>', 'realm issuer URL')
    .option('--server-url <url>', 'public base URL; the protected resource is <url>/mcp')
    .option('--oauth-audience <aud>', 'audience every access token must contain')
    .option('--oauth-scopes <list>', 'comma-separated scopes required and advertised', csv)
    .option('--validate-token', 'accepted for compatibility (validation is always on with require_oauth)')
    .option('--no-validate-token', 'accepted for compatibility')
    .option('--sts-client-id <id>', 'Keycloak client performing the token exchange')
    .option('--sts-client-secret-file <file>', 'file holding the STS client secret')
    .option('--sts-audience <aud>', 'audience requested in the token exchange')
    .option('--sts-scopes <list>', 'comma-separated scopes requested in the token exchange', csv)
    .option('--certificate-authority <file>', 'PEM CA bundle trusted for the issuer (metadata, JWKS, token endpoint)')
    .option('--allow-secret-values', 'return Secret data values (default: redacted)')
    .option('--no-allow-secret-values', 'redact Secret data values (overrides the file)');
  // Commander would default `--no-x` flags to true; only flags actually given may override the file.
  for (const opt of cmd.options) if (opt.negate) opt.defaultValue = undefined;
  return cmd;
}

/** Parse argv (without the node/script entries). @throws CommanderError on bad usage. */
export function parseCli(argv: readonly string[], cmd: Command = buildCommand()): CliResult {
  cmd.exitOverride();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  const overrides: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'config' || v === undefined) continue;
    overrides[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  }
  return { configPath: o.config as string | undefined, overrides };
}
