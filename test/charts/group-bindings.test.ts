/**
 * Issue 12 item 5: `clusterAuth.groupBindings` (group → ClusterRole, cluster-wide or per
 * namespace) replaces the two fixed bindings; a team's own charts come before the switch.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parseStackConfig, StackConfigError } from '../../charts/config.js';
import { deriveModel } from '../../charts/model.js';
import { addKubeMcpStack } from '../../charts/stack.js';
import { chartObjects, referenceInput } from './stack-fixture.js';

const rbac = (objs: ReturnType<typeof chartObjects>) =>
  objs
    .filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')
    .map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name} ${o.roleRef.name} ${o.subjects.map((s: { name: string }) => s.name).join(',')}`);

function problems(input: unknown): string[] {
  try {
    parseStackConfig(input);
  } catch (e) {
    if (e instanceof StackConfigError) return e.problems.map((p) => `${p.path}: ${p.reason}`);
    throw e;
  }
  return [];
}

/** The reference config with group `auditors` in the realm. */
function withAuditors() {
  const c = referenceInput();
  c.realm.groups = [...c.realm.groups, { name: 'auditors' }];
  return c;
}

describe('clusterAuth.groupBindings', () => {
  it('without it, the defaults are exactly the two fixed bindings of before', () => {
    expect(rbac(chartObjects('cluster-auth'))).toEqual([
      'ClusterRoleBinding -/openshift-admins-cluster-admin cluster-admin openshift_admins',
      'RoleBinding llama-stack/openshift-developers-edit edit openshift_developers',
    ]);
    expect(deriveModel(referenceInput()).playground.allowedGroups).toEqual(['openshift_admins', 'openshift_developers']);
  });

  it('emits a ClusterRoleBinding without namespaces and one RoleBinding per namespace otherwise, in order', () => {
    const c = withAuditors();
    c.clusterAuth.groupBindings = [
      { group: 'openshift_admins', clusterRole: 'cluster-admin' },
      { group: 'auditors', clusterRole: 'view', namespaces: ['llama-stack', 'team-a'] },
      { group: 'auditors', clusterRole: 'system:aggregate-to-view' },
    ];
    expect(rbac(chartObjects('cluster-auth', c))).toEqual([
      'ClusterRoleBinding -/openshift-admins-cluster-admin cluster-admin openshift_admins',
      'RoleBinding llama-stack/auditors-view view auditors',
      'RoleBinding team-a/auditors-view view auditors',
      'ClusterRoleBinding -/auditors-system-aggregate-to-view system:aggregate-to-view auditors',
    ]);
    // The Playground admits every bound group by default.
    expect(deriveModel(c).playground.allowedGroups).toEqual(['openshift_admins', 'auditors']);
  });

  it.each([
    [
      'an empty list',
      (c: any) => (c.clusterAuth.groupBindings = []),
      'clusterAuth.groupBindings: expected at least one binding; omit groupBindings for the defaults',
    ],
    [
      'a group the realm does not declare',
      (c: any) =>
        (c.clusterAuth.groupBindings = [
          { group: 'openshift_admins', clusterRole: 'cluster-admin' },
          { group: 'nobody', clusterRole: 'view' },
        ]),
      'clusterAuth.groupBindings[1].group: no realm group "nobody"; declare it in realm.groups',
    ],
    [
      'the same binding twice in one namespace',
      (c: any) =>
        (c.clusterAuth.groupBindings = [
          { group: 'auditors', clusterRole: 'view', namespaces: ['team-a'] },
          { group: 'auditors', clusterRole: 'view', namespaces: ['team-b', 'team-a'] },
        ]),
      'clusterAuth.groupBindings[1]: duplicate binding: clusterAuth.groupBindings[0] already emits RoleBinding team-a/auditors-view; merge the two entries',
    ],
    [
      'the same cluster-wide binding twice',
      (c: any) =>
        (c.clusterAuth.groupBindings = [
          { group: 'auditors', clusterRole: 'view' },
          { group: 'auditors', clusterRole: 'view' },
        ]),
      'clusterAuth.groupBindings[1]: duplicate binding: clusterAuth.groupBindings[0] already emits ClusterRoleBinding auditors-view',
    ],
    [
      'a namespace listed twice',
      (c: any) => (c.clusterAuth.groupBindings = [{ group: 'auditors', clusterRole: 'view', namespaces: ['team-a', 'team-a'] }]),
      'clusterAuth.groupBindings[0].namespaces[1]: namespace "team-a" is listed twice',
    ],
    [
      'an empty namespaces list',
      (c: any) => (c.clusterAuth.groupBindings = [{ group: 'auditors', clusterRole: 'view', namespaces: [] }]),
      'clusterAuth.groupBindings[0].namespaces: expected at least one namespace; omit namespaces for a cluster-wide binding',
    ],
    [
      'edit in the MCP server namespace',
      (c: any) => (c.clusterAuth.groupBindings = [{ group: 'auditors', clusterRole: 'edit', namespaces: ['mcp-server'] }]),
      'clusterAuth.groupBindings[0].namespaces[0]: "mcp-server" is namespaces.mcpServer: ClusterRole edit there lets every member of "auditors" read',
    ],
    [
      'an unknown field in a binding',
      (c: any) => (c.clusterAuth.groupBindings = [{ group: 'auditors', role: 'view' }]),
      'clusterAuth.groupBindings[0].clusterRole: required',
    ],
  ])('reports %s by field path', (_name, mutate, expected) => {
    const c = withAuditors();
    mutate(c);
    expect(problems(c).join('\n')).toContain(expected);
  });

  it('with groupBindings set, adminGroup/developerGroup are unused and not checked against the realm', () => {
    const c = withAuditors();
    c.realm.groups = [{ name: 'auditors' }];
    c.realm.users = [];
    c.clusterAuth.groupBindings = [{ group: 'auditors', clusterRole: 'view' }];
    expect(problems(c)).toEqual([]);
  });
});

