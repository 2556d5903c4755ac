/**
 * The real etcd + kube-apiserver harness of the end-to-end suite (issue 5).
 *
 * `startKube()` builds the pinned binaries when the cache lacks them (test/e2e/kube/build.sh),
 * then starts etcd, kube-apiserver and a kube-controller-manager limited to four controllers
 * (ClusterRole aggregation, ServiceAccounts, namespaces, kube-root-ca.crt) on 127.0.0.1 with random free ports: RBAC authorization,
 * serving and admin (`system:masters`) certificates from a throw-away CA, service-account
 * signing keys and, when given, `--authentication-config` with a structured
 * AuthenticationConfiguration (apiserver.config.k8s.io/v1). It then installs the project's CRDs
 * from `../shared/crds`, waits for them to be Established, and creates the namespaces that
 * OpenShift itself provides and the stack writes into ({@link PLATFORM_NAMESPACES}).
 *
 * Layout under the cache (`KMS_CACHE_DIR`, default `<repo>/.cache`):
 *   kube/bin/                  etcd, kube-apiserver, kube-controller-manager, stamp (pinned versions)
 *   kube/run-<pid>/state.json  {@link KubeState}: addresses, files, pids (pid of the starting process,
 *                              so parallel runs on one machine never touch each other)
 *   kube/run-<pid>/logs/       etcd.log, kube-apiserver.log, kube-controller-manager.log
 *   kube/run-<pid>/pki/        CA, serving, admin and service-account keys
 * `stopKube(runDir)` stops exactly the pids recorded in that run's state.json.
 * No kubelet or scheduler runs: pods are stored and listed, never scheduled.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthenticationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { installCrds, serverSideApply } from './kube/apply.js';
import { makeKubePki } from './kube/pki.js';
import { freePort, StartedProgram, startProgram, stopProgram, waitReady } from './kube/processes.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = resolve(here, '../..');

/** The cache root: `KMS_CACHE_DIR` or `<repo>/.cache`. */
export function cacheDir(): string {
  return process.env.KMS_CACHE_DIR ? resolve(process.env.KMS_CACHE_DIR) : join(repoRoot, '.cache');
}

/** The shared data folder beside the repository: `KMS_SHARED_DIR` or `<repo>/../shared`. */
export function sharedDir(): string {
  return process.env.KMS_SHARED_DIR ? resolve(process.env.KMS_SHARED_DIR) : resolve(repoRoot, '../shared');
}

/** Options of {@link startKube}. */
export interface StartKubeOptions {
  /** AuthenticationConfiguration object (apiserver.config.k8s.io/v1) written to a file and passed
   *  as `--authentication-config`. @default unset (client certificates and service accounts only) */
  readonly authenticationConfiguration?: object;
  /** Which OpenShift `Authentication` CRD variant to install; must match the stack's feature set.
   *  @default "Default" */
  readonly authenticationFeatureSet?: 'Default' | 'TechPreviewNoUpgrade';
  /** Folder of `../shared/crds/opendatahub/<version>` to install. @default "3.5.0" */
  readonly openDataHubCrdVersion?: string;
  /** Start timeout per program, in ms. @default 120000 */
  readonly timeoutMs?: number;
  /** Folder of this run (state, logs, PKI, etcd data). @default `<cache>/kube/run-<pid>` */
  readonly runDir?: string;
  /**
   * Write the apiserver's audit log (`--audit-log-path`, JSON lines, level `Metadata` for every
   * request, stage `RequestReceived` omitted) to `logs/kube-apiserver-audit.log`
   * ({@link KubeState.auditLogFile}): who sent which request and what the apiserver answered,
   * failed authentications included. @default false
   */
  readonly auditLog?: boolean;
}

