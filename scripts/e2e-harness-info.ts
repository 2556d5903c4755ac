/**
 * Pure helpers of `npm run e2e:up` (scripts/e2e-up.ts), kept apart so unit tests pin them:
 * - {@link conflictingHarness}: refuse to start a second harness over a live one recorded in
 *   the same state file (a second start would overwrite the pids and orphan the first);
 * - {@link harnessSummary}: the one block printed at the end, telling the operator where
 *   everything is. It never contains the Keycloak admin password (it names the state file).
 *
 * Jest runs are not concerned: their global setup writes a per-run state file
 * (`e2e-state-<pid>.json`, test/e2e/global-setup.ts) and never calls these.
 */
import { readFileSync } from 'node:fs';
import type { KeycloakInstance } from '../test/e2e/keycloak-harness.js';
import type { KubeState } from '../test/e2e/kube-harness.js';
import { isRunning } from '../test/e2e/kube/processes.js';

/** True while `pid` exists and is not a zombie (Linux /proc). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** How liveness is probed (injectable for tests). */
export interface LivenessProbe {
  /** Keycloak (started through its launcher script): is the process-group leader alive? */
  keycloak(pid: number): boolean;
  /** etcd / kube-apiserver / controller manager: alive and still the same executable? */
  program(p: { pid: number; executable: string }): boolean;
}

const defaultProbe: LivenessProbe = { keycloak: pidAlive, program: isRunning };

/** The parts of the e2e state file this guard reads. */
export interface HarnessStateView {
  keycloak?: Pick<KeycloakInstance, 'pid'>;
  kube?: { programs?: readonly { name: string; pid: number; executable: string }[] };
}

/**
 * The error message when starting would replace a live component recorded in the state file,
 * else `undefined`. A component is kept (not a conflict) when its reuse switch is on:
 * `KMS_E2E_REUSE_KEYCLOAK=1` for Keycloak, `KMS_E2E_REUSE_KUBE=1` for the kube programs.
 * Dead pids (a crashed or rebooted harness) are no conflict: the start overwrites them.
 */
export function conflictingHarness(
  state: HarnessStateView,
  env: NodeJS.ProcessEnv,
  statePath: string,
  probe: LivenessProbe = defaultProbe,
): string | undefined {
  const live: string[] = [];
  if (state.keycloak && env.KMS_E2E_REUSE_KEYCLOAK !== '1' && probe.keycloak(state.keycloak.pid)) {
    live.push(`keycloak ${state.keycloak.pid}`);
  }
  if (env.KMS_E2E_REUSE_KUBE !== '1') {
    for (const p of state.kube?.programs ?? []) if (probe.program(p)) live.push(`${p.name} ${p.pid}`);
  }
  if (!live.length) return undefined;
  return (
    `a harness is already running (pids ${live.join(', ')}; recorded in ${statePath}); ` +
    'npm run e2e:down first, or reuse it with KMS_E2E_REUSE_KEYCLOAK=1 KMS_E2E_REUSE_KUBE=1'
  );
}

/** What the summary needs besides the Keycloak and kube state entries. */
export interface SummaryExtras {
  /** The realm issuer the apiserver's `--authentication-config` trusts. */
  issuer: string;
  statePath: string;
  elapsedSeconds: number;
}

/** The end-of-`e2e:up` block: URLs, files, logs and how to stop. Never prints a secret. */
export function harnessSummary(
  kc: Pick<KeycloakInstance, 'baseUrl' | 'caFile' | 'adminUsername' | 'logFile' | 'pid' | 'version'>,
  kube: Pick<KubeState, 'server' | 'versions' | 'adminKubeconfig' | 'bareKubeconfig' | 'logDir' | 'programs'>,
  x: SummaryExtras,
): string {
  const pids = [`keycloak ${kc.pid}`, ...kube.programs.map((p) => `${p.name} ${p.pid}`)].join(', ');
  return [
    `[e2e] up in ${x.elapsedSeconds.toFixed(1)}s`,
    `  Keycloak          ${kc.baseUrl}   (${kc.version}; admin console ${kc.baseUrl}/admin/)`,
    `  realm issuer      ${x.issuer}   (trusted by the apiserver)`,
    `  Keycloak CA       ${kc.caFile}`,
    `  Keycloak admin    ${kc.adminUsername} (password: keycloak.adminPassword in ${x.statePath})`,
    `  kube-apiserver    ${kube.server}   (${kube.versions})`,
    `  admin kubeconfig  ${kube.adminKubeconfig}`,
    `  bare kubeconfig   ${kube.bareKubeconfig}   (address + CA only, no credentials)`,
    `  state file        ${x.statePath}`,
    `  logs              Keycloak ${kc.logFile}; kube ${kube.logDir}/`,
    `  pids              ${pids}`,
    '  tests against it  KMS_E2E_REUSE_KEYCLOAK=1 KMS_E2E_REUSE_KUBE=1 npm run test:e2e',
    '  stop with         npm run e2e:down',
  ].join('\n');
}
