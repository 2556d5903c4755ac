/**
 * cdk8s app entry (`npx cdk8s synth`, or `npx tsx main.ts`).
 *
 * - Config: the default export of `examples/reference.config.ts`, or of the module named
 *   by `KMS_CONFIG` (a path, relative to the working directory).
 * - Output: `KMS_OUTDIR`, else `dist/`. When the cdk8s CLI passes another `CDK8S_OUTDIR`
 *   (its `output`), the manifests are copied there too so the CLI lists them.
 * - The config is validated before any App exists. On an invalid config every problem is
 *   printed as `path: reason`, the exit code is 1 and nothing is written; the stack is
 *   synthesized beside the output and swapped in only on success (charts/synth.ts).
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StackConfigError } from './charts/config.js';
import { synthesizeStackTo } from './charts/synth.js';

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

const input = await loadConfig();
let result;
try {
  result = synthesizeStackTo(input, process.env.KMS_OUTDIR ?? 'dist');
} catch (e) {
  if (e instanceof StackConfigError) fail(`${e.message}\nnothing was written.`);
  fail(`synthesis failed, nothing was written: ${e instanceof Error ? e.message : String(e)}`);
}
const cliOut = process.env.CDK8S_OUTDIR ? resolve(process.env.CDK8S_OUTDIR) : undefined;
if (cliOut && cliOut !== result.outdir) {
  mkdirSync(cliOut, { recursive: true });
  cpSync(result.outdir, cliOut, { recursive: true });
}
process.stdout.write(
  `wrote ${result.files.length} files to ${result.outdir}\n` +
    `the stack references ${result.requiredSecrets.length} Secret keys it does not create (kube-mcp-stack realm apply --generate-missing):\n` +
    result.requiredSecrets.map((s) => `  ${s.namespace}/${s.name} [${s.key}] (${s.format})`).join('\n') +
    '\n',
);