/** Everything a test needs to reach the harness's apiserver (persisted as kube/run/state.json). */
export interface KubeState {
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  readonly caFile: string;
  readonly adminCertFile: string;
  readonly adminKeyFile: string;
  /** Kubeconfig with the admin client certificate. */
  readonly adminKubeconfig: string;
  /** Kubeconfig with only the server address and CA (no credentials), e.g. for the MCP server. */
  readonly bareKubeconfig: string;
  readonly authenticationConfigFile?: string;
  /** The apiserver's audit log (JSON lines), with {@link StartKubeOptions.auditLog}. */
  readonly auditLogFile?: string;
  readonly etcdUrl: string;
  /** Folder of this run; pass it to {@link stopKube}. */
  readonly runDir: string;
  readonly programs: readonly StartedProgram[];
  readonly logDir: string;
  /** Contents of kube/bin/stamp: the versions that run. */
  readonly versions: string;
  /** Names of the CRDs installed. */
  readonly crds: readonly string[];
}

const stateFileOf = (runDir: string) => join(runDir, 'state.json');
const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

/** Runs build.sh (a no-op when the stamp matches); its phase lines go to this process's output. */
export function buildKubeBinaries(): Promise<string> {
  return new Promise((resolveBuild, reject) => {
    const child = spawn('bash', [join(here, 'kube', 'build.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolveBuild(join(cacheDir(), 'kube', 'bin')) : reject(new Error(`test/e2e/kube/build.sh exited ${code}`))));
  });
}

function httpsOk(url: string, ca: string, cert: string, key: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request(url, { ca, cert, key, timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** The CRD files the stack needs, from `../shared/crds`. */
export function crdFiles(options: StartKubeOptions = {}): string[] {
  const crds = join(sharedDir(), 'crds');
  const featureSet = options.authenticationFeatureSet ?? 'Default';
  const odh = options.openDataHubCrdVersion ?? '3.5.0';
  return [
    'olm/operators.coreos.com_operatorgroups.yaml',
    'olm/operators.coreos.com_subscriptions.yaml',
    `openshift-config/0000_10_config-operator_01_authentications-${featureSet}.crd.yaml`,
    'openshift-config/0000_10_config-operator_01_featuregates.crd.yaml',
    'openshift-config/0000_10_config-operator_01_infrastructures-Default.crd.yaml',
    'openshift-config/0000_10_config-operator_01_ingresses-Default.crd.yaml',
    'openshift-route/routes.crd.yaml',
    'keycloak/keycloaks.k8s.keycloak.org-v1.crd.yml',
    'keycloak/keycloakrealmimports.k8s.keycloak.org-v1.crd.yml',
    `opendatahub/${odh}/datasciencecluster.opendatahub.io_datascienceclusters.yaml`,
    `opendatahub/${odh}/dscinitialization.opendatahub.io_dscinitializations.yaml`,
    'llamastack/llamastack.io_llamastackdistributions.yaml',
  ].map((f) => join(crds, f));
}

function kubeconfigYaml(server: string, caPem: string, user: Record<string, string>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'e2e-user', user }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e-user' } }],
    'current-context': 'e2e',
  });
}

/** Namespaces every OpenShift cluster has and the stack writes into without creating them. */
export const PLATFORM_NAMESPACES = ['openshift-config'] as const;

async function createPlatformNamespaces(kc: KubeConfig): Promise<void> {
  const failed = (
    await serverSideApply(
      kc,
      PLATFORM_NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      'kube-mcp-stack-e2e',
    )
  ).filter((r) => r.error);
  if (failed.length) throw new Error(`platform namespaces: ${failed.map((r) => `${r.ref}: ${r.error}`).join('; ')}`);
}

/**
 * Starts etcd and kube-apiserver and installs the CRDs; stops whatever ran before from this cache.
 * Prints `[e2e] kube start: …` with the time of each step.
 * @throws Error with the tail of the failing program's log when a program does not become ready
 */
export async function startKube(options: StartKubeOptions = {}): Promise<KubeState> {
  const bin = await buildKubeBinaries();
  const t0 = Date.now();
  const dir = options.runDir ?? join(cacheDir(), 'kube', `run-${process.pid}`);
  await stopKube(dir); // only a previous start from this same folder
  await rm(dir, { recursive: true, force: true });
  const logDir = join(dir, 'logs');
  await mkdir(logDir, { recursive: true });
  const pki = await makeKubePki(join(dir, 'pki'));
  const [caPem, adminCert, adminKey] = await Promise.all([pki.caCert, pki.adminCert, pki.adminKey].map((f) => readFile(f, 'utf8')));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const programs: StartedProgram[] = [];
  const writeState = (state: Partial<KubeState>) => writeFile(stateFileOf(dir), JSON.stringify({ ...state, runDir: dir, programs }, null, 2));

  try {
    const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = startProgram(
      'etcd',
      join(bin, 'etcd'),
      [
        '--name=e2e',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=e2e=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(logDir, 'etcd.log'),
    );
    programs.push(etcd);
    await writeState({ logDir });
    await waitReady(
      etcd,
      async () => {
        const r = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2000) });
        return r.ok && ((await r.json()) as { health?: string }).health === 'true';
      },
      timeoutMs,
    );
    const tEtcd = Date.now();

    let authenticationConfigFile: string | undefined;
    if (options.authenticationConfiguration) {
      authenticationConfigFile = join(dir, 'authentication-config.yaml');
      await writeFile(authenticationConfigFile, stringify(options.authenticationConfiguration));
    }
    let auditLogFile: string | undefined;
    if (options.auditLog) {
      auditLogFile = join(logDir, 'kube-apiserver-audit.log');
      const policy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] };
      await writeFile(join(dir, 'audit-policy.yaml'), stringify(policy));
    }
    const auditArgs = auditLogFile
      ? [`--audit-policy-file=${join(dir, 'audit-policy.yaml')}`, `--audit-log-path=${auditLogFile}`, '--audit-log-format=json', '--audit-log-mode=blocking']
      : [];
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = startProgram(
      'kube-apiserver',
      join(bin, 'kube-apiserver'),
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'pki')}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--client-ca-file=${pki.caCert}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        ...(authenticationConfigFile ? [`--authentication-config=${authenticationConfigFile}`] : []),
        ...auditArgs,
        '--v=2',
      ],
      join(logDir, 'kube-apiserver.log'),
    );
    programs.push(apiserver);
    await writeState({ logDir });
    await waitReady(apiserver, () => httpsOk(`${server}/readyz`, caPem, adminCert, adminKey), timeoutMs);
    const tApi = Date.now();

    const adminKubeconfig = join(dir, 'admin.kubeconfig');
    const bareKubeconfig = join(dir, 'bare.kubeconfig');
    await writeFile(
      adminKubeconfig,
      kubeconfigYaml(server, caPem, {
        'client-certificate-data': Buffer.from(adminCert).toString('base64'),
        'client-key-data': Buffer.from(adminKey).toString('base64'),
      }),
      { mode: 0o600 },
    );
    await writeFile(bareKubeconfig, kubeconfigYaml(server, caPem, {}));

    const kc = new KubeConfig();
    kc.loadFromFile(adminKubeconfig);
    // Only the controllers an apiserver without nodes still needs: the built-in aggregated roles
    // (`edit`, `view`, `admin` have no rules until aggregated), default ServiceAccounts (pods need
    // one), and namespace deletion.
    const kcm = startProgram(
      'kube-controller-manager',
      join(bin, 'kube-controller-manager'),
      [
        `--kubeconfig=${adminKubeconfig}`,
        // root-ca-cert-publisher: the kube-root-ca.crt ConfigMap of every namespace (pods project its ca.crt).
        '--controllers=clusterrole-aggregation-controller,serviceaccount-controller,namespace-controller,root-ca-cert-publisher',
        `--root-ca-file=${pki.caCert}`,
        '--leader-elect=false',
        '--secure-port=0',
        '--use-service-account-credentials=false',
        '--v=1',
      ],
      join(logDir, 'kube-controller-manager.log'),
    );
    programs.push(kcm);
    await writeState({ logDir });
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    await waitReady(
      kcm,
      async () => {
        const edit = await rbac.readClusterRole({ name: 'edit' });
        await core.readNamespacedServiceAccount({ namespace: 'default', name: 'default' });
        return (edit.rules?.length ?? 0) > 0;
      },
      timeoutMs,
    );
    const tKcm = Date.now();
    const crds = await installCrds(kc, crdFiles(options));
    await createPlatformNamespaces(kc);
    const state: KubeState = {
      server,
      caFile: pki.caCert,
      adminCertFile: pki.adminCert,
      adminKeyFile: pki.adminKey,
      adminKubeconfig,
      bareKubeconfig,
      authenticationConfigFile,
      auditLogFile,
      etcdUrl,
      runDir: dir,
      programs,
      logDir,
      versions: (await readFile(join(bin, 'stamp'), 'utf8')).trim(),
      crds,
    };
    await writeFile(stateFileOf(dir), JSON.stringify(state, null, 2));
    const span = (a: number, b: number) => `${((b - a) / 1000).toFixed(1)}s`;
    console.log(
      `[e2e] kube start: ${seconds(t0)} (etcd ${span(t0, tEtcd)}, kube-apiserver ${span(tEtcd, tApi)}, ` +
        `kube-controller-manager ${span(tApi, tKcm)}, ${crds.length} CRDs ${seconds(tKcm)}) at ${server}; logs in ${logDir}`,
    );
    return state;
  } catch (err) {
    for (const p of programs.reverse()) await stopProgram(p);
    throw err;
  }
}

