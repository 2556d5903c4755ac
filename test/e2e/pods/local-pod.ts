/**
 * Pods from dist/: starts a container of a synthesized pod as a local process, the way a
 * kubelet would run it, changing only what a loopback run must change (issue 9, "pods from dist/").
 *
 * From the pod template of a Deployment (or StatefulSet) in `dist/`:
 * - command: a small table maps each image (repository, without tag) and the container's
 *   `command` (none = the image's entrypoint) to the local program ({@link DEFAULT_IMAGES}: our
 *   image → `node --import tsx mcp-server/src/main.ts`; our image with command
 *   `node /app/playground/dist/main.js` → `node --import tsx playground/src/main.ts`,
 *   `quay.io/oauth2-proxy/oauth2-proxy:<tag>` → the binary test/e2e/oauth2-proxy/build.sh built
 *   for that tag); the container's `args` follow, exactly as the image's entrypoint would get them;
 * - env: `value`, `valueFrom.secretKeyRef` / `configMapKeyRef` (read from the harness apiserver,
 *   where the e2e created them with the project's own `realm apply --generate-missing`),
 *   `fieldRef` (metadata.namespace, metadata.name, spec.serviceAccountName), `envFrom`; plus
 *   what a kubelet adds: `KUBERNETES_SERVICE_HOST/PORT` = the harness apiserver;
 * - volumes: ConfigMap, Secret, projected (ConfigMap/Secret/downward API) and emptyDir
 *   volumes are materialized under `<runDir>/<pod>/volumes/<volume>` (Secret files 0600) and
 *   every mount path is mapped to that folder;
 * - ports: every `containerPort` of the pod gets a free loopback port;
 * - names: in args, env values and the mounted ConfigMap files (never in Secret values), a
 *   mount path becomes its local folder, `0.0.0.0|localhost|127.0.0.1:<containerPort>` of the
 *   pod becomes `127.0.0.1:<local port>`, `<service>.<namespace>.svc[.cluster.local]:<port>` of a
 *   Service in dist/ becomes the local port of the pod it selects, and `addressMap` entries
 *   (e.g. the router's CIDR → loopback) are replaced verbatim. Route hosts are left alone: they
 *   are public names (redirect URIs registered at Keycloak); the browser maps them to loopback.
 *
 * Readiness is the container's own `readinessProbe` (httpGet), on its mapped port. Each process
 * runs detached with stdout+stderr in `<runDir>/<pod>/<container>.log` and is stopped by pid.
 * {@link RunningContainer.assertNoSecretsInLog} checks the log for JWTs and for every Secret
 * value the container was given.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CoreV1Api, type KubeConfig, type KubernetesObject, type V1Container, type V1PodSpec, type V1Service, type V1Volume } from '@kubernetes/client-node';
import { manifestFiles, readManifests } from '../kube/apply.js';
import { freePort, logTail, stopProgram, waitReady, type StartedProgram } from '../kube/processes.js';
import { cacheDir, repoRoot } from '../kube-harness.js';
import { ensureOAuth2Proxy } from '../oauth2-proxy/binary.js';

/** How to run one image locally. */
export interface LocalImage {
  /**
   * The container `command` this entry runs (an image may hold several programs); undefined
   * matches a container without `command` (the image's own entrypoint).
   */
  readonly command?: readonly string[];
  /**
   * The local argv replacing the image's entrypoint (the container's `args` are appended).
   * `tag` is the image tag of the container (e.g. the oauth2-proxy release to run).
   */
  entrypoint(tag: string): Promise<string[]>;
  /** Working directory. @default the repository root */
  readonly cwd?: string;
  /**
   * Paths the program reads without naming them in args, env or files (e.g. the in-cluster
   * service-account folder), given to it by an environment variable it supports:
   * `{ '/var/run/secrets/kubernetes.io/serviceaccount': 'KMS_SERVICE_ACCOUNT_DIR' }`.
   */
  readonly implicitMounts?: Readonly<Record<string, string>>;
  /**
   * Settings of the program's mounted config files that hold a bare listen port (no host to
   * match), e.g. `port = "8000"` in the MCP server's config.toml: regexes whose group 2 is the
   * container port (groups 1 and 3 are kept).
   */
  readonly listenPortSettings?: readonly RegExp[];
}

