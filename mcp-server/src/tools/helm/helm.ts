/** Toolset helm: list, install and uninstall releases, as the caller. */
import { stringify } from 'yaml';
import { z } from 'zod';
import { defineTool, namespaceOr, READ_ONLY } from '../define.js';
import { BUILTIN, gvkOf } from '../output.js';
import { assertAllowed } from '../policy.js';
import { textResult } from '../result.js';
import { alignColumns } from '../render.js';
import { listResources } from '../../k8s/resources.js';
import { latestReleases, RELEASE_SECRET_TYPE } from './releases.js';
import { runHelm } from './helm-cli.js';

export const helmList = defineTool({
  name: 'helm_list',
  toolset: 'helm',
  description: 'List the Helm releases in the current or provided namespace, or in all namespaces (read from the release Secrets)',
  inputSchema: {
    namespace: z.string().optional().describe('Namespace to list the releases from (Optional, current namespace if not provided)'),
    all_namespaces: z.boolean().optional().describe('If true, list the releases from all namespaces (Optional)'),
    all: z.boolean().optional().describe('If true, show releases of every status, not only deployed and failed (Optional)'),
  },
  annotations: { title: 'Helm: List', ...READ_ONLY },
  handler: async (a, ctx, target) => {
    assertAllowed(ctx, gvkOf(BUILTIN.secret));
    const ns = a.all_namespaces ? undefined : namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'HelmRelease', namespace: ns });
    const list = await listResources(ctx.kubeConfig, BUILTIN.secret, {
      namespace: ns,
      labelSelector: 'owner=helm',
      fieldSelector: `type=${RELEASE_SECRET_TYPE}`,
    });
    const rels = latestReleases(list.items.map((s) => ({ ...s, kind: 'Secret' })), a.all);
    if (rels.length === 0) return textResult('No Helm releases found');
    return textResult(
      alignColumns([
        ['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'],
        ...rels.map((r) => [r.name, r.namespace, String(r.revision), r.updated, r.status, r.chart, r.appVersion]),
      ]),
    );
  },
});

export const helmInstall = defineTool({
  name: 'helm_install',
  toolset: 'helm',
  description: 'Install a Helm chart (repository/chart, OCI reference or URL) in the current or provided namespace (needs the helm binary on the server)',
  inputSchema: {
    chart: z.string().min(1).describe('Chart reference to install (for example: stable/grafana, oci://ghcr.io/nginxinc/charts/nginx-ingress)'),
    values: z.record(z.unknown()).optional().describe('Values to pass to the chart (Optional)'),
    name: z.string().optional().describe('Name of the release (Optional, random name if not provided)'),
    namespace: z.string().optional().describe('Namespace to install the chart in (Optional, current namespace if not provided)'),
  },
  annotations: { title: 'Helm: Install', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'HelmRelease', namespace: ns, name: a.name });
    const args = ['install', ...(a.name ? [a.name] : ['--generate-name']), a.chart, '--namespace', ns, '--output', 'json'];
    const files: Record<string, string> = {};
    if (a.values && Object.keys(a.values).length) {
      files['values.yaml'] = stringify(a.values);
      args.push('--values', '@file:values.yaml');
    }
    const { stdout } = await runHelm(ctx.kubeConfig, args, ctx.kubeconfigPath, files);
    const rel = JSON.parse(stdout) as { name?: string; namespace?: string; version?: number; info?: { status?: string }; chart?: { metadata?: { name?: string; version?: string } } };
    const chart = rel.chart?.metadata;
    return textResult(
      `Helm release ${rel.namespace ?? ns}/${rel.name ?? a.name} installed: revision ${rel.version ?? '?'}, status ${rel.info?.status ?? 'unknown'}, chart ${chart?.name ?? a.chart}-${chart?.version ?? ''}`,
    );
  },
});

export const helmUninstall = defineTool({
  name: 'helm_uninstall',
  toolset: 'helm',
  description: 'Uninstall a Helm release in the current or provided namespace (needs the helm binary on the server)',
  inputSchema: {
    name: z.string().min(1).describe('Name of the release to uninstall'),
    namespace: z.string().optional().describe('Namespace of the release (Optional, current namespace if not provided)'),
  },
  annotations: { title: 'Helm: Uninstall', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'HelmRelease', namespace: ns, name: a.name });
    const { stdout } = await runHelm(ctx.kubeConfig, ['uninstall', a.name, '--namespace', ns], ctx.kubeconfigPath);
    return textResult(stdout.trim() || `release "${a.name}" uninstalled`);
  },
});
