/**
 * `kube-mcp-stack doctor`: a preflight of the stack config against a live cluster (the user's
 * kubeconfig, @kubernetes/client-node), one line per check — `OK`, `WARN` or `FAIL`, what was
 * found and, unless OK, the fix. Exit codes: 0 no FAIL (WARNs allowed), 1 any FAIL or an error.
 * Reads only (never writes to the cluster) and never prints a secret value.
 *
 * The checks and where each fact comes from:
 * - `cluster` (only when it fails): API discovery (`GET /api`) answers — a connection/TLS failure
 *   or HTTP 401/403 is this one FAIL line, and the cluster checks below are skipped
 *   (cli/kubeconfig.ts, also the kubeconfig loading shared with `apply`);
 * - `openshift version`: ClusterVersion `version` (config.openshift.io/v1) `status.desired.version`
 *   vs `openshift.version`;
 * - `feature set`: FeatureGate `cluster` `spec.featureSet` vs what dist/ does (FeatureGate
 *   TechPreviewNoUpgrade on 4.19 with external OIDC, nothing otherwise; `model.clusterAuth.featureGate`);
 * - `issuer CA`: does the CA the `Authentication` will use (`clusterAuth.issuerCaPem`, else the
 *   default ingress CA, ConfigMap `openshift-config-managed/default-ingress-cert` key
 *   `ca-bundle.crt`) validate the certificate the issuer host serves (a TLS handshake with only
 *   that CA, host name checked);
 * - `namespaces`: every namespace the stack writes into or binds a group in, and which dist/ file
 *   creates each missing one (charts/namespaces.ts);
 * - `secrets`: every Secret key the stack references but does not create (charts/required-secrets.ts);
 * - `operator catalog <package>`: OLM's PackageManifest (packages.operators.coreos.com/v1, served by
 *   the packageserver) of each Subscription in its CatalogSource: the package and the channel exist;
 * - `keycloak`: the issuer's discovery document answers, names the issuer, and its JWKS has keys;
 * - `mcp server image`: the image reference parses (distribution reference grammar,
 *   @swimlane/docker-reference) — syntax only, nothing is pulled;
 * - `authentication`: the existing `Authentication` `cluster` `spec.type` (and OIDC issuer).
 */
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parseQualifiedName } from '@swimlane/docker-reference';
import { Command } from 'commander';
import { Agent, fetch as undiciFetch } from 'undici';
import { DEFAULT_INGRESS_CA } from '../charts/apply-phases.js';
import { imageString } from '../charts/container-defaults.js';
import type { StackModel } from '../charts/model.js';
import { namespaceManifestFiles } from '../charts/namespaces.js';
import { requiredSecrets } from '../charts/required-secrets.js';
import { ensureSecrets, KubernetesSecretSource, type SecretSource } from '../secrets/store.js';
import { CONFIG_OPTION, ConfigLoadError, loadStackModel } from './config-load.js';
import { checkReachable, ClusterUnreachableError, loadKubeConfig, UNREACHABLE_FIX } from './kubeconfig.js';

/** Outcome of one check. */
export type CheckStatus = 'OK' | 'WARN' | 'FAIL';

/** One line of the report. */
export interface CheckResult {
  /** Short name, e.g. `openshift version`, `operator catalog rhbk-operator`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** What to do (WARN and FAIL). */
  readonly fix?: string;
}

/** `FAIL openshift version: … — fix: …` */
export function formatCheck(r: CheckResult): string {
  return `${r.status.padEnd(4)} ${r.check}: ${r.detail}${r.fix && r.status !== 'OK' ? ` — fix: ${r.fix}` : ''}`;
}

/** OLM's package API, served by the packageserver (an aggregated API, not a CRD). */
export const PACKAGE_MANIFEST_API = { apiVersion: 'packages.operators.coreos.com/v1', kind: 'PackageManifest' } as const;

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  readonly model: StackModel;
  /** The cluster to check. */
  readonly kubeConfig: KubeConfig;
  /** Where Secrets are looked up. @default the cluster of `kubeConfig` */
  readonly secretSource?: SecretSource;
  /** Per network step (TLS handshake, HTTP request), ms. @default 10000 */
  readonly timeoutMs?: number;
}

