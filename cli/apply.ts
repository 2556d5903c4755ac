/**
 * `kube-mcp-stack apply [--dist dist] [--dry-run] [--switch-cluster-auth]`: `dist/` to the
 * cluster of the user's kubeconfig, phase by phase in the order of charts/apply-phases.ts (read
 * from each object's `kube-mcp-stack.io/apply-phase` annotation, never from file numbers), one
 * progress line per phase (`[3/7] keycloak: 2 created; Keycloak Ready: redhat-keycloak/keycloak`).
 *
 * Per phase: wait until every kind it holds is served (its CRD Established), run the phase's
 * checks (referenced Secrets exist before Keycloak; the issuer CA: fill the issuer-CA ConfigMaps
 * from `openshift-config-managed/default-ingress-cert` or check the configured PEM against the
 * issuer; the issuer answers with the openshift-config CA before the switch), server-side apply
 * each object (field manager `kube-mcp-stack`; a 409 names the fields and their manager and stops
 * the run unless `--force-conflicts`), then wait for what the next phase needs (CSV Succeeded,
 * Keycloak Ready, realm import Done, Deployments available) with `--wait-timeout`.
 * The `Authentication` switch is last and only with `--switch-cluster-auth`.
 *
 * Idempotent and resumable: an unchanged object keeps its resourceVersion (reported `no change`)
 * and satisfied waits return at once. `--dry-run`: a server-side dry run (`dryRun=All`) of each
 * object and a unified diff (npm `diff`) of the live object against the result, for changed
 * objects only; nothing is written and nothing is waited for.
 * Before anything else one API discovery request checks the cluster answers: a connection, TLS or
 * credential failure (there, or in any later call) stops the run at once with one line naming the
 * server, the cause and the fix; only a 404 from discovery means a kind is "not served yet".
 * Exit codes: 0 done (or dry run), 1 stopped (the cause on stderr, naming the object and phase).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments, stringify } from 'yaml';
import {
  APPLY_PHASES,
  apiGroupOf,
  DEFAULT_INGRESS_CA,
  ISSUER_CA_LABEL,
  ISSUER_URL_ANNOTATION,
  phaseOfObject,
  REQUIRED_SECRETS_ANNOTATION,
  type ApplyPhase,
  type ApplyWait,
} from '../charts/apply-phases.js';
import { OPENSHIFT_CONFIG_NAMESPACE } from '../charts/model.js';
import type { SecretKey } from '../secrets/required.js';
import { KubernetesSecretSource } from '../secrets/store.js';
import { ApplyCluster, codeOf, FieldConflictError, pollUntil, refOf, type DistObject, type PollResult } from './apply-cluster.js';
import { checkReachable, ClusterUnreachableError, loadKubeConfig } from './kubeconfig.js';
import { checkIssuerAnswers, IssuerCheckError, verifyIssuerCertificate } from './issuer-tls.js';

/** Flags of `apply`. */
export interface ApplyFlags {
  /** Directory of synthesized manifests. @default `dist` */
  readonly dist: string;
  readonly dryRun?: boolean;
  readonly switchClusterAuth?: boolean;
  readonly forceConflicts?: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Seconds per wait. @default 600 */
  readonly waitTimeout?: number;
}

/** One object of `dist/` with its file and phase. */
export interface PlannedObject {
  readonly obj: DistObject;
  /** File name inside the dist directory. */
  readonly file: string;
}

/** A phase with its objects, in apply order. */
export interface PlannedPhase {
  readonly phase: ApplyPhase;
  readonly objects: readonly PlannedObject[];
}

/** The run stopped: `message` says why, naming the object and what to do. */
export class ApplyStoppedError extends Error {
  constructor(
    readonly phase: string,
    message: string,
  ) {
    super(`phase ${phase}: ${message}`);
    this.name = 'ApplyStoppedError';
  }
}

/**
 * Every object of the `*.yaml`/`*.yml` files of `dir`, in file-name order.
 * @throws Error naming the directory when it has no manifests, or the file on a YAML error
 */
