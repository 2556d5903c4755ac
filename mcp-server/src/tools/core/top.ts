/** Toolset core: `pods_top` and `nodes_top` from the Metrics API (metrics.k8s.io/v1beta1). */
import { z } from 'zod';
import { defineTool, namespaceOr, READ_ONLY } from '../define.js';
import { BUILTIN, gvkOf, LABEL_SELECTOR } from '../output.js';
import { assertAllowed } from '../policy.js';
import { textResult } from '../result.js';
import { alignColumns } from '../render.js';
import { listResources, getResource, type KubeObject } from '../../k8s/resource-client.js';
import { formatCpu, formatMemory, parseQuantity } from './quantity.js';
import { optionalNamespace, subdomainName } from '../names.js';

interface Usage {
  cpu?: string;
  memory?: string;
}
interface PodMetrics {
  metadata: { name: string; namespace: string };
  containers: { name: string; usage: Usage }[];
}
interface NodeMetrics {
  metadata: { name: string };
  usage: Usage;
}

const LABEL = z.string().regex(LABEL_SELECTOR).optional();

function sum(usages: Usage[], key: keyof Usage): number {
  return usages.reduce((n, u) => n + (u[key] ? parseQuantity(u[key]!) : 0), 0);
}

/** Render PodMetrics like `kubectl top pod` (NAMESPACE NAME CPU(cores) MEMORY(bytes)). */
export function renderPodMetrics(items: PodMetrics[]): string {
  if (items.length === 0) return 'No metrics found';
  const rows = items.map((p) => {
    const us = p.containers.map((c) => c.usage);
    return [p.metadata.namespace, p.metadata.name, formatCpu(sum(us, 'cpu')), formatMemory(sum(us, 'memory'))];
  });
  return alignColumns([['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], ...rows]);
}

/** Render NodeMetrics like `kubectl top node`; percentages when node allocatable is known. */
export function renderNodeMetrics(items: NodeMetrics[], allocatable: Map<string, Usage>): string {
  if (items.length === 0) return 'No metrics found';
  const pct = (used: number, total?: string) => (total ? `${Math.round((used / parseQuantity(total)) * 100)}%` : '<unknown>');
  const rows = items.map((n) => {
    const cpu = n.usage.cpu ? parseQuantity(n.usage.cpu) : 0;
    const mem = n.usage.memory ? parseQuantity(n.usage.memory) : 0;
    const alloc = allocatable.get(n.metadata.name);
    return [n.metadata.name, formatCpu(cpu), pct(cpu, alloc?.cpu), formatMemory(mem), pct(mem, alloc?.memory)];
  });
  return alignColumns([['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'], ...rows]);
}

export const podsTop = defineTool({
  name: 'pods_top',
  toolset: 'core',
  description:
    'List the resource consumption (CPU and memory) as recorded by the Kubernetes Metrics Server for the specified Pods in all namespaces, the provided namespace, or the current namespace',
  inputSchema: {
    all_namespaces: z.boolean().default(true).describe('If true, Pods in all namespaces; if false, the provided or current namespace'),
    namespace: optionalNamespace().describe('Namespace of the Pods (Optional, current namespace if not provided and all_namespaces is false)'),
    name: subdomainName().optional().describe('Name of one Pod (Optional, all Pods if not provided)'),
    label_selector: LABEL.describe("Kubernetes label selector (e.g. 'app=myapp'), only when name is not provided (Optional)"),
  },
  annotations: { title: 'Pods: Top', ...READ_ONLY },
  requiresApiGroup: 'metrics.k8s.io',
  handler: async (a, ctx, target) => {
    assertAllowed(ctx, gvkOf(BUILTIN.podMetrics));
    assertAllowed(ctx, gvkOf(BUILTIN.pod));
    const ns = a.name || !a.all_namespaces || a.namespace ? namespaceOr(ctx, a.namespace) : undefined;
    Object.assign(target, { kind: 'PodMetrics', namespace: ns, name: a.name });
    const items = a.name
      ? [(await getResource(ctx.kubeConfig, BUILTIN.podMetrics, ns, a.name)) as unknown as PodMetrics]
      : ((await listResources(ctx.kubeConfig, BUILTIN.podMetrics, { namespace: ns, labelSelector: a.label_selector })).items as unknown as PodMetrics[]);
    return textResult(renderPodMetrics(items));
  },
});

export const nodesTop = defineTool({
  name: 'nodes_top',
  toolset: 'core',
  description: 'List the resource consumption (CPU and memory) as recorded by the Kubernetes Metrics Server for the specified Nodes or all Nodes',
  inputSchema: {
    name: subdomainName().optional().describe('Name of one Node (Optional, all Nodes if not provided)'),
    label_selector: LABEL.describe("Kubernetes label selector (e.g. 'node-role.kubernetes.io/worker='), only when name is not provided (Optional)"),
  },
  annotations: { title: 'Nodes: Top', ...READ_ONLY },
  requiresApiGroup: 'metrics.k8s.io',
  handler: async (a, ctx, target) => {
    assertAllowed(ctx, gvkOf(BUILTIN.nodeMetrics));
    assertAllowed(ctx, gvkOf(BUILTIN.node));
    Object.assign(target, { kind: 'NodeMetrics', name: a.name });
    const items = a.name
      ? [(await getResource(ctx.kubeConfig, BUILTIN.nodeMetrics, undefined, a.name)) as unknown as NodeMetrics]
      : ((await listResources(ctx.kubeConfig, BUILTIN.nodeMetrics, { labelSelector: a.label_selector })).items as unknown as NodeMetrics[]);
    const allocatable = new Map<string, Usage>();
    try {
      const nodes = await listResources(ctx.kubeConfig, BUILTIN.node, { labelSelector: a.label_selector });
      for (const n of nodes.items as (KubeObject & { status?: { allocatable?: Usage } })[]) {
        if (n.metadata?.name && n.status?.allocatable) allocatable.set(n.metadata.name, n.status.allocatable);
      }
    } catch {
      /* no permission to read Nodes: percentages shown as <unknown> */
    }
    return textResult(renderNodeMetrics(items, allocatable));
  },
});