/** Object reads through discovery: tells "the API is not served" from "the object is not there". */
class ClusterReader extends KubernetesObjectApi {
  /** Whether the cluster serves `kind` in `apiVersion` (API discovery). */
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    try {
      return (await this.resource(apiVersion, kind)) !== undefined;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return false;
      throw e;
    }
  }
  /** The object, `undefined` when absent, `'no-api'` when the kind is not served. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubernetesObject | undefined | 'no-api'> {
    if (!(await this.serves(apiVersion, kind))) return 'no-api';
    try {
      return await this.read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  }
}

/** The fields doctor reads of ClusterVersion, FeatureGate, Authentication and PackageManifest. */
type Obj = KubernetesObject & {
  spec?: { featureSet?: string; type?: string; oidcProviders?: { issuer?: { issuerURL?: string } }[] };
  status?: {
    desired?: { version?: string };
    packageName?: string;
    catalogSource?: string;
    catalogSourceNamespace?: string;
    defaultChannel?: string;
    channels?: { name: string; currentCSV?: string; entries?: { name: string }[] }[];
  };
};

const ok = (check: string, detail: string): CheckResult => ({ check, status: 'OK', detail });
const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'WARN', detail, fix });
const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'FAIL', detail, fix });
const notOpenShift = (check: string, api: string): CheckResult =>
  fail(check, `the cluster does not serve ${api}`, 'run doctor against an OpenShift cluster (check --kubeconfig/--context)');

/** `4.19` from `4.19.3` (or undefined). */
const minorOf = (version: string | undefined) => /^(\d+\.\d+)(\.|$)/.exec(version ?? '')?.[1];

async function checkVersion(model: StackModel, r: ClusterReader): Promise<{ result: CheckResult; clusterMinor?: string }> {
  const name = 'openshift version';
  const cv = (await r.get('config.openshift.io/v1', 'ClusterVersion', 'version')) as Obj | undefined | 'no-api';
  if (cv === 'no-api') return { result: notOpenShift(name, 'config.openshift.io/v1 ClusterVersion') };
  if (!cv) return { result: fail(name, 'no ClusterVersion "version"', 'run doctor against an OpenShift cluster (every one has ClusterVersion "version")') };
  const desired = cv.status?.desired?.version;
  const minor = minorOf(desired);
  if (!minor) return { result: warn(name, `ClusterVersion "version" has no status.desired.version yet`, 'wait for the cluster-version operator, then rerun') };
  const want = model.openshift.version;
  if (minor !== want)
    return { result: fail(name, `the cluster runs ${desired}, openshift.version is "${want}"`, `set openshift.version: "${minor}"`), clusterMinor: minor };
  return { result: ok(name, `the cluster runs ${desired}, as openshift.version "${want}" says`), clusterMinor: minor };
}

async function checkFeatureSet(model: StackModel, r: ClusterReader, clusterMinor: string | undefined): Promise<CheckResult> {
  const name = 'feature set';
  const fg = (await r.get('config.openshift.io/v1', 'FeatureGate', 'cluster')) as Obj | undefined | 'no-api';
  if (fg === 'no-api') return notOpenShift(name, 'config.openshift.io/v1 FeatureGate');
  if (!fg) return fail(name, 'no FeatureGate "cluster"', 'run doctor against an OpenShift cluster (every one has FeatureGate "cluster")');
  const set = fg.spec?.featureSet || 'Default';
  const tp = 'TechPreviewNoUpgrade';
  if (!model.clusterAuth.externalOidc) return ok(name, `featureSet ${set}; external OIDC is off, so dist/ writes no FeatureGate`);
  if (model.clusterAuth.featureGate) {
    if (set === tp) return ok(name, `featureSet ${tp}, as dist/ sets it for external OIDC on 4.19`);
    if (set === 'Default')
      return warn(
        name,
        `featureSet Default; dist/ (feature-gate) sets ${tp}, which is irreversible and blocks upgrades (acknowledged in clusterAuth.acknowledgeTechPreviewNoUpgrade)`,
        'nothing if intended; it takes a kube-apiserver rollout after the apply',
      );
    return fail(
      name,
      `featureSet ${set}; dist/ (feature-gate) would replace it with ${tp}`,
      `remove dist/'s feature-gate file and enable ExternalOIDC in your ${set} FeatureGate yourself, or clusterAuth.externalOidc: false`,
    );
  }
  // No FeatureGate in dist/ (4.20 and later): the cluster must be past 4.19 or already on TechPreviewNoUpgrade.
  if (clusterMinor === '4.19' && set !== tp)
    return fail(
      name,
      `featureSet ${set} on a 4.19 cluster, where external OIDC needs ${tp}, and dist/ writes no FeatureGate (openshift.version "${model.openshift.version}")`,
      'set openshift.version: "4.19" and clusterAuth.acknowledgeTechPreviewNoUpgrade: true',
    );
  return ok(name, `featureSet ${set}; external OIDC needs no FeatureGate on ${model.openshift.version}, and dist/ writes none`);
}

