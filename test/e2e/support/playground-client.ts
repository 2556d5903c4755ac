/**
 * Calls the real Playground (playground/) over HTTP the way oauth2-proxy forwards a signed-in
 * user's request: `X-Forwarded-Access-Token` = the user's access token, and
 * `X-Forwarded-User` / `X-Forwarded-Preferred-Username` / `X-Forwarded-Email` from its claims
 * (`--pass-access-token` and oauth2-proxy's default `--pass-user-headers`).
 */
import { decodeJwt } from 'jose';

/** One NDJSON line of `POST /api/chat` (docs/playground.md). */
export type PlaygroundEvent = { readonly type: string } & Record<string, any>;

/** What one Playground turn showed. */
export interface PlaygroundTurn {
  readonly status: number;
  readonly events: readonly PlaygroundEvent[];
  /** The `done` event's text ('' when the turn failed). */
  readonly text: string;
  readonly toolResults: readonly PlaygroundEvent[];
}

/** The headers oauth2-proxy adds for the user of `token`. */
export function forwardedHeaders(token: string): Record<string, string> {
  const c = decodeJwt(token) as { sub?: string; preferred_username?: string; email?: string };
  return {
    'x-forwarded-access-token': token,
    'x-forwarded-user': c.sub ?? '',
    ...(c.preferred_username ? { 'x-forwarded-preferred-username': c.preferred_username } : {}),
    ...(c.email ? { 'x-forwarded-email': c.email } : {}),
  };
}

/** `GET /api/models` as the user. @throws when the answer is not 200 */
export async function playgroundModels(baseUrl: string, token: string): Promise<{ models: { id: string }[]; defaultModel?: string }> {
  const r = await fetch(`${baseUrl}/api/models`, { headers: forwardedHeaders(token) });
  if (r.status !== 200) throw new Error(`GET /api/models: ${r.status} ${await r.text()}`);
  return (await r.json()) as { models: { id: string }[]; defaultModel?: string };
}

/** One question as the user: `POST /api/chat`, the NDJSON stream read to its end. */
export async function askPlayground(baseUrl: string, token: string, model: string, question: string, timeoutMs = 120_000): Promise<PlaygroundTurn> {
  const r = await fetch(`${baseUrl}/api/chat`, {
    method: 'POST',
    headers: { ...forwardedHeaders(token), 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: question }] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await r.text();
  const events =
    r.status === 200
      ? body
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as PlaygroundEvent)
      : [];
  const done = events.find((e) => e.type === 'done');
  return { status: r.status, events, text: typeof done?.text === 'string' ? done.text : '', toolResults: events.filter((e) => e.type === 'tool_result') };
}
