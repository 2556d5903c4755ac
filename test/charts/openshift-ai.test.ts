import { DSC_COMPONENTS, OpenShiftAi, OpenShiftAiProps, openShiftAiApiVersion } from '../../charts/openshift-ai.js';
import { validateCustomResource } from '../support/crds.js';
import { KubeObject, synthConstruct } from '../support/synth.js';

const build = (props?: OpenShiftAiProps): KubeObject[] => synthConstruct((c) => new OpenShiftAi(c, 'ai', props));
const one = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind)!;

describe('OpenShift AI', () => {
  test('subscribes to rhods-operator stable-2.25 in an AllNamespaces OperatorGroup', () => {
    const objs = build();
    expect(one(objs, 'Subscription').spec).toEqual({
      name: 'rhods-operator',
      channel: 'stable-2.25',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      installPlanApproval: 'Automatic',
    });
    expect(one(objs, 'OperatorGroup').metadata.namespace).toBe('redhat-ods-operator');
    expect(one(objs, 'OperatorGroup').spec).toEqual({});
    expect(objs.filter((o) => o.kind === 'Namespace').map((n) => n.metadata.name)).toEqual(['redhat-ods-operator', 'redhat-ods-applications']);
  });

  test('on a 2.x channel writes v1 with llamastackoperator and dashboard Managed, every other v1 component Removed', () => {
    const objs = build();
    const dsc = one(objs, 'DataScienceCluster');
    expect(dsc.apiVersion).toBe('datasciencecluster.opendatahub.io/v1');
    expect(Object.keys(dsc.spec.components).sort()).toEqual([...DSC_COMPONENTS.v1].sort());
    const managed = Object.entries(dsc.spec.components)
      .filter(([, v]: [string, any]) => v.managementState === 'Managed')
      .map(([k]) => k);
    expect(managed.sort()).toEqual(['dashboard', 'llamastackoperator']);
    expect(one(objs, 'DSCInitialization')).toMatchObject({
      apiVersion: 'dscinitialization.opendatahub.io/v1',
      metadata: { name: 'default-dsci' },
      spec: {
        applicationsNamespace: 'redhat-ods-applications',
        monitoring: { managementState: 'Managed', namespace: 'redhat-ods-monitoring' },
        serviceMesh: { managementState: 'Removed' },
      },
    });
  });

  test('on a 3.x channel writes v2, without the v1-only serviceMesh, valid against the 3.5.0 CRD', () => {
    const objs = build({ subscription: { channel: 'fast-3.0' }, components: { dashboard: 'Managed', ogx: 'Managed' } });
    const dsc = one(objs, 'DataScienceCluster');
    const dsci = one(objs, 'DSCInitialization');
    expect(dsc.apiVersion).toBe('datasciencecluster.opendatahub.io/v2');
    expect(dsci.spec).not.toHaveProperty('serviceMesh');
    for (const o of [dsc, dsci]) {
      const r = validateCustomResource(o, { openshiftVersion: '4.20' });
      expect(r.choice?.crd.file).toContain('opendatahub/3.5.0/');
      expect(r.errors).toEqual([]);
    }
  });

  test('the v1 objects validate against the 2.35.0 CRD (the 2.x operator line)', () => {
    for (const o of build().filter((x) => x.kind === 'DataScienceCluster' || x.kind === 'DSCInitialization')) {
      const r = validateCustomResource(o, { openshiftVersion: '4.19' });
      expect(r.choice?.crd.file).toContain('opendatahub/2.35.0/');
      expect(r.errors).toEqual([]);
    }
  });

  test.each([
    ['stable-2.25', undefined, 'v1'],
    ['eus-2.16', undefined, 'v1'],
    ['stable-3.0', undefined, 'v2'],
    ['stable', 'v1', 'v1'],
  ] as const)('channel %s (explicit %s) → %s', (channel, explicit, expected) => {
    expect(openShiftAiApiVersion(channel, explicit)).toBe(expected);
  });

  test('an unversioned channel falls back to the pinned CSV version', () => {
    expect(openShiftAiApiVersion('stable', undefined, 'rhods-operator.2.25.0')).toBe('v1');
    expect(openShiftAiApiVersion('fast', undefined, 'rhods-operator.3.0.1')).toBe('v2');
  });

  test('an unversioned channel without an explicit API version is an error naming the field', () => {
    expect(() => build({ subscription: { channel: 'stable' } })).toThrow(/openshiftAi.operator.channel: cannot tell .* "stable"/);
  });

  test('a component the API version does not have is an error listing the valid ones', () => {
    expect(() => build({ components: { ogx: 'Managed' } })).toThrow(
      /openshiftAi.components: "ogx" not a DataScienceCluster v1 component; expected one of codeflare/,
    );
    expect(() => build({ subscription: { channel: 'stable-3.0' }, components: { codeflare: 'Managed' } })).toThrow(
      /"codeflare" not a DataScienceCluster v2 component/,
    );
  });
});
