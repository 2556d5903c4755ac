/**
 * Convergence of client scopes, clients and their protocol mappers with targeted admin
 * API calls (never partial-import overwrite, which recreates a client with a new id and
 * a regenerated secret).
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type ProtocolMapperRepresentation from '@keycloak/keycloak-admin-client/lib/defs/protocolMapperRepresentation.js';
import type { BuiltinClientScope } from './builtin-scopes.js';
import { fieldChanges, listDelta, type Change } from './changes.js';
import type { Client, ClientScope, ProtocolMapper } from './realm-model.js';
import { clientScopeRepresentation, clientSettings, mapperRepresentation, secretRefKey } from './render.js';

/** Shared state of one reconcile run. */
export interface RunContext {
  kc: KcAdminClient;
  apply: boolean;
  prune: boolean;
  secrets: ReadonlyMap<string, string>;
  changes: Change[];
}

/** Clients every Keycloak realm has; `--prune` never deletes them. */
export const BUILTIN_CLIENTS = new Set(['account', 'account-console', 'admin-cli', 'broker', 'realm-management', 'security-admin-console']);

/** Thrown when the model names a client scope the realm does not have. */
export class UnknownClientScopeError extends Error {}

interface MapperApi {
  list(): Promise<ProtocolMapperRepresentation[]>;
  add(reps: ProtocolMapperRepresentation[]): Promise<void>;
  update(id: string, rep: ProtocolMapperRepresentation): Promise<void>;
  remove(id: string): Promise<void>;
}

/** Converges the protocol mappers of one client or client scope (mappers matched by name). */
async function syncMappers(ctx: RunContext, owner: string, desired: readonly ProtocolMapper[], api: MapperApi): Promise<void> {
  const actual = await api.list();
  const byName = new Map(actual.map((m) => [m.name!, m]));
  const toAdd: ProtocolMapperRepresentation[] = [];
  for (const m of desired) {
    const object = `${owner} protocol mapper ${m.name}`;
    const have = byName.get(m.name);
    if (!have) {
      ctx.changes.push({ action: 'create', object });
      toAdd.push(mapperRepresentation(m));
      continue;
    }
    const diff = fieldChanges(object, { protocolMapper: m.protocolMapper, config: m.config }, have as Record<string, unknown>);
    ctx.changes.push(...diff);
    if (diff.length && ctx.apply) {
      await api.update(have.id!, { ...have, protocolMapper: m.protocolMapper, config: { ...have.config, ...m.config } });
    }
  }
  if (toAdd.length && ctx.apply) await api.add(toAdd);
  if (ctx.prune) {
    const wanted = new Set(desired.map((m) => m.name));
    for (const m of actual.filter((a) => !wanted.has(a.name!))) {
      ctx.changes.push({ action: 'delete', object: `${owner} protocol mapper ${m.name}` });
      if (ctx.apply) await api.remove(m.id!);
    }
  }
}

/** Converges the model's client scopes (settings and mappers); with prune deletes undeclared non-built-in ones. */
export async function syncClientScopes(ctx: RunContext, scopes: readonly ClientScope[], keep: ReadonlySet<string>): Promise<void> {
  const { kc } = ctx;
  const actual = await kc.clientScopes.find();
  const byName = new Map(actual.map((s) => [s.name!, s]));
  for (const scope of scopes) {
    const object = `client scope ${scope.name}`;
    let have = byName.get(scope.name);
    const { protocolMappers: _m, ...settings } = clientScopeRepresentation(scope);
    if (!have) {
      ctx.changes.push({ action: 'create', object });
      if (!ctx.apply) {
        scope.protocolMappers.forEach((m) => ctx.changes.push({ action: 'create', object: `${object} protocol mapper ${m.name}` }));
        continue;
      }
      const { id } = await kc.clientScopes.create(settings);
      have = { ...settings, id };
    } else {
      const diff = fieldChanges(object, settings, have as Record<string, unknown>);
      ctx.changes.push(...diff);
      if (diff.length && ctx.apply) {
        await kc.clientScopes.update({ id: have.id! }, { ...have, ...settings, attributes: { ...have.attributes, ...scope.attributes } });
      }
    }
    const id = have.id!;
    await syncMappers(ctx, object, scope.protocolMappers, {
      list: async () => (await kc.clientScopes.findOne({ id }))?.protocolMappers ?? [],
      add: (reps) => kc.clientScopes.addMultipleProtocolMappers({ id }, reps),
      update: (mapperId, rep) => kc.clientScopes.updateProtocolMapper({ id, mapperId }, rep),
      remove: (mapperId) => kc.clientScopes.delProtocolMapper({ id, mapperId }),
    });
  }
  if (ctx.prune) {
    const wanted = new Set(scopes.map((s) => s.name));
    for (const s of actual.filter((a) => !wanted.has(a.name!) && !keep.has(a.name!))) {
      ctx.changes.push({ action: 'delete', object: `client scope ${s.name}` });
      if (ctx.apply) await kc.clientScopes.del({ id: s.id! });
    }
  }
}

