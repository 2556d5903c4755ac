/**
 * The Secret store: where secret values are read and written (Kubernetes Secrets via
 * @kubernetes/client-node or, in tests without a kube-apiserver, memory), and
 * {@link ensureSecrets}, which makes a list of {@link RequiredSecret}s exist. Values are
 * only ever passed to Keycloak or written to Secrets, never printed or logged.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { secretKeyId as id, type RequiredSecret, type SecretKey } from './required.js';

/** Reads and writes single keys of Secrets. */
export interface SecretSource {
  /** Where values live, for messages (e.g. `Kubernetes`). */
  readonly description: string;
  /** The key's value, or `undefined` when the Secret or key does not exist. */
  read(ref: SecretKey): Promise<string | undefined>;
  /**
   * Sets one key, creating the Secret (type Opaque) when absent; other keys are kept.
   * @throws {@link NamespaceMissingError} when the namespace does not exist
   */
  write(ref: SecretKey, value: string): Promise<void>;
  /** Whether the namespace exists (Secrets can only be written into an existing one). */
  namespaceExists(namespace: string): Promise<boolean>;
  /** Creates the namespace (labelled `app.kubernetes.io/part-of: kube-mcp-stack`); no-op when it exists. */
  createNamespace(namespace: string): Promise<void>;
}

/** A Secret was to be written into a namespace that does not exist (Kubernetes answers 404 on create). */
export class NamespaceMissingError extends Error {
  constructor(
    readonly namespace: string,
    ref: SecretKey,
  ) {
    super(`cannot write Secret ${ref.namespace}/${ref.name}: namespace ${namespace} does not exist`);
    this.name = 'NamespaceMissingError';
  }
}

/**
 * In-memory SecretSource for tests; `values` keyed `<namespace>/<name>/<key>`.
 * Namespaces: by default every namespace exists; constructed with `{ namespaces }`, only those
 * (and the ones created later) exist, and a write elsewhere fails as it does in a cluster.
 */
export class MemorySecretSource implements SecretSource {
  readonly description = 'memory';
  readonly values = new Map<string, string>();
  /** Existing namespaces, or `undefined` when every namespace exists. */
  readonly namespaces?: Set<string>;
  constructor(opts: { namespaces?: readonly string[] } = {}) {
    if (opts.namespaces) this.namespaces = new Set(opts.namespaces);
  }
  async read(ref: SecretKey): Promise<string | undefined> {
    return this.values.get(id(ref));
  }
  async write(ref: SecretKey, value: string): Promise<void> {
    if (!(await this.namespaceExists(ref.namespace))) throw new NamespaceMissingError(ref.namespace, ref);
    this.values.set(id(ref), value);
  }
  async namespaceExists(namespace: string): Promise<boolean> {
    return this.namespaces === undefined || this.namespaces.has(namespace);
  }
  async createNamespace(namespace: string): Promise<void> {
    this.namespaces?.add(namespace);
  }
}

function httpCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Secrets of a Kubernetes cluster, reached with a kubeconfig (default: `KUBECONFIG`,
 * `~/.kube/config`, or the in-cluster service account).
 * @throws Error naming the kubeconfig when it cannot be loaded.
 */
export class KubernetesSecretSource implements SecretSource {
  readonly description = 'Kubernetes';
  private client?: k8s.CoreV1Api;
  /** @param kubeConfig loaded lazily from the default locations on first use when omitted */
  constructor(private readonly kubeConfig?: k8s.KubeConfig) {}

  private get api(): k8s.CoreV1Api {
    if (!this.client) {
      const kc = this.kubeConfig ?? new k8s.KubeConfig();
      if (!this.kubeConfig) {
        try {
          kc.loadFromDefault();
        } catch (e) {
          throw new Error(`cannot load kubeconfig${process.env.KUBECONFIG ? ` ${process.env.KUBECONFIG}` : ''} to read Secrets: ${(e as Error).message}`);
        }
        // loadFromDefault falls back to http://localhost:8080 when it finds nothing: say so instead.
        if (!process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !process.env.KUBERNETES_SERVICE_HOST) {
          throw new Error('no kubeconfig found to read Secrets: set KUBECONFIG or log in (oc login) so ~/.kube/config exists');
        }
      }
      this.client = kc.makeApiClient(k8s.CoreV1Api);
    }
    return this.client;
  }

  private async get(ref: SecretKey): Promise<k8s.V1Secret | undefined> {
    const api = this.api;
    try {
      return await api.readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
    } catch (e) {
      if (httpCode(e) === 404) return undefined;
      throw new Error(`cannot read Secret ${ref.namespace}/${ref.name}: ${httpCode(e) ? `HTTP ${httpCode(e)}` : (e as Error).message}`);
    }
  }

