/**
 * cdk8s app entry (`npx cdk8s synth`, or `npx tsx main.ts`).
 *
 * - Config: `examples/reference.config.ts`, or the file named by `KMS_CONFIG` (a path,
 *   relative to the working directory), loaded by cli/config-load.ts like every command's
 *   `--config` (TS/JS module, JSON or YAML).
 * - Output: `KMS_OUTDIR`, else `dist/`. When the cdk8s CLI passes another `CDK8S_OUTDIR`
 *   (its `output`), `synthesizeStackTo` copies the manifests there too so the CLI lists them.
 * - The config is validated before any App exists. On an invalid config every problem is
 *   printed as `path: reason`, the exit code is 1 and nothing is written; the stack is
 *   synthesized beside the output and swapped in only on success (charts/synth.ts). This
 *   holds also for a `StackConfigError` thrown while the config module loads (e.g. by
 *   `publicUrls(base)` on a typo in `base`): no stack trace is printed.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackConfigError } from './charts/config.js';
import { synthesizeStackTo, type SynthResult } from './charts/synth.js';
import { ConfigLoadError, loadConfigInput } from './cli/config-load.js';

const here = dirname(fileURLToPath(import.meta.url));

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * True for a StackConfigError, also one from another copy of the module (a team's config may
 * import kube-mcp-stack through a different path than this entry point).
 */
function isStackConfigError(e: unknown): e is StackConfigError {
  return e instanceof StackConfigError || (e instanceof Error && e.name === 'StackConfigError' && Array.isArray((e as { problems?: unknown }).problems));
}

let input: unknown;
try {
  input = await loadConfigInput(process.env.KMS_CONFIG ?? join(here, 'examples', 'reference.config.ts'));
} catch (e) {
  // A config module may validate while it loads (publicUrls); any other error of the module
  // keeps its stack; a missing file or export is one line.
  const cause = e instanceof ConfigLoadError ? e.cause : e;
  if (isStackConfigError(cause)) fail(`${cause.message}\nnothing was written.`);
  if (e instanceof ConfigLoadError && cause === undefined) fail(`KMS_CONFIG: ${e.message}`);
  throw cause;
}
let result: SynthResult;
try {
  result = synthesizeStackTo(input, process.env.KMS_OUTDIR ?? 'dist');
} catch (e) {
  if (isStackConfigError(e)) fail(`${e.message}\nnothing was written.`);
  fail(`synthesis failed, nothing was written: ${e instanceof Error ? e.message : String(e)}`);
}
process.stdout.write(
  `wrote ${result.files.length} files to ${result.outdir}\n` +
    `the stack references ${result.requiredSecrets.length} Secret keys it does not create (kube-mcp-stack secrets ensure --create-namespaces creates the missing ones):\n` +
    result.requiredSecrets.map((s) => `  ${s.namespace}/${s.name} [${s.key}] (${s.format})`).join('\n') +
    '\n',
);
