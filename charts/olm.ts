/**
 * Installing an operator through OLM: the operator's Namespace (optional), an
 * OperatorGroup and a Subscription (operators.coreos.com v1 / v1alpha1). Shared by the
 * Keycloak operator and OpenShift AI charts.
 *
 * After `oc apply`, OLM resolves the Subscription into an InstallPlan and a
 * ClusterServiceVersion; the operator's CRDs exist only once the CSV phase is `Succeeded`
 * (see docs/config.md, "Apply order and waits").
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { OperatorGroup } from '../imports/operatorgroup-operators.coreos.com.js';
import { Subscription } from '../imports/subscription-operators.coreos.com.js';

/** What to subscribe to (Subscription `spec`). */
export interface OlmSubscriptionSpec {
  /** Package name in the catalog; also the Subscription's name. */
  readonly name: string;
  /** Update channel, e.g. `stable-v26.2`. */
  readonly channel: string;
  /** CatalogSource name. @default `redhat-operators` */
  readonly source?: string;
  /** Namespace of the CatalogSource. @default `openshift-marketplace` */
  readonly sourceNamespace?: string;
  /** Install-plan approval. @default `Automatic` */
  readonly installPlanApproval?: 'Automatic' | 'Manual';
  /** ClusterServiceVersion to start from (pins the installed version). @default the channel head */
  readonly startingCSV?: string;
}

/** Props of {@link OperatorSubscription}. */
export interface OperatorSubscriptionProps {
  /** Namespace the operator is installed into. */
  readonly namespace: string;
  /** Create the Namespace here (with these labels/annotations). @default true */
  readonly createNamespace?: boolean;
  /** Labels of the created Namespace. @default `{}` */
  readonly namespaceLabels?: Record<string, string>;
  /** Annotations of the created Namespace. @default `{}` */
  readonly namespaceAnnotations?: Record<string, string>;
  /** OperatorGroup name. */
  readonly operatorGroupName: string;
  /**
   * Namespaces the operator watches (`spec.targetNamespaces`); `'AllNamespaces'` leaves
   * the field out, which makes OLM install the operator cluster-wide.
   * @default `[namespace]` (OwnNamespace)
   */
  readonly targetNamespaces?: readonly string[] | 'AllNamespaces';
  /** The Subscription. */
  readonly subscription: OlmSubscriptionSpec;
}

/** A Namespace (optional), OperatorGroup and Subscription for one operator. */
export class OperatorSubscription extends Construct {
  /** The operator's namespace. */
  public readonly namespace: string;
  /** The Subscription's name. */
  public readonly subscriptionName: string;

  /** @throws if a name or the channel is empty */
  constructor(scope: Construct, id: string, props: OperatorSubscriptionProps) {
    super(scope, id);
    for (const [prop, value] of [
      ['namespace', props.namespace],
      ['operatorGroupName', props.operatorGroupName],
      ['subscription.name', props.subscription.name],
      ['subscription.channel', props.subscription.channel],
    ] as const) {
      if (!value) throw new Error(`${id}.${prop}: must not be empty`);
    }
    this.namespace = props.namespace;
    this.subscriptionName = props.subscription.name;
    const labels = { 'app.kubernetes.io/part-of': 'kube-mcp-stack' };

    if (props.createNamespace ?? true) {
      new k8s.KubeNamespace(this, 'Namespace', {
        metadata: {
          name: props.namespace,
          labels: { ...labels, ...(props.namespaceLabels ?? {}) },
          ...(props.namespaceAnnotations ? { annotations: { ...props.namespaceAnnotations } } : {}),
        },
      });
    }

    const targets = props.targetNamespaces ?? [props.namespace];
    new OperatorGroup(this, 'OperatorGroup', {
      metadata: { name: props.operatorGroupName, namespace: props.namespace, labels },
      spec: targets === 'AllNamespaces' ? {} : { targetNamespaces: [...targets] },
    });

    const s = props.subscription;
    new Subscription(this, 'Subscription', {
      metadata: { name: s.name, namespace: props.namespace, labels },
      spec: {
        name: s.name,
        channel: s.channel,
        source: s.source ?? 'redhat-operators',
        sourceNamespace: s.sourceNamespace ?? 'openshift-marketplace',
        installPlanApproval: s.installPlanApproval ?? 'Automatic',
        ...(s.startingCSV ? { startingCsv: s.startingCSV } : {}),
      },
    });
  }
}
