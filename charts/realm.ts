/**
 * The realm as a KeycloakRealmImport (k8s.keycloak.org), rendered from the typed realm
 * model of keycloak-realm/ by `renderRealmRepresentation(model, { kind: 'placeholders' })`.
 *
 * Client secrets and user passwords never appear as values: the representation carries
 * `${NAME}` placeholders and `spec.placeholders.<NAME>.secret.{name,key}` points the
 * operator at the Kubernetes Secrets (KeycloakRealmImport CRD, field `spec.placeholders`).
 * A KeycloakRealmImport only creates a realm; changes to an existing realm are rolled out
 * with `kube-mcp-stack realm apply` (keycloak-realm/), which reads the same model.
 */
import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { KeycloakRealmImport, KeycloakRealmImportV2Alpha1 } from '../imports/keycloakrealmimport-k8s.keycloak.org.js';
import { renderRealmRepresentation, type RealmModel } from '../keycloak-realm/realm-model.js';
import type { KeycloakCrApiVersion } from './versions/keycloak-cr.js';

/** Props of {@link RealmImport}. */
export interface RealmImportProps {
  /** The Keycloak namespace (the Secrets referenced by the model live there). */
  readonly namespace: string;
  /** Name of the Keycloak CR that serves the realm. */
  readonly keycloakCRName: string;
  /** CR API version served by the installed operator. */
  readonly apiVersion: KeycloakCrApiVersion;
  /** The typed realm model. */
  readonly realm: RealmModel;
  /** KeycloakRealmImport name. @default `<realm>-realm-import` */
  readonly name?: string;
}

/** A KeycloakRealmImport whose secrets are operator placeholders. */
export class RealmImport extends Construct {
  /** The rendered placeholders (`spec.placeholders`), by placeholder name. */
  public readonly placeholders: Readonly<Record<string, { secret: { name: string; key: string } }>>;

  constructor(scope: Construct, id: string, props: RealmImportProps) {
    super(scope, id);
    const rendered = renderRealmRepresentation(props.realm, { kind: 'placeholders' });
    this.placeholders = rendered.placeholders;
    const metadata = {
      name: props.name ?? `${props.realm.realm.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-realm-import`,
      namespace: props.namespace,
      labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack' },
    };
    const placeholders = Object.keys(rendered.placeholders).length ? rendered.placeholders : undefined;
    // The generated realm types only serialize the fields they know; the representation is
    // written whole with a JSON patch so no attribute or mapper config is dropped.
    const spec = { keycloakCrName: props.keycloakCRName, realm: { realm: props.realm.realm }, ...(placeholders ? { placeholders } : {}) };
    const resource =
      props.apiVersion === 'v2alpha1'
        ? new KeycloakRealmImportV2Alpha1(this, 'Resource', { metadata, spec })
        : new KeycloakRealmImport(this, 'Resource', { metadata, spec });
    resource.addJsonPatch(JsonPatch.replace('/spec/realm', rendered.realm));
  }
}