export async function readDist(dir: string): Promise<PlannedObject[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    throw new Error(
      `--dist ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory (run the synth first: npx tsx main.ts)' : (e as Error).message}`,
    );
  }
  if (!names.length) throw new Error(`--dist ${dir}: no *.yaml manifests (run the synth first: npx tsx main.ts)`);
  const out: PlannedObject[] = [];
  for (const file of names) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${join(dir, file)}: ${doc.errors[0].message}`);
      const obj = doc.toJS() as DistObject | null;
      if (obj && typeof obj === 'object') out.push({ obj, file });
    }
  }
  return out;
}

const kindRank = (o: DistObject) => (o.kind === 'Namespace' ? 0 : o.kind === 'CustomResourceDefinition' ? 1 : 2);

/**
 * Groups objects by phase (annotation, else the default phase), in {@link APPLY_PHASES} order;
 * inside a phase Namespaces, then CRDs, then everything else in file order.
 * @throws Error naming the object of an unknown phase
 */
export function planPhases(objects: readonly PlannedObject[]): PlannedPhase[] {
  const by = new Map<string, PlannedObject[]>();
  for (const p of objects) {
    let name: string;
    try {
      name = phaseOfObject(p.obj);
    } catch (e) {
      throw new Error(`${p.file}: ${refOf(p.obj)}: ${(e as Error).message}`);
    }
    by.set(name, [...(by.get(name) ?? []), p]);
  }
  return APPLY_PHASES.map((phase) => ({
    phase,
    objects: (by.get(phase.name) ?? [])
      .map((p, i) => ({ p, i }))
      .sort((a, b) => kindRank(a.p.obj) - kindRank(b.p.obj) || a.i - b.i)
      .map((x) => x.p),
  }));
}

/** The object with what the server adds and changes on every read left out, for diffs. */
function comparable(o: DistObject): unknown {
  const { status: _status, ...rest } = o as DistObject & { status?: unknown };
  const md = { ...(o.metadata ?? {}) } as Record<string, unknown>;
  for (const k of ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp']) delete md[k];
  return { ...rest, metadata: md };
}

/** A unified diff of two objects as YAML (3 lines of context), or `undefined` when equal. */
export function objectDiff(ref: string, before: DistObject | undefined, after: DistObject): string | undefined {
  const a = before ? stringify(comparable(before), { sortMapEntries: true }) : '';
  const b = stringify(comparable(after), { sortMapEntries: true });
  if (a === b) return undefined;
  return createTwoFilesPatch(`${ref} (cluster)`, `${ref} (after apply)`, a, b, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((l) => !/^=+$/.test(l) && !l.startsWith('Index:'))
    .join('\n')
    .trimEnd();
}

interface Io {
  out(line: string): void;
  err(line: string): void;
}

type Condition = { type?: string; status?: string; reason?: string; message?: string };
const conditionsOf = (o: unknown): Condition[] => ((o as { status?: { conditions?: Condition[] } }).status?.conditions ?? []) as Condition[];
const condText = (cs: Condition[]) =>
  cs.length ? cs.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join(', ') : 'no conditions yet';
const nameOf = (o: DistObject) => `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/** The run over one cluster. */
class ApplyRun {
  private caWarning?: string;
  constructor(
    private readonly cluster: ApplyCluster,
    private readonly flags: ApplyFlags,
    private readonly io: Io,
    private readonly all: readonly PlannedObject[],
  ) {}

  private get timeoutMs(): number {
    return (this.flags.waitTimeout ?? 600) * 1000;
  }

