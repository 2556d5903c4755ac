/**
 * The Playground's version: `version` of the first package.json above this module — the
 * repository root in a checkout (`playground/src/`), the installed package's root when compiled
 * into it (`lib/playground/src/`), `/app/package.json` in the image (`/app/playground/dist/`,
 * whose version is the root's). One source: the root package.json's `version`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @throws Error when no package.json with a string `version` is found above the module */
export function playgroundVersion(): string {
  const from = dirname(fileURLToPath(import.meta.url));
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
      if (typeof pkg.version !== 'string') throw new Error(`${manifest} has no version`);
      return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
