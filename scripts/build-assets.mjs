#!/usr/bin/env node
/**
 * Second half of `npm run build` (after `tsc -p tsconfig.build.json` wrote lib/): copies the
 * non-TypeScript files the compiled modules read at run time to where they look for them, the
 * same place relative to the module as in the sources:
 * - charts/oauth2-proxy-release.json (read by charts/oauth2-proxy-release.ts beside itself),
 * - playground/public/ (served by playground/src/server.ts from `../public/`).
 * Files 0644, directories 0755; the executables (package.json `bin`) 0755.
 * `--clean` (before tsc) removes lib/ instead, so nothing of a deleted source is packed.
 */
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
if (process.argv.includes('--clean')) {
  rmSync(lib, { recursive: true, force: true });
  process.exit(0);
}
for (const asset of ['charts/oauth2-proxy-release.json', 'playground/public']) {
  cpSync(join(root, asset), join(lib, asset), { recursive: true });
}
const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin)) chmodSync(join(root, file), 0o755);
console.log(`build: lib/ with assets; executables ${Object.keys(bin).join(', ')}`);
