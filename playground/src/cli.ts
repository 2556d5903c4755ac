/**
 * Command line of `kube-mcp-playground`: each setting is a flag with an environment-variable
 * fallback (a flag wins). `--help` lists them; `--version` prints package.json's version.
 */
import { Command, Option } from 'commander';
import { checkBasePath, checkHttpUrl, PlaygroundConfigError, type McpAuthMode, type PlaygroundConfig } from './config.js';
import { LLAMA_STACK_CLIENT_CONTRACTS, releasesWithContract } from './llama-stack-releases.js';
import { playgroundVersion } from './version.js';

/** Builds the commander program (no parsing). */
export function buildCommand(): Command {
  return new Command('kube-mcp-playground')
    .description(
      "Chat Playground behind oauth2-proxy: calls Llama Stack's Responses API as the signed-in user " +
        '(X-Forwarded-Access-Token) and hands the same token to the MCP tool',
    )
    .version(playgroundVersion(), '-V, --version', 'print the version and exit')
    .addOption(new Option('--port <port>', 'listen port').env('PLAYGROUND_PORT').default('8501'))
    .addOption(new Option('--host <address>', 'listen address').env('PLAYGROUND_HOST').default('0.0.0.0'))
    .addOption(new Option('--llama-stack-url <url>', 'Llama Stack base URL, no path (required)').env('PLAYGROUND_LLAMA_STACK_URL'))
    .addOption(
      new Option('--api-base-path <path>', 'OpenAI-compatible API path: /v1/openai/v1 (Llama Stack 0.2.x/0.3.x) or /v1 (0.4.0+) (required)').env(
        'PLAYGROUND_API_BASE_PATH',
      ),
    )
    .addOption(new Option('--mcp-server-url <url>', 'MCP endpoint Llama Stack calls as the user (required)').env('PLAYGROUND_MCP_SERVER_URL'))
    .addOption(new Option('--mcp-server-label <label>', 'server_label of the MCP tool').env('PLAYGROUND_MCP_SERVER_LABEL').default('kubernetes'))
    .addOption(
      new Option('--mcp-auth <mode>', 'token hand-off to MCP: headers (Llama Stack <= 0.3.x) or authorization (0.4.0+) (required)')
        .choices(['headers', 'authorization'])
        .env('PLAYGROUND_MCP_AUTH'),
    )
    .addOption(new Option('--default-model <id>', 'model preselected in the page').env('PLAYGROUND_DEFAULT_MODEL'))
    .addOption(new Option('--instructions <text>', 'system instructions sent with every turn').env('PLAYGROUND_INSTRUCTIONS'))
    .addOption(new Option('--timeout-ms <ms>', 'timeout of one Llama Stack call in milliseconds').env('PLAYGROUND_TIMEOUT_MS').default('120000'))
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .env('PLAYGROUND_LOG_LEVEL')
        .default('info'),
    );
}

function required(v: unknown, flag: string, env: string, hint: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new PlaygroundConfigError(`${flag} (${env}) is required: ${hint}`);
  return v.trim();
}

/**
 * Refuses an `--api-base-path`/`--mcp-auth` pairing that no supported Llama Stack release has
 * (the release table of playground/src/llama-stack-releases.ts; the chart derives both flags
 * from the same table).
 * @throws PlaygroundConfigError naming both flags, their variables and every valid pair
 */
function checkReleasePair(apiBasePath: string, mcpAuth: string): void {
  if (releasesWithContract(apiBasePath, mcpAuth).length > 0) return;
  const valid = Object.entries(LLAMA_STACK_CLIENT_CONTRACTS)
    .map(([version, c]) => `--api-base-path ${c.openaiBasePath} --mcp-auth ${c.mcpToolToken} (Llama Stack ${version})`)
    .join(' or ');
  throw new PlaygroundConfigError(
    `--api-base-path (PLAYGROUND_API_BASE_PATH) "${apiBasePath}" with --mcp-auth (PLAYGROUND_MCP_AUTH) "${mcpAuth}": ` +
      `no supported Llama Stack release has this pair; use ${valid}`,
  );
}

function integer(v: unknown, flag: string, env: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new PlaygroundConfigError(`${flag} (${env}): "${String(v)}" must be an integer from ${min} to ${max}`);
  return n;
}

/**
 * Parses argv (without node and script) and the environment into a {@link PlaygroundConfig}.
 * @throws CommanderError for --help, --version and unknown flags (commander has printed the text)
 * @throws PlaygroundConfigError naming the flag and variable of a missing or invalid setting, or
 *   both flags of an `--api-base-path`/`--mcp-auth` pair no supported Llama Stack release has
 */
export function parseCli(argv: readonly string[], cmd: Command = buildCommand()): PlaygroundConfig {
  cmd.exitOverride();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  const llamaStackUrl = checkHttpUrl(
    required(
      o.llamaStackUrl,
      '--llama-stack-url',
      'PLAYGROUND_LLAMA_STACK_URL',
      'the Llama Stack Service URL, e.g. http://llama-stack-service.llama-stack.svc:8321',
    ),
    '--llama-stack-url',
    'PLAYGROUND_LLAMA_STACK_URL',
  );
  const apiBasePath = checkBasePath(
    required(o.apiBasePath, '--api-base-path', 'PLAYGROUND_API_BASE_PATH', '/v1/openai/v1 for Llama Stack 0.2.x/0.3.x, /v1 for 0.4.0 and later'),
  );
  const mcpServerUrl = checkHttpUrl(
    required(o.mcpServerUrl, '--mcp-server-url', 'PLAYGROUND_MCP_SERVER_URL', 'the MCP endpoint, e.g. http://kube-mcp-server.mcp.svc:8000/mcp'),
    '--mcp-server-url',
    'PLAYGROUND_MCP_SERVER_URL',
  );
  const mcpAuth = required(
    o.mcpAuth,
    '--mcp-auth',
    'PLAYGROUND_MCP_AUTH',
    'headers for Llama Stack 0.2.x/0.3.x, authorization for 0.4.0 and later',
  ) as McpAuthMode;
  checkReleasePair(apiBasePath, mcpAuth);
  const label = required(o.mcpServerLabel, '--mcp-server-label', 'PLAYGROUND_MCP_SERVER_LABEL', 'a label such as kubernetes');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(label)) {
    throw new PlaygroundConfigError(`--mcp-server-label (PLAYGROUND_MCP_SERVER_LABEL): "${label}" must be 1-64 letters, digits, "_" or "-"`);
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  return {
    port: integer(o.port, '--port', 'PLAYGROUND_PORT', 0, 65535),
    host: required(o.host, '--host', 'PLAYGROUND_HOST', 'a listen address such as 0.0.0.0'),
    llamaStackUrl,
    apiBasePath,
    mcpServerUrl,
    mcpServerLabel: label,
    mcpAuth,
    defaultModel: text(o.defaultModel),
    instructions: text(o.instructions),
    timeoutMs: integer(o.timeoutMs, '--timeout-ms', 'PLAYGROUND_TIMEOUT_MS', 1000, 3_600_000),
    logLevel: String(o.logLevel),
  };
}
