/**
 * Llama Stack as the signed-in user, through the official `openai` npm client.
 *
 * - One NEW client per request ({@link clientFor}), built with the user's access token as its
 *   `apiKey`, so every call carries `Authorization: Bearer <token>` and Llama Stack's
 *   `server.auth` sees that user. No client, agent or session outlives the request.
 * - The MCP tool of each turn ({@link mcpTool}) hands the same token to the MCP server the way
 *   the release requires ({@link McpAuthMode}).
 * - Conversation state lives in the browser: each turn sends the whole text history as
 *   Responses `input` messages, with `store: false`. Any replica can serve any turn, and no
 *   user's conversation is persisted in Llama Stack's shared responses store (whose
 *   `previous_response_id` would tie a turn to that store and its per-release access rules).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { McpAuthMode, PlaygroundConfig } from './config.js';

/** A turn of the conversation as the browser sends it. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** Error codes of {@link ChatEvent} `error` and of the JSON errors of `/api/*`. */
export type LlamaStackErrorCode = 'unauthorized' | 'forbidden' | 'not_found' | 'bad_request' | 'unreachable' | 'timeout' | 'upstream' | 'failed';

/**
 * One line of the `/api/chat` NDJSON stream.
 * - `text`: a delta of the answer;
 * - `tools`: the tools Llama Stack listed on the MCP server (`mcp_list_tools`);
 * - `tool_call`: a tool call began (arguments may still be empty);
 * - `tool_result`: a tool call ended, with its arguments and `output` or `error`; `forbidden` is
 *   true when the result is Kubernetes' `Forbidden` (the user's RBAC said no). When Llama Stack
 *   hides the tool's error text ({@link isOpaqueToolError}) it comes just before `done`, and
 *   `forbidden` is read from the answer;
 * - `error`: the turn failed (`code`, HTTP `status` of Llama Stack when it answered, `message` for people);
 * - `done`: the turn ended; `text` is the whole answer.
 * Every stream ends with exactly one `done` or `error`.
 */
export type ChatEvent =
  | { readonly type: 'text'; readonly delta: string }
  | { readonly type: 'tools'; readonly server: string; readonly tools: readonly string[]; readonly error?: string }
  | { readonly type: 'tool_call'; readonly id: string; readonly server: string; readonly name: string; readonly arguments: string }
  | {
      readonly type: 'tool_result';
      readonly id: string;
      readonly server: string;
      readonly name: string;
      readonly arguments: string;
      readonly output?: string;
      readonly error?: string;
      readonly forbidden: boolean;
    }
  | { readonly type: 'error'; readonly code: LlamaStackErrorCode; readonly status?: number; readonly message: string }
  | { readonly type: 'done'; readonly responseId?: string; readonly text: string };

/** An LLM model served by Llama Stack. */
export interface ModelInfo {
  readonly id: string;
  readonly provider?: string;
}

/** A Llama Stack failure in words for people; never carries the token. */
export class LlamaStackError extends Error {
  constructor(
    readonly code: LlamaStackErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlamaStackError';
  }
}

/**
 * A new `openai` client for one request of one user: base URL `<llamaStackUrl><basePath>`,
 * `apiKey` = the user's access token, no retries (a retried turn would repeat its tool calls),
 * no organization/project headers from the environment.
 */
export function clientFor(cfg: Pick<PlaygroundConfig, 'llamaStackUrl' | 'timeoutMs'>, basePath: string, token: string): OpenAI {
  return new OpenAI({ apiKey: token, baseURL: `${cfg.llamaStackUrl}${basePath}`, organization: null, project: null, timeout: cfg.timeoutMs, maxRetries: 0 });
}

/**
 * The Responses API MCP tool for one user's turn: `server_label`, `server_url`,
 * `require_approval: "never"`, and the token as
 * - `headers: {Authorization: "Bearer <token>"}` in mode `headers` (Llama Stack ≤ 0.3.x), or
 * - `authorization: "<token>"` in mode `authorization` (Llama Stack ≥ 0.4.0, which refuses an
 *   Authorization entry in `headers`).
 */
export function mcpTool(
  cfg: { readonly mcpServerLabel: string; readonly mcpServerUrl: string; readonly mcpAuth: McpAuthMode },
  token: string,
): OpenAI.Responses.Tool.Mcp {
  const base = { type: 'mcp' as const, server_label: cfg.mcpServerLabel, server_url: cfg.mcpServerUrl, require_approval: 'never' as const };
  return cfg.mcpAuth === 'headers' ? { ...base, headers: { Authorization: `Bearer ${token}` } } : { ...base, authorization: token };
}

/** Replaces every occurrence of the token in a text (error bodies are shown and logged). */
export function scrub(text: string, token: string): string {
  return token ? text.split(token).join('[token]') : text;
}

