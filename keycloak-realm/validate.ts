/**
 * Model-level checks of a realm model, beyond what the zod schema can express.
 * Used by the charts' config validation (paths are prefixed by the caller) and by the
 * reconciler before it touches Keycloak.
 */
import { BUILTIN_CLIENT_SCOPES, type RealmModel } from './realm-model.js';

/** One problem: `path` is dotted/indexed within the realm model, e.g. `clients[1].secret`. */
export interface RealmIssue {
  path: string;
  message: string;
}

function duplicates<T>(items: readonly T[], key: (t: T) => string): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  items.forEach((item, i) => seen.set(key(item), [...(seen.get(key(item)) ?? []), i]));
  return new Map([...seen].filter(([, idx]) => idx.length > 1));
}

/**
 * Checks a parsed realm model and returns every problem found (empty when valid):
 * - a client with `tokenExchange` must be confidential (Keycloak refuses token exchange
 *   for public clients) and every confidential client needs a `secret` reference;
 * - a public client must not carry a `secret`;
 * - every client scope a client names exists in the model or is a Keycloak built-in
 *   ({@link BUILTIN_CLIENT_SCOPES});
 * - a scope is not both default and optional on one client;
 * - pinned `defaultClientScopes` include `basic` (Keycloak 26 maps `sub` through it);
 * - names are unique (client ids, client scopes, groups, users, mappers per owner);
 * - every group a user names is declared.
 */
export function validateRealmModel(model: RealmModel): RealmIssue[] {
  const issues: RealmIssue[] = [];
  const known = new Set([...BUILTIN_CLIENT_SCOPES, ...model.clientScopes.map((s) => s.name)]);
  const groups = new Set(model.groups.map((g) => g.name));

  for (const [name, idx] of duplicates(model.clientScopes, (s) => s.name)) {
    issues.push({ path: `clientScopes[${idx[1]}].name`, message: `client scope "${name}" is declared more than once` });
  }
  for (const [name, idx] of duplicates(model.clients, (c) => c.clientId)) {
    issues.push({ path: `clients[${idx[1]}].clientId`, message: `client "${name}" is declared more than once` });
  }
  for (const [name, idx] of duplicates(model.groups, (g) => g.name)) {
    issues.push({ path: `groups[${idx[1]}].name`, message: `group "${name}" is declared more than once` });
  }
  for (const [name, idx] of duplicates(model.users, (u) => u.username)) {
    issues.push({ path: `users[${idx[1]}].username`, message: `user "${name}" is declared more than once` });
  }
  model.clientScopes.forEach((scope, i) => {
    for (const [name, idx] of duplicates(scope.protocolMappers, (m) => m.name)) {
      issues.push({ path: `clientScopes[${i}].protocolMappers[${idx[1]}].name`, message: `protocol mapper "${name}" is declared more than once` });
    }
  });

  model.clients.forEach((client, i) => {
    const at = `clients[${i}]`;
    if (client.tokenExchange && client.publicClient) {
      issues.push({
        path: `${at}.tokenExchange`,
        message: `client "${client.clientId}" enables token exchange but is public; make it confidential (publicClient: false) with a secret reference`,
      });
    }
    if (!client.publicClient && !client.secret) {
      issues.push({
        path: `${at}.secret`,
        message: `confidential client "${client.clientId}" needs a secret reference { name, key } to a Kubernetes Secret`,
      });
    }
    if (client.publicClient && client.secret) {
      issues.push({ path: `${at}.secret`, message: `public client "${client.clientId}" must not have a secret; remove it or set publicClient: false` });
    }
    for (const kind of ['defaultClientScopes', 'optionalClientScopes'] as const) {
      (client[kind] ?? []).forEach((scope, j) => {
        if (!known.has(scope)) {
          issues.push({
            path: `${at}.${kind}[${j}]`,
            message: `unknown client scope "${scope}"; declare it in clientScopes or use a Keycloak built-in (${BUILTIN_CLIENT_SCOPES.join(', ')})`,
          });
        }
      });
    }
    // Keycloak 26 maps `sub` only through the built-in `basic` scope: a pinned list without it issues tokens without a subject.
    if (client.defaultClientScopes && !client.defaultClientScopes.includes('basic')) {
      issues.push({
        path: `${at}.defaultClientScopes`,
        message: `pins default client scopes without "basic", so Keycloak 26 puts no "sub" in "${client.clientId}"'s tokens (no user identity for the API server or the MCP server); add "basic", or omit defaultClientScopes to take the realm's defaults`,
      });
    }
    const optional = new Set(client.optionalClientScopes ?? []);
    (client.defaultClientScopes ?? []).forEach((scope, j) => {
      if (optional.has(scope)) {
        issues.push({ path: `${at}.defaultClientScopes[${j}]`, message: `client scope "${scope}" is both default and optional; keep one` });
      }
    });
    for (const [name, idx] of duplicates(client.protocolMappers, (m) => m.name)) {
      issues.push({ path: `${at}.protocolMappers[${idx[1]}].name`, message: `protocol mapper "${name}" is declared more than once` });
    }
  });

  model.users.forEach((user, i) => {
    user.groups.forEach((group, j) => {
      if (!groups.has(group)) {
        issues.push({ path: `users[${i}].groups[${j}]`, message: `unknown group "${group}"; declare it in groups` });
      }
    });
  });
  return issues;
}
