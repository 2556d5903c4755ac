/**
 * Starts the server from a loaded configuration: HTTP (when `port` is set) or stdio (when it is
 * not, as in containers/kubernetes-mcp-server), reload on SIGHUP and file change, graceful stop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config/load.js';
import { Runtime, type RuntimeDeps } from './runtime.js';
import { createApp } from './http/app.js';
import { createMetrics, type Metrics } from './obs/metrics.js';
import { createLogger } from './obs/logger.js';
import { watchForReload, type ReloadHandle } from './reload.js';
import { createMcpServer } from './mcp/server-factory.js';
import type { DiscoveryCache, ToolDef } from './tools/types.js';
import { effectiveStrategy } from './cluster-access.js';
import { preloadClientNode } from './k8s/kube-config.js';

/**
 * HTTP keep-alive idle timeout of the listener, in ms (Node's default is 5 000, and it closes an
 * idle socket at about 6 s). It must outlast the idle timeouts of the connection pools of the
 * clients that keep connections to us, or a client reuses a socket we are just closing and its
 * request fails: Llama Stack's httpx pool (`keepalive_expiry` 5 s) and Node's undici/fetch (4 s),
 * e.g. the Playground. 65 s is the customary value above 60 s load-balancer idle timeouts.
 */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** `server.headersTimeout`, in ms: Node requires it above `keepAliveTimeout` (else a kept-alive socket's next request can time out first). */
export const HTTP_HEADERS_TIMEOUT_MS = HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000;

export interface StartOptions {
  readonly config: ServerConfig;
  /** Re-reads the configuration for a reload (file + the same CLI overrides). */
  readonly reloadConfig?: () => ServerConfig;
  readonly allTools: () => readonly ToolDef[];
  readonly discovery: DiscoveryCache;
  /** Override the cluster access (tests). */
  readonly clusterAccess?: RuntimeDeps['clusterAccess'];
  readonly authOptions?: RuntimeDeps['authOptions'];
  readonly metrics?: Metrics;
  readonly log?: Logger;
  /** Listen address, overriding the config's `bind_address` (tests). @default `config.bind_address` */
  readonly host?: string;
  /** Install the SIGHUP handler. @default true */
  readonly signals?: boolean;
}

export interface RunningServer {
  readonly runtime: Runtime;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** The HTTP server (absent for stdio). */
  readonly http?: Server;
  /** `http://host:port` of the listener (absent for stdio). */
  readonly url?: string;
  readonly reload: ReloadHandle;
  stop(): Promise<void>;
}

/** @throws ConfigError / Error from the cluster target, before anything listens. */
export async function startServer(o: StartOptions): Promise<RunningServer> {
  const stdio = o.config.port === undefined;
  const log = o.log ?? createLogger(o.config.log_level, stdio ? pino.destination(2) : undefined);
  const metrics = o.metrics ?? createMetrics();
  // A kubeconfig file is read with client-node's loader: import it now. In-cluster, the per-caller
  // path never needs client-node, so it stays unloaded (~60 MiB of RSS; k8s/kube-config.ts).
  if (effectiveStrategy(o.config) === 'kubeconfig') await preloadClientNode();
  const runtime = new Runtime(o.config, {
    metrics,
    log,
    discovery: o.discovery,
    allTools: o.allTools,
    clusterAccess: o.clusterAccess,
    authOptions: o.authOptions,
  });
  const reload = watchForReload(runtime, o.reloadConfig ?? (() => runtime.current.config), { signals: o.signals });
  const deps = { metrics, log, discovery: o.discovery };

  if (stdio) {
    if (o.config.require_oauth) throw new Error('require_oauth = true needs the HTTP transport: set port');
    const server = await createMcpServer(runtime.current, deps, undefined, true);
    const stop = async () => {
      reload.stop();
      await server.close();
    };
    // The client closing stdin ends the session; nothing then keeps the process alive.
    process.stdin.once('end', () => void stop());
    await server.connect(new StdioServerTransport());
    log.info({ transport: 'stdio', tools: runtime.current.tools.length }, 'MCP server started');
    return { runtime, metrics, log, reload, stop };
  }

  const { app } = createApp(runtime, deps);
  const http = createServer(app);
  http.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;
  http.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.config.port, o.host ?? o.config.bind_address, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info(
    {
      transport: 'http',
      bind_address: o.host ?? o.config.bind_address,
      port,
      require_oauth: o.config.require_oauth,
      issuer: o.config.authorization_url,
      tools: runtime.current.tools.length,
      endpoints: ['/mcp', '/sse', '/message', '/healthz', '/readyz', '/metrics'],
    },
    'MCP server listening',
  );
  return {
    runtime,
    metrics,
    log,
    http,
    url,
    reload,
    stop: async () => {
      reload.stop();
      runtime.current.auth?.dispose();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
