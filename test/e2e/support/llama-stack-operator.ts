/**
 * Plays the llama-stack-k8s-operator's part for the e2e suite: turns the synthesized
 * LlamaStackDistribution and its run-config ConfigMap (from dist/) into a running process of
 * the real Llama Stack release (venv from test/e2e/llama-stack/install.sh).
 *
 * What the operator would do, and what is mapped to loopback (nothing else is changed):
 * - the ConfigMap `spec.server.userConfig.configMapName` is mounted at `/etc/llama-stack/` →
 *   written to `<workDir>/etc-llama-stack/`; the server starts from the key the release's
 *   operator reads (`run.yaml` or `config.yaml`, charts/versions/llama-stack.ts);
 * - `podOverrides` ConfigMap volumes (the issuer CA) → written to `<workDir>/mounts/<mountPath>`,
 *   and `mountPath` in the run config replaced by that folder;
 * - the image's home `/opt/app-root/src` (the run config's SQLite and files paths) → `<workDir>/home`;
 * - `containerSpec.port` and the chart's `LLAMA_STACK_PORT` env → a free loopback port (the run config's
 *   `server.port` is ignored by the server);
 * - `containerSpec.env`: `valueFrom.secretKeyRef` resolved by the caller (as the kubelet would);
 * - URLs of in-cluster Services and model endpoints → the caller's loopback URLs (`urlMap`);
 * - the image's pre-cached tiktoken encoding → TIKTOKEN_CACHE_DIR of the install step.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readManifests, manifestFiles } from '../kube/apply.js';
import { freePort, type StartedProgram, stopProgram, waitReady } from '../kube/processes.js';
import { llamaStackReleaseFacts, type LlamaStackReleaseFacts } from '../../../charts/versions/llama-stack.js';

/** The image's HOME, under which the run config keeps its stores. */
const IMAGE_HOME = '/opt/app-root/src';

/** Where install.sh put a release. */
export function llamaStackVenv(cacheDir: string, version: string): { readonly python: string; readonly llama: string; readonly tiktokenCacheDir: string } {
  const bin = join(cacheDir, 'llama-stack', version, 'venv', 'bin');
  return { python: join(bin, 'python3'), llama: join(bin, 'llama'), tiktokenCacheDir: join(cacheDir, 'llama-stack', 'tiktoken') };
}

/**
 * Like processes.ts startProgram, with extra environment (the container's env, which may hold
 * Secret values: they go in the environment, never on the command line). The executable is the
 * venv's python running the `llama` script, so /proc/<pid>/cmdline names it for stopProgram.
 */