/**
 * Stops the etcd, kube-apiserver and kube-controller-manager pids recorded in `runDir`'s
 * state.json (no-op when there is none) and removes the run's etcd data; logs stay.
 */
export async function stopKube(runDir: string): Promise<void> {
  const file = stateFileOf(runDir);
  if (!existsSync(file)) return;
  const state = JSON.parse(await readFile(file, 'utf8')) as Partial<KubeState>;
  for (const p of [...(state.programs ?? [])].reverse()) await stopProgram(p);
  await rm(join(runDir, 'etcd'), { recursive: true, force: true });
}

/** A KubeConfig that acts as the harness admin (client certificate, group system:masters). */
export function adminKubeConfig(state: KubeState): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(state.adminKubeconfig);
  return kc;
}

/**
 * Waits until the apiserver's JWT authenticator accepts `token` (a SelfSubjectReview answers
 * 200). The authenticator fetches the issuer's discovery document and JWKS on its own schedule
 * after start-up (and retries while the realm does not exist yet): until then a valid token
 * gets 401. Requests made here are the caller's, as `token`'s user.
 * @param timeoutMs default 2 minutes.
 * @throws on any other status, or when the deadline passes.
 */
export async function waitForJwtAuthenticator(state: KubeState, token: string, timeoutMs = 120_000): Promise<void> {
  const api = tokenKubeConfig(state, token).makeApiClient(AuthenticationV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let code = 200;
    try {
      await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    } catch (e) {
      const c = (e as { code?: number }).code;
      if (typeof c !== 'number') throw e;
      code = c;
    }
    if (code === 200) return;
    if (code !== 401 || Date.now() > deadline) throw new Error(`the apiserver's JWT authenticator: SelfSubjectReview answered HTTP ${code}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A KubeConfig that sends `token` as bearer token (e.g. a Keycloak-issued access token). */
export function tokenKubeConfig(state: KubeState, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(state.bareKubeconfig);
  kc.loadFromOptions({
    clusters: kc.getClusters(),
    users: [{ name: 'token-user', token }],
    contexts: [{ name: 'e2e', cluster: 'e2e', user: 'token-user' }],
    currentContext: 'e2e',
  });
  return kc;
}
