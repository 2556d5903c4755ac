/**
 * The reconciler: makes a live Keycloak realm match the realm model, in dependency order
 * (realm and settings → missing Keycloak built-in scopes the clients name → client scopes
 * and mappers → realm default scopes → clients → groups → users), with targeted admin API calls. `apply: false` computes the plan only.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { BUILTIN_CLIENT_SCOPES } from './realm-model.js';
import type { RealmModel, User } from './realm-model.js';
import { selectRealm } from './connect.js';
import { fieldChanges, listDelta, type Change } from './changes.js';
import { realmSettings, secretRefKey, userSettings } from './render.js';
import { BUILTIN_SCOPE_DEFINITIONS } from './builtin-scopes.js';
import { ensureBuiltinScopes, syncClients, syncClientScopes, syncRealmDefaultScopes, type RunContext } from './reconcile-clients.js';

export interface ReconcileOptions {
  /** `false`: only compute the changes (plan). */
  apply: boolean;
  /** Delete client scopes, clients, protocol mappers, groups (and, when the model declares users, users) it does not mention. @default false */
  prune?: boolean;
  /** Secret values keyed `<secret name>/<key>` (see `secretRefKey`); every confidential client's must be present. */
  secrets: ReadonlyMap<string, string>;
}

/** Changes for a realm that does not exist yet (plan of a first apply). */
function createAll(model: RealmModel): Change[] {
  return [
    { action: 'create', object: `realm ${model.realm}` },
    ...model.clientScopes.flatMap((s): Change[] => [
      { action: 'create', object: `client scope ${s.name}` },
      ...s.protocolMappers.map((m): Change => ({ action: 'create', object: `client scope ${s.name} protocol mapper ${m.name}` })),
    ]),
    ...model.clients.flatMap((c): Change[] => [
      { action: 'create', object: `client ${c.clientId}` },
      ...c.protocolMappers.map((m): Change => ({ action: 'create', object: `client ${c.clientId} protocol mapper ${m.name}` })),
    ]),
    ...model.groups.map((g): Change => ({ action: 'create', object: `group ${g.name}` })),
    ...model.users.map((u): Change => ({ action: 'create', object: `user ${u.username}` })),
  ];
}

/**
 * Plans (apply: false) or applies the model to the Keycloak behind `kc` (authenticated
 * against any realm allowed to manage `model.realm`). Leaves `kc`'s realm set to `model.realm`.
 * @returns every change found (and, with apply, made), in the order made.
 * @throws UnknownClientScopeError, or the admin client's NetworkError on HTTP errors.
 */
export async function reconcileRealm(kc: KcAdminClient, model: RealmModel, opts: ReconcileOptions): Promise<Change[]> {
  const ctx: RunContext = { kc, apply: opts.apply, prune: opts.prune ?? false, secrets: opts.secrets, changes: [] };
  const settings = realmSettings(model);
  const existing = await kc.realms.findOne({ realm: model.realm });
  if (!existing) {
    if (!opts.apply) return createAll(model);
    ctx.changes.push({ action: 'create', object: `realm ${model.realm}` });
    await kc.realms.create(settings);
  } else {
    const diff = fieldChanges(`realm ${model.realm}`, settings, existing as Record<string, unknown>);
    ctx.changes.push(...diff);
    if (diff.length && opts.apply) await kc.realms.update({ realm: model.realm }, settings);
  }
  selectRealm(kc, model.realm);

  const declared = new Set(model.clientScopes.map((s) => s.name));
  const named = new Set(model.clients.flatMap((c) => [...(c.defaultClientScopes ?? []), ...(c.optionalClientScopes ?? [])]));
  await ensureBuiltinScopes(
    ctx,
    BUILTIN_SCOPE_DEFINITIONS.filter((b) => named.has(b.name) && !declared.has(b.name)),
  );
  await syncClientScopes(ctx, model.clientScopes, new Set(BUILTIN_CLIENT_SCOPES));
  for (const kind of ['default', 'optional'] as const) {
    await syncRealmDefaultScopes(
      ctx,
      kind,
      model.clientScopes.filter((s) => s.realmDefault === kind).map((s) => s.name),
    );
  }
  await syncClients(ctx, model.clients, [...declared, ...BUILTIN_CLIENT_SCOPES]);
  await syncGroups(ctx, model);
  for (const u of model.users) await syncUser(ctx, u);
  if (ctx.prune && model.users.length) await pruneUsers(ctx, model.users);
  return ctx.changes;
}

async function syncGroups(ctx: RunContext, model: RealmModel): Promise<void> {
  const actual = await ctx.kc.groups.find({ briefRepresentation: true });
  const { add, remove } = listDelta(
    model.groups.map((g) => g.name),
    actual.map((g) => g.name!),
  );
  for (const name of add) {
    ctx.changes.push({ action: 'create', object: `group ${name}` });
    if (ctx.apply) await ctx.kc.groups.create({ name });
  }
  if (!ctx.prune) return;
  for (const name of remove) {
    ctx.changes.push({ action: 'delete', object: `group ${name}` });
    if (ctx.apply) await ctx.kc.groups.del({ id: actual.find((g) => g.name === name)!.id! });
  }
}

/**
 * Converges one declared user: profile fields, enabled, group membership. The password
 * (from its Secret reference) is set when the user is created; Keycloak cannot report a
 * password, so later drift of it is not detected.
 */
async function syncUser(ctx: RunContext, u: User): Promise<void> {
  const { kc } = ctx;
  const object = `user ${u.username}`;
  const desired = userSettings(u);
  const password = u.password ? ctx.secrets.get(secretRefKey(u.password)) : undefined;
  if (u.password && password === undefined && ctx.apply)
    throw new Error(`no value for Secret ${u.password.name} key ${u.password.key} (password of user ${u.username})`);
  let [have] = await kc.users.find({ username: u.username, exact: true });
  if (!have) {
    ctx.changes.push({ action: 'create', object });
    if (!ctx.apply) return;
    const { id } = await kc.users.create(desired);
    if (password !== undefined) await kc.users.resetPassword({ id, credential: { type: 'password', value: password, temporary: false } });
    have = { id };
  } else {
    const diff = fieldChanges(object, desired, have as Record<string, unknown>);
    ctx.changes.push(...diff);
    if (diff.length && ctx.apply) await kc.users.update({ id: have.id! }, { ...have, ...desired });
  }
  const id = have.id!;
  const member = await kc.users.listGroups({ id });
  const { add, remove } = listDelta(
    u.groups,
    member.map((g) => g.name!),
  );
  if (!add.length && !remove.length) return;
  ctx.changes.push({ action: 'update', object, field: 'groups', from: member.map((g) => g.name).sort(), to: [...u.groups].sort() });
  if (!ctx.apply) return;
  const groups = await kc.groups.find({ briefRepresentation: true });
  for (const name of add) await kc.users.addToGroup({ id, groupId: groups.find((g) => g.name === name)!.id! });
  for (const name of remove) await kc.users.delFromGroup({ id, groupId: member.find((g) => g.name === name)!.id! });
}

async function pruneUsers(ctx: RunContext, users: readonly User[]): Promise<void> {
  const wanted = new Set(users.map((u) => u.username));
  for (const u of await ctx.kc.users.find({ max: 10_000 })) {
    if (wanted.has(u.username!) || u.username!.startsWith('service-account-')) continue;
    ctx.changes.push({ action: 'delete', object: `user ${u.username}` });
    if (ctx.apply) await ctx.kc.users.del({ id: u.id! });
  }
}
