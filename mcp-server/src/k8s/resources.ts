/**
 * Generic CRUD over any resource, by REST mapping (from discovery), on raw requests so that list
 * calls can ask for the API server's Table rendering and writes can use server-side apply.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceMapping } from '../tools/types.js';
import { kubeRequest } from './request.js';

/** The field manager recorded on server-side apply (`metadata.managedFields[].manager`). */
export const FIELD_MANAGER = 'kube-mcp-server';

/**
 * REST path of a resource collection or object:
 * `/api/v1[/namespaces/<ns>]/<resource>[/<name>]` or `/apis/<group>/<version>[/namespaces/<ns>]/<resource>[/<name>]`.
 * The namespace segment is used only for namespaced resources and a non-empty namespace.
 */
export function resourcePath(m: ResourceMapping, namespace?: string, name?: string, subresource?: string): string {
  const base = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
  const ns = m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}` : '';
  const sub = name && subresource ? `/${subresource}` : '';
  return `${base}${ns}/${m.resource}${obj}${sub}`;
}

/** apiVersion string of a mapping (`v1`, `apps/v1`). */
export function apiVersionOf(m: Pick<ResourceMapping, 'group' | 'version'>): string {
  return m.group ? `${m.group}/${m.version}` : m.version;
}

export interface ListOptions {
  /** Namespace; undefined/empty lists across all namespaces (namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (`limit`); the answer's `metadata.continue` fetches the next page. */
  limit?: number;
  /** `continue` token from the previous page. */
  continue?: string;
  /** Accept header (e.g. the Table one); default JSON. */
  accept?: string;
}

/** List a collection. Items get `apiVersion`/`kind` filled in (the API leaves them out of lists). */
export async function listResources<T = KubeList>(kc: KubeConfig, m: ResourceMapping, o: ListOptions = {}): Promise<T> {
  const list = await kubeRequest<KubeList>(kc, {
    path: resourcePath(m, o.namespace),
    query: { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue },
    accept: o.accept,
  });
  if (Array.isArray(list.items)) list.items = list.items.map((it) => withTypeMeta(m, it));
  return list as T;
}

/** A Kubernetes object (loosely typed). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}
/** A Kubernetes list. */
export interface KubeList {
  apiVersion?: string;
  kind?: string;
  metadata?: { continue?: string; remainingItemCount?: number; resourceVersion?: string };
  items: KubeObject[];
}

/** The object with `apiVersion` and `kind` first, filled in from the mapping when absent (as kubectl prints). */
export function withTypeMeta(m: ResourceMapping, obj: KubeObject): KubeObject {
  const { apiVersion, kind, ...rest } = obj;
  return { apiVersion: apiVersion ?? apiVersionOf(m), kind: kind ?? m.kind, ...rest };
}

/** GET one object (with `apiVersion`/`kind` filled in). */
export async function getResource(kc: KubeConfig, m: ResourceMapping, namespace: string | undefined, name: string): Promise<KubeObject> {
  return withTypeMeta(m, await kubeRequest<KubeObject>(kc, { path: resourcePath(m, namespace, name) }));
}

/**
 * Create or update by server-side apply (PATCH `application/apply-patch+yaml`, `fieldManager`
 * {@link FIELD_MANAGER}, `force=true` so the caller's intent wins over other managers' conflicts).
 */
export function applyResource(
  kc: KubeConfig,
  m: ResourceMapping,
  obj: KubeObject,
  opts: { dryRun?: boolean } = {},
): Promise<KubeObject> {
  const name = obj.metadata?.name;
  if (!name) throw new Error('metadata.name is required');
  return kubeRequest<KubeObject>(kc, {
    method: 'PATCH',
    path: resourcePath(m, obj.metadata?.namespace, name),
    query: { fieldManager: FIELD_MANAGER, force: true, dryRun: opts.dryRun ? 'All' : undefined },
    body: JSON.stringify(obj),
    contentType: 'application/apply-patch+yaml',
  });
}

/** DELETE one object (background propagation, as kubectl). Returns the API's answer (object or Status). */
export function deleteResource(kc: KubeConfig, m: ResourceMapping, namespace: string | undefined, name: string): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, {
    method: 'DELETE',
    path: resourcePath(m, namespace, name),
    body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
  });
}

/** Read (scale undefined) or set `spec.replicas` through the `scale` subresource (autoscaling/v1 Scale). */
export async function scaleResource(
  kc: KubeConfig,
  m: ResourceMapping,
  namespace: string | undefined,
  name: string,
  replicas?: number,
): Promise<KubeObject> {
  const path = resourcePath(m, namespace, name, 'scale');
  if (replicas === undefined) return kubeRequest<KubeObject>(kc, { path });
  return kubeRequest<KubeObject>(kc, {
    method: 'PATCH',
    path,
    body: { spec: { replicas } },
    contentType: 'application/merge-patch+json',
  });
}
