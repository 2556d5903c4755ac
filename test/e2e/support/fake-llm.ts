/**
 * The one stand-in of the e2e journey: a small OpenAI-compatible model server playing the
 * endpoints Llama Stack's `remote::vllm` provider calls (seen in the logs of Llama Stack 0.2.22
 * and 0.7.3):
 * - `GET  /v1/models` → `{object: 'list', data: [{id, object: 'model', owned_by}]}`;
 * - `POST /v1/chat/completions`, streaming (`stream: true`, SSE `chat.completion.chunk`s and
 *   `data: [DONE]`) and non-streaming (`chat.completion`);
 * - `GET  /health` → 200 (vLLM's own health route);
 * - anything else → 404 JSON, recorded, so a test sees what it does not play.
 *
 * Behaviour, decided only from the request it receives (nothing hard-coded about the cluster):
 * 1. the last message is a `tool` result → a final answer that quotes that result verbatim
 *    (`The tool <name> returned:\n<content>`);
 * 2. otherwise, the last user message asks about pods in a namespace (`pods … namespace X`,
 *    `pods in X`, `pods of X`) and the request offers a function tool named
 *    `pods_list_in_namespace` → one tool call to it with `{namespace: X}`;
 * 3. otherwise a plain answer saying what it was asked and which tools it was offered.
 * Every request body is kept in {@link FakeLlm.requests} (newest last).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake model received it. */
export interface FakeLlmRequest {
  readonly method: string;
  readonly path: string;
  /** Headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body (undefined for GET). */
  readonly body: any;
}

/** A running fake model. */
export interface FakeLlm {
  /** `http://127.0.0.1:<port>/v1`: the `url`/`base_url` of a `remote::vllm` provider. */
  readonly url: string;
  /** Model ids served by `GET /v1/models`. */
  readonly models: readonly string[];
  /** Every request received, in order. */
  readonly requests: FakeLlmRequest[];
  stop(): Promise<void>;
}

/** Options of {@link startFakeLlm}. */
export interface FakeLlmOptions {
  /** Model ids to serve. @default ['fake-model'] */
  readonly models?: readonly string[];
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
}

const TOOL = 'pods_list_in_namespace';

/** A chat message's text content (string or content parts). */
function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/** The namespace the question names, or undefined. */
export function askedNamespace(question: string): string | undefined {
  if (!/\bpods?\b/i.test(question)) return undefined;
  const m =
    /\bnamespace\s+[`"']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)/i.exec(question) ??
    /\bpods?\s+(?:in|of)\s+(?:the\s+)?[`"']?([a-z0-9]([-a-z0-9]*[a-z0-9])?)/i.exec(question);
  return m?.[1];
}

/** What the model says next: a tool call or text. */
type Turn = { kind: 'tool'; name: string; arguments: string } | { kind: 'text'; content: string };

/** Decides the next turn from the chat request alone (see the module comment). */
export function nextTurn(body: any): Turn {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') {
    const call = messages
      .flatMap((m) => (m.role === 'assistant' && Array.isArray(m.tool_calls) ? m.tool_calls : []))
      .find((c: any) => c.id === last.tool_call_id);
    return { kind: 'text', content: `The tool ${call?.function?.name ?? 'call'} returned:\n${text(last.content)}` };
  }
  const question = text([...messages].reverse().find((m) => m.role === 'user')?.content);
  const tools: string[] = (Array.isArray(body?.tools) ? body.tools : []).map((t: any) => t?.function?.name).filter(Boolean);
  const ns = askedNamespace(question);
  if (ns && tools.includes(TOOL)) return { kind: 'tool', name: TOOL, arguments: JSON.stringify({ namespace: ns }) };
  return { kind: 'text', content: `You asked: ${question}. Tools offered: ${tools.join(', ') || 'none'}.` };
}

let seq = 0;

function completion(model: string, turn: Turn): object {
  const id = `chatcmpl-fake-${++seq}`;
  const message =
    turn.kind === 'tool'
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: `call_fake_${seq}`, type: 'function', function: { name: turn.name, arguments: turn.arguments } }],
        }
      : { role: 'assistant', content: turn.content };
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: turn.kind === 'tool' ? 'tool_calls' : 'stop', logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunks(model: string, turn: Turn): object[] {
  const id = `chatcmpl-fake-${++seq}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  if (turn.kind === 'tool') {
    const callId = `call_fake_${seq}`;
    return [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: turn.name, arguments: '' } }] }, null),
      chunk({ tool_calls: [{ index: 0, function: { arguments: turn.arguments } }] }, null),
      chunk({}, 'tool_calls'),
    ];
  }
  // Split the text in a few pieces, as a model streams it.
  const parts = turn.content.match(/[\s\S]{1,64}/g) ?? [''];
  return [chunk({ role: 'assistant', content: '' }, null), ...parts.map((p) => chunk({ content: p }, null)), chunk({}, 'stop')];
}

async function readBody(req: IncomingMessage): Promise<any> {
  const buf: Buffer[] = [];
  for await (const c of req) buf.push(c as Buffer);
  const s = Buffer.concat(buf).toString('utf8');
  return s ? JSON.parse(s) : undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Starts the fake model on 127.0.0.1. */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const models = options.models ?? ['fake-model'];
  const requests: FakeLlmRequest[] = [];
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        return json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake-llm' })) });
      }
      if (req.method === 'GET' && path === '/health') return json(res, 200, {});
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
        const model = String(body?.model ?? models[0]);
        if (!models.includes(model)) return json(res, 404, { error: { message: `model ${model} not served`, type: 'NotFoundError' } });
        const turn = nextTurn(body);
        if (!body?.stream) return json(res, 200, completion(model, turn));
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const c of chunks(model, turn)) res.write(`data: ${JSON.stringify(c)}\n\n`);
        if (body?.stream_options?.include_usage) {
          res.write(
            `data: ${JSON.stringify({ id: `chatcmpl-fake-${seq}`, object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n`,
          );
        }
        return res.end('data: [DONE]\n\n');
      }
      return json(res, 404, { error: { message: `fake-llm does not play ${req.method} ${path}`, type: 'NotFoundError' } });
    } catch (e) {
      return json(res, 400, { error: { message: (e as Error).message, type: 'BadRequestError' } });
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    models,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