/** The issuer's host and port. */
function issuerEndpoint(model: StackModel): { host: string; port: number } {
  const u = new URL(model.oidc.issuer);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443) };
}

/** TLS handshake with only `ca` trusted; the verification error code, or undefined when the certificate validates (chain and host name). */
function tlsVerify(host: string, port: number, ca: string, timeoutMs: number): Promise<{ authorized: true } | { authorized: false; reason: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: { authorized: true } | { authorized: false; reason: string }, s?: Socket) => {
      if (settled) return;
      settled = true;
      s?.destroy();
      resolve(v);
    };
    const socket = tlsConnect({ host, port, ca, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) }, () => {
      if (socket.authorized) done({ authorized: true }, socket);
      else done({ authorized: false, reason: String(socket.authorizationError) }, socket);
    });
    socket.setTimeout(timeoutMs, () => done({ authorized: false, reason: `no TLS handshake within ${timeoutMs} ms` }, socket));
    socket.on('error', (e: NodeJS.ErrnoException) => done({ authorized: false, reason: `cannot connect (${e.code ?? e.message})` }, socket));
  });
}

/** The CA the `Authentication` will use, and where it came from; a FAIL result when it cannot be read. */
async function issuerCa(model: StackModel, core: CoreV1Api): Promise<{ pem: string; source: string } | CheckResult> {
  if (model.issuerCa.pem) return { pem: model.issuerCa.pem, source: 'clusterAuth.issuerCaPem' };
  const ref = DEFAULT_INGRESS_CA;
  const where = `ConfigMap ${ref.namespace}/${ref.name}`;
  try {
    const cm = await core.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name });
    const pem = cm.data?.[ref.key];
    if (!pem?.includes('-----BEGIN CERTIFICATE-----')) {
      return fail('issuer CA', `${where} has no certificate under ${ref.key}`, `set clusterAuth.issuerCaPem to the CA that signed Keycloak's certificate`);
    }
    return { pem, source: `the default ingress CA (${where} ${ref.key})` };
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
    return fail('issuer CA', `no ${where} (the default ingress CA)`, `set clusterAuth.issuerCaPem to the CA that signed Keycloak's certificate`);
  }
}

async function checkIssuerCa(model: StackModel, ca: { pem: string; source: string } | CheckResult, timeoutMs: number): Promise<CheckResult> {
  const name = 'issuer CA';
  if ('status' in ca) return ca;
  const { host, port } = issuerEndpoint(model);
  const v = await tlsVerify(host, port, ca.pem, timeoutMs);
  if (v.authorized) return ok(name, `${ca.source} validates the certificate of ${host}:${port}`);
  if (v.reason.startsWith('cannot connect') || v.reason.startsWith('no TLS handshake')) {
    return fail(
      name,
      `cannot check ${ca.source} against ${host}:${port}: ${v.reason}`,
      'apply dist/ up to Keycloak and wait until its Route answers, then rerun',
    );
  }
  const fix = model.issuerCa.pem
    ? "set clusterAuth.issuerCaPem to the CA (bundle) that signed Keycloak's certificate"
    : "set clusterAuth.issuerCaPem to the CA (bundle) that signed Keycloak's certificate (the Route's certificate is not signed by the default ingress CA)";
  return fail(name, `${ca.source} does not validate the certificate of ${host}:${port} (${v.reason})`, fix);
}