  /** Every kind of the phase served; in a dry run, the kinds that are not (their objects are reported unchecked). */
  private async kindsServed(p: PlannedPhase): Promise<Set<string>> {
    const kinds = [...new Map(p.objects.map((o) => [`${o.obj.apiVersion} ${o.obj.kind}`, o.obj])).values()];
    const missing = new Set<string>();
    for (const o of kinds) {
      const served = () => this.cluster.served(o.apiVersion!, o.kind!);
      if (await served()) continue;
      if (this.flags.dryRun) {
        missing.add(`${o.apiVersion} ${o.kind}`);
        continue;
      }
      await pollUntil(
        `kind ${o.kind} (${o.apiVersion}) to be served`,
        async (): Promise<PollResult> =>
          (await served()) ? { done: true } : { done: false, last: await this.cluster.crdState(apiGroupOf(o.apiVersion!), o.kind!) },
        this.timeoutMs,
      );
    }
    return missing;
  }

  private async secretsExist(): Promise<string> {
    const refs: SecretKey[] = [];
    for (const { obj, file } of this.all) {
      const v = obj.metadata?.annotations?.[REQUIRED_SECRETS_ANNOTATION];
      if (!v) continue;
      try {
        refs.push(...(JSON.parse(v) as SecretKey[]));
      } catch {
        throw new Error(`${file}: ${refOf(obj)}: annotation ${REQUIRED_SECRETS_ANNOTATION} is not JSON; synthesize dist/ again`);
      }
    }
    const source = new KubernetesSecretSource(this.cluster.kc);
    const missing: string[] = [];
    for (const r of refs) if ((await source.read(r)) === undefined) missing.push(`${r.namespace}/${r.name} [${r.key}]`);
    if (missing.length) {
      const msg = `${missing.length} referenced Secret key(s) missing: ${missing.join(', ')}; create them with \`kube-mcp-stack secrets ensure --create-namespaces\` (model API tokens and external database credentials are yours to create), then rerun apply`;
      if (this.flags.dryRun) return `would stop here: ${msg}`;
      throw new Error(msg);
    }
    return `${refs.length} referenced Secret keys present`;
  }

  /** Fills or checks the issuer-CA ConfigMaps of `dist/` (in place, before they are applied). */
  private async issuerCa(): Promise<string | undefined> {
    const cms = this.all
      .map((p) => p.obj as DistObject & { data?: Record<string, string> })
      .filter((o) => o.kind === 'ConfigMap' && o.metadata?.labels?.[ISSUER_CA_LABEL]);
    if (!cms.length) return undefined;
    const keyOf = (o: DistObject) => o.metadata!.labels![ISSUER_CA_LABEL];
    const issuer = cms.map((o) => o.metadata?.annotations?.[ISSUER_URL_ANNOTATION]).find((u) => u);
    const configured = cms.filter((o) => o.data?.[keyOf(o)]);
    if (configured.length) {
      if (!issuer) return `issuer CA from clusterAuth.issuerCaPem in ${cms.length} ConfigMaps (no issuer URL to check it against)`;
      try {
        const cert = await verifyIssuerCertificate(issuer, configured[0].data![keyOf(configured[0])], 'clusterAuth.issuerCaPem');
        return `clusterAuth.issuerCaPem validates ${new URL(issuer).host} ("${cert.subject}")`;
      } catch (e) {
        if (!(e instanceof IssuerCheckError)) throw e;
        throw new Error(
          `refusing to apply the issuer CA: ${e.message}; set clusterAuth.issuerCaPem to the CA that signed Keycloak's certificate, or leave it unset to use the cluster's default ingress CA`,
        );
      }
    }
    const src = DEFAULT_INGRESS_CA;
    const pem = await this.cluster.configMapKey(src.namespace, src.name, src.key);
    if (!pem) {
      throw new Error(
        `cannot fill the issuer CA: ConfigMap ${src.namespace}/${src.name} has no key ${src.key} (not an OpenShift cluster, or the ingress operator has not published it); set clusterAuth.issuerCaPem`,
      );
    }
    for (const o of cms) o.data = { ...(o.data ?? {}), [keyOf(o)]: pem };
    const from = `${src.namespace}/${src.name}`;
    if (issuer) {
      try {
        await verifyIssuerCertificate(issuer, pem, from);
      } catch (e) {
        if (!(e instanceof IssuerCheckError)) throw e;
        this.caWarning = e.message;
        this.io.err(
          `warning: ${e.message}; the Authentication switch will be refused: set clusterAuth.issuerCaPem to the CA that signed Keycloak's certificate`,
        );
      }
    }
    return `issuer CA from ${from} into ${cms.length} ConfigMaps${this.caWarning ? ' (it does not validate the issuer, see the warning)' : ''}`;
  }

