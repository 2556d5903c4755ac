/**
 * Schema validation of every synthesized object:
 * - custom resources against the openAPIV3Schema of their CRD version in ../shared/crds (ajv;
 *   file and version chosen as documented in test/support/crds.ts; the config.openshift.io
 *   Authentication against the TechPreviewNoUpgrade CRD on 4.19, else Default);
 * - built-in kinds against the @kubernetes/client-node models generated from the Kubernetes
 *   OpenAPI spec (test/support/kube-types.ts).
 * Unknown fields are errors in both, because the API server would drop them silently.
 */
import type { StackConfig } from '../../charts/config.js';
import { chooseCrd, validateCustomResource } from '../support/crds.js';
import { isCoreKind, validateCoreObject } from '../support/kube-types.js';
import { exampleConfig, synthStack } from '../support/stack.js';

const configs: Record<string, StackConfig> = {
  'example (OpenShift 4.19)': exampleConfig,
  'OpenShift 4.20, OpenShift AI 3.x, current Llama Stack, Inspector on': {
    ...exampleConfig,
    openshift: { ...exampleConfig.openshift, version: '4.20' },
    clusterAuth: { ...exampleConfig.clusterAuth, acknowledgeTechPreviewNoUpgrade: false },
    openshiftAi: { operator: { channel: 'stable-3.0' }, components: { dashboard: 'Managed', llamastackoperator: 'Managed' } },
    llamaStack: { ...exampleConfig.llamaStack!, version: '0.7.3', operatorVersion: '0.9.0' },
    mcpInspector: { enabled: true },
  } as StackConfig,
};

describe.each(Object.entries(configs))('schemas of the %s stack', (_name, cfg) => {
  const stack = synthStack(cfg);
  const opts = { openshiftVersion: stack.model.openshift.version };
  const custom = stack.objects.filter((o) => !isCoreKind(o.apiVersion, o.kind));
  const core = stack.objects.filter((o) => isCoreKind(o.apiVersion, o.kind));

  test('every object is either a built-in kind or a kind with a CRD in ../shared/crds', () => {
    const unknown = custom.filter((o) => !chooseCrd(o.apiVersion, o.kind, opts)).map((o) => `${o.apiVersion} ${o.kind}`);
    expect(unknown).toEqual([]);
  });

  test.each(custom.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} (${o.apiVersion})`, o] as const))(
    '%s validates against its CRD',
    (_id, obj) => {
      expect(validateCustomResource(obj, opts).errors).toEqual([]);
    },
  );

  test.each(core.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o] as const))('%s fits its Kubernetes type', (_id, obj) => {
    expect(validateCoreObject(obj)).toEqual([]);
  });
});

describe('CRD choice', () => {
  test('the Authentication uses the TechPreviewNoUpgrade CRD on 4.19 and the Default CRD otherwise', () => {
    expect(chooseCrd('config.openshift.io/v1', 'Authentication', { openshiftVersion: '4.19' })?.crd.featureSet).toBe('TechPreviewNoUpgrade');
    expect(chooseCrd('config.openshift.io/v1', 'Authentication', { openshiftVersion: '4.20' })?.crd.featureSet).toBe('Default');
  });
  test('DataScienceCluster v1 comes from the 2.x CRD that stores v1; v2 from 3.5.0', () => {
    expect(chooseCrd('datasciencecluster.opendatahub.io/v1', 'DataScienceCluster', { openshiftVersion: '4.19' })?.crd.file).toContain('2.35.0');
    expect(chooseCrd('datasciencecluster.opendatahub.io/v2', 'DataScienceCluster', { openshiftVersion: '4.19' })?.crd.file).toContain('3.5.0');
  });
  test('a version no CRD serves is an error', () => {
    expect(() => chooseCrd('llamastack.io/v9', 'LlamaStackDistribution', { openshiftVersion: '4.19' })).toThrow(/no CRD .* serves version v9/);
  });
});

describe('the validators reject what the API server would not keep', () => {
  const stack = synthStack();
  const opts = { openshiftVersion: '4.19' };
  test('an unknown field and a wrong enum value in a custom resource', () => {
    const dsc = structuredClone(stack.objects.find((o) => o.kind === 'DataScienceCluster')!);
    dsc.spec.components.dashboard.managementState = 'Sometimes';
    dsc.spec.extra = true;
    const errors = validateCustomResource(dsc, opts).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/spec must NOT have additional properties (extra)'),
        expect.stringContaining('/spec/components/dashboard/managementState'),
      ]),
    );
  });
  test('a misspelt field and a wrong type in a built-in object', () => {
    const dep = structuredClone(stack.objects.find((o) => o.kind === 'Deployment')!);
    dep.spec.replicas = '2';
    dep.spec.template.spec.containers[0].resoures = {};
    expect(validateCoreObject(dep)).toEqual([
      'Deployment.spec.replicas: expected a number, got "2"',
      expect.stringContaining('resoures: not a field of V1Container'),
    ]);
  });
});
