/**
 * Synthesizing the stack into a directory safely: validate first, synthesize into a
 * temporary sibling directory, and swap it in only on success, so a previous output
 * directory stays untouched when the config is invalid or a construct throws.
 * Used by main.ts; a team's own main.ts calls {@link synthesizeMain} (the `init` template),
 * also under `npx cdk8s synth`, whatever the `output:` of its cdk8s.yaml (see
 * {@link synthesizeStackTo} for the CLI deleting its output before running the app).
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { parseStackConfig, type StackConfigError } from './config.js';
import { deriveModel, type StackModel } from './model.js';
import { requiredSecrets, type RequiredSecret } from './required-secrets.js';
import { MANIFEST_EXTENSION } from './namespaces.js';
import { addKubeMcpStack } from './stack.js';

/** What {@link synthesizeStackTo} wrote. */
export interface SynthResult {
  readonly outdir: string;
  /** The cdk8s CLI's output directory the files were also copied to (`CDK8S_OUTDIR`), if any. */
  readonly cliOutdir?: string;
  /** File names in apply order. */
  readonly files: readonly string[];
  readonly model: StackModel;
  /** Secrets the manifests reference but do not create. */
  readonly requiredSecrets: readonly RequiredSecret[];
}

/**
 * Where the last output written to `target` is kept, so a failed synth under the cdk8s CLI
 * (which deletes its `output` before it runs the app) can put it back:
 * `<nearest node_modules above target>/.cache/kube-mcp-stack/last-<basename>-<hash of the path>`,
 * or undefined when no `node_modules` is found above `target` (then there is no copy).
 */