  async read(ref: SecretKey): Promise<string | undefined> {
    const data = (await this.get(ref))?.data?.[ref.key];
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
  }

  async write(ref: SecretKey, value: string): Promise<void> {
    const existing = await this.get(ref);
    const encoded = Buffer.from(value, 'utf8').toString('base64');
    try {
      if (!existing) {
        await this.api.createNamespacedSecret({
          namespace: ref.namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            type: 'Opaque',
            metadata: { name: ref.name, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'kube-mcp-stack' } },
            data: { [ref.key]: encoded },
          },
        });
      } else {
        existing.data = { ...(existing.data ?? {}), [ref.key]: encoded };
        await this.api.replaceNamespacedSecret({ name: ref.name, namespace: ref.namespace, body: existing });
      }
    } catch (e) {
      if (!existing && httpCode(e) === 404 && !(await this.namespaceExists(ref.namespace))) throw new NamespaceMissingError(ref.namespace, ref);
      throw new Error(`cannot write Secret ${ref.namespace}/${ref.name}: ${httpCode(e) ? `HTTP ${httpCode(e)}` : (e as Error).message}`);
    }
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    const api = this.api;
    try {
      await api.readNamespace({ name: namespace });
      return true;
    } catch (e) {
      if (httpCode(e) === 404) return false;
      throw new Error(`cannot read Namespace ${namespace}: ${httpCode(e) ? `HTTP ${httpCode(e)}` : (e as Error).message}`);
    }
  }

  async createNamespace(namespace: string): Promise<void> {
    const api = this.api;
    try {
      await api.createNamespace({
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'kube-mcp-stack' } } },
      });
    } catch (e) {
      if (httpCode(e) === 409) return; // created meanwhile
      throw new Error(`cannot create Namespace ${namespace}: ${httpCode(e) ? `HTTP ${httpCode(e)}` : (e as Error).message}`);
    }
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function alnum(length: number): string {
  return Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');
}

/**
 * A fresh random value in `format`:
 * - `client-secret`, `password`, `alphanumeric`: 32 characters [A-Za-z0-9] (~190 bits);
 * - `cookie-secret` (oauth2-proxy `cookie_secret`, must be 16, 24 or 32 bytes): 32 random
 *   bytes, base64url without padding, as oauth2-proxy's docs generate it;
 * - `hex`: 64 hex digits (32 bytes); `base64`: 32 random bytes, standard base64.
 * @throws Error for an unknown format.
 */
export function generateSecretValue(format: string): string {
  switch (format) {
    case 'client-secret':
    case 'password':
    case 'alphanumeric':
      return alnum(32);
    case 'cookie-secret':
      return randomBytes(32).toString('base64url');
    case 'hex':
      return randomBytes(32).toString('hex');
    case 'base64':
      return randomBytes(32).toString('base64');
    default:
      throw new Error(`unknown secret format "${format}"`);
  }
}

/** Outcome per Secret key; never contains a value. */
export interface SecretOutcome {
  ref: SecretKey;
  purpose: string;
  status: 'present' | 'created' | 'missing';
}

/**
 * Makes sure every required key exists. Keys sharing a `valueId` get the same value: an
 * existing one is copied to the missing keys, else (with `generate`) a new value is made.
 * Without `generate` nothing is written and absent keys are reported `missing`; keys of
 * format `external-token` (issued elsewhere, e.g. a model API token) are never generated.
 * @throws Error when keys of one `valueId` already hold different values.
 */
export async function ensureSecrets(source: SecretSource, required: readonly RequiredSecret[], opts: { generate: boolean }): Promise<SecretOutcome[]> {
  const groups = new Map<string, RequiredSecret[]>();
  for (const r of required) groups.set(r.valueId, [...(groups.get(r.valueId) ?? []), r]);
  const out: SecretOutcome[] = [];
  for (const [valueId, refs] of groups) {
    const values = await Promise.all(refs.map((r) => source.read(r)));
    const distinct = [...new Set(values.filter((v): v is string => v !== undefined))];
    if (distinct.length > 1) {
      throw new Error(`Secrets ${refs.map(id).join(', ')} must hold the same value (${valueId}) but differ; make them equal`);
    }
    let value: string | undefined = distinct[0];
    for (const [i, ref] of refs.entries()) {
      if (values[i] !== undefined) {
        out.push({ ref, purpose: ref.purpose, status: 'present' });
      } else if (opts.generate && ref.format !== 'external-token') {
        value ??= ref.format === 'username' ? ref.value : generateSecretValue(ref.format);
        if (value === undefined) throw new Error(`Secret ${id(ref)} has format username but no value`);
        await source.write(ref, value as string);
        out.push({ ref, purpose: ref.purpose, status: 'created' });
      } else {
        out.push({ ref, purpose: ref.purpose, status: 'missing' });
      }
    }
  }
  return out;
}
