/**
 * Whole-stack properties as pure functions: each takes the synthesized objects and returns the
 * list of violations (empty = the property holds). Tests assert `[]` on the real stack and a
 * non-empty list on a deliberately broken copy, so no property is vacuous.
 */
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from './synth.js';
import { ISSUER_CA_LABEL } from '../../charts/apply-phases.js';

/** A pod spec found in the output, with where it came from. */
export interface PodTemplate {
  readonly owner: KubeObject;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly spec: any;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
const ns = (o: KubeObject) => o.metadata.namespace ?? '';
const id = (o: KubeObject) => `${o.kind} ${ns(o)}/${o.metadata.name}`;

/** Every pod template of the workloads (Deployment, StatefulSet, …, CronJob, bare Pod). */
export function podTemplates(objs: KubeObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objs) {
    if (WORKLOADS.has(o.kind)) out.push({ owner: o, namespace: ns(o), labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec });
    else if (o.kind === 'CronJob')
      out.push({ owner: o, namespace: ns(o), labels: o.spec.jobTemplate.spec.template.metadata?.labels ?? {}, spec: o.spec.jobTemplate.spec.template.spec });
    else if (o.kind === 'Pod') out.push({ owner: o, namespace: ns(o), labels: o.metadata.labels ?? {}, spec: o.spec });
  }
  return out;
}

/** A reference from the output to a Secret or ConfigMap. */
export interface ObjectRef {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly namespace: string;
  readonly name: string;
  /** Key, when the reference names one. */
  readonly key?: string;
  /** Where the reference is. */
  readonly from: string;
}

/**
 * Secret/ConfigMap references of pods (volumes incl. projected, env valueFrom, envFrom) and of
 * the custom resources whose operators build pods or read them: LlamaStackDistribution (env,
 * userConfig, podOverrides volumes, tlsConfig), Keycloak (db secrets, TLS secret), KeycloakRealmImport (placeholder
 * Secrets), Authentication (issuer CA, console client secret, both in openshift-config).
 */
