/**
 * Where the target cluster is and how to trust it, kept apart from who calls it.
 *
 * `loadClusterTarget` reads the API server address and CA from the pod's service-account
 * mount (in-cluster) or from a kubeconfig context, WITHOUT any credentials. `kubeConfigForToken`
 * then builds a client configuration from that target plus one bearer token (the exchanged
 * token of the calling user), so the pod's own service-account token is never used for a tool
 * call when OAuth is on. `kubeConfigFromFile` is for `require_oauth = false`: the kubeconfig's
 * own user acts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, KubeConfig as FullKubeConfig } from '@kubernetes/client-node';
import { clientNode, TokenKubeConfig, type KubeConfig } from './kube-config.js';
import { bindTransport, transportFor } from './transport.js';

/** Default mount of the pod's service-account files (Kubernetes `automountServiceAccountToken`). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A cluster to call: address and trust only, never credentials. */
export interface ClusterTarget {
  /** Name used for the cluster/context entries of the generated KubeConfig. */
  readonly name: string;
  /** API server URL, e.g. `https://10.0.0.1:443` (no trailing slash). */
  readonly server: string;
  /** PEM CA bundle, base64-encoded (kubeconfig `certificate-authority-data`); undefined = system roots. */
  readonly caData?: string;
  /** Skip TLS verification (kubeconfig `insecure-skip-tls-verify`); false in-cluster. */
  readonly skipTLSVerify: boolean;
  /** SNI/verification name override (kubeconfig `tls-server-name`). */
  readonly tlsServerName?: string;
  /** HTTP(S)/SOCKS proxy (kubeconfig `proxy-url`). */
  readonly proxyUrl?: string;
  /** Default namespace for namespaced tools when the caller names none (`default` if unknown). */
  readonly namespace: string;
}

export interface LoadClusterTargetOptions {
  /** `cluster_provider_strategy` from the config. */
  strategy: 'in-cluster' | 'kubeconfig';
  /** `kubeconfig` from the config; default: `$KUBECONFIG` or `~/.kube/config` (kubeconfig strategy only). */
  kubeconfig?: string;
  /** kubeconfig context to use; default: the file's `current-context`. */
  context?: string;
  /** Service-account mount to read in-cluster (tests); default {@link SERVICE_ACCOUNT_DIR}. */
  serviceAccountDir?: string;
  /** Environment to read `KUBERNETES_SERVICE_HOST`/`_PORT` from (tests); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolve the target cluster.
 * - `in-cluster`: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, CA from `<sa dir>/ca.crt`,
 *   namespace from `<sa dir>/namespace`. The service-account `token` file is NOT read.
 * - `kubeconfig`: the named (or current) context's cluster; a `certificate-authority` file is read
 *   into `caData`. The context's user is ignored.
 * @throws Error naming the missing variable/file/context and the fix.
 */
export function loadClusterTarget(opts: LoadClusterTargetOptions): ClusterTarget {
  if (opts.strategy === 'in-cluster') return inClusterTarget(opts);
  const kc = loadKubeconfig(opts.kubeconfig, opts.context);
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const cluster = kc.getCurrentCluster();
  if (!ctx || !cluster) {
    throw new Error(`kubeconfig: context "${kc.getCurrentContext()}" has no cluster; fix the kubeconfig or set another context`);
  }
  let caData = cluster.caData;
  if (!caData && cluster.caFile) {
    try {
      caData = readFileSync(cluster.caFile).toString('base64');
    } catch (e) {
      throw new Error(
        `kubeconfig: cluster "${cluster.name}" certificate-authority "${cluster.caFile}" cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); fix the path in the kubeconfig`,
      );
    }
  }
  return {
    name: cluster.name,
    server: cluster.server.replace(/\/+$/, ''),
    caData,
    skipTLSVerify: cluster.skipTLSVerify === true,
    tlsServerName: cluster.tlsServerName,
    proxyUrl: cluster.proxyUrl,
    namespace: ctx.namespace ?? 'default',
  };
}

function inClusterTarget(opts: LoadClusterTargetOptions): ClusterTarget {
  const env = opts.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new Error(
      'cluster_provider_strategy = "in-cluster" but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set; ' +
        'run inside a pod or use cluster_provider_strategy = "kubeconfig"',
    );
  }
  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  let ca: Buffer;
  try {
    ca = readFileSync(join(dir, 'ca.crt'));
  } catch {
    throw new Error(`in-cluster: cannot read ${join(dir, 'ca.crt')}; mount the service-account CA (automountServiceAccountToken or a projected volume)`);
  }
  let namespace = 'default';
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || 'default';
  } catch {
    /* the namespace file is optional; tools then default to `default` */
  }
  const hostPart = host.includes(':') ? `[${host}]` : host; // IPv6 literal
  return {
    name: 'in-cluster',
    server: `https://${hostPart}:${port}`,
    caData: ca.toString('base64'),
    skipTLSVerify: false,
    namespace,
  };
}

