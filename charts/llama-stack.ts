/**
 * Llama Stack: its Namespace, the run-config ConfigMap generated from typed providers, and the
 * LlamaStackDistribution (llamastack.io/v1alpha1) that points the operator at that ConfigMap.
 *
 * Versions decide two things ({@link resolveLlamaStackRelease}):
 * - the run-config layout (see charts/llama-stack-run-config.ts), from the Llama Stack version;
 * - the ConfigMap key: the operator mounts the whole ConfigMap at `/etc/llama-stack/` and starts
 *   the server with `/etc/llama-stack/run.yaml`; later operators set
 *   `LLAMA_STACK_CONFIG=/etc/llama-stack/config.yaml` instead (operator constant
 *   `LlamaStackConfigYAMLKey = "config.yaml"`, "llama-stack v0.4.0+").
 */
import { IConfigMap, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  LlamaStackDistribution,
  LlamaStackDistributionSpecServerContainerSpecResourcesLimits as Limits,
  LlamaStackDistributionSpecServerContainerSpecResourcesRequests as Requests,
} from '../imports/llamastack.io.js';
import { checkPort, checkUrl, ContainerResources } from './container-defaults.js';
import { runConfigYaml } from './llama-stack-run-config.js';
import {
  DEFAULT_LLAMA_STACK_VERSION,
  DEFAULT_OPERATOR_VERSION,
  llamaStackReleaseFacts,
  OPERATOR_CONFIG_YAML_SINCE,
  type RunConfigLayout,
} from './versions/llama-stack.js';
import { SecretKeyReference } from './mcp-server.js';

export { OPERATOR_CONFIG_YAML_SINCE } from './versions/llama-stack.js';

/** What a Llama Stack / operator version pairing decides. */
export interface LlamaStackRelease {
  readonly layout: RunConfigLayout;
  /** ConfigMap key the operator's server start reads. */
  readonly configKey: 'run.yaml' | 'config.yaml';
}

