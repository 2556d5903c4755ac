/**
 * Shared building blocks for the application workloads (MCP server, Playground, MCP Inspector):
 * a pinned container image reference, resource requirements and the restricted security
 * contexts every container of the stack runs with.
 *
 * The restricted settings follow the Kubernetes Pod Security Standards "restricted" profile
 * (runAsNonRoot, allowPrivilegeEscalation=false, capabilities drop ALL, seccomp RuntimeDefault),
 * which is also what OpenShift's `restricted-v2` SCC admits without a UID range.
 */
import { k8s } from 'cdk8s-plus-28';
import { routeHostProblem } from './config-parts.js';

/** A container image pinned to a tag or digest. `latest` is refused. */
export interface ContainerImage {
  /** Registry and repository, e.g. `quay.io/oauth2-proxy/oauth2-proxy`. */
  readonly repository: string;
  /** Tag (e.g. `v7.8.1`) or digest (`sha256:…`). Never `latest`, never empty. */
  readonly tag: string;
}

/** CPU and memory quantities of one container (Kubernetes quantity strings, e.g. `250m`, `256Mi`). */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Renders `repository:tag` (or `repository@sha256:…` for a digest).
 * @param propPath the prop the image came from, used in the error message
 * @throws if the tag is empty, is `latest`, or the repository carries its own tag/digest
 */
export function imageString(image: ContainerImage, propPath: string): string {
  const repo = image.repository.trim();
  const tag = image.tag.trim();
  if (repo === '') throw new Error(`${propPath}.repository: expected a registry/repository, got an empty string`);
  if (repo.includes('@') || /:[^/]+$/.test(repo)) {
    throw new Error(`${propPath}.repository: "${repo}" carries a tag or digest; put it in ${propPath}.tag instead`);
  }
  if (tag === '' || tag === 'latest') {
    throw new Error(`${propPath}.tag: "${tag}" is not a pinned version; set an explicit version tag or sha256 digest`);
  }
  return tag.startsWith('sha256:') ? `${repo}@${tag}` : `${repo}:${tag}`;
}

/** Converts {@link ContainerResources} to the Kubernetes `resources` field. */
export function resourceRequirements(r: ContainerResources): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits: { cpu: k8s.Quantity.fromString(r.limits.cpu), memory: k8s.Quantity.fromString(r.limits.memory) },
  };
}

/**
 * Container security context of the "restricted" profile. No UID is set so that OpenShift
 * assigns one from the namespace's range.
 * @param readOnlyRootFilesystem mount the image read-only (@default true)
 */
export function restrictedContainerSecurityContext(readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod security context of the "restricted" profile (non-root, RuntimeDefault seccomp). */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}

/**
 * Checks a TCP port prop.
 * @throws if the value is not an integer in 1..65535
 */
export function checkPort(port: number, propPath: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${propPath}: expected a TCP port (integer 1..65535), got ${port}`);
  }
  return port;
}

/**
 * Checks a replica count prop.
 * @throws if the value is not a positive integer
 */
export function checkReplicas(replicas: number, propPath: string): number {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`${propPath}: expected a positive integer, got ${replicas}`);
  }
  return replicas;
}

/**
 * Checks an absolute http(s) URL prop and returns it unchanged (no normalisation: issuers
 * are compared as exact strings).
 * @throws if the value does not parse as an http or https URL
 */
export function checkUrl(value: string, propPath: string, schemes: readonly string[] = ['https:', 'http:']): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${propPath}: "${value}" is not an absolute URL`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new Error(`${propPath}: "${value}" must use ${schemes.map((s) => s.replace(':', '')).join(' or ')}`);
  }
  return value;
}

/**
 * Checks a base URL (the public https origin of a Route, or an in-cluster Service URL when
 * `schemes` allows http): no path, query, fragment or trailing slash (servers append their own
 * paths). @default schemes `['https:']`
 * @throws Error naming the prop otherwise
 */
export function checkPublicBaseUrl(value: string, propPath: string, schemes: readonly string[] = ['https:']): string {
  checkUrl(value, propPath, schemes);
  const u = new URL(value);
  if (u.pathname !== '/' || u.search !== '' || u.hash !== '' || value.endsWith('/')) {
    const kind = schemes.map((s) => s.replace(':', '')).join(' or ');
    throw new Error(`${propPath}: "${value}" must be a bare ${kind} origin such as "https://host.apps.example.com" (no path, query or trailing slash)`);
  }
  return value;
}

/**
 * Checks a Route host prop (`spec.host`) with {@link routeHostProblem}, the Route CRD's rule.
 * @throws Error naming the prop and the fix (e.g. drop the port)
 */
export function checkRouteHost(value: string, propPath: string): string {
  const problem = routeHostProblem(value);
  if (problem) throw new Error(`${propPath}: "${value}": ${problem}`);
  return value;
}
