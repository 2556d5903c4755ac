/**
 * The one home of "which cluster, and can we reach it" for `apply` and `doctor`: loading the
 * user's kubeconfig ({@link loadKubeConfig}), telling a connection / TLS / credential failure
 * from an API answer ({@link unreachableCause}), and a preflight that asks API discovery once
 * ({@link checkReachable}).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CoreApi, KubeConfig } from '@kubernetes/client-node';

/** Options of {@link loadKubeConfig}. */
export interface KubeConfigOptions {
  /** Kubeconfig file. @default `KUBECONFIG`, `~/.kube/config`, or the in-cluster service account */
  readonly kubeconfig?: string;
  /** Context name. @default the current context */
  readonly context?: string;
}

/**
 * The user's kubeconfig: `--kubeconfig`, else `KUBECONFIG`, `~/.kube/config` or the in-cluster
 * service account (`KUBERNETES_SERVICE_HOST`); `--context` selects a context.
 * @throws Error naming the file, or saying none was found (client-node would silently fall back
 *   to `http://localhost:8080`), or naming an unknown context and the known ones
 */
export function loadKubeConfig(opts: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new Error(`cannot load kubeconfig ${opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!opts.kubeconfig && !process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !process.env.KUBERNETES_SERVICE_HOST) {
    throw new Error('no kubeconfig found: pass --kubeconfig, set KUBECONFIG or log in (oc login) so ~/.kube/config exists');
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context))
      throw new Error(
        `--context ${opts.context}: no such context in the kubeconfig (known: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')})`,
      );
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

/** The fix printed with every {@link ClusterUnreachableError}. */
export const UNREACHABLE_FIX = 'check the kubeconfig (--kubeconfig, --context, KUBECONFIG) and that the cluster is up, or log in again (oc login <server>)';

/** The cluster of the kubeconfig does not answer, or refuses its credentials: nothing else can be checked. */
export class ClusterUnreachableError extends Error {
  constructor(
    /** The kubeconfig's server URL. */
    readonly server: string,
    /** What went wrong, e.g. `connection refused (ECONNREFUSED)`. */
    readonly reason: string,
  ) {
    super(`cannot reach the cluster at ${server}: ${reason}; ${UNREACHABLE_FIX}`);
    this.name = 'ClusterUnreachableError';
  }
}

const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

/**
 * Why `err` (a client-node error) means the cluster was not reached or refused the kubeconfig's
 * credentials: a socket error (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, …), a TLS certificate error,
 * an `http://` server without skipTLSVerify, or — when `auth` — HTTP 401/403 (meant for API
 * discovery, which every authenticated user may read). `undefined` for any other answer.
 */
export function unreachableCause(err: unknown, auth = true): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.code === 'number') {
    if (auth && e.code === 401) return 'HTTP 401 Unauthorized: the kubeconfig’s credentials are not accepted (expired token?)';
    if (auth && e.code === 403) return 'HTTP 403 Forbidden on API discovery: the kubeconfig’s user may not read the API';
    return undefined;
  }
  if (typeof e.code === 'string') {
    if (SOCKET_CODES[e.code]) return `${SOCKET_CODES[e.code]} (${e.code})`;
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS|^ERR_SSL|^EPROTO$/.test(e.code)) {
      const reason = /reason: (.*)$/.exec(message)?.[1] ?? message;
      return `TLS failure (${e.code}: ${reason})`;
    }
  }
  if (/HTTP protocol is not allowed/.test(message)) return `${message} (the kubeconfig names an http:// server)`;
  return undefined;
}

/** The server URL of the kubeconfig's current cluster, for messages. */
export function serverOf(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '(no cluster in the current context)';
}

/** `err` as a {@link ClusterUnreachableError} when {@link unreachableCause} says so, else `undefined`. */
export function asUnreachable(kc: KubeConfig, err: unknown, auth = true): ClusterUnreachableError | undefined {
  if (err instanceof ClusterUnreachableError) return err;
  const cause = unreachableCause(err, auth);
  return cause === undefined ? undefined : new ClusterUnreachableError(serverOf(kc), cause);
}

/**
 * Asks API discovery (`GET /api`) once.
 * @param timeoutMs no answer within it counts as unreachable. @default 30000
 * @throws ClusterUnreachableError naming the server, the cause and the fix; the API error for any other failure
 */
export async function checkReachable(kc: KubeConfig, timeoutMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterUnreachableError(serverOf(kc), `no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([kc.makeApiClient(CoreApi).getAPIVersions(), timeout]);
  } catch (e) {
    throw asUnreachable(kc, e) ?? e;
  } finally {
    clearTimeout(timer);
  }
}
