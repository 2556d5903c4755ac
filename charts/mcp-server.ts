/**
 * The bundled MCP server (issue 3) as a workload: ServiceAccount (no RBAC bindings), ConfigMap
 * with the generated `config.toml`, Deployment, PodDisruptionBudget, Service and an optional
 * edge Route.
 *
 * Security model: the server acts with each user's exchanged token; its ServiceAccount is
 * deliberately bound to nothing, so a fallback to pod credentials can do nothing useful. The STS
 * client secret is mounted from a Secret as a file; the ConfigMap only names the file.
 */
import { Duration } from 'cdk8s';
import { ConfigMap, IConfigMap, k8s, Secret, type SecretValue } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  checkPort,
  checkPublicBaseUrl,
  checkReplicas,
  checkRouteHost,
  checkUrl,
  ContainerImage,
  ContainerResources,
  imageString,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from './container-defaults.js';
import type { StackModel } from './model.js';
import { MCP_SERVER_DEFAULTS } from './mcp-server-defaults.js';
import { edgeRoute, issuerCaVolume, workloadLabels } from './workload-kit.js';
import { McpServerSettings, mcpServerConfigToml } from './mcp-server-config.js';

/** Mount points inside the MCP server container. */
export const MCP_SERVER_PATHS = {
  configDir: '/etc/mcp-server',
  issuerCaDir: '/etc/pki/keycloak-ca',
  stsSecretDir: '/var/run/secrets/mcp-server-sts',
  stsSecretFile: 'client-secret',
  /** Where the in-cluster strategy looks for `ca.crt` and `namespace` (no token is mounted). */
  serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount',
} as const;

/**
 * A key inside a Secret, for a construct: cdk8s-plus's `SecretValue` (`{ secret, key }`).
 * @deprecated use `SecretValue` from cdk8s-plus-28; kept for charts/llama-stack.ts until it switches
 */
export type SecretKeyReference = SecretValue;

/** OAuth and token-exchange settings of the MCP server, all values derived once by the model. */
export interface McpServerAuthProps {
  /** Realm issuer URL, exactly as Keycloak puts it in `iss` (`authorization_url`). */
  readonly issuerUrl: string;
  /** Audience the user's token must carry (`oauth_audience`), e.g. `mcp-server`. */
  readonly audience: string;
  /** Scopes advertised to clients (`oauth_scopes`). @default ["openid", "mcp-server"] */
  readonly scopes?: readonly string[];
  /** Token exchange client (`sts_client_id`), e.g. `mcp-server`. */
  readonly stsClientId: string;
  /** Audience of the exchanged token (`sts_audience`), e.g. `openshift`. */
  readonly stsAudience: string;
  /** Scopes of the exchanged token (`sts_scopes`). @default ["mcp:openshift"] */
  readonly stsScopes?: readonly string[];
  /** Seconds an exchanged token is reused (`sts_cache_max_age`, 0..3600). @default unset: the server's default, 30 */
  readonly stsCacheMaxAge?: number;
  /** The STS client secret: mounted as a file, never copied into the ConfigMap. */
  readonly stsClientSecret: SecretValue;
  /** ConfigMap (in this namespace) holding the issuer's CA bundle, mounted for `certificate_authority`. */
  readonly issuerCa: IConfigMap;
  /** Key of the PEM bundle in {@link issuerCa}. @default "ca.crt" */
  readonly issuerCaKey?: string;
}

