/**
 * JSON-RPC 2.0 on the HTTP layer, in one place: reading which methods a request body (one
 * message or a batch) calls, and answering with an error object (JSON-RPC 2.0 §5.1, `id: null`).
 */
import type { Response } from 'express';

/** Whether the body (one message or a batch) calls any of `methods`. */
export function callsMethod(body: unknown, ...methods: string[]): boolean {
  const msgs = Array.isArray(body) ? body : [body];
  return msgs.some((m) => m && typeof m === 'object' && methods.includes((m as { method?: unknown }).method as string));
}

/** Answers `status` with a JSON-RPC error (unless headers went out already). */
export function jsonRpcError(res: Response, status: number, code: number, message: string): void {
  if (!res.headersSent) res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}
