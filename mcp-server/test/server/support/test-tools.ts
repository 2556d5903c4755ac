/**
 * Tiny tools and a fake cluster access for server tests (the real toolsets are tested by their
 * owner). `whoami` reports the caller and the bearer token the KubeConfig would send, which is
 * exactly what these tests must pin: the exchanged token, never the user's or the pod's.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import type { ToolDef } from '../../../src/tools/types.js';
import type { ClusterAccess } from '../../../src/cluster-access.js';
import type { ServerConfig } from '../../../src/config/load.js';

export const SERVER_OWN_TOKEN = 'server-own-credentials';

function kc(token: string): KubeConfig {
  const k = new KubeConfig();
  k.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://cluster.test:6443' }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return k;
}

/** Like the real clusterAccessFor: the server's own credentials only while require_oauth is off. */
export const fakeCluster = (cfg: Pick<ServerConfig, 'require_oauth'>): ClusterAccess => ({
  forCaller: (t) => kc(t),
  forServer: () => {
    if (cfg.require_oauth) throw new Error("require_oauth is on: tool calls use the caller's exchanged token only");
    return kc(SERVER_OWN_TOKEN);
  },
});

export const whoami: ToolDef = {
  name: 'whoami',
  toolset: 'core',
  description: 'Report the caller and the bearer token used for the cluster',
  inputSchema: { namespace: z.string().optional() },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
  async handler(args, ctx, target) {
    target.namespace = (args as { namespace?: string }).namespace;
    target.kind = 'Pod';
    const token = ctx.kubeConfig.getCurrentUser()?.token;
    return { content: [{ type: 'text', text: JSON.stringify({ user: ctx.user, token, listOutput: ctx.listOutput }) }] };
  },
};

export const deleteEverything: ToolDef = {
  name: 'delete_everything',
  toolset: 'core',
  description: 'A destructive test tool',
  inputSchema: {},
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  async handler() {
    return { content: [{ type: 'text', text: 'deleted' }] };
  },
};

export const editSomething: ToolDef = {
  name: 'edit_something',
  toolset: 'config',
  description: 'A non-read-only, non-destructive test tool',
  inputSchema: {},
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  async handler() {
    return { content: [{ type: 'text', text: 'edited' }] };
  },
};

export const testTools = (): ToolDef[] => [whoami, deleteEverything, editSomething];

/** A DiscoveryCache that serves no groups (no test tool needs one). */
export const noDiscovery = {
  resolve: async () => {
    throw new Error('no discovery in server tests');
  },
  hasGroup: async () => false,
};
