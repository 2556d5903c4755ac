/**
 * Connections to a cluster, shared by every caller: TLS per cluster, credentials per request.
 *
 * A {@link ClusterTransport} holds ONE keep-alive agent per cluster target (address, CA,
 * `insecure-skip-tls-verify`, `tls-server-name`, `proxy-url`) and the CA parsed ONCE into a TLS
 * secure context, so N calls by N different users ride on the same few TLS connections to the
 * API server. The agent carries no credentials: each request sets its own caller's
 * `Authorization: Bearer <token>` header (see `kubeRequestText` in request.ts), so a pooled
 * connection never carries one user's identity into another's request (the API server
 * authenticates every HTTP request, not the connection).
 *
 * Without this, `KubeConfig.applyToHTTPSOptions` (@kubernetes/client-node 1.x) creates a new
 * `https.Agent` per call and the CA is decoded and parsed again for each new connection: one TLS
 * handshake per tool call.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { KubeConfig } from './kube-config.js';
import type { ClusterTarget } from './cluster.js';

/** How long an idle pooled connection is kept open, in ms (below the API server's own idle timeout). */
export const IDLE_CONNECTION_MS = 60_000;

/** At most this many cluster targets keep a transport; the least recently used one is closed beyond that. */
export const MAX_TRANSPORTS = 16;

/** The per-cluster half of a request: where to connect and how to trust it. */
export interface ClusterTransport {
  /** The shared agent: `https.Agent` (keep-alive, one secure context) or `http.Agent` (keep-alive). */
  readonly agent: http.Agent;
  /** TLS connections (or plain sockets) this transport opened so far. */
  readonly connections: () => number;
  /** Close every pooled connection (reload of another cluster target, shutdown). */
  destroy(): void;
}

const transports = new Map<string, ClusterTransport>();
const bound = new WeakMap<KubeConfig, ClusterTransport>();

function keyOf(t: ClusterTarget): string {
  return JSON.stringify([t.server, t.caData ?? null, t.skipTLSVerify, t.tlsServerName ?? null, t.proxyUrl ?? null]);
}

function countConnections(agent: http.Agent): () => number {
  let n = 0;
  // `createConnection` is the one place an Agent opens a socket (TLS for https.Agent).
  const original = agent.createConnection.bind(agent) as (...a: unknown[]) => unknown;
  (agent as unknown as { createConnection: (...a: unknown[]) => unknown }).createConnection = (...a: unknown[]) => {
    n++;
    return original(...a);
  };
  return () => n;
}

function createTransport(target: ClusterTarget): ClusterTransport {
  let agent: http.Agent;
  if (target.server.startsWith('http:')) {
    agent = new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS, scheduling: 'lifo' });
  } else {
    const ca = target.caData ? Buffer.from(target.caData, 'base64') : undefined;
    agent = new https.Agent({
      keepAlive: true,
      timeout: IDLE_CONNECTION_MS,
      scheduling: 'lifo',
      // The CA parsed once: every connection of this cluster reuses this context (and its TLS session cache).
      secureContext: ca ? tls.createSecureContext({ ca }) : undefined,
      rejectUnauthorized: !target.skipTLSVerify,
      servername: target.tlsServerName,
    });
  }
  const connections = countConnections(agent);
  return { agent, connections, destroy: () => agent.destroy() };
}

/**
 * The shared transport of a cluster target (created on first use, then reused by every caller).
 * @returns undefined for a target with `proxy-url` (client-node's proxy agents, built per call as
 *   before) and for `http:` without `insecure-skip-tls-verify` (client-node refuses it at request time).
 */
export function transportFor(target: ClusterTarget): ClusterTransport | undefined {
  if (target.proxyUrl || (target.server.startsWith('http:') && !target.skipTLSVerify)) return undefined;
  const key = keyOf(target);
  let t = transports.get(key);
  if (t) {
    transports.delete(key); // re-insert: the Map's order is the LRU order
  } else {
    t = createTransport(target);
    while (transports.size >= MAX_TRANSPORTS) {
      const [oldest, old] = transports.entries().next().value as [string, ClusterTransport];
      transports.delete(oldest);
      old.destroy();
    }
  }
  transports.set(key, t);
  return t;
}

/** Mark `kc` (a single-token KubeConfig built by `kubeConfigForToken`) as using `transport`. */
export function bindTransport(kc: KubeConfig, transport: ClusterTransport): KubeConfig {
  bound.set(kc, transport);
  return kc;
}

/** The shared transport `kc` was built with, or undefined (a kubeconfig file's own user: client-node's options as-is). */
export function transportOf(kc: KubeConfig): ClusterTransport | undefined {
  return bound.get(kc);
}

/** Close every pooled connection of every cluster (tests, shutdown). */
export function closeAllTransports(): void {
  for (const t of transports.values()) t.destroy();
  transports.clear();
}
