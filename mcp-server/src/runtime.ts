/**
 * The live configuration generation. A request captures `runtime.current` once and uses that
 * generation throughout, so a reload never mixes old and new values within one request; the
 * next request sees the new auth middleware settings, exchange client + secret, CA and tools.
 */
import type { Logger } from 'pino';
import type { ServerConfig } from './config/load.js';
import { AuthRuntime, type AuthRuntimeOptions } from './auth/auth-runtime.js';
import { clusterAccessFor, type ClusterAccess } from './cluster-access.js';
import { observeRequests } from './k8s/request.js';
import { filterTools } from './tools/index.js';
import { pinoLevel } from './obs/logger.js';
import type { Metrics } from './obs/metrics.js';
import type { DiscoveryCache, ToolDef } from './tools/types.js';

export interface Generation {
  readonly id: number;
  readonly config: ServerConfig;
  /** Present exactly when `require_oauth` is on. */
  readonly auth?: AuthRuntime;
  readonly cluster: ClusterAccess;
  /** Tools after toolsets/read_only/disable_destructive filtering. */
  readonly tools: readonly ToolDef[];
}

export interface RuntimeDeps {
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Shared across generations: discovery is per cluster, not per configuration. */
  readonly discovery: DiscoveryCache;
  readonly allTools: () => readonly ToolDef[];
  /** @default clusterAccessFor (k8s/cluster.ts) */
  readonly clusterAccess?: (cfg: ServerConfig) => ClusterAccess;
  readonly authOptions?: AuthRuntimeOptions;
}

export class Runtime {
  private gen: Generation;
  private nextId = 1;

  /** @throws like {@link Runtime.build} — a start-up error. */
  constructor(
    cfg: ServerConfig,
    readonly deps: RuntimeDeps,
  ) {
    this.gen = this.build(cfg);
    this.gen.auth?.start();
  }

  get current(): Generation {
    return this.gen;
  }

  /**
   * Build a generation without installing it.
   * @throws Error for an unknown toolset; a cluster target that cannot be loaded does not throw
   *   (tools are listed, calls fail naming it: see clusterAccessFor).
   */
  build(cfg: ServerConfig): Generation {
    const cluster = this.counted((this.deps.clusterAccess ?? clusterAccessFor)(cfg));
    if (cluster.unavailable)
      this.deps.log.error({ reason: cluster.unavailable }, 'no cluster target: tools are listed, tool calls fail until the cluster setting is fixed');
    const auth = cfg.require_oauth ? new AuthRuntime(cfg, this.deps.metrics, this.deps.log, this.deps.authOptions) : undefined;
    const tools = filterTools(this.deps.allTools(), { toolsets: cfg.toolsets, readOnly: cfg.read_only, disableDestructive: cfg.disable_destructive });
    return { id: this.nextId++, config: cfg, auth, cluster, tools };
  }

  /** `access` with every client it hands out counting its requests in `mcp_kubernetes_requests_total`. */
  private counted(access: ClusterAccess): ClusterAccess {
    const count = (method: string, code: string) => this.deps.metrics.kubeRequests.inc({ method, code });
    return {
      unavailable: access.unavailable,
      forCaller: (token) => observeRequests(access.forCaller(token), count),
      forServer: () => observeRequests(access.forServer(), count),
    };
  }

  /** Install a new configuration; the old generation's background work stops. @throws like build. */
  apply(cfg: ServerConfig): Generation {
    const next = this.build(cfg);
    const prev = this.gen;
    if (prev.config.port !== cfg.port)
      this.deps.log.warn({ port: prev.config.port, requested: cfg.port }, 'port changes need a restart; keeping the current listener');
    this.deps.log.level = pinoLevel(cfg.log_level);
    this.gen = next;
    next.auth?.start();
    prev.auth?.dispose();
    return next;
  }

  /**
   * Reload with `load()`; on any error keep the current generation and log the reason.
   * @returns whether the new configuration is in effect.
   */
  reload(load: () => ServerConfig): boolean {
    try {
      const g = this.apply(load());
      this.deps.metrics.reloads.inc({ outcome: 'success' });
      this.deps.log.info({ generation: g.id, require_oauth: g.config.require_oauth, tools: g.tools.length }, 'configuration reloaded');
      return true;
    } catch (e) {
      this.deps.metrics.reloads.inc({ outcome: 'error' });
      this.deps.log.error({ err: (e as Error).message }, 'configuration reload refused; keeping the previous configuration');
      return false;
    }
  }
}
