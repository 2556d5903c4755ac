/**
 * Schema validation of synthesized custom resources against the CRDs in ../shared/crds.
 *
 * Choice of CRD: by API group + kind, then the version named in `apiVersion`. When several files
 * define the same group/kind (opendatahub 2.35.0 and 3.5.0; OpenShift `Authentication` per feature
 * set) the file is picked as follows:
 * - config.openshift.io kinds with a `release.openshift.io/feature-set` annotation: the
 *   `TechPreviewNoUpgrade` file when the target OpenShift is 4.19, else `Default`;
 * - otherwise the file in which that version is the storage version, else the first that serves it.
 *
 * Strictness: a structural CRD schema makes the API server prune unknown fields silently, so an
 * unknown field here is an error: every object schema with `properties` gets
 * `additionalProperties: false` unless it has `x-kubernetes-preserve-unknown-fields` or its own
 * `additionalProperties`. Keywords with a `null` value (e.g. `anyOf: null` in the Route CRD) are
 * dropped, and `x-kubernetes-int-or-string` fields without a type accept an integer or a string.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

/** ../shared/crds relative to the repository root (jest runs from the root). */
export const CRD_DIR = resolve(process.cwd(), '../shared/crds');

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema?: { openAPIV3Schema: Record<string, unknown> };
}
/** One CRD document and the file it came from. */
export interface LoadedCrd {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly featureSet?: string;
  readonly versions: readonly CrdVersion[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

let cache: LoadedCrd[] | undefined;
/** Every CustomResourceDefinition under {@link CRD_DIR}. */
export function loadCrds(): LoadedCrd[] {
  if (cache) return cache;
  cache = [];
  for (const file of walk(CRD_DIR)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const d = doc.toJS() as any;
      if (d?.kind !== 'CustomResourceDefinition') continue;
      cache.push({
        file,
        group: d.spec.group,
        kind: d.spec.names.kind,
        scope: d.spec.scope,
        featureSet: d.metadata?.annotations?.['release.openshift.io/feature-set'],
        versions: d.spec.versions,
      });
    }
  }
  return cache;
}

/** Where a CR's schema comes from. */
export interface CrdChoice {
  readonly crd: LoadedCrd;
  readonly version: CrdVersion;
}

/**
 * Picks the CRD file and version for an `apiVersion`/`kind` (rules in the module comment).
 * @returns undefined when no CRD defines the group/kind (a core or unknown kind)
 * @throws if a CRD defines the kind but does not serve that version
 */
export function chooseCrd(apiVersion: string, kind: string, opts: { openshiftVersion: string }): CrdChoice | undefined {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return undefined;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  let candidates = loadCrds().filter((c) => c.group === group && c.kind === kind);
  if (candidates.length === 0) return undefined;
  if (candidates.some((c) => c.featureSet)) {
    const wanted = opts.openshiftVersion === '4.19' ? 'TechPreviewNoUpgrade' : 'Default';
    candidates = candidates.filter((c) => c.featureSet === wanted || c.featureSet?.split(',').includes(wanted));
  }
  const serving = candidates.filter((c) => c.versions.some((v) => v.name === version && v.served));
  if (serving.length === 0) throw new Error(`${kind}.${group}: no CRD in ${CRD_DIR} serves version ${version}`);
  const crd = serving.find((c) => c.versions.some((v) => v.name === version && v.storage)) ?? serving[0]!;
  return { crd, version: crd.versions.find((v) => v.name === version)! };
}

/** Deep copy of a schema with `additionalProperties: false` on closed objects. */
export function closeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // Some generated CRDs carry `anyOf: null`; a null keyword means "absent".
    if (v === null) continue;
    // `properties` maps names to schemas: close each schema, keep the names.
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([n, s]) => [n, closeSchema(s)])) : closeSchema(v);
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under ESM its function is the default export's `default`.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (a: Ajv) => Ajv;
addFormats(ajv);
for (const f of ['int32', 'int64', 'byte', 'double', 'float', 'quantity', 'duration']) ajv.addFormat(f, true);
const compiled = new Map<string, ValidateFunction>();

/**
 * Validates a custom resource against its CRD schema.
 * @returns the ajv error messages with their instance paths (empty when valid), plus the CRD used
 */
export function validateCustomResource(
  obj: { apiVersion: string; kind: string },
  opts: { openshiftVersion: string },
): { choice?: CrdChoice; errors: string[] } {
  const choice = chooseCrd(obj.apiVersion, obj.kind, opts);
  if (!choice) return { errors: [] };
  const key = `${choice.crd.file}#${choice.version.name}`;
  let found = compiled.get(key);
  if (!found) {
    const schema = choice.version.schema?.openAPIV3Schema;
    if (!schema) throw new Error(`${key}: no openAPIV3Schema`);
    // Every object has apiVersion, kind and metadata, even where a CRD's root schema omits them.
    const root = closeSchema(schema) as { properties?: Record<string, unknown> };
    root.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...root.properties };
    found = ajv.compile(root);
    compiled.set(key, found);
  }
  const validate = found;
  const ok = validate(obj);
  return {
    choice,
    errors: ok
      ? []
      : (validate.errors ?? []).map(
          (e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
        ),
  };
}
