/**
 * The apply phase table (charts/apply-phases.ts) held against the synthesized stack: every chart
 * has a phase and every object carries it, the phases agree with the charts' declared dependency
 * order, the Authentication switch is last and alone, a team's own chart lands before it, and the
 * opt-in Argo CD annotations follow the same table.
 */
import { describe, expect, it } from '@jest/globals';
import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  APPLY_PHASE_ANNOTATION,
  APPLY_PHASES,
  ARGOCD_SYNC_OPTIONS_ANNOTATION,
  ARGOCD_SYNC_WAVE_ANNOTATION,
  CHART_PHASES,
  ISSUER_CA_LABEL,
  ISSUER_URL_ANNOTATION,
  REQUIRED_SECRETS_ANNOTATION,
  SKIP_DRY_RUN_ON_MISSING_RESOURCE,
} from '../../charts/apply-phases.js';
import { deriveModel } from '../../charts/model.js';
import { requiredSecrets } from '../../charts/required-secrets.js';
import { addKubeMcpStack, CHART_IDS } from '../../charts/stack.js';
import { planPhases, type PlannedObject } from '../../cli/apply.js';
import type { DistObject } from '../../cli/apply-cluster.js';
import { referenceInput, synthStack, type Obj } from './stack-fixture.js';

/** Every component on: all twelve charts. */
function everything(): any {
  const c = referenceInput();
  c.mcpInspector = { ...(c.mcpInspector ?? {}), enabled: true };
  return c;
}

const annotationsOf = (o: Obj): Record<string, string> => (o.metadata as { annotations?: Record<string, string> }).annotations ?? {};
const phaseIndex = (name: string) => APPLY_PHASES.findIndex((p) => p.name === name);
const planned = (charts: Map<string, Obj[]>): PlannedObject[] =>
  [...charts].flatMap(([id, objs]) => objs.map((obj) => ({ obj: obj as DistObject, file: `${id}.k8s.yaml` })));

describe('the apply phase table', () => {
  it('gives every chart of the stack a phase, and every synthesized object carries a known one', () => {
    expect(Object.keys(CHART_PHASES).sort()).toEqual([...CHART_IDS].sort());
    const { charts } = synthStack(everything());
    expect([...charts.keys()].sort()).toEqual([...CHART_IDS].sort());
    for (const [id, objs] of charts) {
      for (const o of objs) {
        const phase = annotationsOf(o)[APPLY_PHASE_ANNOTATION];
        expect({ chart: id, object: `${o.kind} ${o.metadata.name}`, known: phaseIndex(phase ?? '') >= 0 }).toEqual({
          chart: id,
          object: `${o.kind} ${o.metadata.name}`,
          known: true,
        });
      }
    }
  });

  it("agrees with the charts' declared dependency order: phases never go back along it (only operator custom resources move one phase on)", () => {
    const { charts } = synthStack(everything());
    let last = -1;
    for (const id of charts.keys()) {
      const p = phaseIndex(CHART_PHASES[id as keyof typeof CHART_PHASES].phase);
      expect({ chart: id, notEarlierThanPrevious: p >= last }).toEqual({ chart: id, notEarlierThanPrevious: true });
      last = p;
    }
    const odh = charts.get('openshift-ai')!;
    const phaseOf = (o: Obj) => annotationsOf(o)[APPLY_PHASE_ANNOTATION];
    expect(
      odh
        .filter((o) => phaseOf(o) === 'operator-resources')
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['DSCInitialization', 'DataScienceCluster']);
    expect(odh.filter((o) => phaseOf(o) === 'operators').map((o) => o.kind)).toContain('Subscription');
  });

  it('plans the Authentication switch last and alone, opt-in, after the issuer check', () => {
    const plan = planPhases(planned(synthStack(everything()).charts));
    const last = plan.at(-1)!;
    expect(last.phase.name).toBe('authentication-switch');
    expect(last.phase.optIn).toBe('switch-cluster-auth');
    expect(last.phase.before).toEqual(['issuer-answers']);
    expect(last.objects.map((o) => o.obj.kind)).toEqual(['Authentication']);
    expect(
      plan
        .slice(0, -1)
        .flatMap((p) => p.objects)
        .some((o) => o.obj.kind === 'Authentication'),
    ).toBe(false);
    expect(plan.map((p) => p.phase.name)).toEqual(APPLY_PHASES.map((p) => p.name));
  });

  it("plans a team's added chart (no phase annotation) in workloads, before the feature gate and the switch", () => {
    const model = deriveModel(everything());
    const app = Testing.app();
    const charts = addKubeMcpStack(app, model);
    const extra = new Chart(app, 'team-extras');
    new ApiObject(extra, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-settings', namespace: 'team-a' } });
    extra.addDependency(charts['cluster-authentication']!); // even declared after the switch
    const objs = new Map(app.charts.map((c) => [c.node.id, Testing.synth(c) as Obj[]]));
    const plan = planPhases(planned(objs));
    const at = plan.findIndex((p) => p.objects.some((o) => o.obj.metadata?.name === 'team-settings'));
    expect(plan[at].phase.name).toBe('workloads');
    expect(at).toBeLessThan(phaseIndex('feature-gate'));
    expect(at).toBeLessThan(phaseIndex('authentication-switch'));
  });

  it('refuses an object of an unknown phase, naming its file and object', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { [APPLY_PHASE_ANNOTATION]: 'later' } } } as DistObject;
    expect(() => planPhases([{ obj, file: '0099-x.k8s.yaml' }])).toThrow(
      '0099-x.k8s.yaml: v1/ConfigMap x: unknown apply phase "later" (known: operators, operator-resources',
    );
  });

  it('puts Namespaces first inside a phase, then the rest in file order', () => {
    const { charts } = synthStack(everything());
    const workloads = planPhases(planned(charts)).find((p) => p.phase.name === 'workloads')!;
    const kinds = workloads.objects.map((o) => o.obj.kind);
    const lastNs = kinds.lastIndexOf('Namespace');
    expect(lastNs).toBeGreaterThan(0);
    expect(kinds.slice(0, lastNs + 1).every((k) => k === 'Namespace')).toBe(true);
  });
});

