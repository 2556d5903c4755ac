/**
 * Our stack, as one typed config: every field, its default and the checks are in kube-mcp-stack's
 * docs/config.md. `npm run synth` writes dist/; a mistake is reported as `path: reason`.
 *
 * Start here: set `openshift.appsDomain` to your cluster's
 * (`oc get ingresses.config cluster -o jsonpath='{.spec.domain}'`) and `openshift.version`.
 * This starting point is the reference deployment: realm `openshift` with its clients, client
 * scopes and groups (admins -> cluster-admin, developers -> edit in `llama-stack`), Keycloak and
 * OpenShift AI from their operators, Llama Stack with three remote models, the MCP server and
 * the Playground in namespaces of their own.
 *
 * No secret value belongs here: every secret is a reference to a Kubernetes Secret
 * (`npx kube-mcp-stack secrets ensure --create-namespaces --config stack.config.ts` creates the
 * missing ones).
 */
import { publicUrls, referenceRealm, type StackConfig } from 'kube-mcp-stack';

const base = {
  // The target cluster: its OpenShift minor version and apps domain (every Route host derives from it).
  openshift: {
    version: '4.19',
    appsDomain: 'apps.cluster.example.com',
  },
  // Where each component runs.
  namespaces: {
    keycloak: 'redhat-keycloak',
    llamaStack: 'llama-stack',
    mcpServer: 'mcp-server',
    playground: 'llama-stack-playground',
    openshiftAiOperator: 'redhat-ods-operator',
    openshiftAiApplications: 'redhat-ods-applications',
    openshiftAiMonitoring: 'redhat-ods-monitoring',
  },
  // Red Hat build of Keycloak from OLM, one Keycloak with an in-cluster PostgreSQL.
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
    // Pods of the MCP server (stateless: any replica serves any request); the PodDisruptionBudget follows.
    replicas: 2,
    toolsets: ['core', 'config', 'helm'],
    stsClientId: 'mcp-server',
    stsAudience: 'openshift',
    stsScopes: ['mcp:openshift'],
  },
  // OpenShift AI from OLM (dashboard and the Llama Stack operator).
  openshiftAi: {
    operator: { channel: 'stable-2.25' },
    components: { dashboard: 'Managed', llamastackoperator: 'Managed' },
  },
  // Llama Stack and its remote models; each API token is a reference to a Secret key.
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

// The realm's redirect URIs and web origins are derived from the hosts above (one source).
export default {
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
} satisfies StackConfig;
