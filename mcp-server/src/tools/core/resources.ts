/** Toolset core: generic list/get/create-or-update/delete/scale for any kind, CRDs included. */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { defineTool, namespaceOr, READ_ONLY } from '../define.js';
import { getAndRender, gvkOf, listAndRender, listArgs } from '../output.js';
import { assertAllowed, maybeRedact } from '../policy.js';
import { textResult, ToolError } from '../result.js';
import { KubeApiError } from '../../k8s/request.js';
import { renderYaml } from '../render.js';
import { applyResource, deleteResource, fieldManagerFor, scaleResource, type KubeObject } from '../../k8s/resource-client.js';
import type { ResourceMapping, ToolContext } from '../types.js';
import { manifestNameProblem, manifestNamespaceProblem, objectName, optionalNamespace } from '../names.js';

const KINDS_HINT = '(common apiVersion and kind include: v1 Pod, v1 Service, v1 Node, apps/v1 Deployment, networking.k8s.io/v1 Ingress)';

const gvk = {
  apiVersion: z.string().min(1).describe('apiVersion of the resources (examples of valid apiVersion are: v1, apps/v1, networking.k8s.io/v1)'),
  kind: z.string().min(1).describe('kind of the resources (examples of valid kind are: Pod, Service, Deployment, Ingress)'),
};

async function resolve(ctx: ToolContext, apiVersion: string, kind: string): Promise<ResourceMapping> {
  const m = await ctx.discovery.resolve(ctx.kubeConfig, apiVersion, kind);
  assertAllowed(ctx, gvkOf(m));
  return m;
}

export const resourcesList = defineTool({
  name: 'resources_list',
  toolset: 'core',
  description: `List Kubernetes resources and objects in the current cluster by providing their apiVersion and kind and optionally the namespace and label selector\n${KINDS_HINT}`,
  inputSchema: {
    ...gvk,
    namespace: optionalNamespace().describe('Optional namespace to retrieve the namespaced resources from (all namespaces if not provided)'),
    ...listArgs,
  },
  annotations: { title: 'Resources: List', ...READ_ONLY },
  handler: async (a, ctx, target) => {
    Object.assign(target, { kind: a.kind, namespace: a.namespace });
    const m = await resolve(ctx, a.apiVersion, a.kind);
    return listAndRender(ctx, m, a);
  },
});

export const resourcesGet = defineTool({
  name: 'resources_get',
  toolset: 'core',
  description: `Get a Kubernetes resource in the current cluster by providing its apiVersion, kind, optionally the namespace, and its name\n${KINDS_HINT}`,
  inputSchema: {
    ...gvk,
    namespace: optionalNamespace().describe('Optional namespace of the resource (current namespace if not provided, ignored for cluster-scoped kinds)'),
    name: objectName().describe('Name of the resource'),
  },
  annotations: { title: 'Resources: Get', ...READ_ONLY },
  handler: async (a, ctx, target) => {
    const m = await resolve(ctx, a.apiVersion, a.kind);
    const ns = m.namespaced ? namespaceOr(ctx, a.namespace) : undefined;
    Object.assign(target, { kind: m.kind, namespace: ns, name: a.name });
    return getAndRender(ctx, m, ns, a.name);
  },
});

/**
 * Parse YAML (one or more documents) or JSON into objects.
 * @throws ToolError naming the document and the problem.
 */
export function parseManifests(text: string): KubeObject[] {
  const docs = parseAllDocuments(text);
  const out: KubeObject[] = [];
  docs.forEach((d, i) => {
    if (d.errors.length) throw new ToolError(`resource: document ${i + 1} is not valid YAML/JSON: ${d.errors[0].message}`);
    const v = d.toJS() as unknown;
    if (v === null || v === undefined) return; // empty document
    if (typeof v !== 'object' || Array.isArray(v)) throw new ToolError(`resource: document ${i + 1} must be an object with apiVersion, kind and metadata`);
    const o = v as KubeObject;
    if (o.kind === 'List' && Array.isArray(o.items)) out.push(...(o.items as KubeObject[]));
    else out.push(o);
  });
  out.forEach((o, i) => {
    for (const f of ['apiVersion', 'kind'] as const) {
      if (typeof o[f] !== 'string' || !o[f]) throw new ToolError(`resource: object ${i + 1} lacks ${f}`);
    }
    if (typeof o.metadata?.name !== 'string' || !o.metadata.name) {
      throw new ToolError(`resource: object ${i + 1} (${o.kind}) lacks metadata.name (generateName is not supported by server-side apply)`);
    }
    const nameProblem = manifestNameProblem(o.metadata.name);
    if (nameProblem) throw new ToolError(`resource: object ${i + 1} (${o.kind}) metadata.name ${JSON.stringify(o.metadata.name)} ${nameProblem}`);
    const ns = o.metadata.namespace;
    if (ns !== undefined && ns !== '') {
      const nsProblem = typeof ns === 'string' ? manifestNamespaceProblem(ns) : 'must be a string';
      if (nsProblem) throw new ToolError(`resource: object ${i + 1} (${o.kind}) metadata.namespace ${JSON.stringify(ns)} ${nsProblem}`);
    }
  });
  if (out.length === 0) throw new ToolError('resource: no object found in the input');
  return out;
}