  /** The issuer the Authentication names answers over TLS validated with its openshift-config CA. */
  private async issuerAnswers(p: PlannedPhase): Promise<string> {
    const details: string[] = [];
    for (const { obj } of p.objects.filter((o) => o.obj.kind === 'Authentication')) {
      const providers = (
        (obj.spec as { oidcProviders?: { issuer?: { issuerURL?: string; issuerCertificateAuthority?: { name?: string } } }[] })?.oidcProviders ?? []
      ).map((x) => x.issuer);
      for (const iss of providers) {
        if (!iss?.issuerURL) continue;
        const cmName = iss.issuerCertificateAuthority?.name;
        if (!cmName) throw new Error(`refusing the Authentication switch: ${refOf(obj)} names no issuerCertificateAuthority for ${iss.issuerURL}`);
        const caRef = `${OPENSHIFT_CONFIG_NAMESPACE}/${cmName}`;
        const planned = this.all.find(
          (x) => x.obj.kind === 'ConfigMap' && x.obj.metadata?.namespace === OPENSHIFT_CONFIG_NAMESPACE && x.obj.metadata?.name === cmName,
        )?.obj as { data?: Record<string, string> } | undefined;
        const pem = this.flags.dryRun
          ? (planned?.data?.['ca-bundle.crt'] ?? (await this.cluster.configMapKey(OPENSHIFT_CONFIG_NAMESPACE, cmName, 'ca-bundle.crt')))
          : await this.cluster.configMapKey(OPENSHIFT_CONFIG_NAMESPACE, cmName, 'ca-bundle.crt');
        if (!pem) throw new Error(`refusing the Authentication switch: ConfigMap ${caRef} has no key ca-bundle.crt`);
        try {
          const a = await checkIssuerAnswers(iss.issuerURL, pem, `ConfigMap ${caRef}`);
          details.push(`issuer ${iss.issuerURL} answers (certificate "${a.certificate.subject}" validates with ${caRef}; JWKS ${a.keys} keys)`);
        } catch (e) {
          if (!(e instanceof IssuerCheckError)) throw e;
          throw new Error(`refusing the Authentication switch: ${e.message}`);
        }
      }
    }
    return details.join('; ');
  }

