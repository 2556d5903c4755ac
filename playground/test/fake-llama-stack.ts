/**
 * In-process stand-in of Llama Stack's HTTP API for the Playground's unit tests: the
 * OpenAI-compatible Responses API (`POST <basePath>/responses`, streamed as server-sent events)
 * and the model list (`GET /v1/models`, in the 0.2.x or the 0.4.0+ shape). It records every
 * request it receives (path, Authorization header, JSON body) and how many overlapped.
 *
 * The scripted answer depends only on the bearer token (`<user>.<random>`) and the question: it
 * lists the MCP tools, calls `pods_list_in_namespace` for the namespace named in the question
 * (a `kube-system` question of a user other than `admin` gets Kubernetes' Forbidden), then
 * streams an answer naming the user, in small delayed chunks so concurrent turns interleave.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import http from 'node:http';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly body?: any;
}

export interface FakeOptions {
  /** Path of the Responses API root. @default "/v1/openai/v1" */
  basePath?: string;
  /** Shape of `GET /v1/models`. @default "0.2" */
  modelsShape?: '0.2' | '0.4';
  /** More vLLM LLM model ids, listed before `llama-3b` (so `models[0]` is not it). @default none */
  extraLlms?: readonly string[];
  /** Answer every request with this HTTP status and body instead. */
  failWith?: { status: number; body: unknown };
  /**
   * Report a tool error as the real releases do (0.2.22 and 0.7.3 tool_executor.py): the
   * mcp_call item gets `error: "Error (code 1): None"` and the tool's text reaches only the
   * model, whose answer quotes it.
   */
  opaqueToolErrors?: boolean;
  /** Leave out `response.output_item.*` events (tool calls only in `response.completed`). */
  completedOnly?: boolean;
  /** End the stream with `response.failed` after the tool list. */
  failMidStream?: boolean;
  /** Delay between streamed chunks, ms. @default 5 */
  chunkDelayMs?: number;
}

export interface FakeLlamaStack {
  readonly url: string;
  readonly requests: Recorded[];
  /** Most requests in flight at once. */
  readonly maxInFlight: () => number;
  /** Requests in flight now. */
  readonly inFlight: () => number;
  readonly options: FakeOptions;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function textOf(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

export async function startFakeLlamaStack(options: FakeOptions = {}): Promise<FakeLlamaStack> {
  const requests: Recorded[] = [];
  let inFlight = 0;
  let max = 0;
  const base = options.basePath ?? '/v1/openai/v1';
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    max = Math.max(max, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const rec: Recorded = { method: req.method ?? '', path, authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined };
    requests.push(rec);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (options.failWith) return json(options.failWith.status, options.failWith.body);
    const token = /^Bearer (.+)$/.exec(rec.authorization ?? '')?.[1];
    if (!token) return json(401, { error: { message: 'Authentication required' } });
    const user = token.split('.')[0]!;

    if (req.method === 'GET' && path === '/v1/models') {
      const extra = options.extraLlms ?? [];
      const models =
        (options.modelsShape ?? '0.2') === '0.2'
          ? [
              ...extra.map((m) => ({ identifier: m, provider_id: 'vllm', provider_resource_id: m, type: 'model', model_type: 'llm', metadata: {} })),
              { identifier: 'llama-3b', provider_id: 'vllm', provider_resource_id: 'llama-3b', type: 'model', model_type: 'llm', metadata: {} },
              {
                identifier: 'all-minilm',
                provider_id: 'sentence-transformers',
                type: 'model',
                model_type: 'embedding',
                metadata: { embedding_dimension: 384 },
              },
            ]
          : [
              ...extra.map((m) => ({
                id: `vllm/${m}`,
                object: 'model',
                created: 1,
                owned_by: 'llama_stack',
                custom_metadata: { model_type: 'llm', provider_id: 'vllm' },
              })),
              { id: 'vllm/llama-3b', object: 'model', created: 1, owned_by: 'llama_stack', custom_metadata: { model_type: 'llm', provider_id: 'vllm' } },
              { id: 'sentence-transformers/all-minilm', object: 'model', created: 1, owned_by: 'llama_stack', custom_metadata: { model_type: 'embedding' } },
            ];
      return json(200, { data: models });
    }
    if (req.method !== 'POST' || path !== `${base}/responses`) return json(404, { detail: `Not Found: ${path}` });

    const body = rec.body;
    const last = body.input[body.input.length - 1];
    const question = textOf(last.content);
    const namespace = /kube-system/.test(question) ? 'kube-system' : 'llama-stack';
    const forbidden = namespace === 'kube-system' && user !== 'admin';
    const forbiddenText = `Forbidden: pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "kube-system"`;
    const delay = options.chunkDelayMs ?? 5;
    const id = `resp_${user}_${requests.length}`;
    const label = body.tools?.[0]?.server_label ?? 'none';
    const listTools = { id: 'mcpl_1', type: 'mcp_list_tools', server_label: label, tools: [{ name: 'pods_list_in_namespace', input_schema: {} }] };
    const callId = `mcp_${user}_${requests.length}`;
    const args = JSON.stringify({ namespace });
    const callDone = {
      id: callId,
      type: 'mcp_call',
      name: 'pods_list_in_namespace',
      server_label: label,
      arguments: args,
      ...(forbidden ? { error: options.opaqueToolErrors ? 'Error (code 1): None' : forbiddenText } : { output: `NAME READY\n${user}-pod-1 1/1` }),
    };
    const answer =
      forbidden && options.opaqueToolErrors
        ? ['The tool returned: ', forbiddenText]
        : ['The pods ', 'for ', user, ' in ', namespace, forbidden ? ' are not visible to you.' : ': ', forbidden ? '' : `${user}-pod-1.`].filter(Boolean);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let seq = 0;
    const send = async (ev: Record<string, unknown>) => {
      // The caller went away: stop the script (its timers would outlive the test).
      if (res.destroyed) throw new Error('caller disconnected');
      res.write(`event: ${ev.type}\ndata: ${JSON.stringify({ ...ev, sequence_number: seq++ })}\n\n`);
      await sleep(delay);
    };
    await send({ type: 'response.created', response: { id, status: 'in_progress', output: [] } });
    if (!options.completedOnly) await send({ type: 'response.output_item.done', output_index: 0, item: listTools });
    if (options.failMidStream) {
      await send({ type: 'response.failed', response: { id, status: 'failed', error: { code: 'server_error', message: 'inference provider unavailable' } } });
      return res.end();
    }
    if (!options.completedOnly) {
      await send({
        type: 'response.output_item.added',
        output_index: 1,
        item: { id: callId, type: 'mcp_call', name: 'pods_list_in_namespace', server_label: label, arguments: '' },
      });
      await send({ type: 'response.output_item.done', output_index: 1, item: callDone });
      for (const delta of answer) await send({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 2, content_index: 0, delta });
    }
    const message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: answer.join(''), annotations: [] }],
    };
    await send({ type: 'response.completed', response: { id, status: 'completed', model: body.model, output: [listTools, callDone, message] } });
    res.end();
  };
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => max,
    inFlight: () => inFlight,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