/** Props of {@link KubernetesMcpServer}. */
export interface McpServerProps {
  /** Namespace of every object (must exist; in the stack the cluster-auth chart creates it). */
  readonly namespace: string;
  /** Name of the Deployment, Service, Route and PDB; the ConfigMap is `<name>-config`. @default "ocp-mcp-server" */
  readonly name?: string;
  /** ServiceAccount name. @default "ocp-mcp" */
  readonly serviceAccountName?: string;
  /** Server image (issue 3's Containerfile), pinned. */
  readonly image: ContainerImage;
  /** Pod replicas; Streamable HTTP is stateless across replicas, SSE needs {@link sessionAffinity}. @default 2 */
  readonly replicas?: number;
  /** Container and Service port. @default 8000 */
  readonly port?: number;
  /** Container resources. @default requests 100m/128Mi, limits 500m/512Mi */
  readonly resources?: ContainerResources;
  /**
   * Base URL of the server (`server_url`; the RFC 9728 resource is `<serverUrl>/mcp`): the
   * Route's https origin, or the in-cluster Service URL when there is no Route (the model's
   * `mcpServer.serverUrl`). Required, so the server never reflects a request's Host header.
   */
  readonly serverUrl: string;
  /**
   * Host of an edge-terminated Route (`spec.host`, no port; plain HTTP redirected to HTTPS),
   * from the model's `mcpServer.routeHost`. @default no Route
   */
  readonly routeHost?: string;
  /** OAuth resource-server and token-exchange settings. */
  readonly auth: McpServerAuthProps;
  /**
   * Give the Service `sessionAffinity: ClientIP` (kube-proxy keeps each client IP on one pod,
   * `sessionAffinityConfig.clientIP.timeoutSeconds` default 10800 s). On by default because
   * the legacy SSE transport is stateful: the stream (`GET /sse`) lives in one replica and every
   * `POST /message?sessionId=…` of that session must reach the same replica (another one answers
   * 404). Llama Stack's `mcp::…` tool groups use SSE through this Service. Streamable HTTP
   * (`/mcp`) is stateless and works with or without affinity. The Route needs nothing extra:
   * the OpenShift router pins clients that keep its cookie to one pod by default.
   * @default true
   */
  readonly sessionAffinity?: boolean;
  /** Tool behaviour (`toolsets`, `read_only`, `disable_destructive`, `denied_resources`, `list_output`, `log_level`). @default the McpServerSettings defaults */
  readonly tools?: Pick<McpServerSettings, 'toolsets' | 'readOnly' | 'disableDestructive' | 'deniedResources' | 'listOutput' | 'logLevel'>;
}

/** Builds the in-cluster settings the Deployment's `config.toml` carries. */
export function mcpServerSettingsFromProps(props: McpServerProps): McpServerSettings {
  const a = props.auth;
  return {
    ...props.tools,
    port: props.port ?? MCP_SERVER_DEFAULTS.port,
    bindAddress: MCP_SERVER_DEFAULTS.podBindAddress,
    clusterProviderStrategy: 'in-cluster',
    requireOauth: true,
    authorizationUrl: checkUrl(a.issuerUrl, 'mcpServer.auth.issuerUrl', ['https:']),
    serverUrl: checkPublicBaseUrl(props.serverUrl, 'mcpServer.serverUrl', ['https:', 'http:']),
    oauthAudience: a.audience,
    oauthScopes: a.scopes ?? [...MCP_SERVER_DEFAULTS.oauthScopes],
    validateToken: true,
    tokenExchange: {
      clientId: a.stsClientId,
      audience: a.stsAudience,
      scopes: a.stsScopes ?? [...MCP_SERVER_DEFAULTS.stsScopes],
      ...(a.stsCacheMaxAge !== undefined ? { cacheMaxAge: a.stsCacheMaxAge } : {}),
      clientSecretFile: `${MCP_SERVER_PATHS.stsSecretDir}/${MCP_SERVER_PATHS.stsSecretFile}`,
    },
    certificateAuthority: `${MCP_SERVER_PATHS.issuerCaDir}/${a.issuerCaKey ?? 'ca.crt'}`,
  };
}

/**
 * The props of the stack's MCP server, from the derived model (the chart's only input).
 * @param scope where the referenced Secret and ConfigMap are imported (the chart)
 */
export function mcpServerProps(scope: Construct, model: StackModel): McpServerProps {
  const ms = model.config.mcpServer;
  const ca = model.issuerCa;
  return {
    namespace: model.namespaces.mcpServer,
    name: ms.name,
    serviceAccountName: ms.serviceAccountName,
    image: ms.image,
    replicas: ms.replicas,
    port: model.mcpServer.service.port,
    resources: ms.resources,
    serverUrl: model.mcpServer.serverUrl,
    routeHost: model.mcpServer.routeHost,
    auth: {
      issuerUrl: model.oidc.issuer,
      audience: ms.oauthAudience,
      scopes: ms.oauthScopes,
      stsClientId: ms.stsClientId,
      stsAudience: ms.stsAudience,
      stsScopes: ms.stsScopes,
      stsCacheMaxAge: ms.stsCacheMaxAge,
      stsClientSecret: { secret: Secret.fromSecretName(scope, 'StsSecret', model.mcpServer.stsClientSecret.name), key: model.mcpServer.stsClientSecret.key },
      issuerCa: ConfigMap.fromConfigMapName(scope, 'IssuerCa', ca.configMapName),
      issuerCaKey: ca.key,
    },
    tools: {
      toolsets: ms.toolsets,
      readOnly: ms.readOnly,
      disableDestructive: ms.disableDestructive,
      deniedResources: ms.deniedResources,
      listOutput: ms.listOutput,
      logLevel: ms.logLevel,
    },
  };
}

