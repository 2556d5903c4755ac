/**
 * Cluster-side pieces of external OIDC other than the `Authentication` switch itself
 * (charts/external-auth.ts):
 * - the Namespaces no component chart creates (in the stack: the MCP server's and the
 *   Playground's own, kept out of the developers' `edit` namespace; see charts/config-checks.ts);
 * - the issuer-CA ConfigMap in `openshift-config` (read by the `Authentication`
 *   `issuerCertificateAuthority`, key `ca-bundle.crt`) AND in each namespace whose workload
 *   verifies Keycloak with it (MCP server, Llama Stack, Playground): the reference created only
 *   the MCP server's;
 * - group RBAC: the admin group bound to ClusterRole `cluster-admin`, the developer group
 *   to ClusterRole `edit` in the Llama Stack namespace;
 * - FeatureGate `cluster` = `TechPreviewNoUpgrade` for OpenShift 4.19 only
 *   ({@link TechPreviewFeatureGate}), emitted by the stack only with the explicit
 *   acknowledgement in the config.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FeatureGate, FeatureGateSpecFeatureSet } from '../imports/featuregate-config.openshift.io.js';
import { ISSUER_CA_LABEL, ISSUER_URL_ANNOTATION } from './apply-phases.js';

/** OpenShift's label asking the network operator to inject the trusted CA bundle into a ConfigMap. */
export const INJECT_TRUSTED_CA_LABEL = 'config.openshift.io/inject-trusted-cabundle';

/** Props of {@link IssuerCaConfigMaps}. */
export interface IssuerCaProps {
  /** ConfigMap name, e.g. `keycloak-oidc-ca`. */
  readonly configMapName: string;
  /** Data key. @default `ca-bundle.crt` (required by the Authentication API) */
  readonly key?: string;
  /** Namespaces to create it in (at least `openshift-config`). */
  readonly namespaces: readonly string[];
  /**
   * PEM bundle of the CA that signed Keycloak's certificate. @default none: the ConfigMaps have
   * no data and `kube-mcp-stack apply` fills them with the cluster's default ingress CA
   * (`openshift-config-managed/default-ingress-cert`, charts/apply-phases.ts `DEFAULT_INGRESS_CA`).
   */
  readonly pem?: string;
  /** Issuer URL whose certificate the CA must validate (annotation {@link ISSUER_URL_ANNOTATION}, checked by `apply`). @default none */
  readonly issuer?: string;
}

/**
 * The issuer-CA ConfigMap in each namespace (a CA certificate is public data), each labelled
 * {@link ISSUER_CA_LABEL} = the data key, so `apply` finds every one of them in `dist/`.
 * Without `pem` no {@link INJECT_TRUSTED_CA_LABEL} is set: OpenShift would overwrite the key
 * with its trusted bundle, which on a default cluster lacks the ingress CA that signs Keycloak's Route.
 */
export class IssuerCaConfigMaps extends Construct {
  constructor(scope: Construct, id: string, props: IssuerCaProps) {
    super(scope, id);
    if (!props.namespaces.includes('openshift-config')) {
      throw new Error(`${id}.namespaces: must include "openshift-config", where the Authentication API reads the issuer CA`);
    }
    const key = props.key ?? 'ca-bundle.crt';
    for (const ns of props.namespaces) {
      new k8s.KubeConfigMap(this, `CA-${ns}`, {
        metadata: {
          name: props.configMapName,
          namespace: ns,
          labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack', [ISSUER_CA_LABEL]: key },
          ...(props.issuer ? { annotations: { [ISSUER_URL_ANNOTATION]: props.issuer } } : {}),
        },
        ...(props.pem ? { data: { [key]: props.pem } } : {}),
      });
    }
  }
}

/** Props of {@link GroupRoleBindings}. */
export interface GroupRoleBindingsProps {
  /** Group bound to ClusterRole `cluster-admin` cluster-wide. */
  readonly adminGroup: string;
  /** Group bound to ClusterRole `edit` in `developerNamespace`. */
  readonly developerGroup: string;
  readonly developerNamespace: string;
}

/** Group (IdP `groups` claim) to role bindings. */
export class GroupRoleBindings extends Construct {
  constructor(scope: Construct, id: string, props: GroupRoleBindingsProps) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/part-of': 'kube-mcp-stack' };
    const group = (name: string): k8s.Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
    new k8s.KubeClusterRoleBinding(this, 'Admins', {
      metadata: { name: `${props.adminGroup.replace(/_/g, '-').toLowerCase()}-cluster-admin`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [group(props.adminGroup)],
    });
    new k8s.KubeRoleBinding(this, 'Developers', {
      metadata: { name: `${props.developerGroup.replace(/_/g, '-').toLowerCase()}-edit`, namespace: props.developerNamespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [group(props.developerGroup)],
    });
  }
}

/** Props of {@link ClusterAuth}. */
export interface ClusterAuthProps {
  readonly issuerCa: IssuerCaProps;
  readonly groups: GroupRoleBindingsProps;
  /** Namespaces no other chart creates but these resources need. @default [] */
  readonly createNamespaces?: readonly string[];
}

/** Issuer-CA ConfigMaps and group RBAC. */
export class ClusterAuth extends Construct {
  constructor(scope: Construct, id: string, props: ClusterAuthProps) {
    super(scope, id);
    for (const ns of props.createNamespaces ?? []) {
      new k8s.KubeNamespace(this, `Namespace-${ns}`, { metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack' } } });
    }
    new IssuerCaConfigMaps(this, 'IssuerCa', props.issuerCa);
    new GroupRoleBindings(this, 'Groups', props.groups);
  }
}

/** Props of {@link TechPreviewFeatureGate}. */
export interface TechPreviewFeatureGateProps {
  /** OpenShift version `4.<minor>`; only `4.19` needs (and gets) the gate. */
  readonly openshiftVersion: string;
  /** Must be `true`: TechPreviewNoUpgrade is irreversible and blocks upgrades. */
  readonly acknowledgeTechPreviewNoUpgrade: boolean;
}

/**
 * FeatureGate `cluster` with `featureSet: TechPreviewNoUpgrade`, needed for external OIDC
 * on OpenShift 4.19 (generally available from 4.20).
 * @throws if the version is not 4.19 or the acknowledgement is not `true`
 */
export class TechPreviewFeatureGate extends Construct {
  constructor(scope: Construct, id: string, props: TechPreviewFeatureGateProps) {
    super(scope, id);
    if (props.openshiftVersion !== '4.19') {
      throw new Error(`openshift.version: the TechPreviewNoUpgrade FeatureGate is only needed on 4.19, got ${props.openshiftVersion}`);
    }
    if (props.acknowledgeTechPreviewNoUpgrade !== true) {
      throw new Error('clusterAuth.acknowledgeTechPreviewNoUpgrade: must be true to emit FeatureGate TechPreviewNoUpgrade (irreversible, blocks upgrades)');
    }
    new FeatureGate(this, 'Resource', { metadata: { name: 'cluster' }, spec: { featureSet: FeatureGateSpecFeatureSet.TECH_PREVIEW_NO_UPGRADE } });
  }
}
