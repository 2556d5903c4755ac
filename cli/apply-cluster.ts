/**
 * The cluster side of `kube-mcp-stack apply`, over @kubernetes/client-node 1.x: reading and
 * server-side applying objects exactly as `dist/` writes them (`KubernetesObjectApi.patch`
 * with `application/apply-patch+yaml`, field manager {@link FIELD_MANAGER}, never forced
 * unless asked), API discovery (is a kind served yet), and polling with a deadline.
 */
import { ApiextensionsV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { asUnreachable } from './kubeconfig.js';

/** The field manager of every apply of this tool. */
export const FIELD_MANAGER = 'kube-mcp-stack';

/** A `dist/` object (what YAML parsing gives). */
export type DistObject = KubernetesObject & Record<string, unknown>;

/** `<apiVersion>/<kind> [<namespace>/]<name>`, for messages. */
export function refOf(o: KubernetesObject): string {
  return `${o.apiVersion}/${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/** A 409 of server-side apply: fields another manager owns with another value. */
export class FieldConflictError extends Error {
  constructor(
    readonly ref: string,
    /** One `field .x managed by "m"` text per conflicting field, as the API reported it. */
    readonly conflicts: readonly string[],
  ) {
    super(`${ref}: ${conflicts.join('; ')}`);
    this.name = 'FieldConflictError';
  }
}

/** Any other API failure, with the API's code and message. */
export class ApiCallError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

interface ApiStatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

function bodyOf(err: unknown): ApiStatusBody | undefined {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as ApiStatusBody;
    } catch {
      return { message: body };
    }
  }
  return body as ApiStatusBody | undefined;
}

/** The HTTP code of a client-node error, if it has one. */
export function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Rethrows `err` as ClusterUnreachableError (a connection or TLS failure), {@link FieldConflictError}
 * (409 with causes) or {@link ApiCallError}.
 */
function apiError(kc: KubeConfig, err: unknown, ref: string, verb: string): Error {
  const unreachable = asUnreachable(kc, err, false);
  if (unreachable) return unreachable;
  const code = codeOf(err);
  const body = bodyOf(err);
  if (code === 409 && body?.details?.causes?.length) {
    return new FieldConflictError(
      ref,
      body.details.causes.map((c) => `${c.message ?? c.reason ?? 'conflict'}${c.field && !(c.message ?? '').includes(c.field) ? ` (${c.field})` : ''}`),
    );
  }
  return new ApiCallError(code, `${verb} ${ref}: ${code ?? ''} ${body?.message ?? (err as Error).message ?? String(err)}`.replace(/ {2,}/g, ' '));
}

/**
 * KubernetesObjectApi that sends each object as written: the stock client serializes built-in
 * kinds through its typed models, which drops fields it does not know under their JSON names
 * and would hide unknown fields from the API server's own validation. An unregistered type
 * name makes its serializer pass the object through unchanged.
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
  /**
   * Whether discovery lists `kind` in `apiVersion` (a fresh client sees new CRDs): false when it
   * does not or the group version is absent (404) or briefly unavailable (5xx, an aggregated API
   * starting).
   * @throws ClusterUnreachableError on a connection/TLS failure or HTTP 401/403; ApiCallError on any other failure
   */
  async served(kc: KubeConfig, apiVersion: string, kind: string): Promise<boolean> {
    try {
      return (await this.resource(apiVersion, kind)) !== undefined;
    } catch (e) {
      const code = codeOf(e);
      if (code === 404 || (code !== undefined && code >= 500)) return false;
      throw asUnreachable(kc, e) ?? new ApiCallError(code, (e as Error).message);
    }
  }
}

/** Reads, applies and discovers objects in one cluster. */
export class ApplyCluster {
  constructor(
    readonly kc: KubeConfig,
    /** Take over fields other managers own (`--force-conflicts`). @default false */
    private readonly forceConflicts = false,
  ) {}

  /** A fresh client: its discovery cache is empty, so CRDs installed meanwhile are seen. */
  private api(): RawObjectApi {
    return RawObjectApi.make(this.kc);
  }

  /** Whether the API serves `kind` in `apiVersion` now. */
  served(apiVersion: string, kind: string): Promise<boolean> {
    return this.api().served(this.kc, apiVersion, kind);
  }

  /** The live object, or undefined on 404. @throws ApiCallError on any other failure */
  async get<T extends KubernetesObject = DistObject>(o: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  }): Promise<T | undefined> {
    try {
      return (await this.api().read(o as never)) as T;
    } catch (e) {
      if (codeOf(e) === 404) return undefined;
      throw apiError(this.kc, e, refOf(o), 'cannot read');
    }
  }

  /**
   * Server-side applies `o` with {@link FIELD_MANAGER} (force only with `--force-conflicts`).
   * @param dryRun server-side dry run (`dryRun=All`): nothing is persisted
   * @returns the object as the API server returned it
   * @throws FieldConflictError on a 409 naming the fields and their manager; ApiCallError otherwise
   */
  async apply(o: DistObject, dryRun = false): Promise<DistObject> {
    try {
      return (await this.api().patch(
        o,
        undefined,
        dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        this.forceConflicts,
        PatchStrategy.ServerSideApply,
      )) as DistObject;
    } catch (e) {
      throw apiError(this.kc, e, refOf(o), dryRun ? 'dry-run apply' : 'apply');
    }
  }

  /** One key of a ConfigMap, or undefined when the ConfigMap or the key is absent. */
  async configMapKey(namespace: string, name: string, key: string): Promise<string | undefined> {
    const cm = await this.get<KubernetesObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
    return cm?.data?.[key];
  }

  /** The CRD serving `kind` of `group`, for messages: its name and Established condition, or `not installed`. */
  async crdState(group: string, kind: string): Promise<string> {
    try {
      const list = await this.kc.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition();
      const crd = list.items.find((c) => c.spec.group === group && c.spec.names.kind === kind);
      if (!crd) return `no CRD for ${kind}.${group} is installed`;
      const est = crd.status?.conditions?.find((c) => c.type === 'Established');
      return `CRD ${crd.metadata?.name} Established=${est?.status ?? 'unknown'}${est?.message ? ` (${est.message})` : ''}`;
    } catch (e) {
      return `cannot list CRDs: ${codeOf(e) ?? (e as Error).message}`;
    }
  }
}

/** One poll's outcome: `done`, or the last state for the timeout message. */
export type PollResult = { readonly done: true; readonly detail?: string } | { readonly done: false; readonly last: string };

/** A wait ran out of time. */
export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, last: string) {
    super(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}; last seen: ${last}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Calls `check` every `intervalMs` until it is done or `timeoutMs` passed.
 * @returns the detail of the successful check
 * @throws WaitTimeoutError naming `what` and the last state; whatever `check` throws
 */
export async function pollUntil(what: string, check: () => Promise<PollResult>, timeoutMs: number, intervalMs = 1000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await check();
    if (r.done) return r.detail;
    if (Date.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, r.last);
    await new Promise((res) => setTimeout(res, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
