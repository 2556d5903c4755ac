/**
 * Access policy applied inside every tool: `denied_resources` and Secret value redaction.
 */
import type { GroupVersionKind, ToolContext } from './types.js';
import { ToolError } from './result.js';

/**
 * Whether a `denied_resources` entry covers a kind. `group` must match exactly (`""` = core);
 * an empty `version` or `kind` in the entry matches any.
 */
export function isDenied(denied: readonly GroupVersionKind[], gvk: GroupVersionKind): boolean {
  return denied.some((d) => d.group === gvk.group && (!d.version || d.version === gvk.version) && (!d.kind || d.kind === gvk.kind));
}

/** @throws ToolError naming the kind and the `denied_resources` key when `gvk` is denied. */
export function assertAllowed(ctx: Pick<ToolContext, 'deniedResources'>, gvk: GroupVersionKind): void {
  if (isDenied(ctx.deniedResources, gvk)) {
    const gv = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    throw new ToolError(`resource not allowed: ${gv}, Kind=${gvk.kind} is listed in denied_resources`);
  }
}

/** Placeholder that replaces every redacted value. */
export const REDACTED = '***REDACTED***';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Redact a Secret in place: every `data`/`stringData` value becomes {@link REDACTED} (keys stay
 * visible), and the `last-applied-configuration` annotation (which repeats the data) is redacted.
 * Non-Secret objects are returned untouched. Returns the same object.
 */
export function redactSecret<T>(obj: T): T {
  const o = obj as { kind?: string; data?: Record<string, unknown>; stringData?: Record<string, unknown>; metadata?: { annotations?: Record<string, string> } };
  if (!o || typeof o !== 'object' || o.kind !== 'Secret') return obj;
  for (const field of ['data', 'stringData'] as const) {
    const m = o[field];
    if (m && typeof m === 'object') for (const k of Object.keys(m)) m[k] = REDACTED;
  }
  const ann = o.metadata?.annotations;
  if (ann && LAST_APPLIED in ann) ann[LAST_APPLIED] = REDACTED;
  return obj;
}

/** Apply {@link redactSecret} unless the config allows Secret values. */
export function maybeRedact<T>(ctx: Pick<ToolContext, 'allowSecretValues'>, obj: T): T {
  return ctx.allowSecretValues ? obj : redactSecret(obj);
}
