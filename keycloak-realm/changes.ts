/**
 * Differences between the realm model and a live Keycloak, per object and field, and
 * their one-line rendering for `realm plan|apply`.
 */

/** One difference. `object` names the Keycloak object, e.g. `client mcp-server`. */
export type Change =
  | { action: 'create'; object: string }
  | { action: 'delete'; object: string }
  | { action: 'update'; object: string; field: string; from: unknown; to: unknown; secret?: boolean };

/** JSON-ish rendering of a field value: strings quoted, absent as `(unset)`. */
function show(value: unknown): string {
  if (value === undefined || value === null) return '(unset)';
  return JSON.stringify(value);
}

/**
 * `client mcp-server: attributes.standard.token.exchange.enabled "false" → "true"`,
 * `client mcp-server: create`, `group old: delete`. Secret fields print
 * `secret (value differs)` / `(unset) → (set)`, never a value.
 */
export function formatChange(c: Change): string {
  if (c.action !== 'update') return `${c.object}: ${c.action}`;
  if (c.secret) return `${c.object}: ${c.field} ${c.from === undefined ? '(unset) → (set)' : '(value differs)'}`;
  return `${c.object}: ${c.field} ${show(c.from)} → ${show(c.to)}`;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  const key = (x: unknown) => JSON.stringify(x);
  return a.length === b.length && [...a].map(key).sort().join('\n') === [...b].map(key).sort().join('\n');
}

/**
 * Field updates that turn `actual` into `desired`, looking only at the fields `desired`
 * sets. Plain objects (e.g. `attributes`, `config`) are compared key by key (`attributes.x`),
 * arrays as unordered lists; a missing actual value counts as different.
 */
export function fieldChanges(object: string, desired: Record<string, unknown>, actual: Record<string, unknown> | undefined, prefix = ''): Change[] {
  const out: Change[] = [];
  for (const [key, want] of Object.entries(desired)) {
    if (want === undefined) continue;
    const have = actual?.[key];
    const field = prefix + key;
    if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
      const haveObj = have && typeof have === 'object' && !Array.isArray(have) ? (have as Record<string, unknown>) : undefined;
      out.push(...fieldChanges(object, want as Record<string, unknown>, haveObj, `${field}.`));
    } else if (Array.isArray(want)) {
      if (!Array.isArray(have) || !sameList(want, have)) out.push({ action: 'update', object, field, from: have, to: want });
    } else if (want !== have) {
      out.push({ action: 'update', object, field, from: have, to: want });
    }
  }
  return out;
}

/** Members of `desired` missing from `actual`, and members of `actual` not in `desired`. */
export function listDelta(desired: readonly string[], actual: readonly string[]): { add: string[]; remove: string[] } {
  const have = new Set(actual);
  const want = new Set(desired);
  return { add: desired.filter((x) => !have.has(x)), remove: actual.filter((x) => !want.has(x)) };
}
