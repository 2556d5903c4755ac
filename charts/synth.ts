/**
 * Synthesizing the stack into a directory safely: validate first, synthesize into a
 * temporary sibling directory, and swap it in only on success, so a previous output
 * directory stays untouched when the config is invalid or a construct throws.
 * Used by main.ts; a team's own main.ts can call it the same way, also under `npx cdk8s synth`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { parseStackConfig } from './config.js';
import { deriveModel, type StackModel } from './model.js';
import { requiredSecrets, type RequiredSecret } from './required-secrets.js';
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
 * @param config a stack configuration (validated here)
 * @param outdir output directory, e.g. `dist`; replaced whole on success, untouched on failure
 * @throws StackConfigError for an invalid config (nothing written)
 * @throws Error from a construct (nothing written; the temporary directory is removed)
 */
export function synthesizeStackTo(config: unknown, outdir: string): SynthResult {
  const model = deriveModel(parseStackConfig(config));
  const secrets = requiredSecrets(model);
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  const staged = mkdtempSync(join(dirname(target), `.${basename(target)}-synth-`));
  try {
    const app = new App({ outdir: staged, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    addKubeMcpStack(app, model);
    app.synth();
  } catch (e) {
    rmSync(staged, { recursive: true, force: true });
    throw e;
  }
  swapInto(staged, target);
  const cliOut = process.env.CDK8S_OUTDIR ? resolve(process.env.CDK8S_OUTDIR) : undefined;
  const copied = cliOut !== undefined && cliOut !== target;
  if (copied) {
    mkdirSync(cliOut, { recursive: true });
    cpSync(target, cliOut, { recursive: true });
  }
  return { outdir: target, cliOutdir: copied ? cliOut : undefined, files: readdirSync(target).sort(), model, requiredSecrets: secrets };
}
