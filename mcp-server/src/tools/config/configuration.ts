/**
 * Toolset config: show the kubeconfig the server uses, with every credential redacted.
 * Source: the file named by the `kubeconfig` key when configured, else the request's KubeConfig
 * (cluster + CA + the caller's exchanged token, which is redacted like any other credential).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { defineTool, READ_ONLY } from '../define.js';
import { textResult } from '../result.js';
import { alignColumns, renderYaml } from '../render.js';
import type { ToolContext } from '../types.js';

/** Value that replaces credentials (as `kubectl config view`). */
export const CREDENTIAL_REDACTED = 'REDACTED';
/** Value that replaces certificate data that is not secret but long (as `kubectl config view`). */
export const DATA_OMITTED = 'DATA+OMITTED';

/** User fields that are not credentials and may be shown; every other user field is redacted. */
const SAFE_USER_FIELDS = new Set(['client-certificate', 'client-key', 'tokenFile', 'as', 'as-uid', 'as-groups', 'username']);

interface RawKubeconfig {
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
  'current-context'?: string;
  [k: string]: unknown;
}

/** The kubeconfig as a plain object (kubeconfig file layout). */
export function rawKubeconfig(ctx: Pick<ToolContext, 'kubeconfigPath' | 'kubeConfig'>): RawKubeconfig {
  if (ctx.kubeconfigPath) return (parse(readFileSync(ctx.kubeconfigPath, 'utf8')) ?? {}) as RawKubeconfig;
  const cfg = JSON.parse(ctx.kubeConfig.exportConfig()) as RawKubeconfig;
  // client-node's exportConfig repeats the context's name inside `context`; a kubeconfig file has
  // no such field (clientcmd v1 Context: cluster, user, namespace, extensions).
  for (const c of cfg.contexts ?? []) delete (c.context as Record<string, unknown> | undefined)?.name;
  return cfg;
}

/**
 * Redact a kubeconfig in place and return it: every user field outside a short allow-list
 * (tokens, passwords, client key/cert data, `exec`, `auth-provider`, unknown fields) becomes
 * `REDACTED`; `certificate-authority-data` becomes `DATA+OMITTED`.
 * With `minify`, only the current context, its cluster and its user are kept.
 */
export function redactKubeconfig(cfg: RawKubeconfig, minify: boolean): RawKubeconfig {
  if (minify) {
    const cur = cfg.contexts?.find((c) => c.name === cfg['current-context']);
    cfg.contexts = cur ? [cur] : [];
    cfg.clusters = (cfg.clusters ?? []).filter((c) => c.name === cur?.context?.cluster);
    cfg.users = (cfg.users ?? []).filter((u) => u.name === cur?.context?.user);
  }
  for (const u of cfg.users ?? []) {
    for (const k of Object.keys(u.user ?? {})) if (!SAFE_USER_FIELDS.has(k)) u.user![k] = CREDENTIAL_REDACTED;
  }
  for (const c of cfg.clusters ?? []) {
    if (c.cluster?.['certificate-authority-data']) c.cluster['certificate-authority-data'] = DATA_OMITTED;
  }
  return cfg;
}

export const configurationView = defineTool({
  name: 'configuration_view',
  toolset: 'config',
  description: 'Get the current Kubernetes configuration content as a kubeconfig YAML (credentials are always redacted)',
  inputSchema: {
    minified: z
      .boolean()
      .default(true)
      .describe('Return a minified version of the configuration: only the current context and its cluster and user (Optional, default true)'),
  },
  annotations: { title: 'Configuration: View', ...READ_ONLY, openWorldHint: false },
  handler: async (a, ctx) => textResult(renderYaml(redactKubeconfig(rawKubeconfig(ctx), a.minified))),
});

export const configurationContextsList = defineTool({
  name: 'configuration_contexts_list',
  toolset: 'config',
  description: 'List the contexts of the Kubernetes configuration, with their cluster server URL and namespace; the current one is marked with *',
  inputSchema: {},
  annotations: { title: 'Configuration: Contexts List', ...READ_ONLY, openWorldHint: false },
  handler: async (_a, ctx) => {
    const cfg = rawKubeconfig(ctx);
    const servers = new Map((cfg.clusters ?? []).map((c) => [c.name, String(c.cluster?.server ?? '')]));
    const rows = (cfg.contexts ?? []).map((c) => [
      c.name === cfg['current-context'] ? '*' : '',
      c.name,
      c.context?.cluster ?? '',
      servers.get(c.context?.cluster ?? '') ?? '',
      c.context?.namespace ?? '',
    ]);
    if (rows.length === 0) return textResult('No contexts found');
    return textResult(alignColumns([['CURRENT', 'NAME', 'CLUSTER', 'SERVER', 'NAMESPACE'], ...rows]));
  },
});
