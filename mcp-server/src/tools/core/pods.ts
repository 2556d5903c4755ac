/** Toolset core: list, get, delete and run Pods. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineTool, namespaceOr, READ_ONLY } from '../define.js';
import { BUILTIN, getAndRender, gvkOf, listAndRender, listArgs } from '../output.js';
import { assertAllowed } from '../policy.js';
import { textResult, ToolError } from '../result.js';
import { createResource, deleteResource, fieldManagerFor, type KubeObject } from '../../k8s/resource-client.js';
import { renderYaml } from '../render.js';
import { labelName, namespaceName, optionalNamespace, subdomainName } from '../names.js';

export const podsList = defineTool({
  name: 'pods_list',
  toolset: 'core',
  description: 'List all the Kubernetes pods in the current cluster from all namespaces',
  inputSchema: { ...listArgs },
  annotations: { title: 'Pods: List', ...READ_ONLY },
  handler: (a, ctx, target) => {
    target.kind = 'Pod';
    return listAndRender(ctx, BUILTIN.pod, a);
  },
});

export const podsListInNamespace = defineTool({
  name: 'pods_list_in_namespace',
  toolset: 'core',
  description: 'List all the Kubernetes pods in the specified namespace in the current cluster',
  inputSchema: { namespace: namespaceName().describe('Namespace to list pods from'), ...listArgs },
  annotations: { title: 'Pods: List in Namespace', ...READ_ONLY },
  handler: (a, ctx, target) => {
    target.kind = 'Pod';
    target.namespace = a.namespace;
    return listAndRender(ctx, BUILTIN.pod, a);
  },
});

const podRef = {
  namespace: optionalNamespace().describe('Namespace of the Pod (Optional, current namespace if not provided)'),
  name: subdomainName().describe('Name of the Pod'),
};

export const podsGet = defineTool({
  name: 'pods_get',
  toolset: 'core',
  description: 'Get a Kubernetes Pod in the current or provided namespace with the provided name',
  inputSchema: podRef,
  annotations: { title: 'Pods: Get', ...READ_ONLY },
  handler: (a, ctx, target) => {
    Object.assign(target, { kind: 'Pod', namespace: namespaceOr(ctx, a.namespace), name: a.name });
    return getAndRender(ctx, BUILTIN.pod, target.namespace, a.name);
  },
});

export const podsDelete = defineTool({
  name: 'pods_delete',
  toolset: 'core',
  description: 'Delete a Kubernetes Pod in the current or provided namespace with the provided name',
  inputSchema: podRef,
  annotations: { title: 'Pods: Delete', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'Pod', namespace: ns, name: a.name });
    assertAllowed(ctx, gvkOf(BUILTIN.pod));
    await deleteResource(ctx.kubeConfig, BUILTIN.pod, ns, a.name);
    return textResult(`Pod ${ns}/${a.name} deleted`);
  },
});

const SERVICE = { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true } as const;

/** Name for a Pod run without one: `kube-mcp-run-` + 5 random hex chars. */
function randomPodName(): string {
  return `kube-mcp-run-${randomBytes(3).toString('hex').slice(0, 5)}`;
}

export const podsRun = defineTool({
  name: 'pods_run',
  toolset: 'core',
  description:
    'Run a Kubernetes Pod in the current or provided namespace with the provided container image and optional name; with a port, also a Service exposing it. Fails with AlreadyExists if a Pod (or Service) of that name exists',
  inputSchema: {
    namespace: optionalNamespace().describe('Namespace to run the Pod in (Optional, current namespace if not provided)'),
    name: labelName().optional().describe('Name of the Pod and of its Service, a DNS-1123 label (Optional, random name if not provided)'),
    image: z.string().min(1).describe('Container image to run in the Pod'),
    port: z.number().int().min(1).max(65535).optional().describe('TCP port to expose from the Pod container (Optional)'),
  },
  annotations: { title: 'Pods: Run', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    const name = a.name || randomPodName();
    Object.assign(target, { kind: 'Pod', namespace: ns, name });
    assertAllowed(ctx, gvkOf(BUILTIN.pod));
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'kube-mcp-server' };
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels },
      spec: {
        containers: [
          {
            name,
            image: a.image,
            imagePullPolicy: 'IfNotPresent',
            ...(a.port ? { ports: [{ containerPort: a.port, protocol: 'TCP' }] } : {}),
          },
        ],
      },
    };
    if (a.port) assertAllowed(ctx, gvkOf(SERVICE)); // before any write: a denied Service changes nothing
    const fieldManager = fieldManagerFor(ctx.user);
    const created: KubeObject[] = [await createResource(ctx.kubeConfig, BUILTIN.pod, pod, { fieldManager })];
    if (a.port) {
      const svc: KubeObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: a.port, targetPort: a.port, protocol: 'TCP' }] },
      };
      try {
        created.push(await createResource(ctx.kubeConfig, SERVICE, svc, { fieldManager }));
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new ToolError(`Pod ${ns}/${name} was created, but its Service was not: ${why}`);
      }
    }
    return textResult(`# The following resources (YAML) have been created successfully\n${renderYaml(created)}`);
  },
});
