/**
 * The contract between the MCP/HTTP layer (`mcp-server/src/server*`) and the toolsets
 * (`mcp-server/src/tools/<toolset>/`). A toolset exports `ToolDef[]`; the server registers
 * each one on a fresh SDK `McpServer` per request, filtered by `read_only`,
 * `disable_destructive` and `toolsets`.
 */
import type { ZodRawShape, z } from 'zod';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { KubeConfig } from '../k8s/kube-config.js';
import type { Logger } from 'pino';
import type { DiscoveryCache, GroupVersionKind, ResourceMapping } from '../k8s/types.js';
import type { AuditTarget, UserIdentity } from '../obs/audit.js';

export type { AuditTarget, DiscoveryCache, GroupVersionKind, ResourceMapping, UserIdentity };

/** Toolset names, as in containers/kubernetes-mcp-server's `toolsets` key. */
export type ToolsetName = 'core' | 'config' | 'helm';

/** What a tool call sees of the server. Built per request; never shared between users. */
export interface ToolContext {
  /**
   * Client configuration for the target cluster: server address and CA from the cluster
   * (in-cluster or kubeconfig) and, when `require_oauth` is on, the exchanged bearer token only.
   */
  readonly kubeConfig: KubeConfig;
  /** Cluster-scoped caches (API discovery), keyed by the cluster server URL. Shared across users. */
  readonly discovery: DiscoveryCache;
  /** `list_output` from the config. */
  readonly listOutput: 'table' | 'yaml';
  /** `denied_resources` from the config. */
  readonly deniedResources: readonly GroupVersionKind[];
  /** Whether Secret `data` values may be returned (config `allow_secret_values`, default false). */
  readonly allowSecretValues: boolean;
  /** The caller, for audit lines. */
  readonly user: UserIdentity;
  /** Request-scoped logger; never log tokens or secret values. */
  readonly log: Logger;
  /** The kubeconfig path for the `config` toolset (`kubeconfig` key), when one is configured. */
  readonly kubeconfigPath?: string;
}

export interface ToolDef<S extends ZodRawShape = ZodRawShape> {
  readonly name: string;
  readonly toolset: ToolsetName;
  readonly description: string;
  /** zod raw shape of the arguments, as `McpServer.registerTool` takes it. */
  readonly inputSchema: S;
  /** MCP tool annotations; `readOnlyHint`, `destructiveHint` and `idempotentHint` are always set. */
  readonly annotations: ToolAnnotations & { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean };
  /**
   * Optional: the tool exists only when the cluster serves this API group
   * (e.g. `projects_list` needs `project.openshift.io`, `pods_top` needs `metrics.k8s.io`).
   */
  readonly requiresApiGroup?: string;
  /** Fills `target` for the audit line; returns the MCP result. Kubernetes errors become `isError` results. */
  handler(args: z.objectOutputType<S, z.ZodTypeAny>, ctx: ToolContext, target: AuditTarget): Promise<CallToolResult>;
}
