/**
 * The Playground behind an oauth2-proxy sidecar: ServiceAccount, Deployment (the project's own
 * Playground app, `playground/`, + proxy), Service (8080 → proxy 4180), edge Route with HTTP→HTTPS redirect, and a NetworkPolicy
 * that admits only the OpenShift router, and only on the proxy port, so the UI port cannot be
 * reached around the login.
 *
 * oauth2-proxy settings (oauth2-proxy docs, `keycloak-oidc` provider): OIDC issuer = the realm
 * issuer, PKCE `S256`, the access token passed upstream (`X-Forwarded-Access-Token`) so the UI
 * calls Llama Stack as the user. The client secret and the cookie secret are two keys of ONE
 * Secret, read as environment variables `OAUTH2_PROXY_CLIENT_SECRET` / `OAUTH2_PROXY_COOKIE_SECRET`.
 */
import { IConfigMap, ISecret, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Route, RouteSpecTlsInsecureEdgeTerminationPolicy, RouteSpecTlsTermination, RouteSpecToKind } from '../imports/route.openshift.io.js';
import {
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
import { OPENSHIFT_DEFAULT_CLUSTER_NETWORK } from './playground-session.js';
import { llamaStackReleaseFacts, type LlamaStackReleaseFacts } from './versions/llama-stack.js';

/** How the Playground calls one Llama Stack release (see {@link playgroundLlamaStackApi}). */
export interface PlaygroundLlamaStackApi {
  /** Path of the OpenAI-compatible API under the Llama Stack URL (`--api-base-path`). */
  readonly apiBasePath: LlamaStackReleaseFacts['openaiBasePath'];
  /** How the MCP tool carries the user's token (`--mcp-auth`). */
  readonly mcpAuth: LlamaStackReleaseFacts['mcpToolToken'];
}

/**
 * The release-dependent half of the Playground's Llama Stack calls, read from the one release
 * table (charts/versions/llama-stack.ts, where each fact cites its source): the base path of the
 * OpenAI-compatible API and where the Responses API MCP tool takes the user's token.
 * @param version Llama Stack release `x.y.z` (`llamaStack.version`)
 * @throws Error naming `llamaStack.version` and the supported releases for any other version
 */
export function playgroundLlamaStackApi(version: string): PlaygroundLlamaStackApi {
  const facts = llamaStackReleaseFacts(version);
  return { apiBasePath: facts.openaiBasePath, mcpAuth: facts.mcpToolToken };
}

/** Ports of the Playground pod. */
export const PLAYGROUND_PORTS = { ui: 8501, proxy: 4180, service: 8080 } as const;

/** Props of {@link Playground}. */
export interface PlaygroundProps {
  /** Namespace (must exist; in the stack the cluster-auth chart creates it). */
  readonly namespace: string;
  /** Name of the ServiceAccount, Deployment, Service, Route and NetworkPolicy. @default "llama-stack-playground" */
  readonly name?: string;
  /** Image with the Playground app at `/app/playground/dist/main.js` (the project's image, built by mcp-server/Containerfile), pinned. */
  readonly image: ContainerImage;
  /** oauth2-proxy image, pinned. */
  readonly oauth2ProxyImage: ContainerImage;
  /** @default 1 */
  readonly replicas?: number;
  /** Public https URL of the Playground (`https://<routeHost>`, from the model). */
  readonly publicUrl: string;
  /** Host of its Route (`spec.host`, no port), from the model's `playground.routeHost`. */
  readonly routeHost: string;
  /** oauth2-proxy callback, `<publicUrl>/oauth2/callback` as registered on the realm client. */
  readonly redirectUri: string;
  /** Realm issuer URL, exactly as in `iss`. */
  readonly issuerUrl: string;
  /** In-cluster URL of the Llama Stack Service. */
  readonly llamaStackUrl: string;
  /** How the app calls that Llama Stack release ({@link playgroundLlamaStackApi}). */
  readonly llamaStackApi: PlaygroundLlamaStackApi;
  /** MCP endpoint Llama Stack calls as the user (the MCP server's in-cluster `…/mcp` URL). */
  readonly mcpServerUrl: string;
  /** Model preselected in the UI. @default none (the UI's own choice) */
  readonly defaultModel?: string;
  /** Realm client oauth2-proxy logs in with (confidential). @default "mcp-client" */
  readonly clientId?: string;
  /** Scopes requested at login. @default ["openid", "profile", "email", "mcp-server"] */
  readonly scopes?: readonly string[];
  /** The ONE Secret holding both the client secret and the cookie secret. */
  readonly oauthSecret: ISecret;
  /** Key of the client secret in {@link oauthSecret}. @default "client-secret" */
  readonly clientSecretKey?: string;
  /** Key of the cookie secret (16, 24 or 32 bytes) in {@link oauthSecret}. @default "cookie-secret" */
  readonly cookieSecretKey?: string;
  /** Session cookie lifetime (Go duration). @default "15m" */
  readonly cookieExpire?: string;
  /**
   * Cookie refresh interval (Go duration): below the access-token lifespan, so the upstream never
   * gets an expired token. In the stack the model derives it from the realm (charts/playground-session.ts).
   */
  readonly cookieRefresh: string;
  /**
   * CIDRs trusted to send `X-Forwarded-*` (`--trusted-proxy-ip`, one flag each): where the router
   * connects from. @default ["10.128.0.0/14"] (OpenShift's default cluster network)
   */
  readonly trustedProxyCidrs?: readonly string[];
  /**
   * Groups whose members may sign in (`--allowed-group`, one flag each), read from the ID token's
   * {@link groupsClaim} (`--oidc-groups-claim`); a member of none gets 403 after login.
   * @default none: every realm user who can log in to {@link clientId}
   */
  readonly allowedGroups?: readonly string[];
  /** The claim holding group names (`--oidc-groups-claim`). @default "groups" (oauth2-proxy's own default) */
  readonly groupsClaim?: string;
  /**
   * The realm's end-session endpoint (`<issuer>/protocol/openid-connect/logout`): `/oauth2/sign_out`
   * calls it with the session's ID token (`--backend-logout-url=<url>?id_token_hint={id_token}`),
   * so signing out ends the Keycloak session too. @default none (sign-out only clears the cookie)
   */
  readonly endSessionEndpoint?: string;
  /** ConfigMap with the issuer's CA, trusted by oauth2-proxy for the issuer. @default none: system trust */
  readonly issuerCa?: IConfigMap;
  /** Key of the PEM bundle in {@link issuerCa}. @default "ca.crt" */
  readonly issuerCaKey?: string;
  /** UI resources. @default requests 100m/128Mi, limits 500m/256Mi */
  readonly resources?: ContainerResources;
  /** oauth2-proxy resources. @default requests 50m/64Mi, limits 200m/128Mi */
  readonly proxyResources?: ContainerResources;
}

/** The Playground workload. */
export class Playground extends Construct {
  /** Name of the Service. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: PlaygroundProps) {
    super(scope, id);
    const ns = props.namespace;
    const name = props.name ?? 'llama-stack-playground';
    this.serviceName = name;
    const replicas = checkReplicas(props.replicas ?? 1, 'playground.replicas');
    checkPublicBaseUrl(props.publicUrl, 'playground.publicUrl');
    const routeHost = checkRouteHost(props.routeHost, 'playground.routeHost');
    const issuer = checkUrl(props.issuerUrl, 'playground.issuerUrl', ['https:']);
    const redirect = checkUrl(props.redirectUri, 'playground.redirectUri', ['https:']);
    const llamaStackUrl = checkUrl(props.llamaStackUrl, 'playground.llamaStackUrl');
    const endSession = props.endSessionEndpoint === undefined ? undefined : checkUrl(props.endSessionEndpoint, 'playground.endSessionEndpoint', ['https:']);
    const mcpServerUrl = checkUrl(props.mcpServerUrl, 'playground.mcpServerUrl');
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'playground', 'app.kubernetes.io/part-of': 'kube-mcp-stack' };
    const selector = { 'app.kubernetes.io/name': name };
    const caDir = '/etc/pki/issuer-ca';
    const caKey = props.issuerCaKey ?? 'ca.crt';

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });

    const secretEnv = (envName: string, key: string): k8s.EnvVar => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: props.oauthSecret.name, key } },
    });
    const proxyArgs = [
      '--provider=keycloak-oidc',
      `--oidc-issuer-url=${issuer}`,
      `--client-id=${props.clientId ?? 'mcp-client'}`,
      `--scope=${(props.scopes ?? ['openid', 'profile', 'email', 'mcp-server']).join(' ')}`,
      '--code-challenge-method=S256',
      `--redirect-url=${redirect}`,
      `--http-address=0.0.0.0:${PLAYGROUND_PORTS.proxy}`,
      `--upstream=http://localhost:${PLAYGROUND_PORTS.ui}`,
      '--pass-access-token=true',
      '--email-domain=*',
      ...(props.allowedGroups?.length
        ? [`--oidc-groups-claim=${props.groupsClaim ?? 'groups'}`, ...props.allowedGroups.map((g) => `--allowed-group=${g}`)]
        : []),
      '--reverse-proxy=true',
      '--cookie-secure=true',
      `--cookie-expire=${props.cookieExpire ?? '15m'}`,
      `--cookie-refresh=${props.cookieRefresh}`,
      // Sessions live in the (encrypted, split) cookie: no session store to run (docs/components.md).
      '--session-store-type=cookie',
      ...(props.trustedProxyCidrs ?? [OPENSHIFT_DEFAULT_CLUSTER_NETWORK]).map((cidr) => `--trusted-proxy-ip=${cidr}`),
      ...(endSession ? [`--backend-logout-url=${endSession}?id_token_hint={id_token}`] : []),
      '--skip-provider-button=true',
      // Only static assets and the health check skip the login. Streamlit's `/_stcore` websocket
      // carries the whole app, so unlike the reference it stays behind authentication (the
      // browser sends the session cookie on the websocket upgrade).
      '--skip-auth-route=^/(static|health)(/|$)',
      ...(props.issuerCa ? [`--provider-ca-file=${caDir}/${caKey}`] : []),
    ];
    const httpProbe = (path: string, port: string, delay: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString(port) },
      initialDelaySeconds: delay,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'oauth2-proxy',
                image: imageString(props.oauth2ProxyImage, 'playground.oauth2ProxyImage'),
                imagePullPolicy: 'IfNotPresent',
                args: proxyArgs,
                env: [
                  secretEnv('OAUTH2_PROXY_CLIENT_SECRET', props.clientSecretKey ?? 'client-secret'),
                  secretEnv('OAUTH2_PROXY_COOKIE_SECRET', props.cookieSecretKey ?? 'cookie-secret'),
                ],
                ports: [{ name: 'proxy', containerPort: PLAYGROUND_PORTS.proxy, protocol: 'TCP' }],
                livenessProbe: httpProbe('/ping', 'proxy', 5),
                readinessProbe: httpProbe('/ping', 'proxy', 5),
                resources: resourceRequirements(props.proxyResources ?? { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } }),
                securityContext: restrictedContainerSecurityContext(true),
                volumeMounts: props.issuerCa ? [{ name: 'issuer-ca', mountPath: caDir, readOnly: true }] : [],
              },
              {
                name: 'playground',
                image: imageString(props.image, 'playground.image'),
                imagePullPolicy: 'IfNotPresent',
                // The image's entrypoint is the MCP server; the Playground is its second program.
                command: ['node', '/app/playground/dist/main.js'],
                // No secret: the only credential is each user's token, per request (X-Forwarded-Access-Token).
                args: [
                  `--port=${PLAYGROUND_PORTS.ui}`,
                  `--llama-stack-url=${llamaStackUrl}`,
                  `--api-base-path=${props.llamaStackApi.apiBasePath}`,
                  `--mcp-server-url=${mcpServerUrl}`,
                  `--mcp-auth=${props.llamaStackApi.mcpAuth}`,
                  ...(props.defaultModel ? [`--default-model=${props.defaultModel}`] : []),
                ],
                ports: [{ name: 'ui', containerPort: PLAYGROUND_PORTS.ui, protocol: 'TCP' }],
                livenessProbe: httpProbe('/healthz', 'ui', 5),
                readinessProbe: httpProbe('/healthz', 'ui', 2),
                resources: resourceRequirements(props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }),
                securityContext: restrictedContainerSecurityContext(true),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              ...(props.issuerCa ? [{ name: 'issuer-ca', configMap: { name: props.issuerCa.name, items: [{ key: caKey, path: caKey }] } }] : []),
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: ns, labels },
      spec: {
        selector,
        ports: [{ name: 'http', port: PLAYGROUND_PORTS.service, targetPort: k8s.IntOrString.fromString('proxy'), protocol: 'TCP' }],
      },
    });

    new Route(this, 'Route', {
      metadata: { name, namespace: ns, labels },
      spec: {
        host: routeHost,
        to: { kind: RouteSpecToKind.SERVICE, name, weight: 100 },
        port: { targetPort: 'http' },
        tls: { termination: RouteSpecTlsTermination.EDGE, insecureEdgeTerminationPolicy: RouteSpecTlsInsecureEdgeTerminationPolicy.REDIRECT },
      },
    });

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, namespace: ns, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            // OpenShift labels the router's namespaces with this policy group.
            from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'ingress' } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(PLAYGROUND_PORTS.proxy) }],
          },
        ],
      },
    });
  }
}
