/**
 * Smoke test of the built MCP server image, run with `buildah run --isolation chroot` on the
 * project's buildah store (images/lib.sh). Usage, as root after `bash images/build.sh`:
 *
 *   npx tsx images/smoke.ts [image]        (default $KMS_IMAGE or localhost/kube-mcp-server:ci)
 *
 * Checks, each printed as `[smoke] ok: …` (the first failure exits 1 with `[smoke] FAIL: …`):
 * - the image's configured user is not root, and the process runs as that non-root UID with a
 *   read-only view of /app (bind-mounted `ro` over the image's own /app);
 * - the entrypoint prints `--version` (= package.json `version`) and `--help`; so does the
 *   Playground entrypoint (`node /app/playground/dist/main.js`), which also serves `/healthz`;
 * - with a config without `require_oauth` (OAuth off, kubeconfig strategy, an unreachable cluster)
 *   it serves `/healthz` and answers an MCP `tools/list` on loopback with exactly the tools of the
 *   golden files (mcp-server/test/golden/toolsets-*-tools.json);
 * - no layer holds `.git`, tests, sources, dev dependencies (package-lock.json `dev: true`),
 *   npm caches, secret-looking files (keys, .npmrc, .env, credentials) or a text file with a
 *   PEM private key; /app holds only
 *   package.json, dist/, node_modules/ and playground/{dist,public}/; the image config's env names no secret;
 * - the size (sum of the uncompressed layers), printed with the compressed size, is within the
 *   budget of docs/images.md (≤ 250 MiB on the Debian base; KMS_IMAGE_BUDGET_MIB overrides).
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = process.env.KMS_CACHE_DIR ?? join(root, '.cache');
const image = process.argv[2] ?? process.env.KMS_IMAGE ?? 'localhost/kube-mcp-server:ci';
const budgetMiB = Number(process.env.KMS_IMAGE_BUDGET_MIB ?? 250);
const store = ['--root', join(cacheDir, 'images', 'storage'), '--runroot', join(cacheDir, 'images', 'run'), '--storage-driver', 'vfs'];
const started = Date.now();

function fail(msg: string): never {
  console.error(`[smoke] FAIL: ${msg}`);
  process.exit(1);
}
function ok(msg: string): void {
  console.log(`[smoke] ok: ${msg} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
function bah(args: string[], opts: { allowFail?: boolean } = {}): SpawnSyncReturns<string> {
  const r = spawnSync('buildah', [...store, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) fail(`buildah ${args[0]}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) fail(`buildah ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r;
}
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/** Bytes of a layer blob once gunzipped (buildah 1.28 pushes gzip layers to an OCI layout). */
function uncompressedSize(file: string): number {
  const data = readFileSync(file);
  return data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data).length : data.length;
}

/** Files under `dir` (not ELF binaries) that contain a PEM private key with its base64 body. */
function privateKeyFiles(dir: string): string[] {
  const pem = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=]{40,}/;
  const found: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    const data = readFileSync(file);
    if (data.subarray(0, 4).toString('latin1') === '\x7fELF') continue;
    if (pem.test(data.toString('latin1'))) found.push(file);
  }
  return found;
}