/** The MCP server workload. */
export class KubernetesMcpServer extends Construct {
  /** Name of the Service (and Deployment). */
  public readonly serviceName: string;
  /** Service port. */
  public readonly port: number;
  /** The generated `config.toml` text. */
  public readonly configToml: string;
  /** The ServiceAccount the pods run as (bound to nothing). */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: McpServerProps) {
    super(scope, id);
    const ns = props.namespace;
    const name = props.name ?? MCP_SERVER_DEFAULTS.name;
    const port = checkPort(props.port ?? MCP_SERVER_DEFAULTS.port, 'mcpServer.port');
    const replicas = checkReplicas(props.replicas ?? MCP_SERVER_DEFAULTS.replicas, 'mcpServer.replicas');
    const image = imageString(props.image, 'mcpServer.image');
    const sa = props.serviceAccountName ?? MCP_SERVER_DEFAULTS.serviceAccountName;
    const { labels, selector } = workloadLabels(name, 'mcp-server');
    this.serviceName = name;
    this.port = port;
    this.serviceAccountName = sa;
    this.configToml = mcpServerConfigToml(mcpServerSettingsFromProps({ ...props, port }));

    // No token in the pod at all: the account has no bindings, and the server's in-cluster
    // strategy reads only ca.crt and namespace from the service-account directory, which a
    // projected volume provides (kube-root-ca.crt is published in every namespace by Kubernetes).
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: sa, namespace: ns, labels },
      automountServiceAccountToken: false,
    });

    const configMapName = `${name}-config`;
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: configMapName, namespace: ns, labels },
      data: { 'config.toml': this.configToml },
    });

    const caKey = props.auth.issuerCaKey ?? 'ca.crt';
    const probe = (path: string, initialDelaySeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'mcp-server',
                image,
                imagePullPolicy: 'IfNotPresent',
                args: ['--config', `${MCP_SERVER_PATHS.configDir}/config.toml`],
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                livenessProbe: probe('/healthz', 5),
                readinessProbe: probe('/readyz', 5),
                resources: resourceRequirements(props.resources ?? MCP_SERVER_DEFAULTS.resources),
                securityContext: restrictedContainerSecurityContext(true),
                volumeMounts: [
                  { name: 'config', mountPath: MCP_SERVER_PATHS.configDir, readOnly: true },
                  { name: 'issuer-ca', mountPath: MCP_SERVER_PATHS.issuerCaDir, readOnly: true },
                  { name: 'sts-client-secret', mountPath: MCP_SERVER_PATHS.stsSecretDir, readOnly: true },
                  { name: 'cluster-ca', mountPath: MCP_SERVER_PATHS.serviceAccountDir, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: configMapName } },
              issuerCaVolume(props.auth.issuerCa.name, caKey),
              {
                name: 'sts-client-secret',
                secret: {
                  secretName: props.auth.stsClientSecret.secret.name,
                  items: [{ key: props.auth.stsClientSecret.key, path: MCP_SERVER_PATHS.stsSecretFile }],
                  defaultMode: 0o440,
                },
              },
              {
                name: 'cluster-ca',
                projected: {
                  sources: [
                    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                    { downwardApi: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
                  ],
                },
              },
            ],
          },
        },
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name, namespace: ns, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: ns, labels },
      spec: {
        selector,
        ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        // SSE: /message must reach the replica holding the stream (see McpServerProps.sessionAffinity).
        ...((props.sessionAffinity ?? true) ? { sessionAffinity: 'ClientIP' } : {}),
      },
    });

    if (props.routeHost !== undefined) {
      const host = checkRouteHost(props.routeHost, 'mcpServer.routeHost');
      edgeRoute(this, 'Route', {
        name,
        namespace: ns,
        labels,
        host,
        service: name,
        targetPort: 'http',
        // SSE streams stay open; the router's default 30s timeout would cut them. Stickiness for
        // SSE through the Route comes from the router's default cookie-based affinity (clients
        // that drop cookies should use Streamable HTTP, /mcp, which needs none).
        annotations: { 'haproxy.router.openshift.io/timeout': `${Duration.hours(1).toSeconds()}s` },
      });
    }
  }
}
