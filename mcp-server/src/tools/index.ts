/**
 * Every tool of every toolset, and the filters the server applies before registering them
 * on a fresh `McpServer`:
 * - {@link filterTools}: `toolsets`, `read_only`, `disable_destructive` (config keys);
 * - {@link filterByCluster}: drops tools whose `requiresApiGroup` the cluster does not serve
 *   (e.g. `projects_list` off OpenShift, `pods_top` without metrics-server).
 * `denied_resources` is enforced inside each tool (a denied kind gives an `isError` result).
 */
import type { KubeConfig } from '../k8s/kube-config.js';
import type { DiscoveryCache, ToolDef, ToolsetName } from './types.js';
import { coreTools } from './core/index.js';
import { configurationContextsList, configurationView } from './config/configuration.js';
import { helmInstall, helmList, helmUninstall } from './helm/helm.js';

/** Known toolsets, in registration order. */
export const TOOLSETS: readonly ToolsetName[] = ['core', 'config', 'helm'];

/** All tools: core, then config, then helm. A new array each call. */
export function allTools(): ToolDef[] {
  return [...coreTools(), configurationView, configurationContextsList, helmList, helmInstall, helmUninstall];
}

export interface ToolFilter {
  /** Enabled toolsets (`toolsets` key); default all. */
  readonly toolsets?: readonly string[];
  /** `read_only`: keep only tools with `readOnlyHint: true`. */
  readonly readOnly?: boolean;
  /** `disable_destructive`: drop tools with `destructiveHint: true`. */
  readonly disableDestructive?: boolean;
}

/**
 * Keep the tools the configuration enables.
 * @throws Error naming an unknown toolset and the known ones.
 */
export function filterTools(tools: readonly ToolDef[], f: ToolFilter): ToolDef[] {
  const sets = f.toolsets ?? TOOLSETS;
  for (const s of sets) {
    if (!TOOLSETS.includes(s as ToolsetName)) throw new Error(`toolsets: unknown toolset "${s}"; known: ${TOOLSETS.join(', ')}`);
  }
  return tools.filter(
    (t) => sets.includes(t.toolset) && (!f.readOnly || t.annotations.readOnlyHint) && (!f.disableDestructive || !t.annotations.destructiveHint),
  );
}

/**
 * Drop tools whose `requiresApiGroup` the cluster does not serve (discovery is cached per cluster).
 * A discovery failure keeps the tool (it then fails at call time with the API's error).
 */
export async function filterByCluster(tools: readonly ToolDef[], discovery: DiscoveryCache, kc: KubeConfig): Promise<ToolDef[]> {
  const keep = await Promise.all(tools.map(async (t) => (t.requiresApiGroup ? discovery.hasGroup(kc, t.requiresApiGroup).catch(() => true) : true)));
  return tools.filter((_t, i) => keep[i]);
}

export type { ToolDef, ToolContext, ToolsetName } from './types.js';

/**
 * The `McpServer.registerTool` config of a tool (title from its annotations), so the server and the
 * golden `tools/list` files register tools identically:
 * `server.registerTool(t.name, registrationOf(t), (args) => t.handler(args, ctx, target))`.
 */
export function registrationOf(t: ToolDef): {
  title?: string;
  description: string;
  inputSchema: ToolDef['inputSchema'];
  annotations: ToolDef['annotations'];
} {
  return { title: t.annotations.title, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations };
}