function startWithEnv(name: string, executable: string, args: readonly string[], env: Record<string, string>, logFile: string): StartedProgram {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(executable, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${executable}`);
    child.unref();
    return { name, pid: child.pid, executable, logFile };
  } finally {
    closeSync(fd);
  }
}

/** Options of {@link startLlamaStackFromDist}. */
export interface StartFromDistOptions {
  readonly distDir: string;
  readonly version: string;
  readonly cacheDir: string;
  readonly workDir: string;
  /** Exact URL prefixes to replace in the run config (in-cluster → loopback). */
  readonly urlMap: Readonly<Record<string, string>>;
  /** Resolves a `secretKeyRef` of the container env (the kubelet's part). */
  readonly secretValue: (name: string, key: string) => Promise<string>;
  /** Edits the run config text after mapping (negative tests only). */
  readonly editConfig?: (text: string) => string;
  /** @default 180000 */
  readonly timeoutMs?: number;
}

/** A Llama Stack process started from dist/. */
export interface RunningLlamaStack {
  readonly version: string;
  readonly facts: LlamaStackReleaseFacts;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `<baseUrl><openaiBasePath>`: the OpenAI-compatible API. */
  readonly openaiBaseUrl: string;
  /** The run config as started (after mapping). */
  readonly configFile: string;
  readonly logFile: string;
  readonly program: StartedProgram;
  stop(): Promise<void>;
}

type Obj = { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: any; data?: Record<string, string> };

/**
 * Starts the release from the LlamaStackDistribution in `distDir`.
 * @throws Error when dist/ has no LlamaStackDistribution or ConfigMap, or the server exits or is not ready (with its log tail)
 */
export async function startLlamaStackFromDist(o: StartFromDistOptions): Promise<RunningLlamaStack> {
  const objs: Obj[] = (await Promise.all((await manifestFiles(o.distDir)).map(readManifests))).flat() as Obj[];
  const lsd = objs.find((x) => x.kind === 'LlamaStackDistribution');
  if (!lsd) throw new Error(`no LlamaStackDistribution in ${o.distDir}`);
  const ns = lsd.metadata?.namespace;
  const configMap = (name: string) => {
    const cm = objs.find((x) => x.kind === 'ConfigMap' && x.metadata?.name === name && x.metadata?.namespace === ns);
    if (!cm?.data) throw new Error(`ConfigMap ${ns}/${name} (named by the LlamaStackDistribution) is not in ${o.distDir}`);
    return cm.data;
  };
  const facts = llamaStackReleaseFacts(o.version);
  const server = lsd.spec.server;
  const runConfigData = configMap(server.userConfig.configMapName);
  if (!(facts.configKey in runConfigData))
    throw new Error(`ConfigMap ${server.userConfig.configMapName} has no key ${facts.configKey} (keys: ${Object.keys(runConfigData).join(', ')})`);

  await mkdir(o.workDir, { recursive: true });
  const etc = join(o.workDir, 'etc-llama-stack');
  await mkdir(etc, { recursive: true });
  let text = runConfigData[facts.configKey]!;
  // podOverrides: ConfigMap volumes at their mount paths.
  const volumes: any[] = server.podOverrides?.volumes ?? [];
  for (const m of server.podOverrides?.volumeMounts ?? []) {
    const v = volumes.find((x) => x.name === m.name);
    if (!v?.configMap) continue;
    const local = join(o.workDir, 'mounts', m.mountPath);
    const data = configMap(v.configMap.name);
    for (const item of v.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }))) {
      await mkdir(dirname(join(local, item.path)), { recursive: true });
      await writeFile(join(local, item.path), data[item.key]!);
    }
    text = text.split(m.mountPath).join(local);
  }
  const home = join(o.workDir, 'home');
  text = text.split(IMAGE_HOME).join(home);
  for (const [from, to] of Object.entries(o.urlMap)) text = text.split(from).join(to);
  if (o.editConfig) text = o.editConfig(text);
  const configFile = join(etc, facts.configKey);
  await writeFile(configFile, text);
  await mkdir(join(home, '.llama', 'distributions', 'rh'), { recursive: true });

  const env: Record<string, string> = {};
  for (const e of server.containerSpec.env ?? []) {
    if (e.valueFrom?.secretKeyRef) env[e.name] = await o.secretValue(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
    else if (typeof e.value === 'string') env[e.name] = e.value;
  }
  // containerSpec.port → a loopback port; LLAMA_STACK_PORT (set by the chart to the same port) is mapped alike.
  const specPort = String(server.containerSpec.port);
  if (env.LLAMA_STACK_PORT !== undefined && env.LLAMA_STACK_PORT !== specPort)
    throw new Error(`LLAMA_STACK_PORT ${env.LLAMA_STACK_PORT} differs from containerSpec.port ${specPort}`);
  const port = await freePort();
  const venv = llamaStackVenv(o.cacheDir, o.version);
  const logFile = join(o.workDir, 'llama-stack.log');
  const program = startWithEnv(
    `llama-stack ${o.version}`,
    venv.python,
    [venv.llama, 'stack', 'run', configFile],
    { ...env, HOME: home, TIKTOKEN_CACHE_DIR: venv.tiktokenCacheDir, LLAMA_STACK_PORT: String(port) },
    logFile,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // Any HTTP answer from /v1/health (401 when server.auth guards it) means the app is up.
    await waitReady(program, async () => (await fetch(`${baseUrl}/v1/health`, { signal: AbortSignal.timeout(2000) })).status < 500, o.timeoutMs ?? 180_000);
  } catch (err) {
    await stopProgram(program);
    throw err;
  }
  return {
    version: o.version,
    facts,
    baseUrl,
    openaiBaseUrl: `${baseUrl}${facts.openaiBasePath}`,
    configFile,
    logFile,
    program,
    stop: () => stopProgram(program),
  };
}
