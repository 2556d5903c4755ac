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

/** The inputs of the derived Route hosts (a part of the validated config). */
export interface RouteHostInputs {
  readonly openshift: { readonly appsDomain?: string };
  readonly hosts: { readonly mcpServer?: string; readonly playground?: string; readonly mcpInspector?: string; readonly mcpInspectorProxy?: string };
  readonly namespaces: { readonly mcpServer: string; readonly playground: string };
  readonly mcpServer: { readonly route: boolean; readonly name: string };
  readonly playground: { readonly enabled: boolean; readonly name: string };
  readonly mcpInspector: { readonly enabled: boolean; readonly name: string };
}

/** A Route host of an enabled component: the one it is given, or `<name>-<namespace>.<appsDomain>`. */
export interface RouteHost {
  /** Its field under `hosts`. */
  readonly field: 'mcpServer' | 'playground' | 'mcpInspector' | 'mcpInspectorProxy';
  /** `hosts.<field>` when set, else derived from the apps domain, else undefined. */
  readonly host?: string;
  /** Whether `host` was derived (its first label is `<name>-<namespace>`). */
  readonly derived: boolean;
}

/** The Route hosts of the enabled components (the one rule, used by the model and the config checks). */
export function routeHosts(cfg: RouteHostInputs): RouteHost[] {
  const domain = cfg.openshift.appsDomain;
  const ms = cfg.namespaces.mcpServer;
  const routes: [RouteHost['field'], boolean, string][] = [
    ['mcpServer', cfg.mcpServer.route, `${cfg.mcpServer.name}-${ms}`],
    ['playground', cfg.playground.enabled, `${cfg.playground.name}-${cfg.namespaces.playground}`],
    ['mcpInspector', cfg.mcpInspector.enabled, `${cfg.mcpInspector.name}-${ms}`],
    ['mcpInspectorProxy', cfg.mcpInspector.enabled, `${cfg.mcpInspector.name}-proxy-${ms}`],
  ];
  return routes
    .filter(([, on]) => on)
    .map(([field, , label]) => {
      const given = cfg.hosts[field];
      if (given) return { field, host: given, derived: false };
      return { field, host: domain ? `${label}.${domain}` : undefined, derived: domain !== undefined };
    });
}
