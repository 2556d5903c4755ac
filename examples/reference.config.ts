/**
 * The reference deployment (sukantadash/kubernetes-mcp-server-auth) as one typed config:
 * realm `openshift` with its five clients, three client scopes and two groups; Keycloak
 * operator channel `stable-v26.2`; OpenShift AI channel `stable-2.25`; namespaces
 * `redhat-keycloak`, `llama-stack` and `redhat-ods-*`; the three remote vLLM models. Unlike the
 * reference, the MCP server and the Playground run in their own namespaces (`mcp-server`,
 * `llama-stack-playground`): the developers' group has `edit` in `llama-stack`, which would let
 * them read the token-exchange and oauth2-proxy Secrets there.
 *
 * Change `appsDomain` to your cluster's (`oc get ingresses.config cluster -o jsonpath='{.spec.domain}'`).
 * No secret value appears here: every secret is a reference to a Kubernetes Secret
 * (`npx kube-mcp-stack secrets ensure --create-namespaces` creates the missing ones).
 */
import { referenceRealm } from '../keycloak-realm/realm-model.js';
import type { StackConfig } from '../charts/config.js';
import { publicUrls } from '../charts/model.js';

const base = {
  openshift: {
    version: '4.19',
    appsDomain: 'apps.cluster.example.com',
  },
  namespaces: {
    keycloak: 'redhat-keycloak',
    llamaStack: 'llama-stack',
    mcpServer: 'mcp-server',
    playground: 'llama-stack-playground',
    openshiftAiOperator: 'redhat-ods-operator',
    openshiftAiApplications: 'redhat-ods-applications',
    openshiftAiMonitoring: 'redhat-ods-monitoring',
  },
  keycloakOperator: { name: 'rhbk-operator', channel: 'stable-v26.2', installPlanApproval: 'Automatic' },
  keycloak: {
    instances: 1,
    database: { type: 'in-cluster', storageSize: '10Gi' },
  },
  clusterAuth: {
    externalOidc: true,
    // OpenShift 4.19 only: FeatureGate TechPreviewNoUpgrade is irreversible and blocks upgrades.
    acknowledgeTechPreviewNoUpgrade: true,
    audiences: ['openshift-console', 'openshift-cli', 'openshift'],
  },
  mcpServer: {
    toolsets: ['core', 'config', 'helm'],
    stsClientId: 'mcp-server',
    stsAudience: 'openshift',
    stsScopes: ['mcp:openshift'],
  },
  openshiftAi: {
    operator: { channel: 'stable-2.25' },
    components: { dashboard: 'Managed', llamastackoperator: 'Managed' },
  },
  llamaStack: {
    name: 'llamastack-with-config',
    distribution: 'rh-dev',
    inference: [
      {
        providerId: 'llama-3b',
        url: 'https://llama-3-2-3b-maas-apicast-production.apps.prod.rhoai.rh-aiservices-bu.com:443/v1',
        modelId: 'llama-3-2-3b',
        apiToken: { name: 'llama-stack-secret', key: 'llama-token' },
      },
      {
        providerId: 'llama-17b',
        url: 'https://llama-4-scout-17b-16e-w4a16-maas-apicast-production.apps.prod.rhoai.rh-aiservices-bu.com:443/v1',
        modelId: 'llama-4-scout-17b-16e-w4a16',
        apiToken: { name: 'llama-stack-secret', key: 'llama17b-token' },
      },
      {
        providerId: 'deepseek',
        url: 'https://deepseek-r1-qwen-14b-w4a16-maas-apicast-production.apps.prod.rhoai.rh-aiservices-bu.com:443/v1',
        modelId: 'r1-qwen-14b-w4a16',
        apiToken: { name: 'llama-stack-secret', key: 'deepseek-token' },
      },
    ],
  },
  playground: { defaultModel: 'llama-4-scout-17b-16e-w4a16' },
  mcpInspector: { enabled: false },
} satisfies Omit<StackConfig, 'realm'>;

const urls = publicUrls(base);

const config: StackConfig = {
  ...base,
  realm: referenceRealm({
    realm: 'openshift',
    consoleRedirectUri: urls.consoleRedirectUri!,
    mcpClientRedirectUris: [urls.playgroundRedirectUri!],
    mcpClientWebOrigins: [urls.playgroundOrigin!],
    // Test users are optional and never carry a literal password, e.g.:
    // users: [{ username: 'testdeveloper', email: 'testdeveloper@example.com', groups: ['openshift_developers'],
    //           password: { name: 'realm-test-users', key: 'testdeveloper' } }],
  }),
};

export default config;
