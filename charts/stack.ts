/**
 * The whole stack: one cdk8s Chart per component, added to an App from a
 * {@link StackModel}, with chart dependencies declared in apply order. With dependencies,
 * cdk8s names each file `<4-digit topological index>-<chart id>.k8s.yaml`, so `dist/`
 * sorts into a safe `oc apply -f dist/` order:
 *
 *   keycloak-operator, openshift-ai, keycloak-database, keycloak, realm, llama-stack,
 *   cluster-auth (MCP server and Playground Namespaces, issuer CA, group RBAC), mcp-server,
 *   playground, mcp-inspector,
 *   feature-gate (4.19 only), cluster-authentication (the external-OIDC switch, LAST).
 *
 * Each chart depends on the one before it, so the order is total and explicit. Each object
 * also carries its apply phase (charts/apply-phases.ts), the order `kube-mcp-stack apply` and
 * Argo CD follow, with the waits between phases; file numbers play no part there.
 *
 * A team's own charts, added to the same App before or after {@link addKubeMcpStack}, always
 * come before feature-gate and cluster-authentication: at synth time those two depend on every
 * other chart of the App ({@link keepSwitchLast}).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { ConfigMap, Secret, type IConfigMap, type ISecret } from 'cdk8s-plus-28';
import type { Construct, IConstruct } from 'constructs';
import { annotateApplyPhases, REQUIRED_SECRETS_ANNOTATION, requiredSecretsAnnotation } from './apply-phases.js';
import { ClusterAuth, TechPreviewFeatureGate } from './cluster-auth.js';
import { ExternalAuthentication, externalOidcModel } from './external-auth.js';
import { KeycloakDatabase } from './keycloak-database.js';
import { KeycloakOperator, keycloakOperatorProps } from './keycloak-operator.js';
import { KeycloakServer, keycloakServerProps } from './keycloak.js';
import { LlamaStack } from './llama-stack.js';
import { McpInspector, mcpInspectorProps } from './mcp-inspector.js';
import { KubernetesMcpServer, mcpServerProps } from './mcp-server.js';
import type { StackModel } from './model.js';
import { OpenShiftAi, openShiftAiProps } from './openshift-ai.js';
import { Playground, playgroundLlamaStackApi } from './playground.js';
import { RealmImport } from './realm.js';
import { requiredSecrets } from './required-secrets.js';

/** Chart ids in apply order (a chart is left out when its component is disabled). */
export const CHART_IDS = [
  'keycloak-operator',
  'openshift-ai',
  'keycloak-database',
  'keycloak',
  'realm',
  'llama-stack',
  'cluster-auth',
  'mcp-server',
  'playground',
  'mcp-inspector',
  'feature-gate',
  'cluster-authentication',
] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** The charts that were added, by id. */
export type StackCharts = Partial<Record<ChartId, Chart>>;

/** Charts that are applied after everything else, in this order: the FeatureGate and the `Authentication` switch. */
export const LAST_CHART_IDS: readonly ChartId[] = ['feature-gate', 'cluster-authentication'];

/** Whether `c` depends, directly or through other constructs' dependencies, on one of `targets`. */
function dependsOn(c: IConstruct, targets: ReadonlySet<IConstruct>, seen = new Set<IConstruct>()): boolean {
  for (const d of c.node.dependencies) {
    if (targets.has(d)) return true;
    if (!seen.has(d)) {
      seen.add(d);
      if (dependsOn(d, targets, seen)) return true;
    }
  }
  return false;
}

/**
 * Makes `first` (the first of the charts that must stay last) depend on every other chart of
 * `app` at synth time, including charts added after this call, so a team's own charts get lower
 * file numbers than the `Authentication` switch. A chart that itself depends on one of `last`
 * (a team asking to come after the switch) is left alone. Runs as a construct validation: cdk8s
 * `App.synth()` runs validations before it orders the charts and names the files
 * (`<index>-<chart id>.k8s.yaml`), and `synthYaml()` orders after validating too.
 */
