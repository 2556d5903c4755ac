/**
 * `${NAME}` placeholders in a realm's values. The Keycloak operator substitutes only the names
 * `spec.placeholders` of the KeycloakRealmImport declares (render.ts generates one per Secret
 * reference); any other `${NAME}` stays literal in the realm — a client secret, redirect URI or
 * attribute that is the text `${NAME}`. {@link undeclaredPlaceholders} finds them.
 */
import type { RealmModel } from './realm-model.js';
import type { RealmIssue } from './validate.js';

/** The placeholder syntax the Keycloak operator substitutes: `${NAME}`. */
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Every string value of the model holding a `${NAME}` whose NAME is not in `declared`.
 * @param declared the placeholder names the rendering declares (`renderRealmRepresentation(...).placeholders`)
 * @returns one issue per value, its path in the model's terms (`clients[2].redirectUris[0]`)
 */
export function undeclaredPlaceholders(model: RealmModel, declared: ReadonlySet<string>): RealmIssue[] {
  const issues: RealmIssue[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      const names = [...v.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !declared.has(n));
      if (names.length) {
        issues.push({
          path,
          message:
            `"\${${names[0]}}" is a placeholder that spec.placeholders does not declare, so the Keycloak operator would leave it literal; ` +
            'for a secret value use a Secret reference { name, key } (rendered as a declared placeholder), else write the value without "${"',
        });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(model, '');
  return issues;
}
