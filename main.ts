/**
 * cdk8s app entry (`npx cdk8s synth`, or `npx tsx main.ts`).
 *
 * - Config: the default export of `examples/reference.config.ts`, or of the module named
 *   by `KMS_CONFIG` (a path, relative to the working directory).
 * - Output: `KMS_OUTDIR`, else `dist/`. When the cdk8s CLI passes another `CDK8S_OUTDIR`
 *   (its `output`), the manifests are copied there too so the CLI lists them.
 * - The config is validated before any App exists. On an invalid config every problem is
 *   printed as `path: reason`, the exit code is 1 and nothing is written. The stack is
 *   synthesized into a temporary directory beside the output and swapped in only when
 *   synthesis succeeded, so a previous `dist/` stays untouched on any failure.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, YamlOutputType } from 'cdk8s';
import { parseStackConfig, StackConfigError } from './charts/config.js';
import { deriveModel } from './charts/model.js';
import { requiredSecrets } from './charts/secrets.js';
import { addKubeMcpStack } from './charts/stack.js';

const here = dirname(fileURLToPath(import.meta.url));

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function loadConfig(): Promise<unknown> {
  const path = process.env.KMS_CONFIG ? resolve(process.env.KMS_CONFIG) : join(here, 'examples', 'reference.config.ts');
  if (!existsSync(path)) fail(`KMS_CONFIG: no such file ${path}`);
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (mod.default === undefined) fail(`${path}: expected a default export with the stack configuration`);
  return mod.default;
}

/** Replaces `target` by `staged` (same parent directory), keeping `target` intact until the rename. */
function swapInto(staged: string, target: string): void {
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staged, target);
  rmSync(old, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const input = await loadConfig();
  let model;
  try {
    model = deriveModel(parseStackConfig(input));
  } catch (e) {
    if (e instanceof StackConfigError) fail(`${e.message}\nnothing was written.`);
    throw e;
  }

  const outdir = resolve(process.env.KMS_OUTDIR ?? 'dist');
  mkdirSync(dirname(outdir), { recursive: true });
  const staged = mkdtempSync(join(dirname(outdir), '.synth-'));
  try {
    const app = new App({ outdir: staged, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    addKubeMcpStack(app, model);
    app.synth();
  } catch (e) {
    rmSync(staged, { recursive: true, force: true });
    fail(`synthesis failed, nothing was written: ${e instanceof Error ? e.message : String(e)}`);
  }
  swapInto(staged, outdir);

  const cliOut = process.env.CDK8S_OUTDIR ? resolve(process.env.CDK8S_OUTDIR) : undefined;
  if (cliOut && cliOut !== outdir) {
    mkdirSync(cliOut, { recursive: true });
    cpSync(outdir, cliOut, { recursive: true });
  }
  const files = readdirSync(outdir).sort();
  const secrets = requiredSecrets(model);
  process.stdout.write(
    `wrote ${files.length} files to ${outdir}\n` +
      `the stack references ${secrets.length} Secret keys it does not create (kube-mcp-stack realm apply --generate-missing):\n` +
      secrets.map((s) => `  ${s.namespace}/${s.name} [${s.key}] (${s.format})`).join('\n') +
      '\n',
  );
}

await main();