export function keepSwitchLast(app: App, last: readonly Chart[]): void {
  const first = last[0];
  if (!first) return;
  const lastSet = new Set<IConstruct>(last);
  first.node.addValidation({
    validate: () => {
      for (const c of app.node.findAll()) {
        if (c instanceof Chart && !lastSet.has(c) && !dependsOn(c, lastSet)) first.node.addDependency(c);
      }
      return [];
    },
  });
}

const secretRef = (scope: Construct, id: string, name: string): ISecret => Secret.fromSecretName(scope, id, name);
const configMapRef = (scope: Construct, id: string, name: string): IConfigMap => ConfigMap.fromConfigMapName(scope, id, name);

/**
 * Adds every chart of the stack to `app`, in apply order, each depending on the previous.
 * @param app the cdk8s App (its outdir and output type are the caller's)
 * @param model the derived model ({@link deriveModel})
 * @returns the added charts by id
 * @throws Error from a construct whose props are invalid (the message names the prop)
 */
export function addKubeMcpStack(app: App, model: StackModel): StackCharts {
  const cfg = model.config;
  const ns = model.namespaces;
  const charts: StackCharts = {};
  let previous: Chart | undefined;
  const chart = (id: ChartId, build: (c: Chart) => void): void => {
    const c = new Chart(app, id, { disableResourceNameHashes: true, labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack' } });
    build(c);
    if (previous) c.addDependency(previous);
    previous = c;
    charts[id] = c;
  };
  const ca = model.issuerCa;

  chart('keycloak-operator', (c) => {
    new KeycloakOperator(c, 'KeycloakOperator', keycloakOperatorProps(model));
  });

  if (cfg.openshiftAi.enabled) {
    chart('openshift-ai', (c) => {
      new OpenShiftAi(c, 'OpenShiftAi', openShiftAiProps(model));
    });
  }

  const db = model.keycloak.database;
  const kcDb = cfg.keycloak.database;
  if (db.inCluster && kcDb.type === 'in-cluster') {
    chart('keycloak-database', (c) => {
      new KeycloakDatabase(c, 'Database', {
        namespace: ns.keycloak,
        name: db.inCluster!.service.name,
        image: kcDb.image,
        database: db.database,
        credentials: secretRef(c, 'DbCredentials', db.password.name),
        usernameKey: db.username.key,
        passwordKey: db.password.key,
        storageSize: kcDb.storageSize,
        storageClass: kcDb.storageClass,
        resources: kcDb.resources,
      });
    });
  }

  chart('keycloak', (c) => {
    new KeycloakServer(c, 'Keycloak', keycloakServerProps(c, model));
    // The Secrets `apply` checks before this phase (names and keys only, never values).
    for (const o of c.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject && n.kind === 'Keycloak')) {
      o.metadata.addAnnotation(REQUIRED_SECRETS_ANNOTATION, requiredSecretsAnnotation(requiredSecrets(model)));
    }
  });

  chart('realm', (c) => {
    new RealmImport(c, 'Realm', { namespace: ns.keycloak, keycloakCRName: model.keycloak.name, apiVersion: model.keycloak.apiVersion, realm: model.realm });
  });

  if (cfg.llamaStack.enabled) {
    chart('llama-stack', (c) => {
      const ls = cfg.llamaStack;
      new LlamaStack(c, 'LlamaStack', {
        namespace: ns.llamaStack,
        name: ls.name,
        distribution: ls.distribution,
        version: ls.version,
        operatorVersion: ls.operatorVersion,
        port: model.llamaStack.service.port,
        configMapName: ls.configMapName,
        issuerUrl: model.oidc.issuer,
        jwksUri: model.oidc.jwksUri,
        authAudience: ls.authAudience,
        issuerCa: configMapRef(c, 'IssuerCa', ca.configMapName),
        issuerCaKey: ca.key,
        inference: ls.inference.map((p) => ({
          providerId: p.providerId,
          url: p.url,
          modelId: p.modelId,
          maxTokens: p.maxTokens,
          tlsVerify: p.tlsVerify,
          apiToken: p.apiToken ? { secret: secretRef(c, `Token-${p.providerId}`, p.apiToken.name), key: p.apiToken.key } : undefined,
        })),
        mcpToolGroupId: ls.mcpToolGroupId,
        mcpEndpoint: model.mcpServer.sseUrl,
        resources: ls.resources,
        // The Playground calls Llama Stack from its own namespace (--llama-stack-url).
        allowedNamespaces: cfg.playground.enabled ? [model.playground.namespace] : [],
      });
    });
  }

  chart('cluster-auth', (c) => {
    // Namespaces that no earlier chart creates: the MCP server's and the Playground's own ones
    // (their issuer-CA ConfigMaps are in this chart, applied before the workloads), and the
    // Llama Stack one when Llama Stack is off (it still holds the developers' RoleBinding).
    const created = new Set(cfg.llamaStack.enabled ? [ns.llamaStack] : []);
    const needed = [...new Set([ns.llamaStack, ns.mcpServer, ...(cfg.playground.enabled ? [ns.playground] : [])])].filter((n) => !created.has(n));
    new ClusterAuth(c, 'ClusterAuth', {
      createNamespaces: needed,
      issuerCa: { configMapName: ca.configMapName, key: ca.key, namespaces: ca.namespaces, pem: ca.pem, issuer: model.oidc.issuer },
      groups: { bindings: model.clusterAuth.groupBindings },
    });
  });

  chart('mcp-server', (c) => {
    new KubernetesMcpServer(c, 'McpServer', mcpServerProps(c, model));
  });

  if (cfg.playground.enabled) {
    chart('playground', (c) => {
      const pg = cfg.playground;
      new Playground(c, 'Playground', {
        namespace: model.playground.namespace,
        name: pg.name,
        image: pg.image ?? cfg.mcpServer.image,
        oauth2ProxyImage: pg.oauth2ProxyImage,
        replicas: pg.replicas,
        publicUrl: model.playground.publicUrl!,
        routeHost: model.playground.routeHost!,
        redirectUri: model.playground.redirectUri!,
        issuerUrl: model.oidc.issuer,
        llamaStackUrl: model.llamaStack.service.url,
        llamaStackApi: playgroundLlamaStackApi(cfg.llamaStack.version),
        mcpServerUrl: model.mcpServer.mcpUrl,
        defaultModel: model.playground.defaultModel,
        clientId: pg.clientId,
        scopes: pg.scopes,
        oauthSecret: secretRef(c, 'OAuth', model.playground.clientSecret.name),
        clientSecretKey: model.playground.clientSecret.key,
        cookieSecretKey: model.playground.cookieSecret.key,
        cookieExpire: model.playground.cookieExpire,
        cookieRefresh: model.playground.cookieRefresh,
        trustedProxyCidrs: model.playground.trustedProxyCidrs,
        allowedGroups: model.playground.allowedGroups,
        groupsClaim: model.playground.groupsClaim,
        endSessionEndpoint: model.oidc.endSessionEndpoint,
        issuerCa: configMapRef(c, 'IssuerCa', ca.configMapName),
        issuerCaKey: ca.key,
        resources: pg.resources,
        proxyResources: pg.proxyResources,
      });
    });
  }

  if (cfg.mcpInspector.enabled) {
    chart('mcp-inspector', (c) => {
      new McpInspector(c, 'McpInspector', mcpInspectorProps(model));
    });
  }

  if (model.clusterAuth.featureGate) {
    chart('feature-gate', (c) => {
      new TechPreviewFeatureGate(c, 'FeatureGate', {
        openshiftVersion: model.openshift.version,
        acknowledgeTechPreviewNoUpgrade: cfg.clusterAuth.acknowledgeTechPreviewNoUpgrade,
      });
    });
  }

  if (model.clusterAuth.externalOidc) {
    chart('cluster-authentication', (c) => {
      new ExternalAuthentication(c, 'Authentication', { oidc: externalOidcModel(model) });
    });
  }
  annotateApplyPhases(charts, { argoCdSyncWaves: cfg.gitops.argoCdSyncWaves });
  keepSwitchLast(
    app,
    LAST_CHART_IDS.flatMap((id) => charts[id] ?? []),
  );
  return charts;
}
