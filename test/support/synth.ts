/**
 * Synthesis helpers for tests: build charts in a `Testing.app()` and collect every manifest
 * object with the chart it belongs to.
 */
import { App, Chart, Testing } from 'cdk8s';
import { ConfigMap, Secret } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { LlamaStack } from '../../charts/llama-stack.js';
import { McpInspector } from '../../charts/mcp-inspector.js';
import { McpServer } from '../../charts/mcp-server.js';
import type { StackModel } from '../../charts/model.js';
import { OpenShiftAi } from '../../charts/openshift-ai.js';
import { Playground } from '../../charts/playground.js';

/** A synthesized manifest object. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

/** One synthesized object and the id of the chart that produced it. */
export interface SynthesizedObject {
  readonly chart: string;
  readonly obj: KubeObject;
}

/** Synthesizes every chart of an app (in the app's dependency order). */
export function synthApp(app: App): SynthesizedObject[] {
  return app.charts.flatMap((c) => Testing.synth(c).map((obj) => ({ chart: c.node.id, obj: obj as KubeObject })));
}

/** Builds one chart with `build` in a fresh app and returns its objects. */
export function synthConstruct(build: (scope: Chart) => void): KubeObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as KubeObject[];
}

/**
 * The application components of a model (MCP server, OpenShift AI, Llama Stack, Playground,
 * MCP Inspector when enabled), each in its own chart, wired from the model the same way the
 * stack does. Used to test these constructs on the example config independent of the infra charts.
 */
export function appComponentsFromModel(model: StackModel): App {
  const app = Testing.app();
  const cfg = model.config;
  const chart = (id: string): Construct => new Chart(app, id);
  const ca = (scope: Construct) => ConfigMap.fromConfigMapName(scope, 'IssuerCa', model.issuerCa.configMapName);

  const mcp = chart('mcp-server');
  new McpServer(mcp, 'McpServer', {
    namespace: model.mcpServer.namespace,
    name: cfg.mcpServer.name,
    serviceAccountName: cfg.mcpServer.serviceAccountName,
    image: cfg.mcpServer.image,
    replicas: cfg.mcpServer.replicas,
    port: cfg.mcpServer.port,
    resources: cfg.mcpServer.resources,
    publicUrl: model.mcpServer.publicUrl,
    auth: {
      issuerUrl: model.oidc.issuer,
      audience: cfg.mcpServer.oauthAudience,
      scopes: cfg.mcpServer.oauthScopes,
      stsClientId: cfg.mcpServer.stsClientId,
      stsAudience: cfg.mcpServer.stsAudience,
      stsScopes: cfg.mcpServer.stsScopes,
      stsClientSecret: { secret: Secret.fromSecretName(mcp, 'StsSecret', model.mcpServer.stsClientSecret.name), key: model.mcpServer.stsClientSecret.key },
      issuerCa: ca(mcp),
      issuerCaKey: model.issuerCa.key,
    },
    tools: {
      toolsets: cfg.mcpServer.toolsets,
      readOnly: cfg.mcpServer.readOnly,
      disableDestructive: cfg.mcpServer.disableDestructive,
      listOutput: cfg.mcpServer.listOutput,
      logLevel: cfg.mcpServer.logLevel,
    },
  });

  if (cfg.openshiftAi.enabled) {
    new OpenShiftAi(chart('openshift-ai'), 'OpenShiftAi', {
      operatorNamespace: model.namespaces.openshiftAiOperator,
      applicationsNamespace: model.namespaces.openshiftAiApplications,
      monitoringNamespace: model.namespaces.openshiftAiMonitoring,
      subscription: cfg.openshiftAi.operator,
      dsciName: cfg.openshiftAi.dsciName,
      dscName: cfg.openshiftAi.dscName,
      monitoring: cfg.openshiftAi.monitoring,
      components: cfg.openshiftAi.components,
    });
  }

  if (cfg.llamaStack.enabled) {
    const ls = chart('llama-stack');
    new LlamaStack(ls, 'LlamaStack', {
      namespace: model.llamaStack.namespace,
      name: cfg.llamaStack.name,
      distribution: cfg.llamaStack.distribution,
      version: cfg.llamaStack.version,
      port: cfg.llamaStack.port,
      configMapName: cfg.llamaStack.configMapName,
      issuerUrl: model.oidc.issuer,
      jwksUri: model.oidc.jwksUri,
      authAudience: cfg.llamaStack.authAudience,
      ...(model.mcpServer.namespace === model.llamaStack.namespace ? { issuerCa: ca(ls), issuerCaKey: model.issuerCa.key } : {}),
      inference: cfg.llamaStack.inference.map((p) => ({
        providerId: p.providerId,
        url: p.url,
        modelId: p.modelId,
        maxTokens: p.maxTokens,
        tlsVerify: p.tlsVerify,
        ...(p.apiToken ? { apiToken: { secret: Secret.fromSecretName(ls, `Token-${p.providerId}`, p.apiToken.name), key: p.apiToken.key } } : {}),
      })),
      mcpToolGroupId: cfg.llamaStack.mcpToolGroupId,
      mcpEndpoint: model.mcpServer.sseUrl,
      resources: cfg.llamaStack.resources,
    });
  }

  if (cfg.playground.enabled && model.playground.publicUrl && model.playground.redirectUri) {
    const pg = chart('playground');
    new Playground(pg, 'Playground', {
      namespace: model.playground.namespace,
      name: cfg.playground.name,
      image: cfg.playground.image,
      oauth2ProxyImage: cfg.playground.oauth2ProxyImage,
      replicas: cfg.playground.replicas,
      publicUrl: model.playground.publicUrl,
      redirectUri: model.playground.redirectUri,
      issuerUrl: model.oidc.issuer,
      llamaStackUrl: model.llamaStack.service.url,
      defaultModel: model.playground.defaultModel,
      clientId: cfg.playground.clientId,
      scopes: cfg.playground.scopes,
      oauthSecret: Secret.fromSecretName(pg, 'OauthSecret', model.playground.clientSecret.name),
      clientSecretKey: model.playground.clientSecret.key,
      cookieSecretKey: model.playground.cookieSecret.key,
      cookieExpire: cfg.playground.cookieExpire,
      cookieRefresh: cfg.playground.cookieRefresh,
      ...(model.mcpServer.namespace === model.playground.namespace ? { issuerCa: ca(pg), issuerCaKey: model.issuerCa.key } : {}),
      resources: cfg.playground.resources,
      proxyResources: cfg.playground.proxyResources,
    });
  }

  if (cfg.mcpInspector.enabled) {
    new McpInspector(chart('mcp-inspector'), 'McpInspector', {
      namespace: model.mcpInspector.namespace,
      name: cfg.mcpInspector.name,
      image: cfg.mcpInspector.image,
      mcpServerUrl: model.mcpServer.mcpUrl,
      resources: cfg.mcpInspector.resources,
    });
  }
  return app;
}
