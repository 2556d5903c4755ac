/**
 * What a version resolver returns: the value, or a typed problem naming the config field to
 * change and the reason (with the fix). The config checks report the problem on its field;
 * a construct, whose caller passed the values directly, throws it ({@link valueOrThrow}).
 */

/** A problem with a config field: `field` is its path (`['llamaStack', 'operatorVersion']`). */
export interface FieldProblem {
  readonly field: readonly (string | number)[];
  readonly reason: string;
}

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: FieldProblem };

export const resolved = <T>(value: T): Resolved<T> => ({ ok: true, value });
export const unresolved = <T = never>(field: readonly (string | number)[], reason: string): Resolved<T> => ({ ok: false, problem: { field, reason } });

/**
 * The value, or an Error `<field path>: <reason>` (the message constructs have always thrown).
 * @throws Error for an unresolved result
 */
export function valueOrThrow<T>(r: Resolved<T>): T {
  if (r.ok) return r.value;
  throw new Error(`${r.problem.field.join('.')}: ${r.problem.reason}`);
}