/** The MCP server image's repository (mcpServer.image default). */
export const MCP_SERVER_IMAGE = 'quay.io/kube-mcp-stack/mcp-server';
/** The oauth2-proxy image's repository (charts/oauth2-proxy-release.json). */
export const OAUTH2_PROXY_IMAGE = 'quay.io/oauth2-proxy/oauth2-proxy';

/** The tsx loader, so our TypeScript sources run in-process (the pid is the program). */
const tsxLoader = () => pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** The Playground's command in our image (charts/playground.ts). */
export const PLAYGROUND_COMMAND = ['node', '/app/playground/dist/main.js'] as const;

/**
 * The image table: our own image → its source run with tsx's loader in-process (so the pid is
 * the server), one entry per program of the image (matched on the container's `command`),
 * third-party images → their locally built binary.
 */
export const DEFAULT_IMAGES: Readonly<Record<string, LocalImage | readonly LocalImage[]>> = {
  [MCP_SERVER_IMAGE]: [
    {
      entrypoint: async () => [process.execPath, '--import', tsxLoader(), join(repoRoot, 'mcp-server', 'src', 'main.ts')],
      implicitMounts: { '/var/run/secrets/kubernetes.io/serviceaccount': 'KMS_SERVICE_ACCOUNT_DIR' },
      listenPortSettings: [/^(port\s*=\s*["']?)(\d+)(["']?\s*)$/m],
    },
    {
      command: PLAYGROUND_COMMAND,
      entrypoint: async () => [process.execPath, '--import', tsxLoader(), join(repoRoot, 'playground', 'src', 'main.ts')],
      // `--port=8501`: a bare listen port.
      listenPortSettings: [/^(--port=)(\d+)()$/],
    },
  ],
  [OAUTH2_PROXY_IMAGE]: { entrypoint: async (tag) => [await ensureOAuth2Proxy(tag)] },
};

/** Where the harness apiserver is, for `KUBERNETES_SERVICE_HOST` / `_PORT`. */
export interface ApiserverAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link LocalCluster}. */
export interface LocalClusterOptions {
  /** The synthesized manifests. */
  readonly distDir: string;
  /** Reads the Secrets and ConfigMaps the pods reference (the harness admin). */
  readonly kubeConfig: KubeConfig;
  /** The harness apiserver (`https://127.0.0.1:<port>`). */
  readonly apiserver: string;
  /** Folder for volumes and logs. @default `<cache>/pods/run-<pid>` */
  readonly runDir?: string;
  /** Image table. @default {@link DEFAULT_IMAGES} */
  readonly images?: Readonly<Record<string, LocalImage | readonly LocalImage[]>>;
  /** Literal replacements, e.g. `{ '10.128.0.0/14': '127.0.0.1/32' }` (router network → loopback). @default {} */
  readonly addressMap?: Readonly<Record<string, string>>;
}

/** A pod planned from dist/: its spec and the loopback ports of its container ports. */
export interface LocalPod {
  readonly namespace: string;
  /** `<workload>-local` */
  readonly name: string;
  readonly workload: string;
  readonly spec: V1PodSpec;
  /** Local port of each container port, by number and by name. */
  readonly ports: ReadonlyMap<number | string, number>;
  /** `<runDir>/<namespace>/<name>` */
  readonly dir: string;
  /** The local port of a container port (number or name). @throws when the pod has no such port */
  port(containerPort: number | string): number;
}

/** One started container. */
export interface RunningContainer {
  readonly pod: LocalPod;
  readonly container: string;
  readonly program: StartedProgram;
  /** The argv and environment it was started with (environment values that came from Secrets masked). */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** Whole log so far. */
  log(): Promise<string>;
  /** @throws when the log holds a JWT or any Secret value this container received (env or files) */
  assertNoSecretsInLog(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link LocalCluster.start}. */
export interface StartOptions {
  /** Readiness budget, ms. @default 60000 */
  readonly timeoutMs?: number;
  /**
   * Extra args appended after the container's own (a deliberate deviation from dist/, e.g. to
   * show a failure); each is printed as `[pods] deviation: …`. @default []
   */
  readonly extraArgs?: readonly string[];
  /** Prefixes of the container's args to leave out (a deliberate deviation, printed like extraArgs). @default [] */
  readonly dropArgs?: readonly string[];
  /**
   * More literal replacements for this container, after the cluster's `addressMap`: in-cluster
   * URLs of programs started outside the runner (e.g. the operator-made Llama Stack Service →
   * its loopback URL). @default {}
   */
  readonly addressMap?: Readonly<Record<string, string>>;
}

/** A JWT (three base64url parts, header starting `{"`). */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Pods of a synthesized dist/ run as local processes (see module doc). */
export class LocalCluster {
  readonly runDir: string;
  private objects: KubernetesObject[] = [];
  private readonly pods = new Map<string, LocalPod>();
  private readonly running: RunningContainer[] = [];
  private readonly core: CoreV1Api;
  private readonly images: Readonly<Record<string, LocalImage | readonly LocalImage[]>>;

  private constructor(private readonly opts: LocalClusterOptions) {
    this.runDir = opts.runDir ?? join(cacheDir(), 'pods', `run-${process.pid}`);
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.images = opts.images ?? DEFAULT_IMAGES;
  }

  /** Reads every manifest of `distDir`. @throws when dist/ holds none */
  static async load(opts: LocalClusterOptions): Promise<LocalCluster> {
    const c = new LocalCluster(opts);
    for (const f of await manifestFiles(opts.distDir)) c.objects.push(...(await readManifests(f)));
    if (!c.objects.length) throw new Error(`no manifests in ${opts.distDir}`);
    await mkdir(c.runDir, { recursive: true });
    return c;
  }

  /**
   * Plans the pod of workload `namespace/name` (Deployment or StatefulSet in dist/): a free
   * loopback port per container port. Plan every pod before starting any, so Service names
   * resolve to the pods they select.
   * @throws when dist/ has no such workload
   */
  async plan(namespace: string, name: string): Promise<LocalPod> {
    const key = `${namespace}/${name}`;
    const existing = this.pods.get(key);
    if (existing) return existing;
    const w = this.objects.find(
      (o) => ['Deployment', 'StatefulSet'].includes(o.kind ?? '') && o.metadata?.namespace === namespace && o.metadata?.name === name,
    ) as (KubernetesObject & { spec: { template: { spec: V1PodSpec } } }) | undefined;
    if (!w) throw new Error(`dist/ has no Deployment or StatefulSet ${key}`);
    const spec = w.spec.template.spec;
    const ports = new Map<number | string, number>();
    for (const c of spec.containers) {
      for (const p of c.ports ?? []) {
        const local = await freePort();
        ports.set(p.containerPort, local);
        if (p.name) ports.set(p.name, local);
      }
    }
    const podName = `${name}-local`;
    const pod: LocalPod = {
      namespace,
      name: podName,
      workload: name,
      spec,
      ports,
      dir: join(this.runDir, namespace, podName),
      port: (p) => {
        const v = ports.get(p);
        if (v === undefined) throw new Error(`pod ${key} has no container port ${p}`);
        return v;
      },
    };
    this.pods.set(key, pod);
    return pod;
  }

  /** The Service of dist/ selecting `pod`'s labels… resolved to loopback: `http://<svc>.<ns>.svc:<port>/x` → `http://127.0.0.1:<local>/x`. */
  localUrl(url: string): string {
    return this.rewriteServices(url);
  }

  private services(): V1Service[] {
    return this.objects.filter((o) => o.kind === 'Service') as V1Service[];
  }

  /** `<svc>.<ns>.svc[.cluster.local]:<port>` → `127.0.0.1:<local port of the selected pod's target port>`, for planned pods. */
  private rewriteServices(text: string): string {
    let out = text;
    for (const svc of this.services()) {
      const ns = svc.metadata?.namespace;
      const pod = [...this.pods.values()].find((p) => p.namespace === ns && this.selects(svc, p));
      if (!pod) continue;
      for (const sp of svc.spec?.ports ?? []) {
        const target = sp.targetPort ?? sp.port;
        const local = pod.ports.get(typeof target === 'string' && /^\d+$/.test(target) ? Number(target) : (target as number | string));
        if (local === undefined) continue;
        for (const host of [`${svc.metadata?.name}.${ns}.svc.cluster.local`, `${svc.metadata?.name}.${ns}.svc`]) {
          out = out.replace(new RegExp(`(?<![-.\\w])${escapeRe(host)}:${sp.port}(?!\\d)`, 'g'), `127.0.0.1:${local}`);
        }
      }
    }
    return out;
  }

  private selects(svc: V1Service, pod: LocalPod): boolean {
    const w = this.objects.find(
      (o) => o.metadata?.namespace === pod.namespace && o.metadata?.name === pod.workload && ['Deployment', 'StatefulSet'].includes(o.kind ?? ''),
    ) as { spec: { template: { metadata?: { labels?: Record<string, string> } } } } | undefined;
    const labels = w?.spec.template.metadata?.labels ?? {};
    const sel = svc.spec?.selector ?? {};
    return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
  }

  /** Rewrites names in one string of `pod` for a container whose mounts map as `mounts`. */
  private rewrite(text: string, pod: LocalPod, mounts: readonly [string, string][], image?: LocalImage, extra: Readonly<Record<string, string>> = {}): string {
    let out = text;
    for (const [from, to] of mounts) out = out.replace(new RegExp(`${escapeRe(from)}(?=$|[/"'\\s,;:=])`, 'g'), to);
    for (const [cp, local] of pod.ports) {
      if (typeof cp !== 'number') continue;
      out = out.replace(new RegExp(`(?<![\\w.-])(0\\.0\\.0\\.0|localhost|127\\.0\\.0\\.1|\\[::\\]):${cp}(?!\\d)`, 'g'), `127.0.0.1:${local}`);
    }
    for (const re of image?.listenPortSettings ?? []) {
      out = out.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`), (m, pre: string, port: string, post: string) => {
        const local = pod.ports.get(Number(port));
        return local === undefined ? m : `${pre}${local}${post}`;
      });
    }
    out = this.rewriteServices(out);
    for (const [from, to] of [...Object.entries(this.opts.addressMap ?? {}), ...Object.entries(extra)]) out = out.split(from).join(to);
    return out;
  }

  private async secretValue(namespace: string, name: string, key: string, optional?: boolean): Promise<string | undefined> {
    try {
      const s = await this.core.readNamespacedSecret({ namespace, name });
      const b64 = s.data?.[key];
      if (b64 === undefined) {
        if (optional) return undefined;
        throw new Error(`Secret ${namespace}/${name} has no key "${key}"`);
      }
      return Buffer.from(b64, 'base64').toString('utf8');
    } catch (e) {
      if ((e as { code?: number }).code === 404) {
        if (optional) return undefined;
        throw new Error(
          `Secret ${namespace}/${name} does not exist in the harness apiserver (create it, e.g. \`kube-mcp-stack realm apply --generate-missing\`)`,
        );
      }
      throw e;
    }
  }

  private async configMapData(namespace: string, name: string, optional?: boolean): Promise<Record<string, string> | undefined> {
    try {
      const cm = await this.core.readNamespacedConfigMap({ namespace, name });
      return { ...(cm.data ?? {}), ...Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) };
    } catch (e) {
      if ((e as { code?: number }).code === 404) {
        if (optional) return undefined;
        throw new Error(`ConfigMap ${namespace}/${name} does not exist in the harness apiserver (apply dist/ first)`);
      }
      throw e;
    }
  }

  private fieldValue(pod: LocalPod, fieldPath: string): string {
    switch (fieldPath) {
      case 'metadata.namespace':
        return pod.namespace;
      case 'metadata.name':
        return pod.name;
      case 'spec.serviceAccountName':
        return pod.spec.serviceAccountName ?? 'default';
      default:
        throw new Error(`fieldRef ${fieldPath} is not supported by the local pod runner`);
    }
  }

  /**
   * Writes one volume's files under `dir`. ConfigMap file contents are rewritten like args
   * (they are config the program reads); Secret values are written as they are, mode 0600.
   * @returns the Secret values written (to check logs against)
   */
  private async materialize(pod: LocalPod, vol: V1Volume, dir: string, rewriteFile: (s: string) => string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const secrets: string[] = [];
    const put = async (path: string, content: string, secret: boolean) => {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, secret ? content : rewriteFile(content), { mode: secret ? 0o600 : 0o644 });
      await chmod(file, secret ? 0o600 : 0o644);
      if (secret) secrets.push(content);
    };
    const fromConfigMap = async (name: string, items: { key: string; path: string }[] | undefined, optional?: boolean) => {
      const data = await this.configMapData(pod.namespace, name, optional);
      if (!data) return;
      for (const it of items ?? Object.keys(data).map((k) => ({ key: k, path: k }))) {
        if (data[it.key] === undefined) throw new Error(`ConfigMap ${pod.namespace}/${name} has no key "${it.key}" (volume ${vol.name})`);
        await put(it.path, data[it.key], false);
      }
    };
    const fromSecret = async (name: string, items: { key: string; path: string }[] | undefined, optional?: boolean) => {
      let keys = items;
      if (!keys) {
        const s = await this.core.readNamespacedSecret({ namespace: pod.namespace, name }).catch((e) => {
          if ((e as { code?: number }).code === 404 && optional) return undefined;
          throw e;
        });
        keys = Object.keys(s?.data ?? {}).map((k) => ({ key: k, path: k }));
      }
      for (const it of keys) {
        const v = await this.secretValue(pod.namespace, name, it.key, optional);
        if (v !== undefined) await put(it.path, v, true);
      }
    };
    if (vol.emptyDir) return secrets;
    if (vol.configMap) await fromConfigMap(vol.configMap.name!, vol.configMap.items, vol.configMap.optional);
    else if (vol.secret) await fromSecret(vol.secret.secretName!, vol.secret.items, vol.secret.optional);
    else if (vol.projected) {
      for (const src of vol.projected.sources ?? []) {
        if (src.configMap) await fromConfigMap(src.configMap.name!, src.configMap.items, src.configMap.optional);
        else if (src.secret) await fromSecret(src.secret.name!, src.secret.items, src.secret.optional);
        else if (src.downwardAPI) for (const it of src.downwardAPI.items ?? []) await put(it.path, this.fieldValue(pod, it.fieldRef!.fieldPath), false);
        else throw new Error(`volume ${vol.name}: projected source ${Object.keys(src).join(',')} is not supported locally`);
      }
    } else if (vol.downwardAPI) {
      for (const it of vol.downwardAPI.items ?? []) await put(it.path, this.fieldValue(pod, it.fieldRef!.fieldPath), false);
    } else {
      throw new Error(`volume ${vol.name}: only configMap, secret, projected, downwardAPI and emptyDir volumes run locally`);
    }
    return secrets;
  }

  /**
   * Starts container `container` of the planned pod and waits for its readinessProbe.
   * @throws when the image has no local entry, a referenced Secret/ConfigMap key is missing, or
   *   the program exits or is not ready in time (with the tail of its log)
   */
  async start(pod: LocalPod, container: string, options: StartOptions = {}): Promise<RunningContainer> {
    const c: V1Container | undefined = pod.spec.containers.find((x) => x.name === container);
    if (!c) throw new Error(`pod ${pod.namespace}/${pod.workload} has no container ${container}`);
    const [repository, tag = ''] = splitImage(c.image ?? '');
    const entries = this.images[repository];
    if (!entries) throw new Error(`no local program for image ${repository} (container ${container}); add it to the image table`);
    const command = c.command?.length ? c.command : undefined;
    const image = ([] as LocalImage[]).concat(entries as LocalImage | LocalImage[]).find((e) => JSON.stringify(e.command) === JSON.stringify(command));
    if (!image)
      throw new Error(
        `no local program for image ${repository} with command ${JSON.stringify(command ?? '(entrypoint)')} (container ${container}); add it to the image table`,
      );

    await rm(join(pod.dir, container), { recursive: true, force: true });
    const volumesDir = join(pod.dir, container, 'volumes');
    const mounts: [string, string][] = [];
    const secretValues: string[] = [];
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    // Longest mount paths first, so /a/b maps before /a.
    const vms = [...(c.volumeMounts ?? [])].sort((a, b) => b.mountPath.length - a.mountPath.length);
    for (const vm of vms) mounts.push([vm.mountPath, join(volumesDir, vm.name, vm.subPath ?? '').replace(/\/$/, '')]);
    const rewriteFile = (s: string) => this.rewrite(s, pod, mounts, image, options.addressMap);
    for (const vm of c.volumeMounts ?? []) {
      const vol = volumes.get(vm.name);
      if (!vol) throw new Error(`container ${container} mounts unknown volume ${vm.name}`);
      secretValues.push(...(await this.materialize(pod, vol, join(volumesDir, vm.name), rewriteFile)));
    }

    const api = new URL(this.opts.apiserver);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      KUBERNETES_SERVICE_HOST: api.hostname,
      KUBERNETES_SERVICE_PORT: api.port || '443',
    };
    const masked: Record<string, string> = { ...env };
    for (const [path, variable] of Object.entries(image.implicitMounts ?? {})) {
      const m = mounts.find(([from]) => from === path);
      if (m) masked[variable] = env[variable] = m[1];
    }
    for (const ef of c.envFrom ?? []) {
      if (ef.configMapRef) {
        for (const [k, v] of Object.entries((await this.configMapData(pod.namespace, ef.configMapRef.name!, ef.configMapRef.optional)) ?? {}))
          masked[`${ef.prefix ?? ''}${k}`] = env[`${ef.prefix ?? ''}${k}`] = this.rewrite(v, pod, mounts, image, options.addressMap);
      } else if (ef.secretRef) {
        const s = await this.core.readNamespacedSecret({ namespace: pod.namespace, name: ef.secretRef.name! });
        for (const [k, b64] of Object.entries(s.data ?? {})) {
          const v = Buffer.from(b64, 'base64').toString('utf8');
          env[`${ef.prefix ?? ''}${k}`] = v;
          masked[`${ef.prefix ?? ''}${k}`] = '<secret>';
          secretValues.push(v);
        }
      }
    }
    for (const e of c.env ?? []) {
      if (e.value !== undefined) masked[e.name] = env[e.name] = this.rewrite(e.value, pod, mounts, image, options.addressMap);
      else if (e.valueFrom?.secretKeyRef) {
        const r = e.valueFrom.secretKeyRef;
        const v = await this.secretValue(pod.namespace, r.name!, r.key, r.optional);
        if (v !== undefined) {
          env[e.name] = v;
          masked[e.name] = '<secret>';
          secretValues.push(v);
        }
      } else if (e.valueFrom?.configMapKeyRef) {
        const r = e.valueFrom.configMapKeyRef;
        const data = await this.configMapData(pod.namespace, r.name!, r.optional);
        if (data?.[r.key] !== undefined) masked[e.name] = env[e.name] = this.rewrite(data[r.key], pod, mounts, image, options.addressMap);
        else if (!r.optional) throw new Error(`ConfigMap ${pod.namespace}/${r.name} has no key "${r.key}" (env ${e.name})`);
      } else if (e.valueFrom?.fieldRef) {
        masked[e.name] = env[e.name] = this.fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
      } else {
        masked[e.name] = env[e.name] = '';
      }
    }
    for (const emptyDir of (pod.spec.volumes ?? []).filter((v) => v.emptyDir)) await mkdir(join(volumesDir, emptyDir.name), { recursive: true });

    const extra = options.extraArgs ?? [];
    for (const a of extra) process.stdout.write(`[pods] deviation: ${pod.namespace}/${pod.workload} ${container} gets extra arg ${a}\n`);
    const [executable, ...pre] = await image.entrypoint(tag);
    const drop = options.dropArgs ?? [];
    const kept = (c.args ?? []).filter((a) => {
      const dropped = drop.some((d) => a.startsWith(d));
      if (dropped) process.stdout.write(`[pods] deviation: ${pod.namespace}/${pod.workload} ${container} runs without arg ${a}\n`);
      return !dropped;
    });
    const argv = [executable, ...pre, ...kept.map((a) => this.rewrite(a, pod, mounts, image, options.addressMap)), ...extra];
    const logFile = join(pod.dir, `${container}.log`);
    await mkdir(pod.dir, { recursive: true });
    const fd = openSync(logFile, 'a');
    let program: StartedProgram;
    try {
      const child = spawn(executable, argv.slice(1), { cwd: image.cwd ?? repoRoot, env, detached: true, stdio: ['ignore', fd, fd] });
      if (child.pid === undefined) throw new Error(`${container}: could not start ${executable}`);
      child.unref();
      program = { name: `${pod.workload}/${container}`, pid: child.pid, executable, logFile };
    } finally {
      closeSync(fd);
    }
    await writeFile(join(pod.dir, `${container}.argv.json`), JSON.stringify({ argv, env: masked }, null, 2));

    const running: RunningContainer = {
      pod,
      container,
      program,
      argv,
      env: masked,
      logFile,
      log: () => readFile(logFile, 'utf8'),
      assertNoSecretsInLog: async () => {
        const text = await readFile(logFile, 'utf8');
        const jwt = JWT_PATTERN.exec(text);
        if (jwt) throw new Error(`${program.name}: ${logFile} holds a JWT at offset ${jwt.index}`);
        const leaked = secretValues.filter((v) => v.length >= 8 && text.includes(v));
        if (leaked.length) throw new Error(`${program.name}: ${logFile} holds ${leaked.length} Secret value(s) it was given`);
      },
      stop: () => stopProgram(program),
    };
    this.running.push(running);
    const probe = c.readinessProbe?.httpGet;
    if (probe) {
      const port = pod.port(typeof probe.port === 'string' && !/^\d+$/.test(probe.port) ? probe.port : Number(probe.port));
      const url = `${(probe.scheme ?? 'HTTP').toLowerCase()}://127.0.0.1:${port}${probe.path ?? '/'}`;
      try {
        await waitReady(
          program,
          async () => {
            const r = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
            return r.status >= 200 && r.status < 400;
          },
          options.timeoutMs ?? 60_000,
        );
      } catch (e) {
        await stopProgram(program);
        throw e;
      }
    }
    return running;
  }

  /** Every container this cluster started. */
  get started(): readonly RunningContainer[] {
    return this.running;
  }

  /** Stops every started container, by pid (logs stay). */
  async stopAll(): Promise<void> {
    for (const r of [...this.running].reverse()) await r.stop();
  }

  /** The last lines of every started container's log, for failure messages. */
  async logTails(lines = 20): Promise<string> {
    return (await Promise.all(this.running.map(async (r) => `--- ${r.program.name} (${r.logFile})\n${await logTail(r.logFile, lines)}`))).join('\n');
  }
}

/** `repo/name:tag` → [`repo/name`, `tag`] (a registry port is not a tag; digests `@sha256:` keep the digest as tag). */
export function splitImage(image: string): [string, string | undefined] {
  const at = image.indexOf('@');
  if (at >= 0) return [image.slice(0, at), image.slice(at + 1)];
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return [image.slice(0, colon), image.slice(colon + 1)];
  return [image, undefined];
}

/**
 * Waits until the `kube-root-ca.crt` ConfigMap (published by kube-controller-manager's
 * root-ca-cert-publisher) exists in `namespace`, as a kubelet waits for a projected source.
 * @throws after `timeoutMs` (default 60000)
 */
export async function waitForRootCa(core: CoreV1Api, namespace: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await core.readNamespacedConfigMap({ namespace, name: 'kube-root-ca.crt' });
      return;
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
      if (Date.now() > deadline)
        throw new Error(`ConfigMap ${namespace}/kube-root-ca.crt did not appear in ${timeoutMs} ms (is root-ca-cert-publisher running?)`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