/**
 * Creates the Keycloak built-in client scopes the model's clients name but the realm lacks
 * (a realm imported with its own `clientScopes`, as the reference scripts did, has none),
 * from the definitions Keycloak itself uses. Existing built-ins are left as they are.
 */
export async function ensureBuiltinScopes(ctx: RunContext, needed: readonly BuiltinClientScope[]): Promise<void> {
  if (!needed.length) return;
  const { kc } = ctx;
  const have = new Set((await kc.clientScopes.find()).map((s) => s.name));
  for (const b of needed.filter((n) => !have.has(n.name))) {
    ctx.changes.push({ action: 'create', object: `client scope ${b.name} (Keycloak built-in)` });
    if (!ctx.apply) continue;
    const { protocolMappers, ...settings } = structuredClone(b) as unknown as { protocolMappers: ProtocolMapperRepresentation[] } & Record<string, unknown>;
    const { id } = await kc.clientScopes.create(settings);
    if (protocolMappers.length) await kc.clientScopes.addMultipleProtocolMappers({ id }, protocolMappers);
  }
}

/** Converges the realm's default or optional client scope list to include `wanted` (never removes built-ins). */
export async function syncRealmDefaultScopes(ctx: RunContext, kind: 'default' | 'optional', wanted: readonly string[]): Promise<void> {
  const { kc } = ctx;
  const actual = kind === 'default' ? await kc.clientScopes.listDefaultClientScopes() : await kc.clientScopes.listDefaultOptionalClientScopes();
  const missing = listDelta(
    wanted,
    actual.map((s) => s.name!),
  ).add;
  if (!missing.length) return;
  const field = kind === 'default' ? 'defaultDefaultClientScopes' : 'defaultOptionalClientScopes';
  const names = actual.map((s) => s.name!);
  ctx.changes.push({ action: 'update', object: `realm ${kc.realmName}`, field, from: [...names].sort(), to: [...names, ...missing].sort() });
  if (!ctx.apply) return;
  const ids = await scopeIds(ctx);
  for (const name of missing) {
    const id = ids.get(name)!;
    if (kind === 'default') await kc.clientScopes.addDefaultClientScope({ id });
    else await kc.clientScopes.addDefaultOptionalClientScope({ id });
  }
}

async function scopeIds(ctx: RunContext): Promise<Map<string, string>> {
  return new Map((await ctx.kc.clientScopes.find()).map((s) => [s.name!, s.id!]));
}

/** The realm's default and optional client scopes of protocol openid-connect. */
async function realmOidcScopeLists(ctx: RunContext): Promise<{ defaults: string[]; optional: string[] }> {
  const oidc = (list: { name?: string; protocol?: string }[]) => list.filter((s) => s.protocol === 'openid-connect').map((s) => s.name!);
  return {
    defaults: oidc(await ctx.kc.clientScopes.listDefaultClientScopes()),
    optional: oidc(await ctx.kc.clientScopes.listDefaultOptionalClientScopes()),
  };
}

function clientSecretValue(ctx: RunContext, c: Client): string | undefined {
  if (c.publicClient || !c.secret) return undefined;
  const value = ctx.secrets.get(secretRefKey(c.secret));
  if (value === undefined && !ctx.apply) return undefined; // plan: reported as a missing Secret by the caller
  if (value === undefined) throw new Error(`no value for Secret ${c.secret.name} key ${c.secret.key} (client secret of ${c.clientId})`);
  return value;
}

