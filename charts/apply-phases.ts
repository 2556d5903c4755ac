/**
 * The apply phases of the stack: the one table that says in which order `dist/` goes to a
 * cluster and what must be waited for in between. `kube-mcp-stack apply` (cli/apply.ts) and
 * OpenShift GitOps read the same fact from `dist/`: every synthesized object carries its phase
 * as the annotation {@link APPLY_PHASE_ANNOTATION} and, with `gitops.argoCdSyncWaves`, the
 * phase's Argo CD sync wave ({@link ARGOCD_SYNC_WAVE_ANNOTATION}). File numbers play no part.
 *
 * Phases, in order ({@link APPLY_PHASES}):
 *   operators → operator-resources → keycloak → realm → workloads → feature-gate → authentication-switch.
 * An object without the annotation (a team's own chart) belongs to {@link DEFAULT_APPLY_PHASE}
 * (`workloads`, sync wave 0, Argo CD's default), so it always lands before the switch.
 *
 * Also the one home of the other apply-time markers of `dist/`: the issuer-CA ConfigMaps
 * ({@link ISSUER_CA_LABEL}, {@link ISSUER_URL_ANNOTATION}) and the Secrets the stack references
 * ({@link REQUIRED_SECRETS_ANNOTATION}).
 */
import { ApiObject, type Chart } from 'cdk8s';
import type { SecretKey } from '../secrets/required.js';
import type { ChartId } from './stack.js';

/** Annotation holding an object's apply phase name (a {@link ApplyPhaseName}). */
export const APPLY_PHASE_ANNOTATION = 'kube-mcp-stack.io/apply-phase';
/** Argo CD's sync-wave annotation (integer as a string; lower waves sync first; default 0). */
export const ARGOCD_SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Argo CD's per-object sync options annotation. */
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/** Sync option for objects whose CRD an operator installs later in the same sync. */
export const SKIP_DRY_RUN_ON_MISSING_RESOURCE = 'SkipDryRunOnMissingResource=true';

/**
 * Label of every issuer-CA ConfigMap; its value is the data key that holds the PEM bundle
 * (`ca-bundle.crt`). `apply` fills the ConfigMaps that carry it and have no data from the
 * cluster's default ingress CA.
 */
export const ISSUER_CA_LABEL = 'kube-mcp-stack.io/issuer-ca';
/** Annotation of each issuer-CA ConfigMap: the issuer URL whose TLS certificate the CA must validate. */
export const ISSUER_URL_ANNOTATION = 'kube-mcp-stack.io/issuer-url';
/**
 * Annotation on the Keycloak CR: JSON array of the Secret keys (`{namespace,name,key}`) the stack
 * references but does not create (charts/required-secrets.ts), checked before the Keycloak phase.
 */
export const REQUIRED_SECRETS_ANNOTATION = 'kube-mcp-stack.io/required-secrets';
/** Where OpenShift publishes the default ingress CA (`ca-bundle.crt`), read when `clusterAuth.issuerCaPem` is unset. */
export const DEFAULT_INGRESS_CA = { namespace: 'openshift-config-managed', name: 'default-ingress-cert', key: 'ca-bundle.crt' } as const;

/**
 * API groups whose CRDs come from an operator the stack installs (Keycloak, OpenShift AI and its
 * Llama Stack component): their objects get {@link SKIP_DRY_RUN_ON_MISSING_RESOURCE} under GitOps,
 * and inside an `operators`-phase chart they move to the phase after it.
 */
export const OPERATOR_API_GROUPS: readonly string[] = [
  'k8s.keycloak.org',
  'datasciencecluster.opendatahub.io',
  'dscinitialization.opendatahub.io',
  'llamastack.io',
];

/** What `apply` checks before it applies a phase. */
export type ApplyCheck =
  /** every Secret in {@link REQUIRED_SECRETS_ANNOTATION} exists */
  | 'secrets-exist'
  /** the issuer-CA ConfigMaps are filled (ingress CA) or their PEM validates the issuer */
  | 'issuer-ca'
  /** the issuer's discovery document and JWKS answer over TLS validated with the openshift-config CA */
  | 'issuer-answers';

/** What `apply` waits for after it applied a phase (every phase first waits for the CRDs of its kinds to be Established). */
export type ApplyWait =
  /** each Subscription's `status.installedCSV` names a ClusterServiceVersion in phase `Succeeded` */
  | 'csv-succeeded'
  /** each Keycloak CR has condition `Ready` True */
  | 'keycloak-ready'
  /** each KeycloakRealmImport has condition `Done` True (and `HasErrors` not True) */
  | 'realm-import-done'
  /** each Deployment has condition `Available` True with all replicas available */
  | 'deployments-available';

/** One apply phase. */
export interface ApplyPhase {
  readonly name: string;
  /** What it holds, for progress lines and docs. */
  readonly description: string;
  /** Argo CD sync wave (lower first); `workloads` is 0, Argo CD's default. */
  readonly syncWave: number;
  readonly before: readonly ApplyCheck[];
  readonly after: readonly ApplyWait[];
  /** Applied only with `--switch-cluster-auth` (skipped, and said so, otherwise). */
  readonly optIn?: 'switch-cluster-auth';
}

