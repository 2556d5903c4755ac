/**
 * The typed external-OIDC model of the cluster: one OIDC provider (the realm's issuer),
 * its audiences, claim mappings (user name from `preferred_username` with no prefix,
 * groups from `groups`), the issuer CA and the console/CLI OIDC clients.
 *
 * Two renderings come from the same model, so they cannot disagree:
 * - the OpenShift `Authentication` CR `cluster` (config.openshift.io/v1, `type: OIDC`),
 *   via {@link ExternalAuthentication};
 * - a Kubernetes structured authentication config (`apiserver.config.k8s.io/v1beta1`
 *   `AuthenticationConfiguration`, the file of kube-apiserver `--authentication-config`),
 *   via {@link toApiserverAuthenticationConfiguration}, used by the e2e harness.
 */
import { Construct } from 'constructs';
import {
  Authentication,
  AuthenticationSpecOidcProvidersClaimMappingsUsernamePrefixPolicy,
  AuthenticationSpecType,
  type AuthenticationSpec,
} from '../imports/authentication-config.openshift.io.js';
import type { StackModel } from './model.js';

/** An OIDC client of an OpenShift component (`oidcProviders[].oidcClients[]`). */
export interface ExternalOidcClient {
  readonly clientId: string;
  /** `console` or `cli`. */
  readonly componentName: string;
  readonly componentNamespace: string;
  /** Secret in `openshift-config` with key `clientSecret`; confidential clients only. */
  readonly clientSecretName?: string;
}

/** The cluster's external OIDC provider. */
export interface ExternalOidcModel {
  /** `oidcProviders[].name`. */
  readonly providerName: string;
  /** Issuer URL, exactly the realm issuer (tokens' `iss`). */
  readonly issuer: string;
  /** Accepted `aud` values (1..10). */
  readonly audiences: readonly string[];
  /** ConfigMap in `openshift-config` with the issuer CA under `ca-bundle.crt`. */
  readonly issuerCa: { readonly configMapName: string; readonly key: string };
  readonly claimMappings: {
    /** Claim used as the user name; no prefix is added. */
    readonly usernameClaim: string;
    /** Claim holding the groups; no prefix is added. */
    readonly groupsClaim: string;
  };
  readonly oidcClients: readonly ExternalOidcClient[];
}

/** Namespace of the console's OIDC clients (OpenShift's `openshift-console`). */
export const CONSOLE_NAMESPACE = 'openshift-console';

/** Builds the external-OIDC model from the stack model. */
export function externalOidcModel(model: StackModel): ExternalOidcModel {
  const ca = model.config.clusterAuth;
  return {
    providerName: ca.providerName,
    issuer: model.oidc.issuer,
    audiences: [...model.clusterAuth.audiences],
    issuerCa: { configMapName: model.issuerCa.configMapName, key: model.issuerCa.key },
    claimMappings: { usernameClaim: ca.usernameClaim, groupsClaim: ca.groupsClaim },
    oidcClients: [
      { clientId: ca.cliClientId, componentName: 'cli', componentNamespace: CONSOLE_NAMESPACE },
      {
        clientId: ca.consoleClientId,
        componentName: 'console',
        componentNamespace: CONSOLE_NAMESPACE,
        clientSecretName: model.clusterAuth.consoleClientSecret.name,
      },
    ],
  };
}

/** The `spec` of the `Authentication` CR `cluster` for the model. */
export function toAuthenticationSpec(ext: ExternalOidcModel): AuthenticationSpec {
  return {
    type: AuthenticationSpecType.OIDC,
    oidcProviders: [
      {
        name: ext.providerName,
        issuer: {
          issuerUrl: ext.issuer,
          audiences: [...ext.audiences],
          issuerCertificateAuthority: { name: ext.issuerCa.configMapName },
        },
        claimMappings: {
          username: { claim: ext.claimMappings.usernameClaim, prefixPolicy: AuthenticationSpecOidcProvidersClaimMappingsUsernamePrefixPolicy.NO_PREFIX },
          groups: { claim: ext.claimMappings.groupsClaim, prefix: '' },
        },
        oidcClients: ext.oidcClients.map((c) => ({
          clientId: c.clientId,
          componentName: c.componentName,
          componentNamespace: c.componentNamespace,
          ...(c.clientSecretName ? { clientSecret: { name: c.clientSecretName } } : {}),
        })),
      },
    ],
  };
}

/** Props of {@link ExternalAuthentication}. */
export interface ExternalAuthenticationProps {
  readonly oidc: ExternalOidcModel;
}

/**
 * The cluster `Authentication` switched to `type: OIDC`. Apply it only once Keycloak
 * serves the issuer and the CA ConfigMap exists: the switch replaces the cluster's
 * built-in OAuth server.
 */
export class ExternalAuthentication extends Construct {
  constructor(scope: Construct, id: string, props: ExternalAuthenticationProps) {
    super(scope, id);
    new Authentication(this, 'Resource', { metadata: { name: 'cluster' }, spec: toAuthenticationSpec(props.oidc) });
  }
}

/** `apiserver.config.k8s.io/v1beta1` AuthenticationConfiguration (the fields this stack uses). */
export interface ApiserverAuthenticationConfiguration {
  readonly apiVersion: 'apiserver.config.k8s.io/v1beta1';
  readonly kind: 'AuthenticationConfiguration';
  readonly jwt: readonly {
    readonly issuer: {
      readonly url: string;
      readonly audiences: readonly string[];
      readonly audienceMatchPolicy?: 'MatchAny';
      readonly certificateAuthority?: string;
    };
    readonly claimMappings: {
      readonly username: { readonly claim: string; readonly prefix: string };
      readonly groups: { readonly claim: string; readonly prefix: string };
    };
  }[];
}

/**
 * The same provider as a kube-apiserver structured authentication configuration
 * (Kubernetes `apiserver.config.k8s.io/v1beta1`, JWT authenticator): user name from the
 * username claim with prefix `""` (OpenShift's `NoPrefix`), groups with prefix `""`.
 * `audienceMatchPolicy: MatchAny` is set when there are several audiences, as the API requires.
 * @param options.issuerCaPem PEM of the CA that signed the issuer's certificate (inline, as the API expects)
 */
export function toApiserverAuthenticationConfiguration(ext: ExternalOidcModel, options: { issuerCaPem?: string } = {}): ApiserverAuthenticationConfiguration {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1beta1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: {
          url: ext.issuer,
          audiences: [...ext.audiences],
          ...(ext.audiences.length > 1 ? { audienceMatchPolicy: 'MatchAny' as const } : {}),
          ...(options.issuerCaPem ? { certificateAuthority: options.issuerCaPem } : {}),
        },
        claimMappings: {
          username: { claim: ext.claimMappings.usernameClaim, prefix: '' },
          groups: { claim: ext.claimMappings.groupsClaim, prefix: '' },
        },
      },
    ],
  };
}