async function checkKeycloak(model: StackModel, ca: { pem: string; source: string } | CheckResult, timeoutMs: number): Promise<CheckResult> {
  const name = 'keycloak';
  const url = model.oidc.discoveryUrl;
  const dispatcher = new Agent({ connect: 'status' in ca ? {} : { ca: ca.pem } });
  const fix = 'apply dist/ up to the realm and wait for Keycloak Ready and the realm import Done, then rerun';
  try {
    const res = await undiciFetch(url, { dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) return fail(name, `GET ${url}: HTTP ${res.status}`, fix);
    const doc = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (doc.issuer !== model.oidc.issuer)
      return fail(
        name,
        `the discovery document names issuer ${doc.issuer}, not ${model.oidc.issuer}`,
        `check hosts.keycloak and the Keycloak hostname (they must give ${model.oidc.issuer})`,
      );
    if (!doc.jwks_uri) return fail(name, `the discovery document at ${url} has no jwks_uri`, fix);
    const jwks = await undiciFetch(doc.jwks_uri, { dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    const keys = jwks.status === 200 ? (((await jwks.json()) as { keys?: unknown[] }).keys ?? []) : [];
    if (!keys.length) return fail(name, `JWKS ${doc.jwks_uri}: ${jwks.status === 200 ? 'no keys' : `HTTP ${jwks.status}`}`, fix);
    return ok(name, `issuer ${model.oidc.issuer} answers (discovery and JWKS with ${keys.length} key(s))`);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return fail(name, `GET ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, fix);
  } finally {
    await dispatcher.close();
  }
}

/** Every namespace the stack writes into or binds a group in (including `openshift-config`). */
export function wantedNamespaces(model: StackModel): string[] {
  const ns = new Set<string>(['openshift-config', ...model.issuerCa.namespaces, model.keycloak.namespace, model.mcpServer.namespace]);
  for (const r of requiredSecrets(model)) ns.add(r.namespace);
  for (const b of model.clusterAuth.groupBindings) for (const n of b.namespaces ?? []) ns.add(n);
  return [...ns];
}

async function checkNamespaces(model: StackModel, core: CoreV1Api): Promise<CheckResult> {
  const name = 'namespaces';
  const wanted = wantedNamespaces(model);
  const missing: string[] = [];
  for (const n of wanted) {
    try {
      await core.readNamespace({ name: n });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
      missing.push(n);
    }
  }
  if (!missing.length) return ok(name, `all ${wanted.length} exist (${wanted.join(', ')})`);
  const files = namespaceManifestFiles(model);
  const byDist = missing.filter((n) => files.has(n));
  const nobody = missing.filter((n) => !files.has(n));
  const list = missing.map((n) => (files.has(n) ? `${n} (dist/${files.get(n)} creates it)` : `${n} (nothing in dist/ creates it)`)).join(', ');
  if (nobody.length)
    return fail(
      name,
      `${missing.length} of ${wanted.length} missing: ${list}`,
      `create ${nobody.join(', ')} (e.g. oc create namespace ${nobody[0]}), or remove it from clusterAuth.groupBindings`,
    );
  return warn(
    name,
    `${byDist.length} of ${wanted.length} missing, each created by dist/: ${list}`,
    'kube-mcp-stack secrets ensure --create-namespaces creates them early; or apply dist/ in order',
  );
}

async function checkSecrets(model: StackModel, source: SecretSource): Promise<CheckResult> {
  const name = 'secrets';
  const required = requiredSecrets(model);
  const outcomes = await ensureSecrets(source, required, { generate: false });
  const missing = outcomes.filter((o) => o.status === 'missing');
  if (!missing.length) return ok(name, `all ${outcomes.length} referenced Secret keys exist`);
  const externalIds = new Set(required.filter((r) => r.format === 'external-token').map((r) => `${r.namespace}/${r.name}/${r.key}`));
  const external = missing.filter((o) => externalIds.has(`${o.ref.namespace}/${o.ref.name}/${o.ref.key}`));
  const list = missing.map((o) => `${o.ref.namespace}/${o.ref.name}[${o.ref.key}]`).join(', ');
  const fix = [
    ...(missing.length > external.length ? ['kube-mcp-stack secrets ensure --create-namespaces'] : []),
    ...(external.length
      ? [`create ${external.map((o) => `${o.ref.namespace}/${o.ref.name}[${o.ref.key}]`).join(', ')} yourself (${external[0]!.purpose})`]
      : []),
  ].join('; ');
  return fail(name, `${missing.length} of ${outcomes.length} referenced keys missing: ${list}`, fix);
}

/** The Subscriptions dist/ writes, by config field. */
function subscriptions(model: StackModel) {
  const cfg = model.config;
  return [
    { field: 'keycloakOperator', sub: cfg.keycloakOperator },
    ...(cfg.openshiftAi.enabled ? [{ field: 'openshiftAi.operator', sub: cfg.openshiftAi.operator }] : []),
  ];
}

async function checkCatalog(model: StackModel, r: ClusterReader): Promise<CheckResult[]> {
  const subs = subscriptions(model);
  const api = `${PACKAGE_MANIFEST_API.apiVersion} ${PACKAGE_MANIFEST_API.kind}`;
  if (!(await r.serves(PACKAGE_MANIFEST_API.apiVersion, PACKAGE_MANIFEST_API.kind))) {
    return subs.map(({ sub }) =>
      fail(
        `operator catalog ${sub.name}`,
        `the cluster does not serve ${api} (OLM's packageserver), so no Subscription can resolve`,
        'check OLM: oc get apiservice v1.packages.operators.coreos.com and the packageserver in openshift-operator-lifecycle-manager',
      ),
    );
  }
  const out: CheckResult[] = [];
  for (const { field, sub } of subs) {
    const name = `operator catalog ${sub.name}`;
    const list = await r.list(
      PACKAGE_MANIFEST_API.apiVersion,
      PACKAGE_MANIFEST_API.kind,
      sub.sourceNamespace,
      undefined,
      undefined,
      undefined,
      undefined,
      `catalog=${sub.source}`,
    );
    const pm = (list.items as Obj[]).find(
      (p) =>
        (p.status?.packageName ?? p.metadata?.name) === sub.name &&
        p.status?.catalogSource === sub.source &&
        (p.status?.catalogSourceNamespace ?? sub.sourceNamespace) === sub.sourceNamespace,
    );
    if (!pm) {
      out.push(
        fail(
          name,
          `no package ${sub.name} in CatalogSource ${sub.sourceNamespace}/${sub.source}`,
          `check ${field}.name, ${field}.source and ${field}.sourceNamespace (oc get packagemanifests -n ${sub.sourceNamespace})`,
        ),
      );
      continue;
    }
    const channels = pm.status?.channels ?? [];
    const channel = channels.find((c) => c.name === sub.channel);
    if (!channel) {
      out.push(
        fail(
          name,
          `channel ${sub.channel} is not in package ${sub.name} of ${sub.source} (channels: ${channels.map((c) => c.name).join(', ') || 'none'}; default ${pm.status?.defaultChannel ?? 'none'})`,
          `set ${field}.channel to one of them`,
        ),
      );
      continue;
    }
    if (sub.startingCSV && channel.entries && !channel.entries.some((e) => e.name === sub.startingCSV)) {
      out.push(
        fail(
          name,
          `startingCSV ${sub.startingCSV} is not in channel ${sub.channel} (head ${channel.currentCSV})`,
          `set ${field}.startingCSV to a version of the channel, or remove it`,
        ),
      );
      continue;
    }
    out.push(ok(name, `channel ${sub.channel} available in ${sub.sourceNamespace}/${sub.source} (head ${channel.currentCSV ?? 'unknown'})`));
  }
  return out;
}

/** The MCP server image reference as the Deployment gets it, checked against the distribution reference grammar. */
export function checkImage(model: StackModel): CheckResult {
  const name = 'mcp server image';
  let ref: string;
  try {
    ref = imageString(model.config.mcpServer.image, 'mcpServer.image');
  } catch (e) {
    return fail(name, (e as Error).message, 'set mcpServer.image { repository, tag } to a pinned image');
  }
  try {
    parseQualifiedName(ref);
    // As container runtimes read it: a first component with "." or ":" (or `localhost`) is the registry host.
    const first = ref.split('/')[0]!;
    if (!ref.includes('/') || !(/[.:]/.test(first) || first === 'localhost'))
      return warn(
        name,
        `${ref} has no registry host, so the node's default registry decides where it is pulled from`,
        'name the registry, e.g. quay.io/<org>/<repo>',
      );
    return ok(name, `${ref} is a valid image reference (syntax only; not pulled)`);
  } catch (e) {
    return fail(
      name,
      `${ref} is not a valid image reference: ${(e as Error).message}`,
      'fix mcpServer.image.repository/tag (lower-case registry/path, tag [A-Za-z0-9_.-] up to 128, or sha256:<64 hex>)',
    );
  }
}

async function checkAuthentication(model: StackModel, r: ClusterReader): Promise<CheckResult> {
  const name = 'authentication';
  const auth = (await r.get('config.openshift.io/v1', 'Authentication', 'cluster')) as Obj | undefined | 'no-api';
  if (auth === 'no-api') return notOpenShift(name, 'config.openshift.io/v1 Authentication');
  if (!auth) return fail(name, 'no Authentication "cluster"', 'run doctor against an OpenShift cluster (every one has Authentication "cluster")');
  const type = auth.spec?.type || 'IntegratedOAuth';
  if (!model.clusterAuth.externalOidc) return ok(name, `type ${type}; external OIDC is off, so dist/ leaves it alone`);
  const issuers = (auth.spec?.oidcProviders ?? []).map((p) => p.issuer?.issuerURL);
  if (type === 'IntegratedOAuth') return ok(name, 'type IntegratedOAuth; dist/ (cluster-authentication, applied last) switches it to OIDC');
  if (type === 'OIDC') {
    if (issuers.includes(model.oidc.issuer)) return ok(name, `type OIDC with issuer ${model.oidc.issuer} already (the switch was applied)`);
    return fail(
      name,
      `type OIDC with issuer(s) ${issuers.join(', ') || 'none'}; dist/ would replace that provider with ${model.oidc.issuer}, and its users lose access`,
      'make sure that is intended (the Authentication takes one OIDC provider), or set clusterAuth.externalOidc: false',
    );
  }
  return warn(name, `type ${type}; dist/ (cluster-authentication, applied last) switches it to OIDC`, 'nothing if intended');
}

/**
 * Runs every check; never throws for a failed precondition (that is a FAIL line).
 * @returns one result per check, in the order of the module doc (one per Subscription for the catalog);
 *   when API discovery does not answer (connection/TLS failure, HTTP 401/403, nothing within
 *   `timeoutMs`) one FAIL `cluster` line naming the server and the cause, then only the checks
 *   that need no cluster (the image)
 * @throws an API error other than "not served"/"not found" (e.g. 403 Forbidden for a kubeconfig
 *   that may not read these objects), with the API's message
 */
export async function runDoctor(opts: DoctorOptions): Promise<CheckResult[]> {
  const { model, kubeConfig } = opts;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    await checkReachable(kubeConfig, timeoutMs);
  } catch (e) {
    if (!(e instanceof ClusterUnreachableError)) throw e;
    return [fail('cluster', `cannot reach ${e.server}: ${e.reason}; the cluster checks were skipped`, UNREACHABLE_FIX), checkImage(model)];
  }
  const reader = kubeConfig.makeApiClient(ClusterReader);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const version = await checkVersion(model, reader);
  const ca = await issuerCa(model, core);
  return [
    version.result,
    await checkFeatureSet(model, reader, version.clusterMinor),
    await checkIssuerCa(model, ca, timeoutMs),
    await checkNamespaces(model, core),
    await checkSecrets(model, opts.secretSource ?? new KubernetesSecretSource(kubeConfig)),
    ...(await checkCatalog(model, reader)),
    await checkKeycloak(model, ca, timeoutMs),
    checkImage(model),
    await checkAuthentication(model, reader),
  ];
}

interface DoctorFlags {
  config?: string;
  kubeconfig?: string;
  context?: string;
}

/** The `doctor` command; `setExit` receives the exit code. */
export function doctorCommand(setExit: (code: number) => void): Command {
  return new Command('doctor')
    .description('preflight: check the cluster against the stack config, one OK/WARN/FAIL line per check with the fix; exit 1 on any FAIL')
    .option(CONFIG_OPTION.flags, CONFIG_OPTION.description)
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .action(async (flags: DoctorFlags) => {
      try {
        const model = await loadStackModel(flags.config);
        const results = await runDoctor({ model, kubeConfig: loadKubeConfig(flags) });
        for (const r of results) process.stdout.write(`${formatCheck(r)}\n`);
        const failed = results.filter((r) => r.status === 'FAIL').length;
        const warned = results.filter((r) => r.status === 'WARN').length;
        process.stdout.write(`${results.length} checks: ${results.length - failed - warned} OK, ${warned} WARN, ${failed} FAIL\n`);
        setExit(failed ? 1 : 0);
      } catch (e) {
        const msg = e instanceof ConfigLoadError ? e.message : (e as Error).message.split('\n')[0];
        process.stderr.write(`kube-mcp-stack doctor: ${msg}\n`);
        setExit(1);
      }
    });
}
