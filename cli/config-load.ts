/**
 * The one loader of stack configuration files, for every command and for main.ts: a TS/JS
 * module (default export, or export `config`), a JSON file or a YAML file. {@link loadStackModel}
 * validates it with the charts' `parseStackConfig` and derives the stack model once (realm
 * with derived redirect URIs, Keycloak namespace and name, Keycloak base URL).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseStackConfig } from '../charts/config.js';
import { deriveModel, type StackModel } from '../charts/model.js';

/** The config file every command reads when `--config` is not given, relative to the working directory (a team repo's own). */
export const DEFAULT_CONFIG = 'stack.config.ts';

/** The `-c, --config` option every command shares: its flags and help text (the default is applied by {@link configPathOf}). */
export const CONFIG_OPTION = {
  flags: '-c, --config <path>',
  description: `stack config: TS/JS module (default export), JSON or YAML (default: ${DEFAULT_CONFIG} in the working directory)`,
} as const;

/**
 * The config file a command reads: `--config` when given, else {@link DEFAULT_CONFIG} in the working directory.
 * @throws ConfigLoadError `no --config given and no stack.config.ts in <cwd>: pass --config <path> …` when the default is absent
 */
export function configPathOf(flag: string | undefined): string {
  if (flag !== undefined) return flag;
  if (!existsSync(resolve(DEFAULT_CONFIG))) {
    throw new ConfigLoadError(
      `no --config given and no ${DEFAULT_CONFIG} in ${process.cwd()}: pass --config <path> (e.g. --config examples/reference.config.ts in this repository)`,
    );
  }
  return DEFAULT_CONFIG;
}

/**
 * A config could not be loaded or is invalid; `message` is the one-line (load) or
 * multi-line (`path: reason` per problem) cause, `cause` the original error.
 */
export class ConfigLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigLoadError';
  }
}

let tsLoader: Promise<void> | undefined;

/**
 * Makes `import()` of a `.ts` config work in the compiled CLI (the installed package runs plain
 * JavaScript): registers tsx's ESM loader once, when Node cannot load TypeScript itself. tsx is
 * an optional peer dependency (a team repo from `kube-mcp-stack init` has it). Under tsx already
 * (this repository's `bin/kube-mcp-stack.js`, `npx tsx main.ts`) the first import works and
 * nothing is registered.
 * @throws ConfigLoadError naming the fix when tsx cannot be found
 */
function registerTypeScriptLoader(path: string): Promise<void> {
  tsLoader ??= import('tsx/esm/api').then(
    (tsx) => void tsx.register(),
    () => {
      tsLoader = undefined;
      throw new ConfigLoadError(`cannot load config ${path}: a TypeScript config needs tsx (npm install --save-dev tsx), or give a .js, .json or .yaml config`);
    },
  );
  return tsLoader;
}

/** `import()` of a module file; a `.ts` file Node refuses (no TS loader yet) once more with tsx registered. */
async function importTs(file: string, path: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
  }
  await registerTypeScriptLoader(path);
  // Node caches the failed import of `url`: another URL of the same file.
  return import(`${url}?ts`);
}

/**
 * Reads a config file without validating it.
 * @param path config file, relative to the working directory.
 * @returns the module's default export (or export `config`), or the parsed JSON/YAML document
 * @throws ConfigLoadError `cannot load config <path>: <reason>` when the file is missing or the
 *   module has neither export (no `cause`), or it cannot be read, parsed or imported (`cause`
 *   holds the original error; the message has its first line, or every line of a
 *   StackConfigError thrown while the module loads)
 */
export async function loadConfigInput(path: string): Promise<unknown> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ConfigLoadError(`cannot load config ${path}: no such file`);
  let mod: { default?: unknown; config?: unknown };
  try {
    const ext = extname(file).toLowerCase();
    if (ext === '.json') return JSON.parse(readFileSync(file, 'utf8'));
    if (ext === '.yaml' || ext === '.yml') return parseYaml(readFileSync(file, 'utf8'));
    mod = (await importTs(file, path)) as typeof mod;
  } catch (e) {
    if (e instanceof ConfigLoadError) throw e;
    // A StackConfigError thrown while the module loads lists every problem, one per line: keep them all.
    const message = (e as Error).message;
    throw new ConfigLoadError(`cannot load config ${path}: ${(e as Error).name === 'StackConfigError' ? message : message.split('\n')[0]}`, { cause: e });
  }
  const input = mod.default ?? mod.config;
  if (input === undefined) throw new ConfigLoadError(`cannot load config ${path}: the module has no default export and no export named "config"`);
  return input;
}

/**
 * Loads, validates and derives a config.
 * @param flag the `--config` value (relative to the working directory), or undefined for {@link DEFAULT_CONFIG} ({@link configPathOf}).
 * @throws ConfigLoadError when the file cannot be read or parsed, or the config is invalid
 *   (message `config <path>: ` followed by every problem as `path: reason`).
 */
export async function loadStackModel(flag: string | undefined): Promise<StackModel> {
  const path = configPathOf(flag);
  const input = await loadConfigInput(path);
  try {
    return deriveModel(parseStackConfig(input));
  } catch (e) {
    throw new ConfigLoadError(`config ${path}: ${(e as Error).message}`, { cause: e });
  }
}
