/**
 * Shared list/get output for every tool: applies `denied_resources`, `list_output` and Secret
 * redaction in one place so no tool can forget them.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ResourceMapping, ToolContext } from './types.js';
import { getResource, listResources, type KubeList, type ListOptions } from '../k8s/resource-client.js';
import { assertAllowed, maybeRedact } from './policy.js';
import { continueFooter, renderTable, renderYaml, TABLE_ACCEPT, type Table } from './render.js';
import { textResult } from './result.js';

/** Pattern of a label selector (as in the anchor server's schema); shared by every tool that takes one. */
export const LABEL_SELECTOR = /^([/_.\-A-Za-z0-9=, ()!])+$/;
/** Pattern of a field selector. */
const FIELD_SELECTOR = /^[.\-A-Za-z0-9]+([=!,]{1,2}[./\-A-Za-z0-9]+)+$/;

/** Page size when the caller gives none, so one call never floods the model with a huge namespace. */
export const DEFAULT_LIST_LIMIT = 500;

/** Argument shape shared by list tools: selectors and paging. */
export const listArgs = {
  labelSelector: z
    .string()
    .regex(LABEL_SELECTOR)
    .optional()
    .describe("Optional Kubernetes label selector (e.g. 'app=myapp,env=prod' or 'app in (myapp,yourapp)')"),
  fieldSelector: z.string().regex(FIELD_SELECTOR).optional().describe("Optional Kubernetes field selector (e.g. 'status.phase=Running', 'metadata.name=foo')"),
  limit: z
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(DEFAULT_LIST_LIMIT)
    .describe(`Maximum number of items to return (default ${DEFAULT_LIST_LIMIT}); when more exist, the result ends with a continue token for the next page`),
  continue: z.string().optional().describe('Optional continue token from a previous call with limit, to fetch the next page'),
};

/** The kind as a GVK for policy checks. */
export function gvkOf(m: ResourceMapping) {
  return { group: m.group, version: m.version, kind: m.kind };
}

/**
 * List `m` and render per `ctx.listOutput`. `namespace` undefined lists all namespaces
 * (adds a NAMESPACE column in table output for namespaced kinds).
 * @throws ToolError if the kind is denied; KubeApiError from the API server.
 */
export async function listAndRender(ctx: ToolContext, m: ResourceMapping, o: ListOptions): Promise<CallToolResult> {
  assertAllowed(ctx, gvkOf(m));
  if (ctx.listOutput === 'table') {
    const withNamespace = m.namespaced && !o.namespace;
    // The rows' metadata is read only for the NAMESPACE column.
    const answer = await listResources<Table | KubeList>(ctx.kubeConfig, m, { ...o, accept: TABLE_ACCEPT, includeObject: withNamespace ? undefined : 'None' });
    if (answer.kind === 'Table') {
      const table = answer as Table;
      const text = renderTable(table, { withNamespace });
      return textResult(text + continueFooter(table.metadata));
    }
    return textResult(yamlOfList(ctx, answer as KubeList)); // server without Table support
  }
  const list = await listResources<KubeList>(ctx.kubeConfig, m, o);
  return textResult(yamlOfList(ctx, list));
}

function yamlOfList(ctx: ToolContext, list: KubeList): string {
  const items = (list.items ?? []).map((it) => maybeRedact(ctx, it));
  if (items.length === 0) return 'No resources found';
  return renderYaml(items) + continueFooter(list.metadata);
}

/** GET one object and render it as YAML (without managedFields; Secret values redacted). */
export async function getAndRender(ctx: ToolContext, m: ResourceMapping, namespace: string | undefined, name: string): Promise<CallToolResult> {
  assertAllowed(ctx, gvkOf(m));
  const obj = await getResource(ctx.kubeConfig, m, namespace, name);
  return textResult(renderYaml(maybeRedact(ctx, obj)));
}

/** Well-known mappings of built-in kinds used by the dedicated tools (no discovery round-trip needed). */
export const BUILTIN = {
  pod: { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true },
  namespace: { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false },
  event: { group: '', version: 'v1', kind: 'Event', resource: 'events', namespaced: true },
  node: { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false },
  secret: { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true },
  project: { group: 'project.openshift.io', version: 'v1', kind: 'Project', resource: 'projects', namespaced: false },
  podMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics', resource: 'pods', namespaced: true },
  nodeMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics', resource: 'nodes', namespaced: false },
} as const satisfies Record<string, ResourceMapping>;
