/**
 * The Kubernetes access layer's own types: group/version/kind, the REST mapping of a kind
 * and the per-cluster discovery cache. The tool layer (tools/types.ts) re-exports them;
 * nothing here knows a tool.
 */
import type { KubeConfig } from './kube-config.js';

/** A group/version/kind the `denied_resources` key names (group `""` is the core group). */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface ResourceMapping {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name, e.g. `pods`. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** Per-cluster API discovery cache (resources per group/version). */
export interface DiscoveryCache {
  /** Resolve a kind (optionally with apiVersion) to its REST mapping; throws if unknown. */
  resolve(kubeConfig: KubeConfig, apiVersion: string | undefined, kind: string): Promise<ResourceMapping>;
  /** Whether the cluster serves an API group (e.g. `project.openshift.io`, `metrics.k8s.io`). */
  hasGroup(kubeConfig: KubeConfig, group: string): Promise<boolean>;
}
