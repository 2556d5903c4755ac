import { allTools, filterByCluster, filterTools } from '../../src/tools/index.js';
import { createDiscoveryCache } from '../../src/k8s/discovery.js';
import { serveDiscovery, startFakeApiServer } from '../k8s/fake-apiserver.js';

const names = (ts: { name: string }[]) => ts.map((t) => t.name);

describe('allTools', () => {
  it('declares readOnlyHint, destructiveHint and idempotentHint on every tool, with unique names', () => {
    const tools = allTools();
    expect(new Set(names(tools)).size).toBe(tools.length);
    for (const t of tools) {
      expect([t.name, typeof t.annotations.readOnlyHint, typeof t.annotations.destructiveHint, typeof t.annotations.idempotentHint]).toEqual([
        t.name,
        'boolean',
        'boolean',
        'boolean',
      ]);
      expect(t.annotations.readOnlyHint && t.annotations.destructiveHint).toBe(false);
    }
  });

  it('offers the anchor tool names per toolset', () => {
    const by = (s: string) => names(allTools().filter((t) => t.toolset === s)).sort();
    expect(by('core')).toEqual([
      'events_list',
      'namespaces_list',
      'nodes_top',
      'pods_delete',
      'pods_exec',
      'pods_get',
      'pods_list',
      'pods_list_in_namespace',
      'pods_log',
      'pods_run',
      'pods_top',
      'projects_list',
      'resources_create_or_update',
      'resources_delete',
      'resources_get',
      'resources_list',
      'resources_scale',
    ]);
    expect(by('config')).toEqual(['configuration_contexts_list', 'configuration_view']);
    expect(by('helm')).toEqual(['helm_install', 'helm_list', 'helm_uninstall']);
  });
});

describe('filterTools', () => {
  it('keeps every tool by default', () => {
    expect(filterTools(allTools(), {})).toHaveLength(allTools().length);
  });

  it('read_only hides every tool that is not read-only', () => {
    expect(names(filterTools(allTools(), { readOnly: true })).sort()).toEqual([
      'configuration_contexts_list',
      'configuration_view',
      'events_list',
      'helm_list',
      'namespaces_list',
      'nodes_top',
      'pods_get',
      'pods_list',
      'pods_list_in_namespace',
      'pods_log',
      'pods_top',
      'projects_list',
      'resources_get',
      'resources_list',
    ]);
  });

  it('disable_destructive hides destructive tools but keeps non-destructive writes', () => {
    const kept = names(filterTools(allTools(), { disableDestructive: true }));
    for (const gone of ['pods_delete', 'pods_exec', 'resources_create_or_update', 'resources_delete', 'resources_scale', 'helm_uninstall']) {
      expect(kept).not.toContain(gone);
    }
    expect(kept).toEqual(expect.arrayContaining(['pods_run', 'helm_install', 'pods_list']));
  });

  it('toolsets selects whole toolsets', () => {
    expect(new Set(filterTools(allTools(), { toolsets: ['config', 'helm'] }).map((t) => t.toolset))).toEqual(new Set(['config', 'helm']));
  });

  it('rejects an unknown toolset, naming the known ones', () => {
    expect(() => filterTools(allTools(), { toolsets: ['core', 'kiali'] })).toThrow('toolsets: unknown toolset "kiali"; known: core, config, helm');
  });
});

describe('filterByCluster', () => {
  it('drops tools whose API group the cluster does not serve', async () => {
    const fake = await startFakeApiServer();
    try {
      serveDiscovery(fake, [{ name: 'metrics.k8s.io', version: 'v1beta1', resources: [] }]);
      const kept = names(await filterByCluster(allTools(), createDiscoveryCache(), fake.kubeConfig()));
      expect(kept).toEqual(expect.arrayContaining(['pods_top', 'nodes_top', 'pods_list']));
      expect(kept).not.toContain('projects_list');
    } finally {
      await fake.close();
    }
  });
});