export function objectReferences(objs: KubeObject[]): ObjectRef[] {
  const refs: ObjectRef[] = [];
  const envRefs = (env: any[] | undefined, namespace: string, from: string) => {
    for (const e of env ?? []) {
      const s = e.valueFrom?.secretKeyRef;
      const c = e.valueFrom?.configMapKeyRef;
      if (s && !s.optional) refs.push({ kind: 'Secret', namespace, name: s.name, key: s.key, from: `${from} env ${e.name}` });
      if (c && !c.optional) refs.push({ kind: 'ConfigMap', namespace, name: c.name, key: c.key, from: `${from} env ${e.name}` });
    }
  };
  for (const p of podTemplates(objs)) {
    const from = id(p.owner);
    for (const v of p.spec.volumes ?? []) {
      if (v.secret && !v.secret.optional)
        for (const k of v.secret.items?.map((i: any) => i.key) ?? [undefined])
          refs.push({ kind: 'Secret', namespace: p.namespace, name: v.secret.secretName, key: k, from: `${from} volume ${v.name}` });
      if (v.configMap && !v.configMap.optional)
        for (const k of v.configMap.items?.map((i: any) => i.key) ?? [undefined])
          refs.push({ kind: 'ConfigMap', namespace: p.namespace, name: v.configMap.name, key: k, from: `${from} volume ${v.name}` });
      for (const src of v.projected?.sources ?? []) {
        if (src.secret)
          for (const k of src.secret.items?.map((i: any) => i.key) ?? [undefined])
            refs.push({ kind: 'Secret', namespace: p.namespace, name: src.secret.name, key: k, from: `${from} volume ${v.name}` });
        if (src.configMap)
          for (const k of src.configMap.items?.map((i: any) => i.key) ?? [undefined])
            refs.push({ kind: 'ConfigMap', namespace: p.namespace, name: src.configMap.name, key: k, from: `${from} volume ${v.name}` });
      }
    }
    for (const c of [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]) {
      envRefs(c.env, p.namespace, `${from} container ${c.name}`);
      for (const ef of c.envFrom ?? []) {
        if (ef.secretRef && !ef.secretRef.optional) refs.push({ kind: 'Secret', namespace: p.namespace, name: ef.secretRef.name, from: `${from} envFrom` });
        if (ef.configMapRef && !ef.configMapRef.optional)
          refs.push({ kind: 'ConfigMap', namespace: p.namespace, name: ef.configMapRef.name, from: `${from} envFrom` });
      }
    }
  }
  for (const o of objs) {
    const from = id(o);
    if (o.kind === 'LlamaStackDistribution') {
      const s = o.spec.server;
      envRefs(s.containerSpec?.env, ns(o), from);
      if (s.userConfig)
        refs.push({ kind: 'ConfigMap', namespace: s.userConfig.configMapNamespace ?? ns(o), name: s.userConfig.configMapName, from: `${from} userConfig` });
      for (const v of s.podOverrides?.volumes ?? []) {
        if (v.configMap)
          for (const k of v.configMap.items?.map((i: any) => i.key) ?? [undefined])
            refs.push({ kind: 'ConfigMap', namespace: ns(o), name: v.configMap.name, key: k, from: `${from} podOverrides volume ${v.name}` });
        if (v.secret)
          for (const k of v.secret.items?.map((i: any) => i.key) ?? [undefined])
            refs.push({ kind: 'Secret', namespace: ns(o), name: v.secret.secretName, key: k, from: `${from} podOverrides volume ${v.name}` });
      }
      const ca = s.tlsConfig?.caBundle;
      if (ca)
        for (const k of ca.configMapKeys ?? [undefined])
          refs.push({ kind: 'ConfigMap', namespace: ca.configMapNamespace ?? ns(o), name: ca.configMapName, key: k, from: `${from} tlsConfig` });
    }
    if (o.kind === 'Keycloak') {
      const db = o.spec.db ?? {};
      for (const f of ['usernameSecret', 'passwordSecret'] as const)
        if (db[f]) refs.push({ kind: 'Secret', namespace: ns(o), name: db[f].name, key: db[f].key, from: `${from} db.${f}` });
      if (o.spec.http?.tlsSecret) refs.push({ kind: 'Secret', namespace: ns(o), name: o.spec.http.tlsSecret, from: `${from} http.tlsSecret` });
    }
    if (o.kind === 'KeycloakRealmImport') {
      for (const [name, p] of Object.entries<any>(o.spec.placeholders ?? {})) {
        if (p.secret) refs.push({ kind: 'Secret', namespace: ns(o), name: p.secret.name, key: p.secret.key, from: `${from} placeholder ${name}` });
      }
    }
    if (o.kind === 'Authentication' && o.apiVersion.startsWith('config.openshift.io/')) {
      for (const p of o.spec.oidcProviders ?? []) {
        const ca = p.issuer?.issuerCertificateAuthority?.name;
        if (ca) refs.push({ kind: 'ConfigMap', namespace: 'openshift-config', name: ca, key: 'ca-bundle.crt', from: `${from} issuerCertificateAuthority` });
        for (const c of p.oidcClients ?? [])
          if (c.clientSecret?.name)
            refs.push({
              kind: 'Secret',
              namespace: 'openshift-config',
              name: c.clientSecret.name,
              key: 'clientSecret',
              from: `${from} oidcClients ${c.clientID}`,
            });
      }
    }
  }
  return refs;
}

