/**
 * Tool results and error mapping. Every Kubernetes or input error becomes a `CallToolResult` with
 * `isError: true`, so the model sees the API's own reason and message
 * (e.g. `Forbidden: pods is forbidden: User "alice" cannot list resource "pods" …`).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { KubeApiError } from '../k8s/request.js';

/** A successful text result. */
export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

/** An error result with `message` as text. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** Raised by tools for a refusal or bad input; becomes an `isError` result with this message. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/**
 * Map any thrown value to an `isError` result:
 * - KubeApiError → `<Status.reason>: <Status.message>` (403 Forbidden, 404 NotFound, 409 Conflict/AlreadyExists …);
 * - client-node ApiException (typed clients) → same, parsed from its body;
 * - anything else → its message.
 */
export function resultFromError(err: unknown): CallToolResult {
  if (err instanceof KubeApiError) return errorResult(err.message);
  const maybe = err as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof maybe?.code === 'number' && maybe.body !== undefined) {
    let body = maybe.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* keep string */
      }
    }
    const status = body as { reason?: string; message?: string };
    if (status && typeof status === 'object' && status.message) {
      return errorResult(`${status.reason ?? `HTTP${maybe.code}`}: ${status.message}`);
    }
  }
  if (err instanceof Error) return errorResult(err.message);
  if (typeof maybe?.message === 'string') return errorResult(maybe.message);
  return errorResult(String(err));
}

/** Run a tool body, turning every throw into an `isError` result. */
export async function guarded(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (err) {
    return resultFromError(err);
  }
}
