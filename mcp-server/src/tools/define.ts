/**
 * `defineTool`: a ToolDef with its argument types inferred from the zod shape, and a handler that
 * can never throw (every error becomes an `isError` result via {@link guarded}).
 */
import type { ZodRawShape } from 'zod';
import type { ToolDef } from './types.js';
import { guarded } from './result.js';
import { defaultNamespace } from '../k8s/cluster.js';
import type { ToolContext } from './types.js';

export function defineTool<S extends ZodRawShape>(def: ToolDef<S>): ToolDef {
  const wrapped: ToolDef<S> = {
    ...def,
    handler: (args, ctx, target) => guarded(() => def.handler(args, ctx, target)),
  };
  return wrapped as unknown as ToolDef;
}

/** The caller's namespace, or the KubeConfig context's default namespace (`default` if unset). */
export function namespaceOr(ctx: ToolContext, namespace: string | undefined): string {
  return namespace || defaultNamespace(ctx.kubeConfig);
}

/** Annotations of a read-only tool. */
export const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;
