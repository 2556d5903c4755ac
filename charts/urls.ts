/**
 * The URL forms of the stack, in one place: the Keycloak base URL and the realm issuer
 * (Keycloak's `<base>/realms/<realm>` form). charts/model.ts derives every URL through
 * these; the config checks use them to apply the `Authentication` API's issuer limits.
 */

/** `https://<host>` of Keycloak (the `hostname` option; the host may carry a port). */
export function keycloakBaseUrl(host: string): string {
  return `https://${host}`;
}

/** The realm issuer `https://<host>/realms/<realm>` exactly as Keycloak writes `iss`. */
export function realmIssuer(host: string, realm: string): string {
  return `${keycloakBaseUrl(host)}/realms/${realm}`;
}

/** Maximum `issuerURL` length of the OpenShift `Authentication` API (CRD config.openshift.io/v1). */
export const AUTHENTICATION_ISSUER_URL_MAX = 512;

/** Keycloak's public host: `hosts.keycloak`, else `keycloak-admin.<appsDomain>` (the reference's name). */
export function keycloakHost(explicit: string | undefined, appsDomain: string | undefined): string | undefined {
  return explicit ?? (appsDomain ? `keycloak-admin.${appsDomain}` : undefined);
}
