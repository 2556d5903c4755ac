/**
 * The Secrets a realm reads (client secrets, user passwords, in the Keycloak namespace), as
 * {@link RequiredSecret}s with the stack's one `valueId` scheme, and reading their values for
 * the reconciler.
 */
import { valueIds, type RequiredSecret } from '../secrets/required.js';
import type { SecretSource } from '../secrets/store.js';
import type { RealmModel } from './realm-model.js';

/** The Secrets the realm itself reads: client secrets and user passwords, in the Keycloak namespace. */
export function realmRequiredSecrets(model: RealmModel, keycloakNamespace: string): RequiredSecret[] {
  const out: RequiredSecret[] = [];
  for (const c of model.clients) {
    if (c.secret && !c.publicClient) {
      out.push({
        ...c.secret,
        namespace: keycloakNamespace,
        format: 'client-secret',
        valueId: valueIds.realmClient(model.realm, c.clientId),
        purpose: `client secret of ${c.clientId}`,
      });
    }
  }
  for (const u of model.users) {
    if (u.password)
      out.push({
        ...u.password,
        namespace: keycloakNamespace,
        format: 'password',
        valueId: valueIds.realmUser(model.realm, u.username),
        purpose: `password of user ${u.username}`,
      });
  }
  return out;
}

/** Reads the values of the realm's Secret references into a map keyed by `secretRefKey` (`<name>/<key>`). */
export async function readRealmSecrets(source: SecretSource, model: RealmModel, keycloakNamespace: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const r of realmRequiredSecrets(model, keycloakNamespace)) {
    const v = await source.read(r);
    if (v !== undefined) values.set(`${r.name}/${r.key}`, v);
  }
  return values;
}
