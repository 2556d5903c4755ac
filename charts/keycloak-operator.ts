/**
 * The Red Hat build of Keycloak operator: its Namespace, an OperatorGroup that targets
 * only that namespace (the operator is namespace-scoped), and the OLM Subscription
 * (`rhbk-operator` from `redhat-operators` by default).
 */
import { Construct } from 'constructs';
import { OperatorSubscription, type OlmSubscriptionSpec } from './olm.js';
import type { StackModel } from './model.js';

/** Props of {@link KeycloakOperator}. */
export interface KeycloakOperatorProps {
  /** Namespace of the operator and of every Keycloak resource, e.g. `redhat-keycloak`. */
  readonly namespace: string;
  /** The operator Subscription (package, channel such as `stable-v26.2`, source, approval). */
  readonly subscription: OlmSubscriptionSpec;
  /** OperatorGroup name. @default `keycloak-operator-group` */
  readonly operatorGroupName?: string;
}

/** The props of the stack's KeycloakOperator, from the derived model (the chart's only input). */
export function keycloakOperatorProps(model: StackModel): KeycloakOperatorProps {
  const op = model.config.keycloakOperator;
  return {
    namespace: model.namespaces.keycloak,
    operatorGroupName: op.operatorGroupName,
    subscription: {
      name: op.name,
      channel: op.channel,
      source: op.source,
      sourceNamespace: op.sourceNamespace,
      installPlanApproval: op.installPlanApproval,
      startingCSV: op.startingCSV,
    },
  };
}

/** Namespace + OperatorGroup (OwnNamespace) + Subscription of the Keycloak operator. */
export class KeycloakOperator extends Construct {
  /** The operator's namespace. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: KeycloakOperatorProps) {
    super(scope, id);
    this.namespace = props.namespace;
    new OperatorSubscription(this, 'Olm', {
      namespace: props.namespace,
      // No `openshift.io/cluster-monitoring` label: that is for platform namespaces; Keycloak and
      // its database are user workloads, monitored (if at all) by user-workload monitoring.
      operatorGroupName: props.operatorGroupName ?? 'keycloak-operator-group',
      targetNamespaces: [props.namespace],
      subscription: props.subscription,
    });
  }
}
