/**
 * `kube-mcp-stack secrets list|ensure`: the Secrets the synthesized stack references but does
 * not create (charts/required-secrets.ts `requiredSecrets`), checked or created in the cluster of the
 * current kubeconfig. Needs no Keycloak, so it runs before the first `oc apply` of the
 * database and Keycloak charts. Never prints a secret value.
 * Each line names the other Secret keys that must hold the same value (same `valueId`), e.g.
 * a client secret in the Keycloak namespace and its copy for the MCP server.
 * Secrets can only be written into existing namespaces: `ensure` first checks the namespaces
 * of every key it may generate and stops, naming the `dist/` file that creates each missing
 * one, unless `--create-namespaces` creates them (each printed as `namespace <name> created`).
 * Exit codes: `list` 0 all present, 2 some missing; `ensure` 0 (only `external-token`
 * entries, e.g. model API tokens, are left for the user and listed); 1 error.
 */
import { Command } from 'commander';
import { namespaceManifestFiles } from '../charts/namespaces.js';
import type { StackModel } from '../charts/model.js';
import { requiredSecrets } from '../charts/required-secrets.js';
import type { RequiredSecret } from '../secrets/required.js';
import { ensureSecrets, KubernetesSecretSource, type SecretOutcome, type SecretSource } from '../secrets/store.js';
import { CONFIG_OPTION, ConfigLoadError, loadStackModel } from './config-load.js';
import { loadKubeConfig } from './kubeconfig.js';

interface SecretsFlags {
  /** @default `stack.config.ts` in the working directory */
  config?: string;
  /** `ensure` only: create the missing namespaces the Secrets go into. @default false */
  createNamespaces?: boolean;
  /** Kubeconfig file. @default `KUBECONFIG`, `~/.kube/config` or the in-cluster service account */
  kubeconfig?: string;
  /** Kubeconfig context. @default the current context */
  context?: string;
}

/**
 * Makes sure the namespaces of `required` keys that `ensure` may write (all but
 * `external-token`) exist: creates the missing ones with `create`, else throws.
 * @throws Error `namespace <ns> does not exist yet: apply dist/<file> first, or rerun with --create-namespaces`
 *   (one clause per missing namespace; the file is the chart that creates it, see charts/namespaces.ts)
 */
export async function ensureNamespaces(
  source: SecretSource,
  model: StackModel,
  required: readonly RequiredSecret[],
  create: boolean,
  out: (line: string) => void,
): Promise<void> {
  const wanted = [...new Set(required.filter((r) => r.format !== 'external-token').map((r) => r.namespace))];
  const missing: string[] = [];
  for (const ns of wanted) if (!(await source.namespaceExists(ns))) missing.push(ns);
  if (!missing.length) return;
  if (create) {
    for (const ns of missing) {
      await source.createNamespace(ns);
      out(`namespace ${ns} created`);
    }
    return;
  }
  const files = namespaceManifestFiles(model);
  const fix = (ns: string) => (files.has(ns) ? `apply dist/${files.get(ns)} first` : 'create it first');
  throw new Error(`${missing.map((ns) => `namespace ${ns} does not exist yet: ${fix(ns)}`).join('; ')}, or rerun with --create-namespaces`);
}

const keyOf = (r: { namespace: string; name: string; key: string }) => `${r.namespace}/${r.name}[${r.key}]`;

/** For each key (`ns/name[key]`), the other keys with the same `valueId`, in `required` order. */
export function sameValueKeys(required: readonly RequiredSecret[]): Map<string, string[]> {
  const byValueId = new Map<string, string[]>();
  for (const r of required) byValueId.set(r.valueId, [...(byValueId.get(r.valueId) ?? []), keyOf(r)]);
  return new Map(required.map((r) => [keyOf(r), byValueId.get(r.valueId)!.filter((k) => k !== keyOf(r))]));
}

function line(o: SecretOutcome, same: Map<string, string[]>): string {
  const others = same.get(keyOf(o.ref)) ?? [];
  const shared = others.length ? ` (same value as ${others.join(', ')})` : '';
  return `${o.status.padEnd(7)} ${o.ref.namespace}/${o.ref.name} [${o.ref.key}] ${o.purpose}${shared}`;
}

/**
 * Runs `list` (generate false) or `ensure` (generate true) and returns the exit code.
 * @param source where Secrets are read/written; @default the cluster of `flags.kubeconfig` /
 *   `flags.context` ({@link loadKubeConfig}: the same kubeconfig rules as `apply` and `doctor`)
 */
export async function runSecrets(action: 'list' | 'ensure', flags: SecretsFlags, out: (line: string) => void, source?: SecretSource): Promise<number> {
  const model = await loadStackModel(flags.config);
  source ??= new KubernetesSecretSource(loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context }));
  const required = requiredSecrets(model);
  const same = sameValueKeys(required);
  if (action === 'ensure') await ensureNamespaces(source, model, required, flags.createNamespaces ?? false, out);
  const outcomes = await ensureSecrets(source, required, { generate: action === 'ensure' });
  for (const o of outcomes) out(line(o, same));
  const missing = outcomes.filter((o) => o.status === 'missing');
  const created = outcomes.filter((o) => o.status === 'created');
  out(`${outcomes.length} Secret keys referenced: ${created.length} created, ${missing.length} missing`);
  if (missing.length && action === 'ensure') out('create the missing keys yourself (their values come from outside, e.g. model API tokens)');
  return action === 'list' && missing.length ? 2 : 0;
}

/** The `secrets` command with `list` and `ensure`; `setExit` receives the exit code. */
export function secretsCommand(setExit: (code: number) => void): Command {
  const secrets = new Command('secrets').description('check or create the Secrets the stack references but does not create (no Keycloak needed)');
  for (const [action, description] of [
    ['list', 'show each referenced Secret key as present or missing; exit 2 when any is missing'],
    ['ensure', 'create every missing key with a strong random value in the format its consumer needs'],
  ] as const) {
    const cmd = secrets
      .command(action)
      .description(description)
      .option(CONFIG_OPTION.flags, CONFIG_OPTION.description)
      .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config or the in-cluster service account)')
      .option('--context <name>', 'kubeconfig context (default: the current one)');
    if (action === 'ensure') cmd.option('--create-namespaces', 'create the missing namespaces the Secrets go into (each is printed)', false);
    cmd.action(async (flags: SecretsFlags) => {
      try {
        setExit(await runSecrets(action, flags, (l) => process.stdout.write(`${l}\n`)));
      } catch (e) {
        // A config error lists every problem (`path: reason` per line): print it whole.
        const msg = e instanceof ConfigLoadError ? e.message : (e as Error).message.split('\n')[0];
        process.stderr.write(`kube-mcp-stack secrets ${action}: ${msg}\n`);
        setExit(1);
      }
    });
  }
  return secrets;
}
