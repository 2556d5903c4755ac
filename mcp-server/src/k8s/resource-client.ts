/**
 * Generic CRUD over any resource, by REST mapping (from discovery), on raw requests so that list
 * calls can ask for the API server's Table rendering and writes can use server-side apply.
 */
import type { KubeConfig } from './kube-config.js';
import type { ResourceMapping } from './types.js';
import { kubeRequest } from './request.js';

/** Prefix of every field manager this server records (`metadata.managedFields[].manager`). */
export const FIELD_MANAGER = 'kube-mcp-server';
/** Longest field manager the API server accepts (apimachinery `ValidateFieldManager`). */
export const FIELD_MANAGER_MAX = 128;

/**
 * Field manager for writes made on behalf of one user: `kube-mcp-server:<preferred_username or sub>`,
 * non-printable characters replaced by `_`, cut to {@link FIELD_MANAGER_MAX} characters (the API
 * server rejects longer ones and non-printable ones). Without either claim: `kube-mcp-server`.
 * Per-user managers make server-side apply report a conflict when one user would take over
 * fields another user set, instead of silently sharing ownership.
 */
export function fieldManagerFor(user: { preferredUsername?: string; sub?: string }): string {
  const who = user.preferredUsername || user.sub;
  if (!who) return FIELD_MANAGER;
  const printable = Array.from(`${FIELD_MANAGER}:${who}`, (c) => (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c) ? c : '_'));
  return printable.slice(0, FIELD_MANAGER_MAX).join('');
}

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
  /**
   * With a Table Accept header: what each row's `object` holds (`includeObject`, meta.k8s.io
   * TableOptions: `None`, `Metadata` — the API's default — or `Object`). `None` when the rows'
   * metadata is not read saves the API server serializing and us parsing it (managedFields included).
   */
  includeObject?: 'None' | 'Metadata' | 'Object';
}

/** List a collection. Items get `apiVersion`/`kind` filled in (the API leaves them out of lists). */
export async function listResources<T = KubeList>(kc: KubeConfig, m: ResourceMapping, o: ListOptions = {}): Promise<T> {
  const list = await kubeRequest<KubeList>(kc, {
    path: resourcePath(m, o.namespace),
    query: { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue, includeObject: o.includeObject },
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

export interface WriteOptions {
  /** Field manager recorded for the write (see {@link fieldManagerFor}); default {@link FIELD_MANAGER}. */
  fieldManager?: string;
  /** Server-side validation only (`dryRun=All`), nothing persisted. */
  dryRun?: boolean;
}

/**
 * Create or update by server-side apply (PATCH `application/apply-patch+yaml` with `fieldManager`).
 * Without `force` (the default) a field owned by another manager with a different value makes the
 * API server answer 409 `Conflict`, thrown as KubeApiError with its message naming the fields and
 * managers; `force: true` takes those fields over.
 * @throws Error if `metadata.name` is missing; KubeApiError from the API server.
 */
export function applyResource(kc: KubeConfig, m: ResourceMapping, obj: KubeObject, opts: WriteOptions & { force?: boolean } = {}): Promise<KubeObject> {
  const name = obj.metadata?.name;
  if (!name) throw new Error('metadata.name is required');
  return kubeRequest<KubeObject>(kc, {
    method: 'PATCH',
    path: resourcePath(m, obj.metadata?.namespace, name),
    query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, force: opts.force ? true : undefined, dryRun: opts.dryRun ? 'All' : undefined },
    body: JSON.stringify(obj),
    contentType: 'application/apply-patch+yaml',
  });
}

/**
 * Create an object (POST to its collection). An existing object of the same name is never
 * changed: the API server answers 409 `AlreadyExists`, thrown as KubeApiError.
 * @throws KubeApiError from the API server.
 */
export function createResource(kc: KubeConfig, m: ResourceMapping, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, {
    method: 'POST',
    path: resourcePath(m, obj.metadata?.namespace),
    query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, dryRun: opts.dryRun ? 'All' : undefined },
    body: obj,
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
export async function scaleResource(kc: KubeConfig, m: ResourceMapping, namespace: string | undefined, name: string, replicas?: number): Promise<KubeObject> {
  const path = resourcePath(m, namespace, name, 'scale');
  if (replicas === undefined) return kubeRequest<KubeObject>(kc, { path });
  return kubeRequest<KubeObject>(kc, {
    method: 'PATCH',
    path,
    body: { spec: { replicas } },
    contentType: 'application/merge-patch+json',
  });
}