/** An external Secret key the stack declares (requiredSecrets). */
export interface DeclaredSecret {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/**
 * ConfigMaps the cluster itself publishes in every namespace: `kube-root-ca.crt` (Kubernetes
 * root-CA publisher, GA in 1.21) and `openshift-service-ca.crt` (OpenShift service CA).
 */
export const CLUSTER_PROVIDED_CONFIGMAPS: Readonly<Record<string, readonly string[]>> = {
  'kube-root-ca.crt': ['ca.crt'],
  'openshift-service-ca.crt': ['service-ca.crt'],
};

/**
 * Property: every referenced Secret/ConfigMap (and key) is created by the stack, declared
 * external, or one of {@link CLUSTER_PROVIDED_CONFIGMAPS}.
 */
export function unresolvedReferences(objs: KubeObject[], external: readonly DeclaredSecret[]): string[] {
  const created = new Map(objs.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap').map((o) => [`${o.kind} ${ns(o)}/${o.metadata.name}`, o]));
  const out: string[] = [];
  for (const r of objectReferences(objs)) {
    const made = created.get(`${r.kind} ${r.namespace}/${r.name}`);
    if (made) {
      // An issuer-CA ConfigMap without data is filled by `kube-mcp-stack apply` under the key its label names.
      const filledAtApply = made.metadata.labels?.[ISSUER_CA_LABEL];
      const keys = new Set([...Object.keys(made.data ?? {}), ...Object.keys(made.stringData ?? {}), ...(filledAtApply ? [filledAtApply] : [])]);
      if (r.key !== undefined && !keys.has(r.key)) out.push(`${r.from}: ${r.kind} ${r.namespace}/${r.name} has no key "${r.key}"`);
      continue;
    }
    const published = r.kind === 'ConfigMap' ? CLUSTER_PROVIDED_CONFIGMAPS[r.name] : undefined;
    if (published && (r.key === undefined || published.includes(r.key))) continue;
    if (r.kind === 'Secret' && external.some((e) => e.namespace === r.namespace && e.name === r.name && (r.key === undefined || e.key === r.key))) continue;
    out.push(`${r.from}: ${r.kind} ${r.namespace}/${r.name}${r.key ? ` key ${r.key}` : ''} is neither created by the stack nor declared external`);
  }
  return out;
}

/** Property: every Service has a selector that matches some pod template in its namespace. */
export function servicesWithoutPods(objs: KubeObject[]): string[] {
  const pods = podTemplates(objs);
  return objs
    .filter((o) => o.kind === 'Service')
    .filter((svc) => {
      const sel: Record<string, string> = svc.spec.selector ?? {};
      if (Object.keys(sel).length === 0) return true;
      return !pods.some((p) => p.namespace === ns(svc) && Object.entries(sel).every(([k, v]) => p.labels[k] === v));
    })
    .map((svc) => `${id(svc)}: selector ${JSON.stringify(svc.spec.selector ?? {})} matches no pod template`);
}

/** Property: every Route targets a Service of the stack in its namespace, and a port that Service has. */
export function routesWithoutBackend(objs: KubeObject[]): string[] {
  const out: string[] = [];
  for (const r of objs.filter((o) => o.kind === 'Route')) {
    const svc = objs.find((o) => o.kind === 'Service' && ns(o) === ns(r) && o.metadata.name === r.spec.to?.name);
    if (r.spec.to?.kind !== 'Service' || !svc) {
      out.push(`${id(r)}: no Service ${ns(r)}/${r.spec.to?.name}`);
      continue;
    }
    const tp = r.spec.port?.targetPort;
    const ports: any[] = svc.spec.ports ?? [];
    if (tp === undefined ? ports.length !== 1 : !ports.some((p) => p.name === tp || p.port === tp || p.targetPort === tp)) {
      out.push(`${id(r)}: Service ${svc.metadata.name} has no port ${tp ?? '(unnamed, single)'}`);
    }
  }
  return out;
}

/** Image reference pinned to a version tag or digest (not `latest`, not tagless). */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop()! : '';
  return tag !== '' && tag !== 'latest';
}

/** Property: every container has requests+limits, the restricted security context and a pinned image. */
export function containerViolations(objs: KubeObject[]): string[] {
  const out: string[] = [];
  for (const p of podTemplates(objs)) {
    const podSc = p.spec.securityContext ?? {};
    for (const c of [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])]) {
      const where = `${id(p.owner)} container ${c.name}`;
      const sc = c.securityContext ?? {};
      for (const kind of ['requests', 'limits'] as const) {
        for (const res of ['cpu', 'memory']) if (c.resources?.[kind]?.[res] === undefined) out.push(`${where}: no ${kind}.${res}`);
      }
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot is not true`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
      if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== 'RuntimeDefault') out.push(`${where}: seccompProfile is not RuntimeDefault`);
      if (sc.privileged === true) out.push(`${where}: privileged`);
      if (!isPinnedImage(c.image ?? '')) out.push(`${where}: image "${c.image}" is not pinned to a tag or digest`);
      if (c.imagePullPolicy === 'Always' && /:latest$/.test(c.image ?? '')) out.push(`${where}: imagePullPolicy Always with latest`);
    }
  }
  return out;
}

const SECRETISH_KEY = /(secret|password|passwd|token|api[-_]?key|credential)$/i;
const SECRETISH_ENV = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|CREDENTIAL)/;
/** A value that only points at a secret: a placeholder `${…}` (Keycloak import, Llama Stack env). */
const PLACEHOLDER = /^\$\{[^}]+\}$/;

function walk(value: unknown, path: string, visit: (key: string, v: unknown, path: string) => void): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v, `${path}.${k}`);
      walk(v, `${path}.${k}`, visit);
    }
  }
}

/** Parses a ConfigMap value as TOML or YAML when it is one, so its keys are inspected too. */
function parsedDocument(key: string, text: string): unknown {
  try {
    if (key.endsWith('.toml')) return parseToml(text);
    if (/\.ya?ml$/.test(key) || key.endsWith('.json')) return parseYaml(text);
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Property: no literal secret value anywhere. Secrets carry no data; every field named like a
 * secret (…secret, …password, …token, api_key, …credential) holding a string is a `${…}`
 * placeholder (also inside TOML/YAML documents of ConfigMaps); env vars named like a secret use
 * valueFrom; no container argument carries a secret flag value.
 */
export function literalSecrets(objs: KubeObject[]): string[] {
  const out: string[] = [];
  for (const o of objs) {
    const where = id(o);
    if (o.kind === 'Secret') {
      const filled = [...Object.entries(o.data ?? {}), ...Object.entries(o.stringData ?? {})].filter(([, v]) => v !== '');
      if (filled.length > 0) out.push(`${where}: carries values for ${filled.map(([k]) => k).join(', ')}`);
    }
    const check = (k: string, v: unknown, path: string) => {
      if (typeof v === 'string' && SECRETISH_KEY.test(k) && v !== '' && !PLACEHOLDER.test(v)) out.push(`${where}${path}: literal value in "${k}"`);
    };
    walk(o, '', check);
    if (o.kind === 'ConfigMap') {
      for (const [k, text] of Object.entries<string>(o.data ?? {})) {
        const doc = parsedDocument(k, text);
        if (doc !== undefined) walk(doc, `.data[${k}]`, check);
      }
    }
  }
  for (const p of podTemplates(objs)) {
    for (const c of [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])]) {
      for (const e of c.env ?? []) {
        if (SECRETISH_ENV.test(e.name) && e.value !== undefined) out.push(`${id(p.owner)} container ${c.name}: env ${e.name} has a literal value`);
      }
      for (const a of [...(c.args ?? []), ...(c.command ?? [])]) {
        const flag = /^--([\w-]*(?:secret|password|token)[\w-]*)=(.*)$/i.exec(a);
        if (flag && !flag[1]!.endsWith('-file') && !/^(true|false)$/.test(flag[2]!))
          out.push(`${id(p.owner)} container ${c.name}: argument ${a.split('=')[0]} carries a value`);
      }
    }
  }
  return out;
}

/** Property: nothing binds the given ServiceAccount (directly, or through its service-account groups). */
export function bindingsOf(objs: KubeObject[], serviceAccount: { namespace: string; name: string }): string[] {
  return objs
    .filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')
    .filter((b) =>
      (b.subjects ?? []).some(
        (s: any) =>
          (s.kind === 'ServiceAccount' && s.name === serviceAccount.name && (s.namespace ?? ns(b)) === serviceAccount.namespace) ||
          (s.kind === 'Group' && (s.name === 'system:serviceaccounts' || s.name === `system:serviceaccounts:${serviceAccount.namespace}`)) ||
          (s.kind === 'User' && s.name === `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`),
      ),
    )
    .map((b) => `${id(b)} binds ${serviceAccount.namespace}/${serviceAccount.name} to ${b.roleRef?.kind} ${b.roleRef?.name}`);
}

/** Namespaces that exist on every OpenShift cluster and are never created by the stack. */
export const CLUSTER_NAMESPACES: readonly string[] = ['openshift-config', 'openshift-marketplace', 'openshift-ingress'];

/** Property: every namespaced object lives in a Namespace the stack creates (or a cluster namespace). */
export function objectsInMissingNamespaces(objs: KubeObject[]): string[] {
  const created = new Set(objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  return objs
    .filter((o) => o.metadata.namespace !== undefined && !created.has(o.metadata.namespace) && !CLUSTER_NAMESPACES.includes(o.metadata.namespace))
    .map((o) => `${id(o)}: namespace ${o.metadata.namespace} is not created by the stack`);
}

/** Property: every pod runs as a ServiceAccount the stack creates in its namespace. */
export function podsWithoutServiceAccount(objs: KubeObject[]): string[] {
  const accounts = new Set(objs.filter((o) => o.kind === 'ServiceAccount').map((o) => `${ns(o)}/${o.metadata.name}`));
  return podTemplates(objs)
    .filter((p) => !accounts.has(`${p.namespace}/${p.spec.serviceAccountName ?? 'default'}`) && (p.spec.serviceAccountName ?? 'default') !== 'default')
    .map((p) => `${id(p.owner)}: ServiceAccount ${p.namespace}/${p.spec.serviceAccountName} is not created by the stack`);
}
