/**
 * Every Secret the synthesized stack references but does not create. The manifests hold
 * references only; `kube-mcp-stack secrets ensure` / `realm apply --generate-missing` (cli/)
 * creates the missing ones from this list, each in the format its consumer needs.
 */
import { secretKeyId, valueIds, type RequiredSecret } from '../secrets/required.js';
import type { StackModel } from './model.js';

export type { RequiredSecret, RequiredSecretFormat } from '../secrets/required.js';

/**
 * Lists the Secrets of a stack model: realm client secrets and user passwords (Keycloak
 * namespace), their copies where other components read them (console client secret in
 * `openshift-config`, the STS secret in the MCP server namespace, the Playground's client
 * secret), the oauth2-proxy cookie secret, the database credentials and the model API tokens.
 * Sorted by namespace, name, key; one entry per (namespace, name, key).
 * @throws if two entries name the same key with different valueIds (two consumers expect different values)
 */
export function requiredSecrets(model: StackModel): RequiredSecret[] {
  const out: RequiredSecret[] = [];
  const cfg = model.config;
  const kcNs = model.namespaces.keycloak;
  const clientValue = (clientId: string) => valueIds.realmClient(model.realm.realm, clientId);

  for (const c of model.realm.clients) {
    if (c.publicClient || !c.secret) continue;
    out.push({
      namespace: kcNs,
      ...c.secret,
      format: 'client-secret',
      valueId: clientValue(c.clientId),
      purpose: `secret of realm client "${c.clientId}" (KeycloakRealmImport placeholder)`,
    });
  }
  for (const u of model.realm.users) {
    if (!u.password) continue;
    out.push({
      namespace: kcNs,
      ...u.password,
      format: 'password',
      valueId: valueIds.realmUser(model.realm.realm, u.username),
      purpose: `password of realm user "${u.username}"`,
    });
  }
  if (model.clusterAuth.externalOidc) {
    out.push({
      ...model.clusterAuth.consoleClientSecret,
      format: 'client-secret',
      valueId: clientValue(cfg.clusterAuth.consoleClientId),
      purpose: 'console OIDC client secret read by the cluster Authentication (oidcClients[].clientSecret)',
    });
  }
  out.push({
    ...model.mcpServer.stsClientSecret,
    format: 'client-secret',
    valueId: clientValue(cfg.mcpServer.stsClientId),
    purpose: 'MCP server token-exchange (STS) client secret, mounted as a file',
  });
  if (cfg.playground.enabled) {
    out.push({
      ...model.playground.clientSecret,
      format: 'client-secret',
      valueId: clientValue(cfg.playground.clientId),
      purpose: 'oauth2-proxy client secret of the Playground',
    });
    out.push({
      ...model.playground.cookieSecret,
      format: 'cookie-secret',
      valueId: valueIds.cookie(model.playground.cookieSecret),
      purpose: 'oauth2-proxy cookie secret of the Playground',
    });
  }
  const db = model.keycloak.database;
  if (db.inCluster) {
    out.push({
      ...db.username,
      format: 'username',
      value: db.inCluster.username,
      valueId: valueIds.keycloakDbUsername(kcNs),
      purpose: 'PostgreSQL user of Keycloak (StatefulSet and Keycloak CR)',
    });
    out.push({
      ...db.password,
      format: 'password',
      valueId: valueIds.keycloakDbPassword(kcNs),
      purpose: 'PostgreSQL password of Keycloak (StatefulSet and Keycloak CR)',
    });
  } else {
    out.push({ ...db.username, format: 'external-token', valueId: valueIds.keycloakDbUsername(db.host), purpose: 'user of the external Keycloak database' });
    out.push({
      ...db.password,
      format: 'external-token',
      valueId: valueIds.keycloakDbPassword(db.host),
      purpose: 'password of the external Keycloak database',
    });
  }
  if (cfg.llamaStack.enabled) {
    for (const p of cfg.llamaStack.inference) {
      if (!p.apiToken) continue;
      out.push({
        namespace: model.llamaStack.namespace,
        ...p.apiToken,
        format: 'external-token',
        valueId: valueIds.modelToken({ namespace: model.llamaStack.namespace, ...p.apiToken }),
        purpose: `API token of inference provider "${p.providerId}"`,
      });
    }
  }

  const byKey = new Map<string, RequiredSecret>();
  for (const s of out) {
    const k = secretKeyId(s);
    const prev = byKey.get(k);
    if (prev && prev.valueId !== s.valueId) {
      throw new Error(`Secret ${k} is referenced for two different values (${prev.purpose}; ${s.purpose}); give one of them another Secret name`);
    }
    if (!prev) byKey.set(k, s);
  }
  return [...byKey.values()].sort((a, b) => secretKeyId(a).localeCompare(secretKeyId(b)));
}