/** The phases in apply order. */
export const APPLY_PHASES = [
  { name: 'operators', description: 'operator Namespaces, OperatorGroups, Subscriptions', syncWave: -4, before: [], after: ['csv-succeeded'] },
  {
    name: 'operator-resources',
    description: 'custom resources configuring an operator (DSCInitialization, DataScienceCluster)',
    syncWave: -3,
    before: [],
    after: [],
  },
  { name: 'keycloak', description: 'Keycloak database and Keycloak CR', syncWave: -2, before: ['secrets-exist'], after: ['keycloak-ready'] },
  { name: 'realm', description: 'KeycloakRealmImport', syncWave: -1, before: [], after: ['realm-import-done'] },
  {
    name: 'workloads',
    description: 'Llama Stack, Namespaces, issuer-CA ConfigMaps, group RBAC, MCP server, Playground, MCP Inspector, a team’s own charts',
    syncWave: 0,
    before: ['issuer-ca'],
    after: ['deployments-available'],
  },
  { name: 'feature-gate', description: 'FeatureGate TechPreviewNoUpgrade (OpenShift 4.19 only, irreversible)', syncWave: 1, before: [], after: [] },
  {
    name: 'authentication-switch',
    description: 'the cluster Authentication switched to type OIDC (last)',
    syncWave: 2,
    before: ['issuer-answers'],
    after: [],
    optIn: 'switch-cluster-auth',
  },
] as const satisfies readonly ApplyPhase[];

/** A phase name. */
export type ApplyPhaseName = (typeof APPLY_PHASES)[number]['name'];

/** The phase of objects without {@link APPLY_PHASE_ANNOTATION} (a team's own charts). */
export const DEFAULT_APPLY_PHASE: ApplyPhaseName = 'workloads';

/**
 * The phase of each chart of the stack; `operatorResources` is the phase of the chart's objects
 * of an {@link OPERATOR_API_GROUPS} group (they need the CRDs the chart's operator installs).
 */
export const CHART_PHASES: Readonly<Record<ChartId, { readonly phase: ApplyPhaseName; readonly operatorResources?: ApplyPhaseName }>> = {
  'keycloak-operator': { phase: 'operators' },
  'openshift-ai': { phase: 'operators', operatorResources: 'operator-resources' },
  'keycloak-database': { phase: 'keycloak' },
  keycloak: { phase: 'keycloak' },
  realm: { phase: 'realm' },
  'llama-stack': { phase: 'workloads' },
  'cluster-auth': { phase: 'workloads' },
  'mcp-server': { phase: 'workloads' },
  playground: { phase: 'workloads' },
  'mcp-inspector': { phase: 'workloads' },
  'feature-gate': { phase: 'feature-gate' },
  'cluster-authentication': { phase: 'authentication-switch' },
};

/** The phase entry named `name`. @throws Error naming the known phases for an unknown name */
export function applyPhase(name: string): ApplyPhase {
  const p = APPLY_PHASES.find((x) => x.name === name);
  if (!p) throw new Error(`unknown apply phase "${name}" (known: ${APPLY_PHASES.map((x) => x.name).join(', ')})`);
  return p;
}

/** The API group of an `apiVersion` (`''` for the core group). */
export const apiGroupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** The phase of an object of chart `chartId` with `apiVersion`. */
export function phaseOfChartObject(chartId: ChartId, apiVersion: string): ApplyPhaseName {
  const entry = CHART_PHASES[chartId];
  return entry.operatorResources && OPERATOR_API_GROUPS.includes(apiGroupOf(apiVersion)) ? entry.operatorResources : entry.phase;
}

/** The phase an object of `dist/` belongs to: its annotation, else {@link DEFAULT_APPLY_PHASE}. */
export function phaseOfObject(o: { metadata?: { annotations?: Record<string, string> } }): ApplyPhaseName {
  const name = o.metadata?.annotations?.[APPLY_PHASE_ANNOTATION];
  return (name === undefined ? DEFAULT_APPLY_PHASE : applyPhase(name).name) as ApplyPhaseName;
}

/** Options of {@link annotateApplyPhases}. */
export interface AnnotateOptions {
  /** Also write the Argo CD sync wave and sync options (`gitops.argoCdSyncWaves`). @default false */
  readonly argoCdSyncWaves?: boolean;
}

/** The ApiObjects of a chart (cdk8s renders exactly these). */
const apiObjectsOf = (chart: Chart): ApiObject[] => chart.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject);

/**
 * Writes {@link APPLY_PHASE_ANNOTATION} (and with `argoCdSyncWaves` the sync wave, plus
 * {@link SKIP_DRY_RUN_ON_MISSING_RESOURCE} on {@link OPERATOR_API_GROUPS} objects) on every
 * object of every chart in `charts`. Call it after the charts are complete.
 */
export function annotateApplyPhases(charts: Partial<Record<ChartId, Chart>>, options: AnnotateOptions = {}): void {
  for (const [id, chart] of Object.entries(charts) as [ChartId, Chart][]) {
    for (const obj of apiObjectsOf(chart)) {
      const phase = applyPhase(phaseOfChartObject(id, obj.apiVersion));
      obj.metadata.addAnnotation(APPLY_PHASE_ANNOTATION, phase.name);
      if (options.argoCdSyncWaves) {
        obj.metadata.addAnnotation(ARGOCD_SYNC_WAVE_ANNOTATION, String(phase.syncWave));
        if (OPERATOR_API_GROUPS.includes(obj.apiGroup)) obj.metadata.addAnnotation(ARGOCD_SYNC_OPTIONS_ANNOTATION, SKIP_DRY_RUN_ON_MISSING_RESOURCE);
      }
    }
  }
}

/** The value of {@link REQUIRED_SECRETS_ANNOTATION} for `secrets` (sorted as given). */
export const requiredSecretsAnnotation = (secrets: readonly SecretKey[]): string =>
  JSON.stringify(secrets.map((s) => ({ namespace: s.namespace, name: s.name, key: s.key })));
