/**
 * The workload pieces every component construct repeats, written once: the standard labels
 * and the selector that matches them, the edge-terminated Route (HTTP redirected to HTTPS) to a
 * Service port, and the volume holding the issuer's CA bundle.
 */
import type { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { Route, RouteSpecTlsInsecureEdgeTerminationPolicy, RouteSpecTlsTermination, RouteSpecToKind } from '../imports/route.openshift.io.js';

/** The standard labels of a component's resources and the selector its pods are found by. */
export interface WorkloadLabels {
  /** `app.kubernetes.io/name`, `/component` and `/part-of: kube-mcp-stack`. */
  readonly labels: Readonly<Record<string, string>>;
  /** `app.kubernetes.io/name` only (stable across component renames). */
  readonly selector: Readonly<Record<string, string>>;
}

/** Labels and selector of workload `name` of `component` (e.g. `mcp-server`). */
export function workloadLabels(name: string, component: string): WorkloadLabels {
  return {
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': 'kube-mcp-stack' },
    selector: { 'app.kubernetes.io/name': name },
  };
}

/** Props of {@link edgeRoute}. */
export interface EdgeRouteProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.host`, already checked (`checkRouteHost`). */
  readonly host: string;
  /** The Service the Route sends to. */
  readonly service: string;
  /** Named Service port (`spec.port.targetPort`). */
  readonly targetPort: string;
  /** @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An edge-terminated Route (`insecureEdgeTerminationPolicy: Redirect`) to a Service port. */
export function edgeRoute(scope: Construct, id: string, p: EdgeRouteProps): Route {
  return new Route(scope, id, {
    metadata: { name: p.name, namespace: p.namespace, labels: { ...p.labels }, ...(p.annotations ? { annotations: { ...p.annotations } } : {}) },
    spec: {
      host: p.host,
      to: { kind: RouteSpecToKind.SERVICE, name: p.service, weight: 100 },
      port: { targetPort: p.targetPort },
      tls: { termination: RouteSpecTlsTermination.EDGE, insecureEdgeTerminationPolicy: RouteSpecTlsInsecureEdgeTerminationPolicy.REDIRECT },
    },
  });
}

/** The `issuer-ca` volume: key `key` of ConfigMap `configMapName`, as a file of the same name. */
export function issuerCaVolume(configMapName: string, key: string): k8s.Volume {
  return { name: 'issuer-ca', configMap: { name: configMapName, items: [{ key, path: key }] } };
}