describe('dist/ markers read by apply', () => {
  it('labels every issuer-CA ConfigMap with its data key and the issuer URL; without issuerCaPem they have no data and no injection label', () => {
    const { model, charts } = synthStack();
    const cms = charts.get('cluster-auth')!.filter((o) => o.kind === 'ConfigMap');
    expect(cms).toHaveLength(model.issuerCa.namespaces.length);
    for (const cm of cms) {
      expect(cm.metadata.labels![ISSUER_CA_LABEL]).toBe('ca-bundle.crt');
      expect(annotationsOf(cm)[ISSUER_URL_ANNOTATION]).toBe(model.oidc.issuer);
      expect(cm.data).toBeUndefined();
      expect(cm.metadata.labels!['config.openshift.io/inject-trusted-cabundle']).toBeUndefined();
    }
  });

  it('names on the Keycloak CR exactly the Secret keys requiredSecrets() lists (names and keys, no values)', () => {
    const { model, charts } = synthStack();
    const kc = charts.get('keycloak')!.find((o) => o.kind === 'Keycloak')!;
    const listed = JSON.parse(annotationsOf(kc)[REQUIRED_SECRETS_ANNOTATION]) as object[];
    expect(listed).toEqual(requiredSecrets(model).map((s) => ({ namespace: s.namespace, name: s.name, key: s.key })));
  });
});

describe('gitops.argoCdSyncWaves', () => {
  it('is off by default: no Argo CD annotation anywhere', () => {
    const all = [...synthStack().charts.values()].flat();
    expect(all.filter((o) => Object.keys(annotationsOf(o)).some((k) => k.startsWith('argocd.argoproj.io/')))).toEqual([]);
  });

  it("writes each object's phase wave (increasing along the phases) and SkipDryRunOnMissingResource only where an operator brings the CRD", () => {
    const c = everything();
    c.gitops = { argoCdSyncWaves: true };
    const all = [...synthStack(c).charts.values()].flat();
    for (const o of all) {
      const a = annotationsOf(o);
      const phase = APPLY_PHASES[phaseIndex(a[APPLY_PHASE_ANNOTATION])];
      expect(a[ARGOCD_SYNC_WAVE_ANNOTATION]).toBe(String(phase.syncWave));
    }
    const waves = APPLY_PHASES.map((p) => p.syncWave);
    expect([...waves].sort((x, y) => x - y)).toEqual(waves);
    expect(new Set(waves).size).toBe(waves.length);
    expect(APPLY_PHASES.find((p) => p.name === 'workloads')!.syncWave).toBe(0); // Argo CD's default: a team's unannotated objects
    const skipped = all.filter((o) => annotationsOf(o)[ARGOCD_SYNC_OPTIONS_ANNOTATION] === SKIP_DRY_RUN_ON_MISSING_RESOURCE).map((o) => o.kind);
    expect([...new Set(skipped)].sort()).toEqual(['DSCInitialization', 'DataScienceCluster', 'Keycloak', 'KeycloakRealmImport', 'LlamaStackDistribution']);
  });

  it('rejects a non-boolean, naming the field', () => {
    const c = referenceInput();
    c.gitops = { argoCdSyncWaves: 'yes' };
    expect(() => synthStack(c)).toThrow('gitops.argoCdSyncWaves: expected boolean, got string');
  });
});

describe('docs/apply.md', () => {
  it('lists every phase of the table, in order, with its Argo CD wave', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/apply.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) \| `([a-z-]+)` \|.*\| (-?\d+) \|$/gm)].map((m) => ({ n: Number(m[1]), name: m[2], wave: Number(m[3]) }));
    expect(rows).toEqual(APPLY_PHASES.map((p, i) => ({ n: i + 1, name: p.name, wave: p.syncWave })));
  });
});