function upstreamDetail(e: APIError): string | undefined {
  const body = e.error as Record<string, unknown> | undefined;
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') return pick((v as Record<string, unknown>).message ?? (v as Record<string, unknown>).detail);
    return undefined;
  };
  const d = pick(body?.detail) ?? pick(body?.message) ?? pick(body?.error);
  return d ? d.slice(0, 500) : undefined;
}

/** Maps any failure of the client to a {@link LlamaStackError} with a message for people. */
export function toLlamaStackError(e: unknown, token: string, what: string): LlamaStackError {
  if (e instanceof LlamaStackError) return e;
  if (e instanceof APIConnectionTimeoutError) return new LlamaStackError('timeout', `Llama Stack did not answer ${what} in time.`);
  if (e instanceof APIConnectionError)
    return new LlamaStackError('unreachable', `Llama Stack cannot be reached (${what}). It may be starting or down; try again shortly.`);
  if (e instanceof APIError && typeof e.status === 'number') {
    const detail = upstreamDetail(e);
    const tail = detail ? ` Llama Stack said: ${scrub(detail, token)}` : '';
    const s = e.status;
    if (s === 401) return new LlamaStackError('unauthorized', `Llama Stack refused your sign-in (HTTP 401). Sign in again.${tail}`, s);
    if (s === 403) return new LlamaStackError('forbidden', `Llama Stack does not allow you ${what} (HTTP 403).${tail}`, s);
    if (s === 404)
      return new LlamaStackError('not_found', `Llama Stack has no such resource (HTTP 404) for ${what}; check the model and the API base path.${tail}`, s);
    if (s < 500) return new LlamaStackError('bad_request', `Llama Stack rejected ${what} (HTTP ${s}).${tail}`, s);
    return new LlamaStackError('upstream', `Llama Stack failed ${what} (HTTP ${s}).${tail}`, s);
  }
  if (e instanceof APIError) {
    const detail = upstreamDetail(e) ?? e.message;
    return new LlamaStackError('failed', `Llama Stack reported an error during ${what}: ${scrub(detail, token).slice(0, 500)}`);
  }
  return new LlamaStackError('failed', `${what} failed: ${scrub(e instanceof Error ? e.message : String(e), token).slice(0, 500)}`);
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The LLM models of Llama Stack's model list `GET <llamaStackUrl>/v1/models`, called with the
 * user's token. Both shapes are read: 0.2.x/0.3.x `{identifier, provider_id, model_type}`;
 * 0.4.0+ `{id, owned_by, custom_metadata: {model_type, provider_id}}`. Models whose type is
 * given and is not `llm` (embedding, rerank) are left out.
 * @throws LlamaStackError
 */
export async function listModels(cfg: Pick<PlaygroundConfig, 'llamaStackUrl' | 'timeoutMs'>, token: string, signal?: AbortSignal): Promise<ModelInfo[]> {
  const client = clientFor(cfg, '/v1', token);
  try {
    const out: ModelInfo[] = [];
    for await (const raw of client.models.list({ signal })) {
      const m = raw as unknown as Json;
      const meta = (m.custom_metadata ?? m.metadata ?? {}) as Json;
      const id = str(m.identifier) ?? str(m.id);
      const type = str(m.model_type) ?? str(meta.model_type);
      if (!id || (type !== undefined && type !== 'llm')) continue;
      out.push({ id, provider: str(m.provider_id) ?? str(meta.provider_id) ?? str(m.owned_by) });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  } catch (e) {
    throw toLlamaStackError(e, token, 'listing the models');
  }
}

/**
 * An `mcp_call` error that carries no tool text: Llama Stack (0.2.22 tool_executor.py:317,
 * 0.7.3 responses/builtin/responses/tool_executor.py:461) turns an MCP `isError` result into
 * `error: "Error (code 1): None"` and gives the tool's text (e.g. Kubernetes' Forbidden) only to
 * the model. Such a result is reported once the answer is known, `forbidden` when the answer
 * reports the Forbidden.
 */
export function isOpaqueToolError(error: string): boolean {
  return /^Error \(code -?\d+\): (None)?\s*$/.test(error);
}

/** Forbidden as the MCP server reports a Kubernetes 403 (`Forbidden: … is forbidden: User "…" cannot …`). */
export function isForbidden(text: string | undefined): boolean {
  return !!text && (/^\s*Forbidden\b/.test(text) || /\bis forbidden: User\b/.test(text));
}

function outputText(response: Json | undefined): string {
  const out = Array.isArray(response?.output) ? (response!.output as Json[]) : [];
  return out
    .filter((i) => i.type === 'message')
    .flatMap((i) => (Array.isArray(i.content) ? (i.content as Json[]) : []))
    .filter((c) => c.type === 'output_text' && typeof c.text === 'string')
    .map((c) => c.text as string)
    .join('');
}

/** Inputs of one turn. */
export interface ChatTurn {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
}

/**
 * One turn as the user: a streamed `responses.create` with the MCP tool, translated to
 * {@link ChatEvent}s. Never throws: failures end the stream with an `error` event.
 * Tool calls are reported from `response.output_item.added/done` and, for releases that do not
 * stream those items, from the final `response.completed` output.
 */
export async function* chat(cfg: PlaygroundConfig, token: string, turn: ChatTurn, signal?: AbortSignal): AsyncGenerator<ChatEvent> {
  const client = clientFor(cfg, cfg.apiBasePath, token);
  const started = new Set<string>();
  const finished = new Set<string>();
  let listed = false;
  let text = '';
  const itemEvents = (item: Json, done: boolean): ChatEvent[] => {
    if (item.type === 'mcp_list_tools') {
      if (!done || listed) return [];
      listed = true;
      const tools = Array.isArray(item.tools) ? (item.tools as Json[]).map((t) => str(t.name) ?? '?') : [];
      const error = str(item.error);
      return [{ type: 'tools', server: str(item.server_label) ?? cfg.mcpServerLabel, tools, ...(error ? { error: scrub(error, token) } : {}) }];
    }
    if (item.type !== 'mcp_call') return [];
    const id = str(item.id) ?? `call-${started.size + 1}`;
    const name = str(item.name) ?? '?';
    const server = str(item.server_label) ?? cfg.mcpServerLabel;
    const args = str(item.arguments) ?? '';
    const evs: ChatEvent[] = [];
    if (!started.has(id)) {
      started.add(id);
      evs.push({ type: 'tool_call', id, server, name, arguments: args });
    }
    if (done && !finished.has(id)) {
      finished.add(id);
      const output = str(item.output) !== undefined ? scrub(item.output as string, token) : undefined;
      const error = str(item.error) ? scrub(item.error as string, token) : undefined;
      const result: ChatEvent & { type: 'tool_result' } = {
        type: 'tool_result',
        id,
        server,
        name,
        arguments: args,
        ...(output !== undefined ? { output } : {}),
        ...(error !== undefined ? { error } : {}),
        forbidden: isForbidden(error) || isForbidden(output),
      };
      // The tool's own text went only to the model: the result is told once the answer is known.
      if (error !== undefined && isOpaqueToolError(error)) held.push(result);
      else evs.push(result);
    }
    return evs;
  };
  const held: (ChatEvent & { type: 'tool_result' })[] = [];
  /** The held results, `forbidden` when the answer (which saw the tool's text) reports Kubernetes' Forbidden. */
  const release = (answer: string): ChatEvent[] => held.splice(0).map((r) => ({ ...r, forbidden: r.forbidden || isForbidden(answer) }));

  try {
    const stream = await client.responses.create(
      {
        model: turn.model,
        input: turn.messages.map((m) => ({ type: 'message' as const, role: m.role, content: m.content })),
        tools: [mcpTool(cfg, token)],
        stream: true,
        store: false,
        ...(cfg.instructions ? { instructions: cfg.instructions } : {}),
      },
      { signal },
    );
    for await (const raw of stream) {
      const ev = raw as unknown as Json;
      switch (ev.type) {
        case 'response.output_text.delta': {
          const delta = str(ev.delta) ?? '';
          if (delta) {
            text += delta;
            yield { type: 'text', delta };
          }
          break;
        }
        case 'response.output_item.added':
        case 'response.output_item.done':
          yield* itemEvents((ev.item ?? {}) as Json, ev.type === 'response.output_item.done');
          break;
        case 'response.completed':
        case 'response.incomplete': {
          const response = (ev.response ?? {}) as Json;
          for (const item of Array.isArray(response.output) ? (response.output as Json[]) : []) yield* itemEvents(item, true);
          const final = outputText(response);
          if (!text && final) {
            text = final;
            yield { type: 'text', delta: final };
          }
          yield* release(text || final);
          yield { type: 'done', responseId: str(response.id), text: text || final };
          return;
        }
        case 'response.failed': {
          const err = ((ev.response as Json | undefined)?.error ?? {}) as Json;
          yield* release(text);
          yield { type: 'error', code: 'failed', message: `Llama Stack could not answer: ${scrub(str(err.message) ?? 'the response failed', token)}` };
          return;
        }
        case 'error':
          yield* release(text);
          yield { type: 'error', code: 'failed', message: `Llama Stack reported an error: ${scrub(str(ev.message) ?? 'unknown error', token)}` };
          return;
        default:
          break;
      }
    }
    yield { type: 'error', code: 'failed', message: 'Llama Stack ended the answer without completing it.' };
  } catch (e) {
    if (e instanceof APIUserAbortError || signal?.aborted) return;
    const err = toLlamaStackError(e, token, 'answering');
    yield { type: 'error', code: err.code, ...(err.status ? { status: err.status } : {}), message: err.message };
  }
}
