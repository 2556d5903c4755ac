/**
 * The client configuration the server works with, and @kubernetes/client-node loaded only when
 * something needs it.
 *
 * {@link KubeConfig} is the part of client-node's `KubeConfig` (1.x) the server uses: the
 * current context, cluster and user, `exportConfig()` and `applyToHTTPSOptions()`. A real
 * client-node `KubeConfig` has it (a kubeconfig file's own user, tests). The per-caller client
 * of `require_oauth` is a {@link TokenKubeConfig} instead: the cluster's address and CA plus one
 * bearer token, three small objects per call. Importing client-node loads its generated API
 * model tree (measured 2026-12-08, Node 20, @kubernetes/client-node 1.3.0: about 60 MiB of RSS
 * and 0.6–1.3 s at start-up, docs/bench.md), which the hot path never needs; so it is loaded on
 * first use by {@link clientNode} (a kubeconfig file, `pods_exec`, `configuration_view`, a
 * `proxy-url` cluster) with Node's `require` of an ES module (Node ≥ 20.19; the image runs Node 22).
 */
import type { createRequire as CreateRequire } from 'node:module';
import type * as ClientNode from '@kubernetes/client-node';
import type { Cluster, Context, KubeConfig as FullKubeConfig, User } from '@kubernetes/client-node';

/** What the server reads of a client configuration (a subset of client-node's `KubeConfig`). */
export type KubeConfig = Pick<
  FullKubeConfig,
  'getCurrentContext' | 'getContextObject' | 'getCurrentCluster' | 'getCurrentUser' | 'exportConfig' | 'applyToHTTPSOptions'
>;

// Node's own `require` (process.getBuiltinModule: Node ≥ 20.16), also under a test runner that
// replaces the `node:module` import with its own loader (jest's cannot require an ES module).
const nodeModule = process.getBuiltinModule('node:module') as { createRequire: typeof CreateRequire };
const requireModule = nodeModule.createRequire(import.meta.url);
let loaded: typeof ClientNode | undefined;

/** @kubernetes/client-node: the preloaded instance, else loaded now (synchronously, Node's `require` of an ES module). */
export function clientNode(): typeof ClientNode {
  return (loaded ??= requireModule('@kubernetes/client-node') as typeof ClientNode);
}

/**
 * Loads client-node now, as an ES module import (start-up, when the configuration needs it
 * anyway: a kubeconfig file is read with client-node's loader). Later {@link clientNode} calls
 * return this instance.
 */
export async function preloadClientNode(): Promise<void> {
  loaded ??= (await import('@kubernetes/client-node')) as typeof ClientNode;
}

/** Whether client-node has been loaded in this process (for tests and the bench). */
export function clientNodeLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * One caller's client configuration: `cluster` (shared by every caller of that cluster), the
 * caller's bearer `token` and one context naming both. Reads answer from these objects; the two
 * rare operations that need client-node (`exportConfig`, `applyToHTTPSOptions`) build the
 * equivalent client-node `KubeConfig` once ({@link TokenKubeConfig.full}).
 */
export class TokenKubeConfig implements KubeConfig {
  private readonly user: User;
  private readonly context: Context;
  private fullConfig?: FullKubeConfig;

  constructor(
    private readonly cluster: Cluster,
    token: string,
    namespace: string,
  ) {
    this.user = { name: 'mcp-caller', token };
    this.context = { name: 'mcp', cluster: cluster.name, user: this.user.name, namespace };
  }

  getCurrentContext(): string {
    return this.context.name;
  }

  getContextObject(name: string): Context | null {
    return name === this.context.name ? this.context : null;
  }

  getCurrentCluster(): Cluster | null {
    return this.cluster;
  }

  getCurrentUser(): User | null {
    return this.user;
  }

  exportConfig(): string {
    return this.full().exportConfig();
  }

  applyToHTTPSOptions(opts: Parameters<FullKubeConfig['applyToHTTPSOptions']>[0]): Promise<void> {
    return this.full().applyToHTTPSOptions(opts);
  }

  /** The same configuration as a client-node `KubeConfig` (built on first use). */
  full(): FullKubeConfig {
    if (!this.fullConfig) {
      const kc = new (clientNode().KubeConfig)();
      kc.loadFromOptions({ clusters: [this.cluster], users: [this.user], contexts: [this.context], currentContext: this.context.name });
      this.fullConfig = kc;
    }
    return this.fullConfig;
  }
}

/** `kc` as a client-node `KubeConfig` (for client-node's own clients, e.g. `Exec`). */
export function fullKubeConfig(kc: KubeConfig): FullKubeConfig {
  return kc instanceof TokenKubeConfig ? kc.full() : (kc as FullKubeConfig);
}