/**
 * Why a kubeconfig file could not be loaded, as one line naming the `kubeconfig` config key,
 * the file and the fix (the library's own errors are a bare ENOENT or js-yaml parser message).
 * @param path the file that failed
 * @param fromKey true when the path came from the `kubeconfig` key, false for `$KUBECONFIG`
 */
export function kubeconfigLoadError(path: string, e: unknown, fromKey = true): Error {
  const code = (e as NodeJS.ErrnoException).code;
  // Read the message by shape, not `instanceof`: client-node may come from another realm (k8s/kube-config.ts).
  const detail = (typeof (e as Error)?.message === 'string' ? (e as Error).message : String(e)).split('\n')[0];
  const where = fromKey ? `kubeconfig = "${path}"` : `kubeconfig (unset; $KUBECONFIG = "${path}")`;
  const fix = 'set the kubeconfig key to a readable, valid kubeconfig file';
  if (code === 'ENOENT') return new Error(`${where}: no such file; ${fix}`);
  if (code === 'EACCES' || code === 'EPERM') return new Error(`${where}: permission denied; ${fix}`);
  if (code === 'EISDIR') return new Error(`${where}: is a directory, not a file; ${fix}`);
  const yaml = (e as Error).name === 'YAMLException'; // js-yaml, the parser of @kubernetes/client-node
  return new Error(`${where}: ${yaml ? 'not valid YAML' : 'cannot be loaded'} (${detail}); ${fix}`);
}

function loadKubeconfig(path: string | undefined, context: string | undefined): FullKubeConfig {
  const kc = new (clientNode().KubeConfig)();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (e) {
    throw kubeconfigLoadError(path ?? process.env.KUBECONFIG ?? '~/.kube/config', e, path !== undefined);
  }
  if (kc.getContexts().length === 0) {
    throw new Error(`kubeconfig ${path ?? '(default: $KUBECONFIG or ~/.kube/config)'} has no contexts; set the kubeconfig key to a valid file`);
  }
  if (context) {
    if (!kc.getContextObject(context)) {
      throw new Error(
        `kubeconfig: context "${context}" not found; known: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')}`,
      );
    }
    kc.setCurrentContext(context);
  }
  return kc;
}

/**
 * A KubeConfig for one caller: the target's cluster and CA plus `token` as bearer token, nothing else
 * (no client certificate, no exec plugin, no service-account token). Requests sent with it share
 * the cluster's keep-alive connections and parsed CA (transport.ts) with every other caller's;
 * the token travels per request.
 * @throws Error if the token is empty (never falls back to another credential).
 */
export function kubeConfigForToken(target: ClusterTarget, token: string): KubeConfig {
  if (!token) throw new Error('kubeConfigForToken: empty bearer token; refusing to build an unauthenticated client');
  const kc = new TokenKubeConfig(clusterOf(target), token, target.namespace);
  const transport = transportFor(target);
  return transport ? bindTransport(kc, transport) : kc;
}

const clusters = new WeakMap<ClusterTarget, Cluster>();

/** The target as a client-node `Cluster` entry, built once per target and shared by its callers (nothing writes to it). */
function clusterOf(target: ClusterTarget): Cluster {
  let c = clusters.get(target);
  if (!c) {
    c = {
      name: target.name,
      server: target.server,
      caData: target.caData,
      skipTLSVerify: target.skipTLSVerify,
      tlsServerName: target.tlsServerName,
      proxyUrl: target.proxyUrl,
    };
    clusters.set(target, c);
  }
  return c;
}

/**
 * The kubeconfig as-is (its own user acts), for `require_oauth = false` with the `kubeconfig` strategy.
 * @param path kubeconfig file; default `$KUBECONFIG` or `~/.kube/config`.
 * @param context context to select; default the file's current-context.
 * @throws Error naming the `kubeconfig` key and the path if the file is missing, unreadable or not
 *   valid YAML; Error if the file has no contexts or the context is unknown.
 */
export function kubeConfigFromFile(path?: string, context?: string): FullKubeConfig {
  return loadKubeconfig(path, context);
}

/** The default namespace of a KubeConfig's current context (`default` when unset). */
export function defaultNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}

/**
 * The pod's own service account (token file `<sa dir>/token`), for `require_oauth = false` with the
 * `in-cluster` strategy only. Never call this when a caller's token is available.
 * @throws Error if the token file cannot be read.
 */
export function kubeConfigForServiceAccount(target: ClusterTarget, serviceAccountDir: string = SERVICE_ACCOUNT_DIR): KubeConfig {
  let token: string;
  try {
    token = readFileSync(join(serviceAccountDir, 'token'), 'utf8').trim();
  } catch {
    throw new Error(`in-cluster: cannot read ${join(serviceAccountDir, 'token')}; mount the service-account token or turn require_oauth on`);
  }
  return kubeConfigForToken(target, token);
}
