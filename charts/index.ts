/**
 * kube-mcp-stack as a library: the typed config, the derived model, the stack wiring and
 * every component construct. A team's own `main.ts` imports from here (see docs/config.md).
 */
export {
  StackConfigSchema,
  StackConfigBaseSchema,
  StackConfigError,
  parseStackConfig,
  problemsOf,
  formatPath,
  type StackConfig,
  type ValidStackConfig,
  type ConfigProblem,
} from './config.js';
export {
  deriveModel,
  deriveHosts,
  publicUrls,
  serviceRef,
  ISSUER_CA_KEY,
  OIDC_CLIENT_SECRET_KEY,
  OPENSHIFT_CONFIG_NAMESPACE,
  type StackModel,
  type StackHosts,
  type OidcEndpoints,
  type PublicUrls,
  type SecretKey,
  type ServiceRef,
} from './model.js';
export { addKubeMcpStack, CHART_IDS, type ChartId, type StackCharts } from './stack.js';
export { synthesizeStackTo, synthesizeMain, isStackConfigError, lastOutputCopy, type SynthResult, type SynthMainIo } from './synth.js';
export {
  APPLY_PHASES,
  APPLY_PHASE_ANNOTATION,
  CHART_PHASES,
  DEFAULT_APPLY_PHASE,
  annotateApplyPhases,
  type ApplyPhase,
  type ApplyPhaseName,
} from './apply-phases.js';
export { namespaceManifestFiles, MANIFEST_EXTENSION } from './namespaces.js';
export { keycloakBaseUrl, keycloakHost, realmIssuer, AUTHENTICATION_ISSUER_URL_MAX } from './urls.js';
export { requiredSecrets, type RequiredSecret, type RequiredSecretFormat } from './required-secrets.js';
export { keycloakCrApiVersion, KEYCLOAK_V2BETA1_SINCE, type KeycloakCrApiVersion } from './versions/keycloak-cr.js';
export { OperatorSubscription, type OperatorSubscriptionProps, type OlmSubscriptionSpec } from './olm.js';
export { KeycloakOperator, type KeycloakOperatorProps } from './keycloak-operator.js';
export { KeycloakDatabase, type KeycloakDatabaseProps } from './keycloak-database.js';
export { KeycloakServer, type KeycloakServerProps, type KeycloakDatabaseConnection } from './keycloak.js';
export { RealmImport, type RealmImportProps } from './realm.js';
export {
  ClusterAuth,
  GroupRoleBindings,
  IssuerCaConfigMaps,
  TechPreviewFeatureGate,
  INJECT_TRUSTED_CA_LABEL,
  type ClusterAuthProps,
  type GroupRoleBindingsProps,
  type IssuerCaProps,
  type TechPreviewFeatureGateProps,
} from './cluster-auth.js';
export {
  ExternalAuthentication,
  externalOidcModel,
  toAuthenticationSpec,
  toApiserverAuthenticationConfiguration,
  CONSOLE_NAMESPACE,
  type ExternalOidcModel,
  type ExternalOidcClient,
  type ExternalAuthenticationProps,
  type ApiserverAuthenticationConfiguration,
} from './external-auth.js';
export { KubernetesMcpServer, type McpServerProps } from './mcp-server.js';
export { OpenShiftAi, type OpenShiftAiProps } from './openshift-ai.js';
export { LlamaStack, type LlamaStackProps } from './llama-stack.js';
export { Playground, type PlaygroundProps } from './playground.js';
export { McpInspector, type McpInspectorProps } from './mcp-inspector.js';
export { referenceRealm, RealmModelSchema, type RealmModel, type RealmModelInput } from '../keycloak-realm/realm-model.js';