export const resourcesCreateOrUpdate = defineTool({
  name: 'resources_create_or_update',
  toolset: 'core',
  description: `Create or update Kubernetes resources in the current cluster (server-side apply) by providing a YAML or JSON representation; several YAML documents are applied in order\n${KINDS_HINT}`,
  inputSchema: {
    resource: z
      .string()
      .min(1)
      .describe('A JSON or YAML representation of the Kubernetes resource(s), with top-level fields such as apiVersion, kind, metadata and spec'),
    dryRun: z.boolean().optional().describe('If true, the server validates the resources without persisting them (Optional)'),
    force: z
      .boolean()
      .optional()
      .describe(
        'If true, take over fields another field manager (another user or controller) owns; by default such a conflict is reported and nothing is changed (Optional)',
      ),
  },
  annotations: { title: 'Resources: Create or Update', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const objs = parseManifests(a.resource);
    // Resolve and check every object before writing any, so a denied kind changes nothing.
    const mappings: ResourceMapping[] = [];
    for (const o of objs) mappings.push(await resolve(ctx, o.apiVersion!, o.kind!));
    Object.assign(target, { kind: objs[0].kind, namespace: objs[0].metadata?.namespace, name: objs[0].metadata?.name });
    const fieldManager = fieldManagerFor(ctx.user);
    const results: KubeObject[] = [];
    for (let i = 0; i < objs.length; i++) {
      const o = objs[i];
      const m = mappings[i];
      if (m.namespaced) o.metadata = { ...o.metadata, namespace: namespaceOr(ctx, o.metadata?.namespace) };
      else if (o.metadata?.namespace) delete o.metadata.namespace;
      if (i === 0) target.namespace = o.metadata?.namespace;
      try {
        results.push(maybeRedact(ctx, await applyResource(ctx.kubeConfig, m, o, { dryRun: a.dryRun, force: a.force, fieldManager })));
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 409 && !a.force) {
          const done = i === 0 ? 'nothing was changed' : `the ${i} object(s) before it were applied`;
          throw new ToolError(`${err.message}\n(${o.kind} ${o.metadata?.name}: ${done}; set force: true to take over the conflicting fields)`);
        }
        throw err;
      }
    }
    const head = a.dryRun
      ? '# Dry run: the following resources (YAML) were validated, nothing was persisted'
      : '# The following resources (YAML) have been created or updated successfully';
    return textResult(`${head}\n${renderYaml(results)}`);
  },
});

export const resourcesDelete = defineTool({
  name: 'resources_delete',
  toolset: 'core',
  description: `Delete a Kubernetes resource in the current cluster by providing its apiVersion, kind, optionally the namespace, and its name\n${KINDS_HINT}`,
  inputSchema: {
    ...gvk,
    namespace: optionalNamespace().describe('Optional namespace of the resource (current namespace if not provided, ignored for cluster-scoped kinds)'),
    name: objectName().describe('Name of the resource'),
  },
  annotations: { title: 'Resources: Delete', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const m = await resolve(ctx, a.apiVersion, a.kind);
    const ns = m.namespaced ? namespaceOr(ctx, a.namespace) : undefined;
    Object.assign(target, { kind: m.kind, namespace: ns, name: a.name });
    await deleteResource(ctx.kubeConfig, m, ns, a.name);
    return textResult(`${m.kind} ${ns ? `${ns}/` : ''}${a.name} deleted`);
  },
});

export const resourcesScale = defineTool({
  name: 'resources_scale',
  toolset: 'core',
  description:
    'Get or update the scale (replicas) of a Kubernetes resource that has a scale subresource (Deployment, StatefulSet, ReplicaSet, …); without scale, returns the current scale',
  inputSchema: {
    ...gvk,
    namespace: optionalNamespace().describe('Optional namespace of the resource (current namespace if not provided)'),
    name: objectName().describe('Name of the resource'),
    scale: z.number().int().min(0).optional().describe('Optional number of replicas to set; omit to read the current scale'),
  },
  annotations: { title: 'Resources: Scale', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const m = await resolve(ctx, a.apiVersion, a.kind);
    const ns = m.namespaced ? namespaceOr(ctx, a.namespace) : undefined;
    Object.assign(target, { kind: m.kind, namespace: ns, name: a.name });
    const scale = await scaleResource(ctx.kubeConfig, m, ns, a.name, a.scale);
    return textResult(renderYaml(scale));
  },
});