/** Converges one client: settings, secret, default/optional client scopes, protocol mappers. */
async function syncClient(ctx: RunContext, c: Client, knownScopes: ReadonlySet<string>): Promise<void> {
  const { kc } = ctx;
  const object = `client ${c.clientId}`;
  for (const scope of [...(c.defaultClientScopes ?? []), ...(c.optionalClientScopes ?? [])]) {
    if (!knownScopes.has(scope))
      throw new UnknownClientScopeError(`${object}: unknown client scope "${scope}" (not in the model and not in the Keycloak realm)`);
  }
  const settings = clientSettings(c);
  const secret = clientSecretValue(ctx, c);
  let [have] = await kc.clients.find({ clientId: c.clientId });
  if (!have) {
    ctx.changes.push({ action: 'create', object });
    if (!ctx.apply) return;
    // Keycloak attaches the realm's lists only when the request gives neither list, so an
    // omitted list is spelled out as the realm's (OIDC scopes only), as the renderer does.
    const realmLists = await realmOidcScopeLists(ctx);
    const { id } = await kc.clients.create({
      ...settings,
      ...(secret !== undefined ? { secret } : {}),
      defaultClientScopes: [...(c.defaultClientScopes ?? realmLists.defaults)],
      optionalClientScopes: [...(c.optionalClientScopes ?? realmLists.optional)],
    });
    have = (await kc.clients.findOne({ id }))!;
  } else {
    const diff = fieldChanges(object, settings, have as Record<string, unknown>);
    if (secret !== undefined && (await kc.clients.getClientSecret({ id: have.id! })).value !== secret) {
      diff.push({ action: 'update', object, field: 'secret', from: '', to: undefined, secret: true });
    }
    ctx.changes.push(...diff);
    // One full PUT: a partial one lets Keycloak re-derive fields it was not given (e.g. webOrigins).
    if (diff.length && ctx.apply) {
      await kc.clients.update(
        { id: have.id! },
        { ...have, ...settings, attributes: { ...have.attributes, ...(settings.attributes as object) }, ...(secret !== undefined ? { secret } : {}) },
      );
    }
  }
  const id = have.id!;
  await syncClientScopeList(ctx, object, id, 'default', c.defaultClientScopes);
  await syncClientScopeList(ctx, object, id, 'optional', c.optionalClientScopes);
  await syncMappers(ctx, object, c.protocolMappers, {
    list: async () => (await kc.clients.findOne({ id }))?.protocolMappers ?? [],
    add: (reps) => kc.clients.addMultipleProtocolMappers({ id }, reps),
    update: (mapperId, rep) => kc.clients.updateProtocolMapper({ id, mapperId }, rep),
    remove: (mapperId) => kc.clients.delProtocolMapper({ id, mapperId }),
  });
}

async function syncClientScopeList(
  ctx: RunContext,
  object: string,
  id: string,
  kind: 'default' | 'optional',
  wanted: readonly string[] | undefined,
): Promise<void> {
  if (!wanted) return;
  const { kc } = ctx;
  const actual = (kind === 'default' ? await kc.clients.listDefaultClientScopes({ id }) : await kc.clients.listOptionalClientScopes({ id })).map((s) => ({
    name: s.name!,
    id: s.id!,
  }));
  const { add, remove } = listDelta(
    wanted,
    actual.map((s) => s.name),
  );
  if (!add.length && !remove.length) return;
  ctx.changes.push({ action: 'update', object, field: `${kind}ClientScopes`, from: actual.map((s) => s.name).sort(), to: [...wanted].sort() });
  if (!ctx.apply) return;
  const ids = await scopeIds(ctx);
  for (const name of remove) {
    const clientScopeId = actual.find((s) => s.name === name)!.id;
    if (kind === 'default') await kc.clients.delDefaultClientScope({ id, clientScopeId });
    else await kc.clients.delOptionalClientScope({ id, clientScopeId });
  }
  for (const name of add) {
    const clientScopeId = ids.get(name);
    if (!clientScopeId) throw new UnknownClientScopeError(`${object}: unknown client scope "${name}" in the Keycloak realm`);
    if (kind === 'default') await kc.clients.addDefaultClientScope({ id, clientScopeId });
    else await kc.clients.addOptionalClientScope({ id, clientScopeId });
  }
}

/**
 * Converges every client of the model; with prune deletes undeclared non-built-in clients.
 * @param modelScopes scope names that exist or are created by this run (declared and built-in)
 */
export async function syncClients(ctx: RunContext, clients: readonly Client[], modelScopes: readonly string[]): Promise<void> {
  const knownScopes = new Set([...modelScopes, ...(await ctx.kc.clientScopes.find()).map((s) => s.name!)]);
  for (const c of clients) await syncClient(ctx, c, knownScopes);
  if (ctx.prune) {
    const wanted = new Set(clients.map((c) => c.clientId));
    for (const c of await ctx.kc.clients.find()) {
      if (wanted.has(c.clientId!) || BUILTIN_CLIENTS.has(c.clientId!)) continue;
      ctx.changes.push({ action: 'delete', object: `client ${c.clientId}` });
      if (ctx.apply) await ctx.kc.clients.del({ id: c.id! });
    }
  }
}
