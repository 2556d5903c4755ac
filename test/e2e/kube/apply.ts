/**
 * Server-side apply of YAML manifests with @kubernetes/client-node, the way
 * `kubectl apply --server-side --field-manager=<m>` does it: one `PATCH` per object with
 * content type `application/apply-patch+yaml` (Kubernetes API "Server-Side Apply").
 *
 * Also installs CRDs and waits for their `Established` condition, so the custom resources of a
 * later apply are accepted.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, KubeConfig, KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** The result of applying one object. */
export interface ApplyResult {
  /** `<apiVersion>/<kind> [<namespace>/]<name>` */
  readonly ref: string;
  readonly resourceVersion?: string;
  /** The API's message when the apply failed. */
  readonly error?: string;
}

/** A printable reference of an object (`v1/Namespace llama-stack`). */
export function refOf(o: KubernetesObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion}/${o.kind} ${ns}${o.metadata?.name}`;
}

/** Every non-empty YAML document of one file, as objects. @throws Error naming the file on a YAML error */
export async function readManifests(file: string): Promise<KubernetesObject[]> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'));
  const out: KubernetesObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS() as KubernetesObject | null;
    if (value && typeof value === 'object') out.push(value);
  }
  return out;
}

/** The `*.yaml`/`*.yml` files of a directory in name order (the order `oc apply -f dir/` uses). */
export async function manifestFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return names.map((n) => join(dir, n));
}

/**
 * KubernetesObjectApi that sends each object exactly as written. The stock client serializes
 * built-in kinds through its typed models, which silently drops fields it does not know under
 * their JSON names (e.g. a CRD schema's `x-kubernetes-int-or-string`) and would hide unknown
 * fields from the API server's own validation. An unregistered type name makes its serializer
 * pass the object through unchanged.
 */
class RawObjectApi extends KubernetesObjectApi {
  static make(kc: KubeConfig): RawObjectApi {
    const api = kc.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }
  protected override async getSerializationType(): Promise<string> {
    return 'RawKubernetesObject';
  }
}

function apiMessage(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      /* keep the text */
    }
  }
  const msg = (body as { message?: string } | undefined)?.message ?? (typeof body === 'string' ? body : e.message);
  return `${e.code ?? ''} ${msg ?? String(err)}`.trim();
}

/**
 * Server-side applies each object in order with `fieldManager` (no force: a conflict is an error).
 * A fresh client is made per call so API discovery sees newly installed CRDs.
 * @returns one result per object; failures carry `error` instead of throwing
 */
export async function serverSideApply(kc: KubeConfig, objects: readonly KubernetesObject[], fieldManager: string): Promise<ApplyResult[]> {
  const api = RawObjectApi.make(kc);
  const results: ApplyResult[] = [];
  for (const o of objects) {
    try {
      const applied = await api.patch(o, undefined, undefined, fieldManager, false, PatchStrategy.ServerSideApply);
      results.push({ ref: refOf(o), resourceVersion: applied.metadata?.resourceVersion });
    } catch (err) {
      results.push({ ref: refOf(o), error: apiMessage(err) });
    }
  }
  return results;
}

/**
 * Applies the CRDs found in `files` and waits until each is `Established`.
 * @throws Error listing the CRDs that failed to apply or to become Established within `timeoutMs`
 */
export async function installCrds(kc: KubeConfig, files: readonly string[], timeoutMs = 60_000): Promise<string[]> {
  const crds = (await Promise.all(files.map(readManifests))).flat().filter((o) => o.kind === 'CustomResourceDefinition');
  const failed = (await serverSideApply(kc, crds, 'kube-mcp-stack-e2e')).filter((r) => r.error);
  if (failed.length) throw new Error(`CRD apply failed:\n${failed.map((r) => `  ${r.ref}: ${r.error}`).join('\n')}`);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const names = crds.map((c) => c.metadata!.name!);
  const deadline = Date.now() + timeoutMs;
  let pending = names;
  while (pending.length) {
    const still: string[] = [];
    for (const name of pending) {
      const crd = await ext.readCustomResourceDefinition({ name });
      const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      if (!established) still.push(name);
    }
    pending = still;
    if (!pending.length) break;
    if (Date.now() > deadline) throw new Error(`CRDs not Established after ${timeoutMs} ms: ${pending.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return names;
}
