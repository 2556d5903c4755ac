/**
 * Loads the stack configuration the realm commands work from: a TS/JS module (default
 * export, or export `config`), a JSON file or a YAML file, validated by the charts'
 * `parseStackConfig` and derived once into the stack model (realm with derived redirect
 * URIs, Keycloak namespace and name, Keycloak base URL).
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseStackConfig } from '../charts/config.js';
import { deriveModel, type StackModel } from '../charts/model.js';
import { RealmCliError } from './connect.js';

/** The example config, used when `--config` is not given. */
export const DEFAULT_CONFIG = 'examples/reference.config.ts';

/**
 * @param path config file, relative to the working directory.
 * @throws RealmCliError when the file cannot be read or parsed, or the config is invalid
 *   (message lists every problem as `path: reason`).
 */
export async function loadStackModel(path: string): Promise<StackModel> {
  const file = resolve(path);
  let input: unknown;
  try {
    const ext = extname(file).toLowerCase();
    if (ext === '.json') input = JSON.parse(readFileSync(file, 'utf8'));
    else if (ext === '.yaml' || ext === '.yml') input = parseYaml(readFileSync(file, 'utf8'));
    else {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; config?: unknown };
      input = mod.default ?? mod.config;
      if (input === undefined) throw new Error('the module has no default export and no export named "config"');
    }
  } catch (e) {
    throw new RealmCliError(`cannot load config ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    return deriveModel(parseStackConfig(input));
  } catch (e) {
    throw new RealmCliError(`config ${path}: ${(e as Error).message}`);
  }
}
