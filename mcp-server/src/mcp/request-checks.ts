/**
 * Checks of a JSON-RPC body before the SDK dispatches it, so that an ambiguous or malformed
 * request is refused with the error the spec names instead of being "repaired" silently:
 *
 * - {@link toolCallRefusals}: a `tools/call` whose `params`/`arguments` is not an object, or whose
 *   `arguments` carry a key the tool's input schema does not declare (the advertised schemas
 *   say `additionalProperties: false`; the SDK would strip the key and run the call), answers
 *   JSON-RPC `-32602` Invalid params naming the keys (JSON-RPC 2.0 §5.1). The SDK alone answers
 *   a wrongly typed `arguments` with `-32603` and a zod dump.
 * - {@link batchRefusal}: a batch (a JSON array) when the negotiated protocol version has no
 *   batching (MCP 2025-06-18 removed it; 2025-03-26 and 2024-11-05 have it).
 * - {@link lenientInitialize}: `initialize` without `clientInfo` is accepted, as the Go server
 *   (mcp-go) does: the SDK's schema requires it, so an absent one becomes
 *   `{ name: 'unknown', version: '0' }`.
 */
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDef } from '../tools/types.js';

/** JSON-RPC 2.0 §5.1 Invalid params. */
export const INVALID_PARAMS = -32602;
/** JSON-RPC 2.0 §5.1 Invalid Request. */
export const INVALID_REQUEST = -32600;

/** The first protocol version without JSON-RPC batching (MCP changelog 2025-06-18). */
export const FIRST_VERSION_WITHOUT_BATCHING = '2025-06-18';

export interface JsonRpcErrorMessage {
  readonly jsonrpc: '2.0';
  readonly id: string | number | null;
  readonly error: { readonly code: number; readonly message: string };
}

type Msg = { method?: unknown; id?: unknown; params?: unknown };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
const idOf = (m: Msg): string | number | null => (typeof m.id === 'string' || typeof m.id === 'number' ? m.id : null);

/** Why one `tools/call` message is invalid, or undefined (unknown tools are left to the SDK). */
export function toolCallProblem(msg: unknown, tools: readonly ToolDef[]): string | undefined {
  if (!isObject(msg) || msg.method !== 'tools/call') return undefined;
  if (!isObject(msg.params)) return `tools/call: params must be an object, got ${kindOf(msg.params)}`;
  const { name, arguments: args } = msg.params;
  if (typeof name !== 'string') return `tools/call: params.name must be a string, got ${kindOf(name)}`;
  if (args === undefined) return undefined;
  if (!isObject(args)) return `tools/call ${name}: params.arguments must be an object, got ${kindOf(args)}`;
  const tool = tools.find((t) => t.name === name);
  if (!tool) return undefined;
  const declared = Object.keys(tool.inputSchema);
  const undeclared = Object.keys(args).filter((k) => !declared.includes(k));
  if (undeclared.length === 0) return undefined;
  return (
    `tools/call ${name}: undeclared argument${undeclared.length > 1 ? 's' : ''} ${undeclared.map((k) => JSON.stringify(k)).join(', ')}` +
    ` (the tool declares ${declared.length ? declared.map((k) => JSON.stringify(k)).join(', ') : 'no arguments'})`
  );
}

/**
 * The `-32602` answers for the body's invalid `tools/call` messages, or undefined when there is
 * none. In a batch every request is answered and none runs: the members that are fine get
 * `-32602` "not executed" (a batch is not executed in part).
 */
export function toolCallRefusals(body: unknown, tools: readonly ToolDef[]): JsonRpcErrorMessage | JsonRpcErrorMessage[] | undefined {
  const msgs = (Array.isArray(body) ? body : [body]) as Msg[];
  const problems = msgs.map((m) => toolCallProblem(m, tools));
  if (problems.every((p) => p === undefined)) return undefined;
  const answers = msgs
    .map((m, i): JsonRpcErrorMessage | undefined =>
      problems[i] !== undefined
        ? { jsonrpc: '2.0', id: isObject(m) ? idOf(m) : null, error: { code: INVALID_PARAMS, message: problems[i]! } }
        : isObject(m) && m.id !== undefined
          ? { jsonrpc: '2.0', id: idOf(m), error: { code: INVALID_PARAMS, message: 'not executed: another message of this batch has invalid params' } }
          : undefined,
    )
    .filter((a): a is JsonRpcErrorMessage => a !== undefined);
  return Array.isArray(body) ? answers : answers[0];
}

/**
 * The protocol version the server negotiates for a requested one (MCP lifecycle: the requested
 * version when supported, else the latest the server supports).
 */
export function negotiatedVersion(requested: unknown): string {
  return typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

/**
 * Refuses a batch under a protocol version without batching.
 * @param version the negotiated version: the `MCP-Protocol-Version` header on Streamable HTTP
 *   (absent: 2025-03-26, the spec's default), the session's `initialize` on SSE
 * @returns the error to answer (HTTP 400), or undefined when the body is no batch or batching is allowed
 */
export function batchRefusal(body: unknown, version: string | undefined): JsonRpcErrorMessage | undefined {
  if (!Array.isArray(body)) return undefined;
  // An initialize inside the batch asks for its own version (the SDK then refuses more than one message).
  const init = body.find((m) => isObject(m) && m.method === 'initialize') as Msg | undefined;
  const v = init ? negotiatedVersion(isObject(init.params) ? init.params.protocolVersion : undefined) : (version ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION);
  if (v < FIRST_VERSION_WITHOUT_BATCHING) return undefined;
  return {
    jsonrpc: '2.0',
    id: null,
    error: {
      code: INVALID_REQUEST,
      message: `JSON-RPC batches are not supported in protocol version ${v} (since ${FIRST_VERSION_WITHOUT_BATCHING}): send one message per request`,
    },
  };
}

/** Fills in an absent `clientInfo` of `initialize` messages (in place), as the Go server accepts them. */
export function lenientInitialize(body: unknown): void {
  for (const m of Array.isArray(body) ? body : [body]) {
    if (isObject(m) && m.method === 'initialize' && isObject(m.params) && m.params.clientInfo === undefined) {
      m.params.clientInfo = { name: 'unknown', version: '0' };
    }
  }
}
