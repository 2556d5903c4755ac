/**
 * Prometheus metrics (prom-client), one registry per server instance, served at `/metrics`.
 * Names and labels are documented in docs/mcp-server.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Tool calls by tool and outcome (`success`, `error` = isError result, `exception`). */
  readonly toolCalls: Counter<'tool' | 'outcome'>;
  /** Tool call latency in seconds, by tool. */
  readonly toolDuration: Histogram<'tool'>;
  /** Token exchanges sent to Keycloak, by outcome (`success`, `subject_token_refused`, `invalid_response`, `error`). */
  readonly exchanges: Counter<'outcome'>;
  /** Exchanges answered from the cache (or joined to an in-flight exchange). */
  readonly exchangeCacheHits: Counter<string>;
  /** Latency of exchanges sent to Keycloak, in seconds. */
  readonly exchangeDuration: Histogram<string>;
  /** Exchanged tokens held in the exchange cache (bounded; auth/exchanger.ts). */
  readonly exchangeCacheEntries: Gauge<string>;
  /** Requests whose access token was found in the verified-token cache (no signature check). */
  readonly verifyCacheHits: Counter<string>;
  /** Access tokens held in the verified-token cache (bounded; auth/verifier.ts). */
  readonly verifyCacheEntries: Gauge<string>;
  /** Requests refused by the authorization layer, by reason (`missing_token`, `invalid_token`, `insufficient_scope`, `subject_token_refused`, `not_ready`, `unsupported_scheme`). */
  readonly authRejections: Counter<'reason'>;
  /**
   * Requests sent to the Kubernetes API server, by HTTP method and answer (`code`: the HTTP
   * status, `error` for a network/TLS failure, `websocket` for an exec stream). Every request
   * made with a client the runtime handed out is counted (k8s/request.ts `observeRequests`).
   */
  readonly kubeRequests: Counter<'method' | 'code'>;
  /** HTTP requests by route and status code. */
  readonly httpRequests: Counter<'route' | 'status'>;
  /** Configuration reloads by outcome (`success`, `error`). */
  readonly reloads: Counter<'outcome'>;
}

/** @param defaults also collect Node process metrics. @default true */
export function createMetrics(defaults = true): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  const r = { registers: [registry] };
  return {
    registry,
    toolCalls: new Counter({ name: 'mcp_tool_calls_total', help: 'MCP tool calls by tool and outcome', labelNames: ['tool', 'outcome'], ...r }),
    toolDuration: new Histogram({
      name: 'mcp_tool_call_duration_seconds',
      help: 'MCP tool call latency',
      labelNames: ['tool'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      ...r,
    }),
    exchanges: new Counter({
      name: 'mcp_token_exchanges_total',
      help: 'RFC 8693 token exchanges sent to the authorization server, by outcome',
      labelNames: ['outcome'],
      ...r,
    }),
    exchangeCacheHits: new Counter({
      name: 'mcp_token_exchange_cache_hits_total',
      help: 'Token exchanges served from the cache or joined to an in-flight exchange',
      ...r,
    }),
    exchangeDuration: new Histogram({
      name: 'mcp_token_exchange_duration_seconds',
      help: 'Latency of token exchanges sent to the authorization server',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      ...r,
    }),
    exchangeCacheEntries: new Gauge({
      name: 'mcp_token_exchange_cache_entries',
      help: 'Exchanged tokens held in the exchange cache',
      ...r,
    }),
    verifyCacheHits: new Counter({
      name: 'mcp_token_verify_cache_hits_total',
      help: 'Access tokens answered from the verified-token cache (verified before, not yet expired)',
      ...r,
    }),
    verifyCacheEntries: new Gauge({
      name: 'mcp_token_verify_cache_entries',
      help: 'Access tokens held in the verified-token cache',
      ...r,
    }),
    authRejections: new Counter({
      name: 'mcp_auth_rejections_total',
      help: 'Requests refused by the authorization layer, by reason',
      labelNames: ['reason'],
      ...r,
    }),
    kubeRequests: new Counter({
      name: 'mcp_kubernetes_requests_total',
      help: 'Requests sent to the Kubernetes API server, by method and answer code',
      labelNames: ['method', 'code'],
      ...r,
    }),
    httpRequests: new Counter({ name: 'mcp_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], ...r }),
    reloads: new Counter({ name: 'mcp_config_reloads_total', help: 'Configuration reloads by outcome', labelNames: ['outcome'], ...r }),
  };
}
