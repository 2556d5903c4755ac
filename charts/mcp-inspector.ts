/**
 * Optional MCP Inspector for manual testing of the MCP server (off by default in the config).
 * ServiceAccount, Deployment (UI port 6274, proxy port 6277), Service and, when public URLs are
 * given, two edge Routes (UI and proxy; the browser talks to both).
 *
 * Unlike the reference, the Inspector's own proxy authentication stays ON (no
 * `DANGEROUSLY_OMIT_AUTH`): the session token is printed in the pod log.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  checkRouteHost,
  checkUrl,
  ContainerImage,
  ContainerResources,
  imageString,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from './container-defaults.js';
import { edgeRoute, workloadLabels } from './workload-kit.js';
import type { StackModel } from './model.js';

/** Ports of the Inspector container. */
export const INSPECTOR_PORTS = { ui: 6274, proxy: 6277 } as const;

/** Props of {@link McpInspector}. */
export interface McpInspectorProps {
  /** Namespace. */
  readonly namespace: string;
  /** Create the Namespace here. @default false (it shares the MCP server's namespace) */
  readonly createNamespace?: boolean;
  /** @default "mcp-inspector" */
  readonly name?: string;
  /** Inspector image, pinned. */
  readonly image: ContainerImage;
  /** In-cluster Streamable HTTP URL of the MCP server (`…/mcp`), preset in the UI. */
  readonly mcpServerUrl: string;
  /** Public https URL of the UI; with {@link proxyPublicUrl} creates the Routes. @default no Routes (use port-forward) */
  readonly publicUrl?: string;
  /** Public https URL of the Inspector's proxy; required together with {@link publicUrl}. @default none */
  readonly proxyPublicUrl?: string;
  /** Host of the UI Route (`spec.host`, no port), from the model; set with {@link publicUrl}. @default none */
  readonly routeHost?: string;
  /** Host of the proxy Route (`spec.host`, no port), from the model; set with {@link proxyPublicUrl}. @default none */
  readonly proxyRouteHost?: string;
  /** @default requests 100m/128Mi, limits 500m/512Mi */
  readonly resources?: ContainerResources;
}

/** The props of the stack's McpInspector, from the derived model (the chart's only input). */
export function mcpInspectorProps(model: StackModel): McpInspectorProps {
  const mi = model.config.mcpInspector;
  return {
    namespace: model.mcpInspector.namespace,
    name: mi.name,
    image: mi.image,
    mcpServerUrl: model.mcpServer.mcpUrl,
    publicUrl: model.mcpInspector.publicUrl,
    proxyPublicUrl: model.mcpInspector.proxyPublicUrl,
    routeHost: model.mcpInspector.routeHost,
    proxyRouteHost: model.mcpInspector.proxyRouteHost,
    resources: mi.resources,
  };
}

/** The MCP Inspector workload. */
export class McpInspector extends Construct {
  constructor(scope: Construct, id: string, props: McpInspectorProps) {
    super(scope, id);
    const ns = props.namespace;
    const name = props.name ?? 'mcp-inspector';
    if ((props.publicUrl === undefined) !== (props.proxyPublicUrl === undefined)) {
      throw new Error('mcpInspector.proxyPublicUrl: set both publicUrl and proxyPublicUrl (the browser reaches the UI and the proxy), or neither');
    }
    if ((props.publicUrl === undefined) !== (props.routeHost === undefined) || (props.proxyPublicUrl === undefined) !== (props.proxyRouteHost === undefined)) {
      throw new Error('mcpInspector.routeHost: set routeHost and proxyRouteHost exactly when publicUrl and proxyPublicUrl are set (the model gives all four)');
    }
    const mcpUrl = checkUrl(props.mcpServerUrl, 'mcpInspector.mcpServerUrl');
    const origins = [props.publicUrl, props.proxyPublicUrl]
      .filter((u): u is string => u !== undefined)
      .map((u, i) => checkUrl(u, i === 0 ? 'mcpInspector.publicUrl' : 'mcpInspector.proxyPublicUrl', ['https:']));
    const { labels, selector } = workloadLabels(name, 'mcp-inspector');

    if (props.createNamespace) new k8s.KubeNamespace(this, 'Namespace', { metadata: { name: ns, labels } });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace: ns, labels }, automountServiceAccountToken: false });

    const probe = (delay: number, period: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString('ui') },
      initialDelaySeconds: delay,
      periodSeconds: period,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'mcp-inspector',
                image: imageString(props.image, 'mcpInspector.image'),
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'HOST', value: '0.0.0.0' },
                  { name: 'CLIENT_PORT', value: String(INSPECTOR_PORTS.ui) },
                  { name: 'SERVER_PORT', value: String(INSPECTOR_PORTS.proxy) },
                  { name: 'MCP_AUTO_OPEN_ENABLED', value: 'false' },
                  { name: 'MCP_SERVER_URL', value: mcpUrl },
                  { name: 'MCP_TRANSPORT', value: 'streamable-http' },
                  ...(origins.length > 0 ? [{ name: 'ALLOWED_ORIGINS', value: origins.join(',') }] : []),
                ],
                ports: [
                  { name: 'ui', containerPort: INSPECTOR_PORTS.ui, protocol: 'TCP' },
                  { name: 'proxy', containerPort: INSPECTOR_PORTS.proxy, protocol: 'TCP' },
                ],
                readinessProbe: probe(15, 10),
                livenessProbe: probe(30, 30),
                resources: resourceRequirements(props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
                // npx writes its cache under $HOME: the root stays writable, /tmp is an emptyDir.
                securityContext: restrictedContainerSecurityContext(false),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: ns, labels },
      spec: {
        selector,
        ports: [
          { name: 'ui', port: 80, targetPort: k8s.IntOrString.fromString('ui'), protocol: 'TCP' },
          { name: 'proxy', port: INSPECTOR_PORTS.proxy, targetPort: k8s.IntOrString.fromString('proxy'), protocol: 'TCP' },
        ],
      },
    });

    if (props.routeHost !== undefined && props.proxyRouteHost !== undefined) {
      const route = (rid: string, routeName: string, host: string, targetPort: string, annotations?: Record<string, string>) =>
        edgeRoute(this, rid, { name: routeName, namespace: ns, labels, host, service: name, targetPort, annotations });
      route('Route', name, checkRouteHost(props.routeHost, 'mcpInspector.routeHost'), 'ui');
      // SSE/streaming through the proxy: long router timeout.
      route('ProxyRoute', `${name}-proxy`, checkRouteHost(props.proxyRouteHost, 'mcpInspector.proxyRouteHost'), 'proxy', {
        'haproxy.router.openshift.io/timeout': '3600s',
      });
    }
  }
}
