/**
 * `kube-mcp-stack realm plan|apply` (commander). Exit codes: 0 no drift / applied,
 * 2 drift found by `plan`, 1 error (one-line cause on stderr).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { requiredSecrets } from '../charts/secrets.js';
import { DEFAULT_CONFIG, loadStackModel } from './config-load.js';
import { RealmCliError } from './connect.js';
import { runRealm } from './run.js';
import { secretsCommand } from './secrets-cli.js';
import { KubernetesSecretSource, type SecretSource } from './secrets.js';

interface RealmFlags {
  config: string;
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

/** Exit code of the last realm command (commander actions cannot return one). */
let exitCode = 0;

function addCommon(cmd: Command): Command {
  return cmd
    .option('-c, --config <path>', 'stack config: TS/JS module (default export), JSON or YAML', DEFAULT_CONFIG)
    .addOption(new Option('--url <url>', 'Keycloak base URL, e.g. https://keycloak.apps.example.com (default: https://<keycloak host> derived from the config)').argParser(parseKeycloakUrl))
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

async function run(action: 'plan' | 'apply', flags: RealmFlags, secretSource?: SecretSource): Promise<void> {
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
    exitCode = result.exitCode;
  } catch (e) {
    const msg = e instanceof RealmCliError ? e.message : (e as Error).message.split('\n')[0];
    process.stderr.write(`kube-mcp-stack realm ${action}: ${msg}\n`);
    exitCode = 1;
  }
}

/** The `realm` command with `plan` and `apply`. */
export function realmCommand(): Command {
  const realm = new Command('realm').description('converge a live Keycloak realm to the typed realm model (realm as code)');
  addCommon(realm.command('plan'))
    .description('print the differences between Keycloak and the model; exit 2 on drift, 0 when none')
    .action((flags: RealmFlags) => run('plan', flags));
  addCommon(realm.command('apply'))
    .description('create/update the realm, client scopes, clients, groups and declared users to match the model')
    .addOption(new Option('--generate-missing', 'first create every missing Secret the stack references, with strong random values'))
    .action((flags: RealmFlags) => run('apply', flags));
  return realm;
}

/** The whole CLI; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('kube-mcp-stack')
    .description('kube-mcp-stack: a user-context Kubernetes MCP server with Keycloak external OIDC, from one typed config')
    .addCommand(realmCommand())
    .addCommand(secretsCommand((code) => (exitCode = code)));
  // Every (sub)command throws instead of calling process.exit, so the code is returned here;
  // commands added with addCommand do not inherit exitOverride from their parent.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  return exitCode;
}
