/**
 * Cluster-side pieces of external OIDC other than the `Authentication` switch itself
 * (charts/external-auth.ts):
 * - the Namespaces no component chart creates (in the stack: the MCP server's and the
 *   Playground's own, kept out of the developers' `edit` namespace; see charts/config-checks.ts);
 * - the issuer-CA ConfigMap in `openshift-config` (read by the `Authentication`
 *   `issuerCertificateAuthority`, key `ca-bundle.crt`) AND in each namespace whose workload
 *   verifies Keycloak with it (MCP server, Llama Stack, Playground): the reference created only
 *   the MCP server's;
 * - group RBAC ({@link GroupRoleBindings}): `clusterAuth.groupBindings`, by default the admin
 *   group bound to ClusterRole `cluster-admin`, the developer group to ClusterRole `edit` in the
 *   Llama Stack namespace;
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

/**
 * One group (IdP `groups` claim) bound to a ClusterRole: cluster-wide (a ClusterRoleBinding)
 * when `namespaces` is absent, else one RoleBinding per namespace (`clusterAuth.groupBindings`).
 */
export interface GroupBinding {
  /** Group name as the token's groups claim carries it (a realm group). */
  readonly group: string;
  /** ClusterRole to grant, e.g. `cluster-admin`, `edit`, `view` or your own. */
  readonly clusterRole: string;
  /** Namespaces to grant it in (RoleBindings). @default none: cluster-wide (ClusterRoleBinding) */
  readonly namespaces?: readonly string[];
}

/**
 * Name of the (Cluster)RoleBinding of a group binding: `<group>-<clusterRole>`, lower-cased, every
 * character other than `a-z`, `0-9`, `.` and `-` replaced by `-` (`openshift_admins` →
 * `openshift-admins-cluster-admin`).
 */
export function groupBindingName(b: Pick<GroupBinding, 'group' | 'clusterRole'>): string {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  return `${norm(b.group)}-${norm(b.clusterRole)}`;
}

/** Props of {@link GroupRoleBindings}. */
export interface GroupRoleBindingsProps {
  /** The bindings, emitted in this order. */
  readonly bindings: readonly GroupBinding[];
}

/** Group (IdP `groups` claim) to ClusterRole bindings: a ClusterRoleBinding, or RoleBindings per namespace. */
export class GroupRoleBindings extends Construct {
  constructor(scope: Construct, id: string, props: GroupRoleBindingsProps) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/part-of': 'kube-mcp-stack' };
    props.bindings.forEach((b, i) => {
      const name = groupBindingName(b);
      const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.clusterRole };
      const subjects: k8s.Subject[] = [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: b.group }];
      if (!b.namespaces) {
        new k8s.KubeClusterRoleBinding(this, `Binding-${i}`, { metadata: { name, labels }, roleRef, subjects });
        return;
      }
      for (const namespace of b.namespaces) {
        new k8s.KubeRoleBinding(this, `Binding-${i}-${namespace}`, { metadata: { name, namespace, labels }, roleRef, subjects });
      }
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