function semver(v: string, field: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v);
  if (!m) throw new Error(`${field}: "${v}" is not a version such as "0.2.22"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
function atLeast(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/**
 * Resolves the run-config layout and ConfigMap key of a Llama Stack / operator pairing, from the
 * table of supported releases (charts/versions/llama-stack.ts). A release that reads `run.yaml`
 * needs an operator before {@link OPERATOR_CONFIG_YAML_SINCE}; one that reads `config.yaml`
 * needs that operator or later.
 * @throws Error naming `llamaStack.version` (with the supported releases) or `llamaStack.operatorVersion` for an unsupported pairing
 */
export function resolveLlamaStackRelease(version: string, operatorVersion: string): LlamaStackRelease {
  semver(version, 'llamaStack.version');
  const { layout, configKey } = llamaStackReleaseFacts(version);
  const op = semver(operatorVersion, 'llamaStack.operatorVersion');
  const readsConfigYaml = atLeast(op, semver(OPERATOR_CONFIG_YAML_SINCE, 'OPERATOR_CONFIG_YAML_SINCE'));
  if (configKey === 'config.yaml' && !readsConfigYaml) {
    throw new Error(
      `llamaStack.operatorVersion: operator ${operatorVersion} starts the server from run.yaml, but Llama Stack ${version} ` +
        `expects config.yaml; use operator ${OPERATOR_CONFIG_YAML_SINCE} or later, or Llama Stack ${DEFAULT_LLAMA_STACK_VERSION}`,
    );
  }
  if (configKey === 'run.yaml' && readsConfigYaml) {
    throw new Error(
      `llamaStack.operatorVersion: operator ${operatorVersion} starts the server from config.yaml (Llama Stack 0.4.0+), ` +
        `but llamaStack.version is ${version}; pair Llama Stack ${version} with an operator before ${OPERATOR_CONFIG_YAML_SINCE}`,
    );
  }
  return { layout, configKey };
}

/** A remote vLLM model endpoint. */
export interface LlamaStackInferenceProps {
  /** `provider_id`, e.g. `llama-3b`. */
  readonly providerId: string;
  /** OpenAI-compatible endpoint ending in `/v1`. */
  readonly url: string;
  /** Model id served there. */
  readonly modelId: string;
  /** API token, from a Secret key in the Llama Stack namespace. @default none (no api_token) */
  readonly apiToken?: SecretKeyReference;
  /** @default 128000 */
  readonly maxTokens?: number;
  /** Verify the endpoint's certificate. @default true */
  readonly tlsVerify?: boolean;
}

/** Props of {@link LlamaStack}. */
export interface LlamaStackProps {
  /** Namespace (created here). */
  readonly namespace: string;
  /** LlamaStackDistribution name; the operator's Service is `<name>-service`. @default "llamastack-with-config" */
  readonly name?: string;
  /** Distribution name known to the operator. @default "rh-dev" */
  readonly distribution?: string;
  /** Llama Stack release the run config is written for. @default "0.2.22" (OpenShift AI 2.25) */
  readonly version?: string;
  /** llama-stack-k8s-operator release. @default "0.3.0" (paired with Llama Stack 0.2.x) */
  readonly operatorVersion?: string;
  /** @default 8321 */
  readonly port?: number;
  /** Run-config ConfigMap name. @default "llama-stack-config" */
  readonly configMapName?: string;
  /** Realm issuer URL (`server.auth.provider_config.issuer`), exactly as in `iss`. */
  readonly issuerUrl: string;
  /** Realm JWKS URL. */
  readonly jwksUri: string;
  /** Audience tokens must carry. */
  readonly authAudience: string;
  /**
   * ConfigMap with the issuer's CA. It is mounted through `podOverrides` and named only in
   * `server.auth.provider_config.tls_cafile`, so it is trusted for fetching the realm's JWKS and
   * nothing else (the operator's `tlsConfig.caBundle` would replace the trust of every outgoing
   * TLS connection, model endpoints included). @default none: system trust for the JWKS
   */
  readonly issuerCa?: IConfigMap;
  /** Key of the PEM bundle in {@link issuerCa}. @default "ca.crt" */
  readonly issuerCaKey?: string;
  /** Remote vLLM models. @default [] */
  readonly inference?: readonly LlamaStackInferenceProps[];
  /** MCP tool group id of the bundled server. @default "mcp::openshift" */
  readonly mcpToolGroupId?: string;
  /** In-cluster URL of the bundled MCP server's endpoint (`…/sse` or `…/mcp`). */
  readonly mcpEndpoint: string;
  /** Server container resources. @default requests 250m/1Gi, limits 2/4Gi */
  readonly resources?: ContainerResources;
  /**
   * Other namespaces whose pods may call the server (e.g. the Playground's), written to
   * `spec.network.allowedFrom.namespaces`: the operator's NetworkPolicy admits only the
   * distribution's own namespace and the operator's by default (CRD field doc, operator v0.9.0).
   * Operators without the field ignore it (the API server prunes it). @default [] (field omitted)
   */
  readonly allowedNamespaces?: readonly string[];
}

/** Llama Stack namespace, run config and distribution. */
export class LlamaStack extends Construct {
  /** The generated run-config YAML. */
  public readonly runConfig: string;
  /** The resolved layout and ConfigMap key. */
  public readonly release: LlamaStackRelease;

  constructor(scope: Construct, id: string, props: LlamaStackProps) {
    super(scope, id);
    const ns = props.namespace;
    const name = props.name ?? 'llamastack-with-config';
    const port = checkPort(props.port ?? 8321, 'llamaStack.port');
    const cmName = props.configMapName ?? 'llama-stack-config';
    this.release = resolveLlamaStackRelease(props.version ?? DEFAULT_LLAMA_STACK_VERSION, props.operatorVersion ?? DEFAULT_OPERATOR_VERSION);
    const inference = props.inference ?? [];
    const tokenEnv = (p: LlamaStackInferenceProps) => `${p.providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_TOKEN`;
    const caKey = props.issuerCaKey ?? 'ca.crt';
    const caDir = '/etc/pki/issuer-ca';

    this.runConfig = runConfigYaml({
      layout: this.release.layout,
      distroName: props.distribution ?? 'rh-dev',
      port,
      auth: {
        issuer: checkUrl(props.issuerUrl, 'llamaStack.issuerUrl', ['https:']),
        jwksUri: checkUrl(props.jwksUri, 'llamaStack.jwksUri', ['https:']),
        audience: props.authAudience,
        tlsCaFile: props.issuerCa ? `${caDir}/${caKey}` : undefined,
      },
      inference: inference.map((p, i) => ({
        providerId: p.providerId,
        url: checkUrl(p.url, `llamaStack.inference[${i}].url`),
        modelId: p.modelId,
        apiTokenEnv: p.apiToken ? tokenEnv(p) : undefined,
        maxTokens: p.maxTokens,
        tlsVerify: p.tlsVerify,
      })),
      mcpToolGroups: [{ toolgroupId: props.mcpToolGroupId ?? 'mcp::openshift', endpoint: checkUrl(props.mcpEndpoint, 'llamaStack.mcpEndpoint') }],
    });

    const labels = { 'app.kubernetes.io/part-of': 'kube-mcp-stack', 'app.kubernetes.io/component': 'llama-stack' };
    // No `openshift.io/cluster-monitoring` label: that is for platform namespaces, and Llama Stack is
    // a user workload (user-workload monitoring applies).
    new k8s.KubeNamespace(this, 'Namespace', { metadata: { name: ns } });
    new k8s.KubeConfigMap(this, 'RunConfig', {
      metadata: { name: cmName, namespace: ns, labels },
      data: { [this.release.configKey]: this.runConfig },
    });

    const r = props.resources ?? { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };
    const allowed = [...new Set(props.allowedNamespaces ?? [])].filter((n) => n !== ns);
    new LlamaStackDistribution(this, 'Distribution', {
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: 1,
        ...(allowed.length ? { network: { allowedFrom: { namespaces: allowed } } } : {}),
        server: {
          distribution: { name: props.distribution ?? 'rh-dev' },
          containerSpec: {
            name: 'llama-stack',
            port,
            resources: {
              requests: { cpu: Requests.fromString(r.requests.cpu), memory: Requests.fromString(r.requests.memory) },
              limits: { cpu: Limits.fromString(r.limits.cpu), memory: Limits.fromString(r.limits.memory) },
            },
            env: [
              ...inference
                .filter((p) => p.apiToken)
                .map((p) => ({ name: tokenEnv(p), valueFrom: { secretKeyRef: { name: p.apiToken!.secret.name, key: p.apiToken!.key } } })),
              // The server ignores the run config's server.port: LLAMA_STACK_PORT (or --port) decides
              // (llama_stack/cli/stack/run.py:44-45 in 0.2.22, :55-56 in 0.7.3: default int(os.getenv('LLAMA_STACK_PORT', 8321))), so the port is given here too.
              { name: 'LLAMA_STACK_PORT', value: String(port) },
            ],
          },
          userConfig: { configMapName: cmName },
          ...(props.issuerCa
            ? {
                podOverrides: {
                  volumes: [{ name: 'issuer-ca', configMap: { name: props.issuerCa.name, items: [{ key: caKey, path: caKey }] } }],
                  volumeMounts: [{ name: 'issuer-ca', mountPath: caDir, readOnly: true }],
                },
              }
            : {}),
        },
      },
    });
  }
}