  private async waitFor(wait: ApplyWait, p: PlannedPhase): Promise<string | undefined> {
    const objs = (kind: string) => p.objects.map((o) => o.obj).filter((o) => o.kind === kind);
    const each = async (label: string, list: DistObject[], check: (live: DistObject | undefined, o: DistObject) => Promise<PollResult> | PollResult) => {
      const done: string[] = [];
      for (const o of list) {
        const detail = await pollUntil(`${label} of ${refOf(o)}`, async () => check(await this.cluster.get(o as never), o), this.timeoutMs);
        done.push(detail ?? nameOf(o));
      }
      return done.length ? `${label}: ${done.join(', ')}` : undefined;
    };
    const condition =
      (type: string) =>
      (live: DistObject | undefined): PollResult => {
        const cs = conditionsOf(live);
        if (cs.some((c) => c.type === 'HasErrors' && c.status === 'True')) throw new Error(`${refOf(live!)} has errors: ${condText(cs)}`);
        return cs.some((c) => c.type === type && c.status === 'True') ? { done: true } : { done: false, last: live ? condText(cs) : 'not found' };
      };
    switch (wait) {
      case 'csv-succeeded':
        return each('CSV Succeeded', objs('Subscription'), async (sub) => {
          const csv = (sub as { status?: { installedCSV?: string; state?: string } } | undefined)?.status;
          if (!csv?.installedCSV) return { done: false, last: `Subscription has no status.installedCSV yet (state ${csv?.state ?? 'none'})` };
          const ns = sub!.metadata!.namespace!;
          const live = await this.cluster.get<DistObject & { status?: { phase?: string; reason?: string; message?: string } }>({
            apiVersion: 'operators.coreos.com/v1alpha1',
            kind: 'ClusterServiceVersion',
            metadata: { name: csv.installedCSV, namespace: ns },
          });
          const s = live?.status;
          return s?.phase === 'Succeeded'
            ? { done: true, detail: `${ns}/${csv.installedCSV}` }
            : {
                done: false,
                last: `ClusterServiceVersion ${ns}/${csv.installedCSV} phase ${s?.phase ?? 'none'}${s?.reason ? ` (${s.reason}: ${s.message ?? ''})` : ''}`,
              };
        });
      case 'keycloak-ready':
        return each('Keycloak Ready', objs('Keycloak'), condition('Ready'));
      case 'realm-import-done':
        return each('realm import Done', objs('KeycloakRealmImport'), condition('Done'));
      case 'deployments-available':
        return each('Deployments available', objs('Deployment'), (live) => {
          const d = live as
            | { metadata?: { generation?: number }; spec?: { replicas?: number }; status?: { observedGeneration?: number; availableReplicas?: number } }
            | undefined;
          const want = d?.spec?.replicas ?? 1;
          const ok =
            d !== undefined &&
            (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
            (d.status?.availableReplicas ?? 0) >= want &&
            conditionsOf(d).some((c) => c.type === 'Available' && c.status === 'True');
          return ok
            ? { done: true }
            : { done: false, last: d ? `${d.status?.availableReplicas ?? 0}/${want} available, ${condText(conditionsOf(d))}` : 'not found' };
        });
    }
  }

  /** Applies one phase; returns its progress line. */
  async phase(p: PlannedPhase, index: number, total: number): Promise<string> {
    const head = `[${index}/${total}] ${p.phase.name}`;
    if (!p.objects.length) return `${head}: nothing in dist/, skipped`;
    if (p.phase.optIn === 'switch-cluster-auth' && !this.flags.switchClusterAuth) {
      return `${head}: ${p.objects.length} objects skipped (pass --switch-cluster-auth to check the issuer and switch the cluster's authentication)`;
    }
    const notes: string[] = [];
    const unserved = await this.kindsServed(p);
    for (const check of p.phase.before) {
      const note = check === 'secrets-exist' ? await this.secretsExist() : check === 'issuer-ca' ? await this.issuerCa() : await this.issuerAnswers(p);
      if (note) notes.push(note);
    }
    let created = 0;
    let configured = 0;
    let unchanged = 0;
    const conflicts: FieldConflictError[] = [];
    for (const { obj, file } of p.objects) {
      const ref = refOf(obj);
      if (unserved.has(`${obj.apiVersion} ${obj.kind}`)) {
        created++;
        this.io.out(`would create ${ref} (${file}); not checked by the server: ${obj.kind} is not served yet (its CRD comes with an operator)`);
        continue;
      }
      const live = await this.cluster.get(obj as never);
      try {
        const result = await this.cluster.apply(obj, this.flags.dryRun);
        if (this.flags.dryRun) {
          const diff = objectDiff(ref, live, result);
          if (diff === undefined) unchanged++;
          else {
            if (live) configured++;
            else created++;
            this.io.out(`would ${live ? 'configure' : 'create'} ${ref} (${file})`);
            this.io.out(diff);
          }
        } else if (!live) created++;
        else if (live.metadata?.resourceVersion !== result.metadata?.resourceVersion) configured++;
        else unchanged++;
      } catch (e) {
        if (e instanceof FieldConflictError) {
          conflicts.push(e);
          continue;
        }
        if (this.flags.dryRun && codeOf(e) === 404) {
          created++;
          this.io.out(`would create ${ref} (${file}); not checked by the server: ${(e as Error).message}`);
          continue;
        }
        throw e;
      }
    }
    if (conflicts.length) {
      throw new Error(
        `${conflicts.length} object(s) have fields another field manager owns with other values (nothing was forced):\n${conflicts.map((c) => `  ${c.message}`).join('\n')}\n` +
          'resolve them (e.g. remove the other manager’s value), or rerun with --force-conflicts to take these fields over',
      );
    }
    const verb = this.flags.dryRun ? 'would be ' : '';
    const changes = created + configured === 0 ? 'no change' : `${created} ${verb}created, ${configured} ${verb}configured, ${unchanged} unchanged`;
    if (this.flags.dryRun) {
      if (p.phase.after.length) notes.push(`dry run: not waited for ${p.phase.after.join(', ')}`);
    } else {
      for (const w of p.phase.after) {
        const note = await this.waitFor(w, p);
        if (note) notes.push(note);
      }
    }
    return `${head}: ${p.objects.length} objects, ${changes}${notes.length ? `; ${notes.join('; ')}` : ''}`;
  }
}

/**
 * Runs `apply` and returns the exit code (0 done, 1 stopped or the cluster unreachable; the cause goes to `io.err`).
 * @param cluster @default the cluster of `flags.kubeconfig` / `--context` / the default kubeconfig
 */
export async function runApply(flags: ApplyFlags, io: Io, cluster?: ApplyCluster): Promise<number> {
  const dir = resolve(flags.dist);
  const all = await readDist(dir);
  const plan = planPhases(all);
  const c = cluster ?? new ApplyCluster(loadKubeConfig(flags), flags.forceConflicts ?? false);
  try {
    await checkReachable(c.kc);
  } catch (e) {
    if (!(e instanceof ClusterUnreachableError)) throw e;
    io.err(`kube-mcp-stack apply: ${e.message}`);
    return 1;
  }
  const run = new ApplyRun(c, flags, io, all);
  io.out(
    `${flags.dryRun ? 'dry run (server-side, nothing is written): ' : ''}${all.length} objects from ${flags.dist} in ${plan.filter((p) => p.objects.length).length} phases`,
  );
  for (const [i, p] of plan.entries()) {
    const t0 = Date.now();
    try {
      const line = await run.phase(p, i + 1, plan.length);
      io.out(`${line} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    } catch (e) {
      io.err(`kube-mcp-stack apply: ${new ApplyStoppedError(p.phase.name, (e as Error).message).message}`);
      if (e instanceof ClusterUnreachableError) return 1;
      io.err(`stopped before the later phases; rerun \`kube-mcp-stack apply\` after the fix (done phases are skipped as unchanged)`);
      return 1;
    }
  }
  return 0;
}

/** The `apply` command; `setExit` receives the exit code. */
export function applyCommand(setExit: (code: number) => void): Command {
  return new Command('apply')
    .description(
      'apply dist/ to the cluster of your kubeconfig phase by phase (server-side apply), waiting between phases; the Authentication switch only with --switch-cluster-auth',
    )
    .option('--dist <dir>', 'directory of synthesized manifests', 'dist')
    .option('--dry-run', 'server-side dry run: print a diff of what would change, write nothing', false)
    .option('--switch-cluster-auth', 'also apply the cluster Authentication switch (last, after checking the issuer answers with its CA)', false)
    .option('--force-conflicts', 'take over fields another field manager owns (server-side apply force)', false)
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .addOption(
      new Option('--wait-timeout <seconds>', 'timeout of each wait, in seconds').default(600).argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer of seconds, got ${v}`);
        return n;
      }),
    )
    .action(async (flags: ApplyFlags) => {
      try {
        setExit(await runApply(flags, { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }));
      } catch (e) {
        process.stderr.write(`kube-mcp-stack apply: ${(e as Error).message}\n`);
        setExit(1);
      }
    });
}
