/**
 * PostgreSQL for Keycloak: a StatefulSet with a PersistentVolumeClaim template (the
 * reference kept its data in an emptyDir and lost it on restart) and a Service on 5432.
 * Credentials come from a Secret the stack references but does not create (see
 * charts/required-secrets.ts); the image is one that runs under an arbitrary UID (OpenShift
 * restricted-v2 SCC), configured through `POSTGRESQL_USER`, `POSTGRESQL_PASSWORD`,
 * `POSTGRESQL_DATABASE` and storing data in `/var/lib/pgsql/data` (sclorg / Red Hat
 * PostgreSQL image conventions).
 */
import { k8s, type ISecret } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  imageString,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  type ContainerImage,
  type ContainerResources,
} from './container-defaults.js';

/** Props of {@link KeycloakDatabase}. */
export interface KeycloakDatabaseProps {
  readonly namespace: string;
  /** StatefulSet and Service name. @default `postgresql` */
  readonly name?: string;
  /** A PostgreSQL image following the sclorg conventions, pinned. */
  readonly image: ContainerImage;
  /** Database name. @default `keycloak` */
  readonly database?: string;
  /** Secret with the database user (`usernameKey`) and password (`passwordKey`). */
  readonly credentials: ISecret;
  /** @default `username` */
  readonly usernameKey?: string;
  /** @default `password` */
  readonly passwordKey?: string;
  /** Size of the data volume. @default `10Gi` */
  readonly storageSize?: string;
  /** StorageClass of the data volume. @default the cluster default */
  readonly storageClass?: string;
  readonly resources: ContainerResources;
}

const PORT = 5432;
const DATA_DIR = '/var/lib/pgsql/data';

/** PostgreSQL StatefulSet + Service. */
export class KeycloakDatabase extends Construct {
  /** Service name (the database host in the namespace). */
  public readonly serviceName: string;
  public readonly port = PORT;

  constructor(scope: Construct, id: string, props: KeycloakDatabaseProps) {
    super(scope, id);
    const name = props.name ?? 'postgresql';
    this.serviceName = name;
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'keycloak-database', 'app.kubernetes.io/part-of': 'kube-mcp-stack' };
    const selector = { 'app.kubernetes.io/name': name };
    const secretEnv = (envName: string, key: string): k8s.EnvVar => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: props.credentials.name, key } },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: props.namespace, labels },
      spec: { selector, ports: [{ name: 'postgresql', port: PORT, targetPort: k8s.IntOrString.fromString('postgresql'), protocol: 'TCP' }] },
    });

    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name, namespace: props.namespace, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            securityContext: restrictedPodSecurityContext(),
            automountServiceAccountToken: false,
            containers: [
              {
                name: 'postgresql',
                image: imageString(props.image, 'keycloak.database.image'),
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'postgresql', containerPort: PORT, protocol: 'TCP' }],
                env: [
                  secretEnv('POSTGRESQL_USER', props.usernameKey ?? 'username'),
                  secretEnv('POSTGRESQL_PASSWORD', props.passwordKey ?? 'password'),
                  { name: 'POSTGRESQL_DATABASE', value: props.database ?? 'keycloak' },
                ],
                readinessProbe: {
                  exec: { command: ['/bin/sh', '-c', `pg_isready -h 127.0.0.1 -p ${PORT}`] },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                },
                livenessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromNumber(PORT) },
                  initialDelaySeconds: 30,
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                },
                resources: resourceRequirements(props.resources),
                // The image writes its socket and runtime files outside the data volume.
                securityContext: restrictedContainerSecurityContext(false),
                volumeMounts: [{ name: 'data', mountPath: DATA_DIR }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(props.storageClass ? { storageClassName: props.storageClass } : {}),
              resources: { requests: { storage: k8s.Quantity.fromString(props.storageSize ?? '10Gi') } },
            },
          },
        ],
      },
    });
  }
}
