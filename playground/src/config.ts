/**
 * The Playground's settings: one object, validated once at start-up from flags and environment
 * variables ({@link parseCli}). Every field names the flag and the variable that set it.
 */

import type { McpToolTokenField } from './llama-stack-releases.js';

/** How the user's token reaches the MCP server through Llama Stack's Responses MCP tool (playground/src/llama-stack-releases.ts). */
export type McpAuthMode = McpToolTokenField;

/** All settings of a running Playground. */
export interface PlaygroundConfig {
  /** Listen port. `--port` / `PLAYGROUND_PORT`. @default 8501 */
  readonly port: number;
  /** Listen address. `--host` / `PLAYGROUND_HOST`. @default "0.0.0.0" */
  readonly host: string;
  /** Llama Stack base URL, no path (e.g. `http://llama-stack-service.ns.svc:8321`). `--llama-stack-url` / `PLAYGROUND_LLAMA_STACK_URL`. Required. */
  readonly llamaStackUrl: string;
  /**
   * Path of Llama Stack's OpenAI-compatible API under {@link llamaStackUrl}, leading slash, no
   * trailing slash: `/v1/openai/v1` on Llama Stack 0.2.x/0.3.x, `/v1` on 0.4.0 and later.
   * `--api-base-path` / `PLAYGROUND_API_BASE_PATH`. Required (it depends on the release).
   */
  readonly apiBasePath: string;
  /** URL of the MCP endpoint Llama Stack connects to for the user. `--mcp-server-url` / `PLAYGROUND_MCP_SERVER_URL`. Required. */
  readonly mcpServerUrl: string;
  /** `server_label` of the MCP tool (shown with each tool call). `--mcp-server-label` / `PLAYGROUND_MCP_SERVER_LABEL`. @default "kubernetes" */
  readonly mcpServerLabel: string;
  /**
   * `headers`: the MCP tool carries `headers: {Authorization: "Bearer <token>"}` (Llama Stack ≤ 0.3.x);
   * `authorization`: the tool's `authorization` field carries the token (Llama Stack ≥ 0.4.0, which
   * refuses an Authorization header in `headers`). `--mcp-auth` / `PLAYGROUND_MCP_AUTH`. Required.
   */
  readonly mcpAuth: McpAuthMode;
  /** Model preselected in the page when Llama Stack serves it. `--default-model` / `PLAYGROUND_DEFAULT_MODEL`. @default none (the first LLM) */
  readonly defaultModel?: string;
  /** System instructions sent with every turn. `--instructions` / `PLAYGROUND_INSTRUCTIONS`. @default none */
  readonly instructions?: string;
  /** Timeout of one Llama Stack call, milliseconds. `--timeout-ms` / `PLAYGROUND_TIMEOUT_MS`. @default 120000 */
  readonly timeoutMs: number;
  /** pino level. `--log-level` / `PLAYGROUND_LOG_LEVEL`. @default "info" */
  readonly logLevel: string;
}

/** A setting that cannot be used; the message names the flag, the variable and the fix. */
export class PlaygroundConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundConfigError';
  }
}

/** Normalizes and checks an `http(s)` URL setting. @throws PlaygroundConfigError */
export function checkHttpUrl(value: string, flag: string, env: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PlaygroundConfigError(`${flag} (${env}): "${value}" is not a URL; give an http(s) URL such as http://llama-stack-service.llama-stack.svc:8321`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PlaygroundConfigError(`${flag} (${env}): "${value}" must be an http or https URL`);
  if (url.username || url.password)
    throw new PlaygroundConfigError(`${flag} (${env}): credentials in the URL are not allowed; the user's token is sent per request`);
  return url.toString().replace(/\/+$/, '');
}

/** Checks an API base path (`/v1/openai/v1`, `/v1`). @throws PlaygroundConfigError */
export function checkBasePath(value: string): string {
  if (!/^(\/[A-Za-z0-9._~-]+)+\/?$/.test(value)) {
    throw new PlaygroundConfigError(
      `--api-base-path (PLAYGROUND_API_BASE_PATH): "${value}" is not a path; use /v1/openai/v1 for Llama Stack 0.2.x/0.3.x or /v1 for 0.4.0 and later`,
    );
  }
  return value.replace(/\/+$/, '');
}
