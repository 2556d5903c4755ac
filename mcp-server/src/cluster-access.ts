/**
 * How a tool call reaches the cluster, per configuration generation. With `require_oauth` the
 * client carries the caller's exchanged token only (helper module `k8s/cluster.ts`); without
 * it, the kubeconfig's own user or the pod's service account acts.
 */
import type { KubeConfig } from './k8s/kube-config.js';
import { kubeConfigForServiceAccount, kubeConfigForToken, kubeConfigFromFile, loadClusterTarget, type ClusterTarget } from './k8s/cluster.js';
import type { ServerConfig } from './config/load.js';

export interface ClusterAccess {
  /** A client acting as the caller: cluster address + CA + `token`, nothing else. */
  forCaller(token: string): KubeConfig;
  /**
   * A client with the server's own credentials, for `require_oauth = false` only.
   * @throws when `require_oauth` is on (never falls back to the pod's identity).
   */
  forServer(): KubeConfig;
  /** Why the cluster target could not be loaded (then both methods throw it); undefined when it could. */
  readonly unavailable?: string;
}

/** `cluster_provider_strategy`, or in-cluster when `KUBERNETES_SERVICE_HOST` is set, else kubeconfig. */
export function effectiveStrategy(cfg: Pick<ServerConfig, 'cluster_provider_strategy'>, env: NodeJS.ProcessEnv = process.env): 'in-cluster' | 'kubeconfig' {
  return cfg.cluster_provider_strategy ?? (env.KUBERNETES_SERVICE_HOST ? 'in-cluster' : 'kubeconfig');
}

/**
 * Never throws: a cluster target that cannot be loaded (a `KUBECONFIG` naming a missing file, a
 * kubeconfig without contexts, in-cluster files absent) must not stop `initialize`/`tools/list`.
 * The access then carries `unavailable` (the loader's message, naming the file/variable/context
 * and the fix) and every tool call fails with it; the runtime logs it once per generation.
 */
export function clusterAccessFor(cfg: ServerConfig): ClusterAccess {
  const strategy = effectiveStrategy(cfg);
  // KMS_SERVICE_ACCOUNT_DIR: where the in-cluster strategy reads ca.crt and namespace when the
  // pod's mount is elsewhere (the container run outside a pod, test/e2e/pods); default the Kubernetes mount.
  let target: ClusterTarget;
  try {
    target = loadClusterTarget({ strategy, kubeconfig: cfg.kubeconfig, serviceAccountDir: process.env.KMS_SERVICE_ACCOUNT_DIR || undefined });
  } catch (e) {
    const unavailable = `cluster unavailable: ${(e as Error).message}`;
    const fail = (): never => {
      throw new Error(unavailable);
    };
    return { forCaller: fail, forServer: fail, unavailable };
  }
  return {
    forCaller: (token) => kubeConfigForToken(target, token),
    forServer: () => {
      if (cfg.require_oauth) throw new Error("require_oauth is on: tool calls use the caller's exchanged token only");
      return strategy === 'in-cluster' ? kubeConfigForServiceAccount(target) : kubeConfigFromFile(cfg.kubeconfig);
    },
  };
}