interface ImageConfig {
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const config = (JSON.parse(bah(['inspect', '--type', 'image', image]).stdout) as { OCIv1: { config: ImageConfig } }).OCIv1.config;
const user = config.User ?? '';
if (!user || /^(0|root)(:|$)/.test(user)) fail(`image user is "${user}": it must be a non-root UID`);
if (!config.Entrypoint?.length) fail('image has no entrypoint');
const entrypoint = config.Entrypoint;
for (const e of config.Env ?? [])
  if (/(SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|_KEY)=/i.test(e.split('=')[0] + '=')) fail(`image env ${e.split('=')[0]} looks like a secret`);
ok(`image ${image}: user ${user}, entrypoint ${JSON.stringify(entrypoint)}, env without secrets`);

const ctr = bah(['from', '--pull=never', '--name', `kms-smoke-${process.pid}`, image])
  .stdout.trim()
  .split('\n')
  .pop()!;
const work = mkdtempSync(join(tmpdir(), 'kms-image-smoke-'));
let server: ReturnType<typeof spawn> | undefined;
const cleanup = () => {
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  bah(['umount', ctr], { allowFail: true });
  bah(['rm', ctr], { allowFail: true });
  rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanup);

try {
  const mnt = bah(['mount', ctr]).stdout.trim();
  // What the process sees: the image's /app bind-mounted read-only, the config directory read-only.
  chmodSync(work, 0o755);
  const kubeconfig =
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n';
  writeFileSync(join(work, 'kubeconfig'), kubeconfig, { mode: 0o644 });
  writeFileSync(join(work, 'config.toml'), 'cluster_provider_strategy = "kubeconfig"\nkubeconfig = "/etc/mcp-server/kubeconfig"\n', { mode: 0o644 });
  const runArgs = [
    'run',
    '--isolation',
    'chroot',
    '--mount',
    `type=bind,source=${mnt}/app,destination=/app,ro`,
    '--mount',
    `type=bind,source=${work},destination=/etc/mcp-server,ro`,
    ctr,
    '--',
  ];

  // 1. Non-root, read-only /app.
  const probe = bah(
    [...runArgs, 'sh', '-c', 'id -u; if touch /app/.probe 2>/dev/null || touch /app/dist/.probe 2>/dev/null; then echo writable; else echo read-only; fi'],
    { allowFail: true },
  );
  const [uid, appMode] = probe.stdout.trim().split('\n');
  if (probe.status !== 0) fail(`probe exited ${probe.status}: ${probe.stderr.trim()}`);
  if (!/^\d+$/.test(uid ?? '') || uid === '0') fail(`process UID is "${uid}": it must be non-root`);
  if (uid !== user.split(':')[0]) fail(`process UID ${uid} is not the image user ${user}`);
  if (appMode !== 'read-only') fail(`/app is ${appMode} for UID ${uid}`);
  ok(`runs as UID ${uid} with a read-only /app`);

  // 2. --version and --help.
  const version = bah([...runArgs, ...entrypoint, '--version'], { allowFail: true });
  if (version.status !== 0 || version.stdout.trim() !== pkg.version)
    fail(`--version printed "${version.stdout.trim()}" (exit ${version.status}; want ${pkg.version}): ${version.stderr.trim()}`);
  ok(`--version prints ${pkg.version}`);
  const help = bah([...runArgs, ...entrypoint, '--help'], { allowFail: true });
  if (help.status !== 0 || !help.stdout.includes('Usage: kube-mcp-server') || !help.stdout.includes('--config <file>'))
    fail(`--help (exit ${help.status}) printed: ${help.stdout}${help.stderr}`);
  ok('--help prints the usage');

  // 3. /healthz and tools/list on loopback, OAuth off.
  const port = await freePort();
  server = spawn('buildah', [...store, ...runArgs, ...entrypoint, '--config', '/etc/mcp-server/config.toml', '--port', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) fail(`server exited ${server.exitCode}: ${log}`);
    const res = await fetch(`${base}/healthz`).catch(() => undefined);
    if (res) {
      const body = await res.text();
      if (res.status !== 200 || JSON.parse(body).status !== 'ok') fail(`/healthz answered ${res.status} ${body}`);
      break;
    }
    if (Date.now() > deadline) fail(`/healthz not served within 60s: ${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  ok(`/healthz on ${base} answers {"status":"ok"}`);
  const client = new Client({ name: 'kube-mcp-stack-image-smoke', version: pkg.version });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  const listed = (await client.listTools()).tools.map((t) => t.name).sort();
  await client.close();
  const goldenDir = join(root, 'mcp-server', 'test', 'golden');
  const golden = readdirSync(goldenDir)
    .filter((f) => /^toolsets-.*-tools\.json$/.test(f))
    .flatMap((f) => (JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as { name: string }[]).map((t) => t.name))
    .sort();
  if (JSON.stringify(listed) !== JSON.stringify(golden)) fail(`tools/list gave [${listed.join(', ')}], golden files have [${golden.join(', ')}]`);
  ok(`tools/list returns the ${listed.length} golden tools`);
  process.kill(-server.pid!, 'SIGTERM');
  server = undefined;

  // 3b. The Playground entrypoint of the same image (charts/playground.ts runs it): --version,
  // --help, and /healthz on loopback (its Llama Stack and MCP URLs are never called by /healthz).
  const playground = ['node', '/app/playground/dist/main.js'];
  const pgVersion = bah([...runArgs, ...playground, '--version'], { allowFail: true });
  if (pgVersion.status !== 0 || pgVersion.stdout.trim() !== pkg.version)
    fail(`Playground --version printed "${pgVersion.stdout.trim()}" (exit ${pgVersion.status}; want ${pkg.version}): ${pgVersion.stderr.trim()}`);
  const pgHelp = bah([...runArgs, ...playground, '--help'], { allowFail: true });
  if (pgHelp.status !== 0 || !pgHelp.stdout.includes('Usage: kube-mcp-playground'))
    fail(`Playground --help (exit ${pgHelp.status}) printed: ${pgHelp.stdout}${pgHelp.stderr}`);
  const pgPort = await freePort();
  const pgArgs = [
    `--port=${pgPort}`,
    '--host=127.0.0.1',
    '--llama-stack-url=http://127.0.0.1:1',
    '--api-base-path=/v1',
    '--mcp-server-url=http://127.0.0.1:1/mcp',
    '--mcp-auth=authorization',
  ];
  server = spawn('buildah', [...store, ...runArgs, ...playground, ...pgArgs], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let pgLog = '';
  server.stdout!.on('data', (d: Buffer) => (pgLog += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (pgLog += d.toString()));
  const pgDeadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) fail(`Playground exited ${server.exitCode}: ${pgLog}`);
    const res = await fetch(`http://127.0.0.1:${pgPort}/healthz`).catch(() => undefined);
    if (res) {
      if (res.status !== 200) fail(`Playground /healthz answered ${res.status} ${await res.text()}`);
      break;
    }
    if (Date.now() > pgDeadline) fail(`Playground /healthz not served within 60s: ${pgLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  ok(`Playground entrypoint: --version ${pkg.version}, --help, /healthz on 127.0.0.1:${pgPort}`);
  process.kill(-server.pid!, 'SIGTERM');
  server = undefined;

  // 4. Every layer's file list.
  const oci = join(work, 'oci');
  bah(['push', image, `oci:${oci}:smoke`]);
  const index = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (d: string) => join(oci, 'blobs', ...d.split(':'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { layers: { digest: string; size: number }[] };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  // A name every copy of which is dev-only in the lockfile must not be installed anywhere.
  const byName = new Map<string, boolean>();
  for (const [p, v] of Object.entries(lock.packages)) {
    if (!p) continue;
    const name = p.replace(/^.*node_modules\//, '');
    byName.set(name, (byName.get(name) ?? true) && v.dev === true);
  }
  const devOnly = new Set([...byName].filter(([, dev]) => dev).map(([n]) => n));
  const rules: [RegExp, string][] = [
    [/(^|\/)\.git(\/|$)/, '.git'],
    [/(^|\/)\.cache\//, 'a .cache directory'],
    [/(^|\/)(\.npmrc|\.env(\..*)?|\.git-credentials|\.netrc|id_(rsa|ecdsa|ed25519)(\.pub)?|credentials(\.json)?)$/, 'a secret-looking file'],
    [/\.(key|p12|pfx|jks|keystore)$/, 'a key file'],
    [/^(?!etc\/ssl\/|usr\/lib\/ssl\/|usr\/share\/ca-certificates\/|app\/node_modules\/).*\.pem$/, 'a PEM file outside the CA bundle'],
    [/(^|\/)\.npm\/_cacache\//, 'an npm cache'],
    [
      /^app\/(?!$|(package\.json|dist|node_modules|playground\/?$|playground\/(dist|public))(\/|$))/,
      'something in /app besides package.json, dist/, node_modules/, playground/{dist,public}/',
    ],
    [/^app\/(playground\/)?dist\/.*(\.test\.js|\/test\/)/, 'a test'],
    [/^app\/(playground\/)?dist\/.*\.ts$/, 'a TypeScript source'],
  ];
  let files = 0;
  let bytes = 0;
  let compressed = 0;
  for (const layer of manifest.layers) {
    compressed += layer.size;
    bytes += uncompressedSize(blob(layer.digest));
    const list = spawnSync('tar', ['-tf', blob(layer.digest)], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (list.status !== 0) fail(`tar -tf ${layer.digest}: ${list.stderr}`);
    for (const raw of list.stdout.split('\n')) {
      const p = raw.replace(/^\.?\//, '');
      if (!p) continue;
      files++;
      for (const [re, what] of rules) if (re.test(p)) fail(`layer ${layer.digest.slice(7, 19)} holds ${what}: /${p}`);
      const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/.exec(p);
      if (m && devOnly.has(m[1]!)) fail(`layer ${layer.digest.slice(7, 19)} holds the dev dependency ${m[1]}: /${p}`);
    }
    // Contents: no file but an ELF binary holds a PEM private key (a marker followed by a base64
    // body; code that merely names the marker, like jose's, passes; libraries such as gnutls carry
    // self-test keys in their ELF data).
    const unpacked = join(work, 'layer');
    rmSync(unpacked, { recursive: true, force: true });
    mkdirSync(unpacked);
    const x = spawnSync('tar', ['-xf', blob(layer.digest), '-C', unpacked, '--no-same-owner', '--exclude=dev/*'], { encoding: 'utf8' });
    if (x.status !== 0) fail(`tar -xf ${layer.digest}: ${x.stderr}`);
    const keyFiles = privateKeyFiles(unpacked).map((f) => f.slice(unpacked.length));
    if (keyFiles.length) fail(`layer ${layer.digest.slice(7, 19)} holds a private key: ${keyFiles.join(', ')}`);
    rmSync(unpacked, { recursive: true, force: true });
  }
  ok(
    `${manifest.layers.length} layers, ${files} entries: no .git, tests, sources, dev dependencies (${devOnly.size} dev-only packages checked), caches, secret files or private keys`,
  );

  // 5. Size.
  const mib = bytes / 2 ** 20;
  console.log(
    `[smoke] size: ${mib.toFixed(1)} MiB uncompressed, ${(compressed / 2 ** 20).toFixed(1)} MiB compressed (${manifest.layers.length} layers; budget ${budgetMiB} MiB uncompressed)`,
  );
  if (mib > budgetMiB) fail(`image is ${mib.toFixed(1)} MiB, over the ${budgetMiB} MiB budget (docs/images.md)`);
  ok(`within the ${budgetMiB} MiB budget`);
  console.log(`[smoke] passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (e) {
  fail(e instanceof Error ? (e.stack ?? e.message) : String(e));
}
process.exit(0);
