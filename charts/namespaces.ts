/**
 * Which `dist/` file creates each Namespace of the stack, read from the charts themselves
 * (nothing re-derives a name): the stack is built in memory exactly as `synth` builds it, and
 * every `v1/Namespace` object is mapped to its chart's file. File names follow cdk8s's naming
 * for charts with dependencies, `<4-digit apply index>-<chart id>.k8s.yaml` (see charts/stack.ts).
 * Used by `kube-mcp-stack secrets ensure` to say what to apply before a Secret can be written.
 */
import { App } from 'cdk8s';
import type { StackModel } from './model.js';
import { addKubeMcpStack } from './stack.js';

/** The default extension of cdk8s manifest files (`App` `outputFileExtension`). */
export const MANIFEST_EXTENSION = '.k8s.yaml';

/**
 * Namespace name → file name (e.g. `0006-cluster-auth.k8s.yaml`) of the chart that creates it.
 * Namespaces the stack uses but does not create (`openshift-config`) are absent.
 * @param model the derived model ({@link deriveModel})
 */
export function namespaceManifestFiles(model: StackModel): Map<string, string> {
  const app = new App({ outdir: '.', outputFileExtension: MANIFEST_EXTENSION });
  addKubeMcpStack(app, model);
  const files = new Map<string, string>();
  app.charts.forEach((chart, index) => {
    const file = `${String(index).padStart(4, '0')}-${chart.node.id}${MANIFEST_EXTENSION}`;
    for (const obj of chart.toJson() as { apiVersion?: string; kind?: string; metadata?: { name?: string } }[]) {
      if (obj.apiVersion === 'v1' && obj.kind === 'Namespace' && obj.metadata?.name && !files.has(obj.metadata.name)) files.set(obj.metadata.name, file);
    }
  });
  return files;
}
