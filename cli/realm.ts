/**
 * `realm plan` / `realm apply` as a library call: validates the model, authenticates,
 * provides the Secrets, reconciles and prints one line per change. The CLI
 * (keycloak-realm/cli.ts) only parses options into {@link RealmRunOptions}.
 */
import { formatChange, type Change } from './changes.js';
import { connectAdmin, credentialsFromEnv, credentialsFromSecret, describeConnectionError, httpStatus, RealmCliError, type AdminCredentials } from './connect.js';
import { validateRealmModel, type RealmModel } from './model.js';
import { reconcileRealm } from './reconcile.js';
import { UnknownClientScopeError } from './reconcile-clients.js';
import { ensureSecrets, readRealmSecrets, realmRequiredSecrets, type RequiredSecret, type SecretSource } from './secrets.js';

export interface RealmRunOptions {
  action: 'plan' | 'apply';
  realm: RealmModel;
  /** Keycloak base URL (`https://<host>`). */
  baseUrl: string;
  /** Extra CA (PEM) to trust. */
  caFile?: string;
  /** @default 'master' */
  adminRealm?: string;
  /** Namespace of the Keycloak CR and of the realm's Secrets. */
  keycloakNamespace: string;
  /** Keycloak CR name; its operator-made Secret `<name>-initial-admin` is the last credentials fallback. */
  keycloakName: string;
  /** @default from the environment (see `credentialsFromEnv`), else the initial-admin Secret */
  credentials?: AdminCredentials;
  secretSource: SecretSource;
  /** Every Secret the stack needs, for `generateMissing`. @default the realm's own (`realmRequiredSecrets`) */
  required?: readonly RequiredSecret[];
  /** @default false */
  prune?: boolean;
  /** apply only: create missing Secrets with random values first. @default false */
  generateMissing?: boolean;
  /** Receives each output line. */
  out: (line: string) => void;
}

export interface RealmRunResult {
  /** plan: 0 no drift, 2 drift (including missing Secrets); apply: 0. */
  exitCode: 0 | 2;
  changes: Change[];
  missingSecrets: string[];
}

/**
 * Runs plan or apply. Never prints a secret value.
 * @throws RealmCliError with a one-line cause: invalid model, no/bad admin credentials,
 *   unreachable Keycloak, TLS failure, missing Secrets on apply, unknown client scope,
 *   an admin API refusal.
 */
export async function runRealm(opts: RealmRunOptions): Promise<RealmRunResult> {
  const issues = validateRealmModel(opts.realm);
  if (issues.length) throw new RealmCliError(`invalid realm model: ${issues.map((i) => `realm.${i.path}: ${i.message}`).join('; ')}`);
  const where = `realm ${opts.realm.realm} at ${opts.baseUrl}`;
  const credentials = opts.credentials ?? credentialsFromEnv() ?? (await credentialsFromSecret(opts.secretSource, opts.keycloakNamespace, opts.keycloakName));
  const kc = await connectAdmin({ baseUrl: opts.baseUrl, caFile: opts.caFile, adminRealm: opts.adminRealm, credentials });

  const realmSecrets = realmRequiredSecrets(opts.realm, opts.keycloakNamespace);
  if (opts.action === 'apply' && opts.generateMissing) {
    for (const o of await ensureSecrets(opts.secretSource, opts.required ?? realmSecrets, { generate: true })) {
      if (o.status === 'created') opts.out(`Secret ${o.ref.namespace}/${o.ref.name} key ${o.ref.key}: created (${o.purpose})`);
      if (o.status === 'missing') opts.out(`Secret ${o.ref.namespace}/${o.ref.name} key ${o.ref.key}: missing, not generated (${o.purpose}); create it yourself`);
    }
  }
  const values = await readRealmSecrets(opts.secretSource, opts.realm, opts.keycloakNamespace);
  const missingSecrets = realmSecrets.filter((r) => !values.has(`${r.name}/${r.key}`)).map((r) => `${r.namespace}/${r.name} key ${r.key} (${r.purpose})`);
  if (missingSecrets.length && opts.action === 'apply') {
    throw new RealmCliError(`missing Secrets: ${missingSecrets.join(', ')}; create them or run apply with --generate-missing`);
  }

  let changes: Change[];
  try {
    changes = await reconcileRealm(kc, opts.realm, { apply: opts.action === 'apply', prune: opts.prune, secrets: values });
  } catch (e) {
    if (e instanceof UnknownClientScopeError) throw new RealmCliError(e.message);
    const status = httpStatus(e);
    if (status) throw new RealmCliError(`Keycloak admin API refused a request for ${where} (HTTP ${status}): ${(e as Error).message}`);
    throw describeConnectionError(e, opts);
  }

  if (opts.action === 'plan') {
    const drift = changes.length + missingSecrets.length;
    opts.out(drift ? `${where}: ${drift} difference(s) from the model` : `${where}: no drift`);
    for (const m of missingSecrets) opts.out(`  Secret ${m}: missing (apply --generate-missing creates it)`);
  } else {
    opts.out(changes.length ? `${where}: applied ${changes.length} change(s)` : `${where}: no changes`);
  }
  for (const c of changes) opts.out(`  ${formatChange(c)}`);
  return { exitCode: opts.action === 'plan' && (changes.length || missingSecrets.length) ? 2 : 0, changes, missingSecrets };
}
