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
 *   synthesized beside the output and swapped in only on success (charts/synth.ts
 *   `synthesizeMain`, the same call as a team's main.ts from `kube-mcp-stack init`). This
 *   holds also for a `StackConfigError` thrown while the config module loads (e.g. by
 *   `publicUrls(base)` on a typo in `base`): no stack trace is printed.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesizeMain } from './charts/synth.js';
import { ConfigLoadError, loadConfigInput } from './cli/config-load.js';

const here = dirname(fileURLToPath(import.meta.url));

process.exitCode = await synthesizeMain(async () => {
  try {
    return await loadConfigInput(process.env.KMS_CONFIG ?? join(here, 'examples', 'reference.config.ts'));
  } catch (e) {
    // A missing file or export is one line; an error of the module itself (also a
    // StackConfigError thrown while it loads) is handed on as is.
    if (e instanceof ConfigLoadError && e.cause === undefined) {
      process.stderr.write(`KMS_CONFIG: ${e.message}\n`);
      process.exit(1);
    }
    throw e instanceof ConfigLoadError ? e.cause : e;
  }
}, process.env.KMS_OUTDIR ?? 'dist');