describe("a team's own charts come before the Authentication switch", () => {
  function synthFiles(add: (app: App, charts: ReturnType<typeof addKubeMcpStack>) => void, before?: (app: App) => void): string[] {
    const outdir = mkdtempSync(join(tmpdir(), 'kms-order-'));
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    before?.(app);
    const charts = addKubeMcpStack(app, deriveModel(referenceInput()));
    add(app, charts);
    app.synth();
    return readdirSync(outdir).sort();
  }
  const numberOf = (files: string[], id: string) => {
    const f = files.find((n) => n.endsWith(`-${id}.k8s.yaml`));
    if (!f) throw new Error(`no file for chart ${id} in ${files.join(', ')}`);
    return Number(f.slice(0, 4));
  };
  const team = (app: App, id: string) => {
    const c = new Chart(app, id);
    new k8s.KubeConfigMap(c, 'Cm', { metadata: { name: id, namespace: 'team-a' } });
    return c;
  };

  it('a chart added after addKubeMcpStack, without dependencies, gets a lower file number than the switch and the FeatureGate', () => {
    const files = synthFiles((app) => team(app, 'team-extras'));
    expect(numberOf(files, 'team-extras')).toBeLessThan(numberOf(files, 'cluster-authentication'));
    expect(numberOf(files, 'team-extras')).toBeLessThan(numberOf(files, 'feature-gate'));
    expect(numberOf(files, 'feature-gate')).toBe(numberOf(files, 'cluster-authentication') - 1);
    expect(numberOf(files, 'cluster-authentication')).toBe(files.length - 1);
  });

  it('so does a chart that depends on a stack chart, and one added before addKubeMcpStack', () => {
    const files = synthFiles(
      (app, charts) => team(app, 'team-after-mcp').addDependency(charts['mcp-server']!),
      (app) => team(app, 'team-first'),
    );
    for (const id of ['team-after-mcp', 'team-first']) expect(numberOf(files, id)).toBeLessThan(numberOf(files, 'feature-gate'));
    expect(numberOf(files, 'team-after-mcp')).toBeGreaterThan(numberOf(files, 'mcp-server'));
  });

  it('a chart that asks to come after the switch stays after it (no cycle)', () => {
    const files = synthFiles((app, charts) => team(app, 'team-post-switch').addDependency(charts['cluster-authentication']!));
    expect(numberOf(files, 'team-post-switch')).toBeGreaterThan(numberOf(files, 'cluster-authentication'));
  });
});
