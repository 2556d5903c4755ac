/**
 * Red Hat OpenShift AI: operator Namespace, OperatorGroup and OLM Subscription (`rhods-operator`),
 * the DSCInitialization and the DataScienceCluster with the components chosen in props.
 *
 * API version: OpenShift AI 2.x operators (channels `stable-2.*`, `fast-2.*`, `eus-2.*`) serve
 * `datasciencecluster.opendatahub.io/v1` / `dscinitialization.opendatahub.io/v1` only
 * (opendatahub-operator v2.35.0 CRDs); 3.x operators serve v1 and v2 and store v2
 * (opendatahub-operator 3.5.0 bundle). The construct emits v1 for a 2.x channel and v2 for a 3.x
 * channel; the component names allowed differ per version ({@link DSC_COMPONENTS}).
 *
 * DSC/DSCI are written as plain `ApiObject`s because their component set is chosen at run time;
 * test/charts/crd-schema.test.ts validates them against the CRD version they claim.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { OperatorSubscription } from './olm.js';
import { DSC_COMPONENTS, openShiftAiApiVersion, type OpenShiftAiApiVersion } from './versions/openshift-ai.js';
import type { StackModel } from './model.js';

export { DSC_COMPONENTS, openShiftAiApiVersion, type OpenShiftAiApiVersion };

/** `managementState` of an OpenShift AI component. */
export type ManagementState = 'Managed' | 'Removed' | 'Unmanaged';

/** OLM Subscription settings of the operator. */
export interface OpenShiftAiSubscription {
  /** Package and Subscription name. @default "rhods-operator" */
  readonly name?: string;
  /** Update channel; decides the DSC API version unless {@link OpenShiftAiProps.apiVersion} is set. @default "stable-2.25" */
  readonly channel?: string;
  /** CatalogSource. @default "redhat-operators" */
  readonly source?: string;
  /** Namespace of the CatalogSource. @default "openshift-marketplace" */
  readonly sourceNamespace?: string;
  /** Install-plan approval. @default "Automatic" */
  readonly installPlanApproval?: 'Automatic' | 'Manual';
  /** Pin the starting ClusterServiceVersion. @default latest in the channel */
  readonly startingCSV?: string;
  /** OperatorGroup name. @default "rhods-operator-group" */
  readonly operatorGroupName?: string;
}

/** Props of {@link OpenShiftAi}. */
export interface OpenShiftAiProps {
  /** Operator namespace (created here). @default "redhat-ods-operator" */
  readonly operatorNamespace?: string;
  /** DSCInitialization `applicationsNamespace` (created here). @default "redhat-ods-applications" */
  readonly applicationsNamespace?: string;
  /** Monitoring namespace named in the DSCInitialization (created by the operator). @default "redhat-ods-monitoring" */
  readonly monitoringNamespace?: string;
  /** @default rhods-operator, channel stable-2.25, redhat-operators, Automatic */
  readonly subscription?: OpenShiftAiSubscription;
  /** DataScienceCluster/DSCInitialization API version. @default from the channel: 2.x → v1, 3.x → v2 */
  readonly apiVersion?: OpenShiftAiApiVersion;
  /** DSCInitialization name. @default "default-dsci" */
  readonly dsciName?: string;
  /** DataScienceCluster name. @default "default" */
  readonly dscName?: string;
  /** Monitoring management state. @default "Managed" */
  readonly monitoring?: ManagementState;
  /** Components and their state; every other component of the API version is written `Removed`. @default dashboard and llamastackoperator Managed */
  readonly components?: Readonly<Record<string, ManagementState>>;
}

/** The props of the stack's OpenShiftAi, from the derived model (the chart's only input). */
export function openShiftAiProps(model: StackModel): OpenShiftAiProps {
  const ai = model.config.openshiftAi;
  const ns = model.namespaces;
  return {
    operatorNamespace: ns.openshiftAiOperator,
    applicationsNamespace: ns.openshiftAiApplications,
    monitoringNamespace: ns.openshiftAiMonitoring,
    subscription: { ...ai.operator },
    apiVersion: ai.apiVersion,
    dsciName: ai.dsciName,
    dscName: ai.dscName,
    monitoring: ai.monitoring,
    components: ai.components,
  };
}

/** OpenShift AI operator and instance. */
export class OpenShiftAi extends Construct {
  /** API version used for DataScienceCluster and DSCInitialization. */
  public readonly apiVersion: OpenShiftAiApiVersion;

  constructor(scope: Construct, id: string, props: OpenShiftAiProps = {}) {
    super(scope, id);
    const opNs = props.operatorNamespace ?? 'redhat-ods-operator';
    const appsNs = props.applicationsNamespace ?? 'redhat-ods-applications';
    const monNs = props.monitoringNamespace ?? 'redhat-ods-monitoring';
    const sub = props.subscription ?? {};
    const channel = sub.channel ?? 'stable-2.25';
    const version = openShiftAiApiVersion(channel, props.apiVersion, sub.startingCSV);
    this.apiVersion = version;

    const wanted = props.components ?? { dashboard: 'Managed', llamastackoperator: 'Managed' };
    const unknown = Object.keys(wanted).filter((c) => !DSC_COMPONENTS[version].includes(c));
    if (unknown.length > 0) {
      throw new Error(
        `openshiftAi.components: ${unknown.map((c) => `"${c}"`).join(', ')} not a DataScienceCluster ${version} component; ` +
          `expected one of ${DSC_COMPONENTS[version].join(', ')}`,
      );
    }

    // AllNamespaces install mode, as the rhods-operator requires: no targetNamespaces.
    new OperatorSubscription(this, 'Operator', {
      namespace: opNs,
      namespaceLabels: { 'openshift.io/cluster-monitoring': 'true' },
      namespaceAnnotations: { 'openshift.io/display-name': 'Red Hat OpenShift AI' },
      operatorGroupName: sub.operatorGroupName ?? 'rhods-operator-group',
      targetNamespaces: 'AllNamespaces',
      subscription: {
        name: sub.name ?? 'rhods-operator',
        channel,
        source: sub.source,
        sourceNamespace: sub.sourceNamespace,
        installPlanApproval: sub.installPlanApproval,
        startingCSV: sub.startingCSV,
      },
    });
    new k8s.KubeNamespace(this, 'ApplicationsNamespace', { metadata: { name: appsNs, labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack' } } });

    const dsciSpec: Record<string, unknown> = {
      applicationsNamespace: appsNs,
      monitoring: { managementState: props.monitoring ?? 'Managed', namespace: monNs },
      trustedCABundle: { managementState: 'Managed', customCABundle: '' },
    };
    // v1 still carries the Service Mesh switch; OpenShift AI 2.25 runs without it.
    if (version === 'v1') dsciSpec.serviceMesh = { managementState: 'Removed' };
    new ApiObject(this, 'DSCInitialization', {
      apiVersion: `dscinitialization.opendatahub.io/${version}`,
      kind: 'DSCInitialization',
      metadata: { name: props.dsciName ?? 'default-dsci' },
      spec: dsciSpec,
    });

    const components: Record<string, { managementState: ManagementState }> = {};
    for (const c of DSC_COMPONENTS[version]) components[c] = { managementState: wanted[c] ?? 'Removed' };
    new ApiObject(this, 'DataScienceCluster', {
      apiVersion: `datasciencecluster.opendatahub.io/${version}`,
      kind: 'DataScienceCluster',
      metadata: { name: props.dscName ?? 'default' },
      spec: { components },
    });
  }
}
