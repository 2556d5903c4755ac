/** Toolset helm: list, install and uninstall releases, as the caller. */
import { stringify } from 'yaml';
import { z } from 'zod';
import { defineTool, namespaceOr, READ_ONLY } from '../define.js';
import { BUILTIN, gvkOf } from '../output.js';
import { assertAllowed } from '../policy.js';
import { textResult } from '../result.js';
import { alignColumns } from '../render.js';
import { listResources } from '../../k8s/resource-client.js';
import { latestReleases, RELEASE_SECRET_TYPE } from './releases.js';
import { runHelm, type HelmArg } from './helm-cli.js';
import { optionalNamespace } from '../names.js';

/**
 * Chart references helm_install accepts: `<repo>/<chart>` (a repository configured for helm) or
 * an `oci://<registry>[:port]/<path>[:tag][@sha256:<digest>]` reference. Local paths (absolute or
 * relative), `file:` and `http(s):` URLs are refused: they would read the server's file system or
 * fetch from the server pod's network. There is no setting to allow more yet.
 */
export const CHART_REF =
  /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*|oci:\/\/[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?(?:\/[a-z0-9][a-z0-9._-]*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?)$/;

/** Helm release names: DNS-1123 subdomain of at most 53 characters (Helm's own limit). */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const releaseName = () =>
  z
    .string()
    .max(53)
    .regex(
      RELEASE_NAME,
      'must be a Helm release name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 53 characters',
    );

export const helmList = defineTool({
  name: 'helm_list',
  toolset: 'helm',
  description: 'List the Helm releases in the current or provided namespace, or in all namespaces (read from the release Secrets)',
  inputSchema: {
    namespace: optionalNamespace().describe('Namespace to list the releases from (Optional, current namespace if not provided)'),
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
    const rels = latestReleases(
      list.items.map((s) => ({ ...s, kind: 'Secret' })),
      a.all,
    );
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
  description:
    'Install a Helm chart (repository/chart or oci:// reference; local paths and http(s)/file URLs are not accepted) in the current or provided namespace (needs the helm binary on the server)',
  inputSchema: {
    chart: z
      .string()
      .regex(CHART_REF, 'must be a <repo>/<chart> reference or an oci:// URL (local paths, file: and http(s): URLs are not accepted)')
      .describe(
        'Chart reference to install: <repo>/<chart> or oci://<registry>/<path> (for example: stable/grafana, oci://ghcr.io/nginxinc/charts/nginx-ingress)',
      ),
    values: z.record(z.unknown()).optional().describe('Values to pass to the chart (Optional)'),
    name: releaseName().optional().describe('Name of the release (Optional, random name if not provided)'),
    namespace: optionalNamespace().describe('Namespace to install the chart in (Optional, current namespace if not provided)'),
  },
  annotations: { title: 'Helm: Install', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'HelmRelease', namespace: ns, name: a.name });
    // Flags first, then `--`, then the positional arguments: nothing the caller sends is read as a flag.
    const args: HelmArg[] = ['install', '--namespace', ns, '--output', 'json'];
    if (a.values && Object.keys(a.values).length) args.push('--values', { file: 'values.yaml', content: stringify(a.values) });
    if (!a.name) args.push('--generate-name');
    args.push('--', ...(a.name ? [a.name] : []), a.chart);
    const { stdout } = await runHelm(ctx.kubeConfig, args, ctx.kubeconfigPath);
    const rel = JSON.parse(stdout) as {
      name?: string;
      namespace?: string;
      version?: number;
      info?: { status?: string };
      chart?: { metadata?: { name?: string; version?: string } };
    };
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
    name: releaseName().describe('Name of the release to uninstall'),
    namespace: optionalNamespace().describe('Namespace of the release (Optional, current namespace if not provided)'),
  },
  annotations: { title: 'Helm: Uninstall', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'HelmRelease', namespace: ns, name: a.name });
    const { stdout } = await runHelm(ctx.kubeConfig, ['uninstall', '--namespace', ns, '--', a.name], ctx.kubeconfigPath);
    return textResult(stdout.trim() || `release "${a.name}" uninstalled`);
  },
});
