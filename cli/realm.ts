/**
 * `kube-mcp-stack realm plan|apply`: the command (options → {@link RealmRunOptions}) and
 * {@link runRealm}, the library call behind it: validates the model, authenticates, provides
 * the Secrets, reconciles and prints one line per change. Exit codes: 0 no drift / applied,
 * 2 drift found by `plan`, 1 error (one-line cause on stderr).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { requiredSecrets } from '../charts/required-secrets.js';
import { formatChange, type Change } from '../keycloak-realm/changes.js';
import {
  connectAdmin,
  credentialsFromEnv,
  credentialsFromSecret,
  describeConnectionError,
  httpStatus,
  RealmCliError,
  type AdminCredentials,
} from '../keycloak-realm/connect.js';
import { validateRealmModel, type RealmModel } from '../keycloak-realm/realm-model.js';
import { readRealmSecrets, realmRequiredSecrets } from '../keycloak-realm/realm-secrets.js';
import { reconcileRealm } from '../keycloak-realm/reconcile.js';
import { UnknownClientScopeError } from '../keycloak-realm/reconcile-clients.js';
import type { RequiredSecret } from '../secrets/required.js';
import { ensureSecrets, KubernetesSecretSource, type SecretSource } from '../secrets/store.js';
import { CONFIG_OPTION, ConfigLoadError, loadStackModel } from './config-load.js';

interface RealmFlags {
  /** @default `stack.config.ts` in the working directory */
  config?: string;
  url?: string;
  caFile?: string;
  adminRealm: string;
  prune?: boolean;
  generateMissing?: boolean;
}

/**
 * Parses `--url`: an absolute `http:` or `https:` URL of the Keycloak server (its base, e.g.
 * `https://keycloak.apps.example.com`, without `/realms/…`), no query or fragment.
 * @returns the URL without a trailing slash
 * @throws InvalidArgumentError (commander reports it naming `--url` and exits 1)
 */
export function parseKeycloakUrl(value: string): string {
  const expected = 'expected the Keycloak base URL, e.g. https://keycloak.apps.example.com';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`not an absolute URL; ${expected}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError(`the scheme must be https (or http); ${expected}`);
  if (url.search || url.hash) throw new InvalidArgumentError(`a query or fragment is not allowed; ${expected}`);
  if (/\/realms(\/|$)/.test(url.pathname)) throw new InvalidArgumentError(`a /realms/… path is not allowed (the realm comes from the config); ${expected}`);
  return value.replace(/\/+$/, '');
}

function addCommon(cmd: Command): Command {
  return cmd
    .option(CONFIG_OPTION.flags, CONFIG_OPTION.description)
    .addOption(
      new Option(
        '--url <url>',
        'Keycloak base URL, e.g. https://keycloak.apps.example.com (default: https://<keycloak host> derived from the config)',
      ).argParser(parseKeycloakUrl),
    )
    .option('--ca-file <pem>', 'CA certificate (PEM) to trust for Keycloak, in addition to the system CAs')
    .option('--admin-realm <realm>', 'realm the admin credentials belong to', 'master')
    .option('--prune', 'also delete client scopes, clients, mappers, groups (and users, when the model declares users) the model does not mention')
    .addHelpText(
      'after',
      `
Admin credentials: KEYCLOAK_ADMIN_USERNAME + KEYCLOAK_ADMIN_PASSWORD, or
KEYCLOAK_ADMIN_CLIENT_ID + KEYCLOAK_ADMIN_CLIENT_SECRET, else the operator's Secret
<keycloak>-initial-admin in the Keycloak namespace (read with your kubeconfig).
Client secrets and user passwords are read from the Kubernetes Secrets the config references.`,
    );
}

async function run(action: 'plan' | 'apply', flags: RealmFlags, setExit: (code: number) => void, secretSource?: SecretSource): Promise<void> {
  try {
    const model = await loadStackModel(flags.config);
    const source = secretSource ?? new KubernetesSecretSource();
    const result = await runRealm({
      action,
      realm: model.realm,
      baseUrl: flags.url ?? model.keycloak.baseUrl,
      caFile: flags.caFile,
      adminRealm: flags.adminRealm,
      keycloakNamespace: model.keycloak.namespace,
      keycloakName: model.keycloak.name,
      secretSource: source,
      required: requiredSecrets(model),
      prune: flags.prune,
      generateMissing: flags.generateMissing,
      out: (line) => process.stdout.write(`${line}\n`),
    });
    setExit(result.exitCode);
  } catch (e) {
    const msg = e instanceof RealmCliError || e instanceof ConfigLoadError ? e.message : (e as Error).message.split('\n')[0];
    process.stderr.write(`kube-mcp-stack realm ${action}: ${msg}\n`);
    setExit(1);
  }
}

/** The `realm` command with `plan` and `apply`; `setExit` receives the exit code. */
export function realmCommand(setExit: (code: number) => void): Command {
  const realm = new Command('realm').description('converge a live Keycloak realm to the typed realm model (realm as code)');
  addCommon(realm.command('plan'))
    .description('print the differences between Keycloak and the model; exit 2 on drift, 0 when none')
    .action((flags: RealmFlags) => run('plan', flags, setExit));
  addCommon(realm.command('apply'))
    .description('create/update the realm, client scopes, clients, groups and declared users to match the model')
    .addOption(new Option('--generate-missing', 'first create every missing Secret the stack references, with strong random values'))
    .action((flags: RealmFlags) => run('apply', flags, setExit));
  return realm;
}

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
      if (o.status === 'missing')
        opts.out(`Secret ${o.ref.namespace}/${o.ref.name} key ${o.ref.key}: missing, not generated (${o.purpose}); create it yourself`);
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