export function lastOutputCopy(target: string): string | undefined {
  for (let dir = dirname(target); ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    if (existsSync(modules) && statSync(modules).isDirectory()) {
      const hash = createHash('sha256').update(target).digest('hex').slice(0, 12);
      return join(modules, '.cache', 'kube-mcp-stack', `last-${basename(target)}-${hash}`);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Copies `from` to `to` (replacing `to` whole), keeping file modes. */
function copyTree(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

/**
 * Under the cdk8s CLI with `CDK8S_OUTDIR` = `target` (the CLI deleted it before running the app):
 * puts the last successful output back from {@link lastOutputCopy}. A no-op otherwise.
 */
export function restoreOutputDeletedByCli(target: string): void {
  const cliOut = process.env.CDK8S_OUTDIR ? resolve(process.env.CDK8S_OUTDIR) : undefined;
  const copy = lastOutputCopy(target);
  if (cliOut === target && !existsSync(target) && copy !== undefined && existsSync(copy)) copyTree(copy, target);
}

/** Build-output modes whatever the umask of mkdtemp: directories 0755, files 0644. */
function makeWorldReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWorldReadable(path);
    else chmodSync(path, 0o644);
  }
}

/**
 * Refuses an output directory that holds anything synthesis does not write (only
 * `*.k8s.yaml` files, {@link MANIFEST_EXTENSION}): the whole directory is replaced on every
 * synth, so `KMS_OUTDIR=.` or a folder with other files in it would lose them.
 * @throws Error naming the directory and up to five foreign entries; nothing is written
 */
function assertReplaceableOutdir(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new Error(`output ${target} is not a directory: choose a new or empty folder for the manifests`);
  const foreign = readdirSync(target, { withFileTypes: true })
    .filter((e) => !(e.isFile() && e.name.endsWith(MANIFEST_EXTENSION)))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
  throw new Error(
    `output ${target} holds ${shown}, which synthesis did not write; the output folder is replaced whole on every synth, ` +
      `so it may hold only *${MANIFEST_EXTENSION} manifests: choose a new or empty folder (KMS_OUTDIR, or the outdir argument) or move those out`,
  );
}

/** Replaces `target` by `staged` (same parent), keeping `target` intact until the rename. */
function swapInto(staged: string, target: string): void {
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staged, target);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Validates `config`, synthesizes the whole stack and replaces `outdir` with the result.
 *
 * Under the cdk8s CLI (`npx cdk8s synth`), which sets `CDK8S_OUTDIR` to its `output`
 * (`cdk8s.yaml` or `-o`) and fails with `app expected to create "<output>"` when that
 * directory stays empty: when `process.env.CDK8S_OUTDIR` is set and resolves to another
 * directory than `outdir`, the result is also copied there (after the swap, so only on
 * success). That lets a `cdk8s.yaml` give the CLI a scratch `output` (the CLI empties it
 * before every run) while `outdir` keeps its previous content on a failed synth.
 *
 * When `CDK8S_OUTDIR` is `outdir` itself (`output: dist`, or no `output:` at all), the CLI has
 * already deleted `outdir` before this runs: on failure the copy of the last successful output
 * ({@link lastOutputCopy}, refreshed on every success) is put back byte for byte, so `outdir`
 * ends as it was before the run. Files are written 0644 in 0755 directories.
 *
 * @param config a stack configuration (validated here)
 * @param outdir output directory, e.g. `dist`; replaced whole on success, untouched on failure
 * @throws StackConfigError for an invalid config (nothing written)
 * @throws Error from a construct (nothing written; the temporary directory is removed)
 * @throws Error when `outdir` exists and holds anything but `*.k8s.yaml` files (nothing written)
 */
export function synthesizeStackTo(config: unknown, outdir: string): SynthResult {
  const target = resolve(outdir);
  const copy = lastOutputCopy(target);
  const cliOutEnv = process.env.CDK8S_OUTDIR ? resolve(process.env.CDK8S_OUTDIR) : undefined;
  let model: StackModel;
  let secrets: readonly RequiredSecret[];
  try {
    model = deriveModel(parseStackConfig(config));
    secrets = requiredSecrets(model);
    assertReplaceableOutdir(target);
    mkdirSync(dirname(target), { recursive: true });
    const staged = mkdtempSync(join(dirname(target), `.${basename(target)}-synth-`));
    try {
      const app = new App({ outdir: staged, yamlOutputType: YamlOutputType.FILE_PER_CHART });
      addKubeMcpStack(app, model);
      app.synth();
      makeWorldReadable(staged);
    } catch (e) {
      rmSync(staged, { recursive: true, force: true });
      throw e;
    }
    swapInto(staged, target);
  } catch (e) {
    // The cdk8s CLI removed its output (= ours) before running the app: put the last one back.
    restoreOutputDeletedByCli(target);
    throw e;
  }
  if (copy !== undefined) copyTree(target, copy);
  const cliOut = cliOutEnv;
  const copied = cliOut !== undefined && cliOut !== target;
  if (copied) {
    mkdirSync(cliOut, { recursive: true });
    cpSync(target, cliOut, { recursive: true });
  }
  return { outdir: target, cliOutdir: copied ? cliOut : undefined, files: readdirSync(target).sort(), model, requiredSecrets: secrets };
}

/** True for a StackConfigError, also one from another copy of the module (a config loaded through another path). */
export function isStackConfigError(e: unknown): e is StackConfigError {
  return e instanceof Error && e.name === 'StackConfigError' && Array.isArray((e as { problems?: unknown }).problems);
}

/** Streams {@link synthesizeMain} writes to (stdout and stderr by default). */
export interface SynthMainIo {
  readonly out: { write(s: string): unknown };
  readonly err: { write(s: string): unknown };
}

/**
 * A cdk8s app's whole `main.ts` (the `kube-mcp-stack init` template calls it):
 * `process.exitCode = await synthesizeMain(() => import('./stack.config.js'), 'dist')`.
 *
 * Loads the config through `load` (a module with a default export or export `config`, or the
 * config object itself), synthesizes it with {@link synthesizeStackTo} and prints the files
 * written and the Secrets the stack references. A config error — also a StackConfigError thrown
 * while the config module loads, e.g. by `publicUrls(base)` — prints every problem as
 * `path: reason` and `nothing was written (<outdir>/ unchanged).` on `err`, with no stack trace.
 *
 * @param load returns the config module or object; any error it throws that is no
 *   StackConfigError is rethrown unchanged (a bug in the module keeps its stack)
 * @param outdir output directory, default `dist`
 * @returns the exit code: 0 written, 1 config error or failed synthesis (nothing changed)
 */
export async function synthesizeMain(
  load: () => Promise<unknown>,
  outdir = 'dist',
  io: SynthMainIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const unchanged = `nothing was written (${outdir.replace(/\/+$/, '')}/ unchanged).`;
  let input: unknown;
  try {
    const loaded = await load();
    const mod = loaded as { default?: unknown; config?: unknown } | undefined;
    input = mod !== null && typeof mod === 'object' && ('default' in mod || 'config' in mod) ? (mod.default ?? mod.config) : loaded;
  } catch (e) {
    const cause = e instanceof Error && !isStackConfigError(e) && isStackConfigError(e.cause) ? e.cause : e;
    if (!isStackConfigError(cause)) throw e;
    restoreOutputDeletedByCli(resolve(outdir));
    io.err.write(`${cause.message}\n${unchanged}\n`);
    return 1;
  }
  let result: SynthResult;
  try {
    result = synthesizeStackTo(input, outdir);
  } catch (e) {
    io.err.write(isStackConfigError(e) ? `${e.message}\n${unchanged}\n` : `synthesis failed: ${e instanceof Error ? e.message : String(e)}\n${unchanged}\n`);
    return 1;
  }
  io.out.write(
    `wrote ${result.files.length} files to ${result.outdir}\n` +
      `the stack references ${result.requiredSecrets.length} Secret keys it does not create (kube-mcp-stack secrets ensure --create-namespaces creates the missing ones):\n` +
      result.requiredSecrets.map((s) => `  ${s.namespace}/${s.name} [${s.key}] (${s.format})`).join('\n') +
      '\n',
  );
  return 0;
}
