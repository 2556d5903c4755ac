/**
 * The server's version: the `version` of the nearest package.json above this module — the
 * repository's root manifest when run from source (`mcp-server/src/` → `/`), the image's
 * `/app/package.json` when run compiled (`/app/dist/` → `/app/`; written from the root manifest by
 * `mcp-server/scripts/runtime-package.mjs`). One source: the root package.json's `version`.
 * @throws Error at import when no package.json with a string `version` is found above the module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Reads `version` from the first package.json found walking up from `fromDir`. */
export function packageVersion(fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const version: unknown = JSON.parse(readFileSync(manifest, 'utf8')).version;
      if (typeof version !== 'string') throw new Error(`${manifest} has no string "version"`);
      return version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json above ${fromDir}`);
  }
}

/** Semantic version of this server, e.g. `0.1.0`. */
export const SERVER_VERSION: string = packageVersion(dirname(fileURLToPath(import.meta.url)));
