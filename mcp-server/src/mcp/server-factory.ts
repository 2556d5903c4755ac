/**
 * A FRESH `McpServer` per HTTP request (Streamable HTTP) or per SSE session — never one
 * connected instance shared between transports. What does not depend on the request — each
 * tool's registration (zod object schema), its wrapped handler and the SDK's JSON-schema
 * validator (Ajv) — is built once per configuration generation (tool-registry.ts); per request
 * only the McpServer shell and the caller remain. Each tool handler is wrapped: it builds the
 * per-call ToolContext from the typed caller (caller.ts) and its cluster credentials
 * (k8s/credentials.ts: the caller's exchanged token, or the server's own when `require_oauth`
 * is off), writes the audit line and updates the metrics.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { KubeConfig } from '../k8s/kube-config.js';
import type { Logger } from 'pino';
import type { Generation } from '../runtime.js';
import { callerOf } from '../caller.js';
import { credentialsFor } from '../k8s/credentials.js';
import type { Metrics } from '../obs/metrics.js';
import { writeAudit, type AuditOutcome } from '../obs/audit.js';
import type { AuditTarget, DiscoveryCache, ToolContext, ToolDef } from '../tools/types.js';
import { errorResult } from '../tools/result.js';
import { filterByCluster } from '../tools/index.js';
import { onUnauthorized } from '../k8s/request.js';
import { SERVER_VERSION } from '../version.js';
import { registryFor } from './tool-registry.js';

export const SERVER_INFO = { name: 'kube-mcp-server', version: SERVER_VERSION } as const;

export interface FactoryDeps {
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly discovery: DiscoveryCache;
}

/**
 * @param probe resolve API-group-dependent tools now (for tools/list and SSE sessions); when
 *   false every configured tool is registered (a tools/call on a missing API fails at the API).
 */
export async function createMcpServer(gen: Generation, deps: FactoryDeps, auth: AuthInfo | undefined, probe: boolean): Promise<McpServer> {
  let tools: readonly ToolDef[] = gen.tools;
  if (probe && gen.tools.some((t) => t.requiresApiGroup)) {
    // Probe with the request's credentials; without any, hide the API-group-dependent tools.
    const creds = await credentialsFor(gen, callerOf(auth)).catch(() => undefined);
    tools = creds?.ok ? await filterByCluster(gen.tools, deps.discovery, creds.kubeConfig) : gen.tools.filter((t) => !t.requiresApiGroup);
  }
  const registry = registryFor(gen, deps, wrappedHandler);
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} }, jsonSchemaValidator: registry.validator });
  for (const def of tools) registry.register(server, def);
  return server;
}

/**
 * One warn line per tool call when the Kubernetes API answers 401 to the EXCHANGED token: the
 * exchange worked, so the apiserver does not trust what Keycloak issued — its OIDC issuer URL,
 * audience (`sts_audience` must be among its audiences) or issuer CA is off. (403 is RBAC and
 * is not logged here.)
 */
function warnOnRejectedExchangedToken(kubeConfig: KubeConfig, gen: Generation, log: Logger): void {
  let warned = false;
  onUnauthorized(kubeConfig, (request) => {
    if (warned) return;
    warned = true;
    log.warn(
      { request, issuer: gen.config.authorization_url, audience: gen.config.sts_audience },
      "the Kubernetes API answered 401 to the exchanged token: check that the apiserver's OIDC configuration " +
        '(OpenShift Authentication oidcProviders / --authentication-config) trusts this issuer and CA and lists this audience',
    );
  });
}

/** The SDK callback of `def` for generation `gen`: built once per generation (the caller comes with each call). */
function wrappedHandler(def: ToolDef, gen: Generation, deps: FactoryDeps) {
  return async (args: Record<string, unknown>, extra: { authInfo?: AuthInfo }): Promise<CallToolResult> => {
    const started = performance.now();
    const caller = callerOf(extra.authInfo);
    const user = caller?.user ?? {};
    const target: AuditTarget = {};
    const log = deps.log.child({ tool: def.name, sub: user.sub });
    const stop = deps.metrics.toolDuration.startTimer({ tool: def.name });
    const finish = (outcome: AuditOutcome, result: CallToolResult, errorCode?: string): CallToolResult => {
      stop();
      deps.metrics.toolCalls.inc({ tool: def.name, outcome });
      writeAudit(deps.log, { user, tool: def.name, target, outcome, durationMs: performance.now() - started, errorCode });
      return result;
    };
    let kubeConfig: KubeConfig;
    try {
      const creds = await credentialsFor(gen, caller);
      if (!creds.ok) return finish('denied', errorResult(creds.failure), creds.code);
      kubeConfig = creds.kubeConfig;
      if (gen.auth) warnOnRejectedExchangedToken(kubeConfig, gen, log);
    } catch (e) {
      return finish('denied', errorResult(`no cluster credentials: ${(e as Error).message}`), 'credentials');
    }
    const ctx: ToolContext = {
      kubeConfig,
      discovery: deps.discovery,
      listOutput: gen.config.list_output,
      deniedResources: gen.config.denied_resources,
      allowSecretValues: gen.config.allow_secret_values,
      user,
      log,
      // The server's own kubeconfig is shown only when it is the identity in use (require_oauth off).
      kubeconfigPath: gen.config.require_oauth ? undefined : gen.config.kubeconfig,
    };
    try {
      const result = await def.handler(args as never, ctx, target);
      return finish(result.isError ? 'error' : 'success', result);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'tool handler threw');
      return finish('exception', errorResult(`${def.name} failed: ${(e as Error).message}`));
    }
  };
}
