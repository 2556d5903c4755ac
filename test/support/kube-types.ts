/**
 * Validation of core Kubernetes objects against their API types.
 *
 * Choice: no Kubernetes OpenAPI document is available offline (`cdk8s import k8s` downloads it),
 * so the check walks each object along the generated models of @kubernetes/client-node
 * (`V1Deployment.getAttributeTypeMap()`, generated from the Kubernetes OpenAPI spec): every field
 * must be a known attribute of its type (an unknown field would be dropped by the API server),
 * and every value must have the declared shape (string, number, boolean, IntOrString, array,
 * string map, nested model). Enum values and required fields are not covered by these models.
 */
import * as kc from '@kubernetes/client-node';

type AttributeMap = { name: string; baseName: string; type: string }[];
type Model = { getAttributeTypeMap(): AttributeMap };

const models = kc as unknown as Record<string, Model | undefined>;

/** client-node model name of a core kind, e.g. apps/v1 Deployment → V1Deployment. */
export function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`;
}

/** True when client-node has a model for the kind (i.e. it is a built-in API type). */
export function isCoreKind(apiVersion: string, kind: string): boolean {
  const m = models[modelName(apiVersion, kind)];
  return typeof m?.getAttributeTypeMap === 'function';
}

function check(value: unknown, type: string, path: string, errors: string[]): void {
  if (value === undefined || value === null) return;
  const arr = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (arr) {
    if (!Array.isArray(value)) errors.push(`${path}: expected an array`);
    else value.forEach((v, i) => check(v, arr[1]!, `${path}[${i}]`, errors));
  } else if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) errors.push(`${path}: expected a map`);
    else for (const [k, v] of Object.entries(value)) check(v, map[1]!, `${path}.${k}`, errors);
  } else if (type === 'string' || type === 'Date') {
    if (typeof value !== 'string') errors.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
  } else if (type === 'number') {
    if (typeof value !== 'number') errors.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') errors.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && !Number.isInteger(value)) errors.push(`${path}: expected an int or string`);
  } else if (type === 'any') {
    // free-form
  } else {
    const model = models[type];
    if (!model) {
      errors.push(`${path}: unknown model type ${type}`);
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${path}: expected an object of type ${type}`);
      return;
    }
    const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
    for (const [k, v] of Object.entries(value as object)) {
      const t = attrs.get(k);
      if (!t) errors.push(`${path}.${k}: not a field of ${type}`);
      else check(v, t, `${path}.${k}`, errors);
    }
  }
}

/**
 * Validates a built-in object (Deployment, Service, ConfigMap, …) against its client-node model.
 * @returns error messages with paths; empty when the object fits its type
 * @throws if the kind has no client-node model
 */
export function validateCoreObject(obj: { apiVersion: string; kind: string }): string[] {
  const name = modelName(obj.apiVersion, obj.kind);
  if (!isCoreKind(obj.apiVersion, obj.kind)) throw new Error(`${obj.apiVersion} ${obj.kind}: no client-node model ${name}`);
  const errors: string[] = [];
  check(obj, name, obj.kind, errors);
  return errors;
}
