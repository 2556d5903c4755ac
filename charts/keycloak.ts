/**
 * The Keycloak server as a Keycloak CR (k8s.keycloak.org), in the API version the pinned
 * operator channel serves: `v2alpha1` (RHBK up to 26.5, e.g. channel `stable-v26.2`) or
 * `v2beta1` (kind `Keycloak`, 26.6 and later); see charts/versions/keycloak-cr.ts.
 *
 * Settings: `hostname.hostname` is the full public base URL (`https://<host>`), so the
 * issuer (`<base>/realms/<realm>`) does not depend on request headers; `hostname.strict`;
 * proxy headers `xforwarded` behind the OpenShift router; plain HTTP inside the cluster
 * with an edge-terminated Ingress/Route, or HTTPS with a TLS Secret; database through
 * Secret references only.
 */
import { Construct } from 'constructs';
import { Secret, type ISecret, type SecretValue } from 'cdk8s-plus-28';
import {
  Keycloak,
  KeycloakSpecResourcesLimits,
  KeycloakSpecResourcesRequests,
  KeycloakV2Alpha1,
  KeycloakV2Alpha1SpecResourcesLimits,
  KeycloakV2Alpha1SpecResourcesRequests,
} from '../imports/keycloak-k8s.keycloak.org.js';
import { checkUrl, imageString, type ContainerImage, type ContainerResources } from './container-defaults.js';
import type { KeycloakCrApiVersion } from './versions/keycloak-cr.js';
import type { StackModel } from './model.js';

/** Database wiring of the Keycloak CR (`spec.db`). */
export interface KeycloakDatabaseConnection {
  /** Host name, e.g. `postgresql.redhat-keycloak.svc`. */
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  readonly database: string;
  readonly username: SecretValue;
  readonly password: SecretValue;
}

/** Props of {@link KeycloakServer}. */
export interface KeycloakServerProps {
  readonly namespace: string;
  /** CR name. @default `keycloak` */
  readonly name?: string;
  /** CR API version served by the installed operator. */
  readonly apiVersion: KeycloakCrApiVersion;
  /** Public base URL `https://<host>[:port]` (Keycloak option `hostname`). */
  readonly baseUrl: string;
  /** @default 1 */
  readonly instances?: number;
  /** Image override. @default the operator's default image */
  readonly image?: ContainerImage;
  /** Trusted proxy headers. @default `xforwarded` */
  readonly proxyHeaders?: 'xforwarded' | 'forwarded';
  /** TLS Secret for HTTPS inside the cluster. @default none: HTTP behind the edge-terminating router */
  readonly tlsSecret?: ISecret;
  /** Let the operator create the Ingress (a Route on OpenShift, edge-terminated for HTTP, passthrough with a TLS Secret). @default true */
  readonly ingress?: boolean;
  readonly resources: ContainerResources;
  readonly database: KeycloakDatabaseConnection;
}

/** The props of the stack's KeycloakServer, from the derived model (the chart's only input). */
export function keycloakServerProps(scope: Construct, model: StackModel): KeycloakServerProps {
  const kc = model.config.keycloak;
  const db = model.keycloak.database;
  const secret = (id: string, name: string) => Secret.fromSecretName(scope, id, name);
  return {
    namespace: model.namespaces.keycloak,
    name: model.keycloak.name,
    apiVersion: model.keycloak.apiVersion,
    baseUrl: model.keycloak.baseUrl,
    instances: kc.instances,
    image: kc.image,
    proxyHeaders: kc.proxyHeaders,
    tlsSecret: kc.tlsSecret ? secret('Tls', kc.tlsSecret) : undefined,
    ingress: kc.ingress,
    resources: kc.resources,
    database: {
      host: db.host,
      port: db.port,
      database: db.database,
      username: { secret: secret('DbUser', db.username.name), key: db.username.key },
      password: { secret: secret('DbPassword', db.password.name), key: db.password.key },
    },
  };
}

/** The Keycloak CR. */
export class KeycloakServer extends Construct {
  /** CR name (`keycloakCRName` of realm imports). */
  public readonly name: string;

  /** @throws if `baseUrl` is not an https URL or `instances` is not a positive integer */
  constructor(scope: Construct, id: string, props: KeycloakServerProps) {
    super(scope, id);
    this.name = props.name ?? 'keycloak';
    checkUrl(props.baseUrl, 'keycloak.baseUrl', ['https:']);
    const instances = props.instances ?? 1;
    if (!Number.isInteger(instances) || instances < 1) throw new Error(`keycloak.instances: expected a positive integer, got ${instances}`);
    const r = props.resources;
    const metadata = { name: this.name, namespace: props.namespace, labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack' } };
    const db = {
      vendor: 'postgres',
      host: props.database.host,
      port: props.database.port ?? 5432,
      database: props.database.database,
      usernameSecret: { name: props.database.username.secret.name, key: props.database.username.key },
      passwordSecret: { name: props.database.password.secret.name, key: props.database.password.key },
    };
    const common = {
      instances,
      ...(props.image ? { image: imageString(props.image, 'keycloak.image') } : {}),
      hostname: { hostname: props.baseUrl, strict: true },
      proxy: { headers: props.proxyHeaders ?? 'xforwarded' },
      http: props.tlsSecret ? { httpEnabled: false, tlsSecret: props.tlsSecret.name } : { httpEnabled: true },
      // On OpenShift the Ingress becomes a Route; the annotation states how it terminates TLS:
      // at the router (edge) for the HTTP listener, or at Keycloak (passthrough) with a TLS Secret.
      ingress:
        (props.ingress ?? true)
          ? { enabled: true, annotations: { 'route.openshift.io/termination': props.tlsSecret ? 'passthrough' : 'edge' } }
          : { enabled: false },
      db,
    };
    if (props.apiVersion === 'v2alpha1') {
      new KeycloakV2Alpha1(this, 'Resource', {
        metadata,
        spec: {
          ...common,
          resources: {
            requests: {
              cpu: KeycloakV2Alpha1SpecResourcesRequests.fromString(r.requests.cpu),
              memory: KeycloakV2Alpha1SpecResourcesRequests.fromString(r.requests.memory),
            },
            limits: {
              cpu: KeycloakV2Alpha1SpecResourcesLimits.fromString(r.limits.cpu),
              memory: KeycloakV2Alpha1SpecResourcesLimits.fromString(r.limits.memory),
            },
          },
        },
      });
    } else {
      new Keycloak(this, 'Resource', {
        metadata,
        spec: {
          ...common,
          resources: {
            requests: { cpu: KeycloakSpecResourcesRequests.fromString(r.requests.cpu), memory: KeycloakSpecResourcesRequests.fromString(r.requests.memory) },
            limits: { cpu: KeycloakSpecResourcesLimits.fromString(r.limits.cpu), memory: KeycloakSpecResourcesLimits.fromString(r.limits.memory) },
          },
        },
      });
    }
  }
}
