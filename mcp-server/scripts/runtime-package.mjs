#!/usr/bin/env node
/**
 * Writes the container's package.json: the root manifest's versions of exactly the packages the
 * compiled server imports (found by scanning dist/**.js), "type": "module", no scripts.
 * Usage: node runtime-package.mjs <root package.json> <dist dir> <out package.json>
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [rootManifest, distDir, out] = process.argv.slice(2);
if (!rootManifest || !distDir || !out) {
  console.error('usage: runtime-package.mjs <root package.json> <dist dir> <out package.json>');
  process.exit(2);
}
const root = JSON.parse(readFileSync(rootManifest, 'utf8'));
const used = new Set();
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.js')) {
      for (const m of readFileSync(p, 'utf8').matchAll(/from ['"]([^'".][^'"]*)['"]|import\(['"]([^'".][^'"]*)['"]\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('node:')) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
  }
};
walk(distDir);
const dependencies = {};
for (const name of [...used].sort()) {
  const version = root.dependencies?.[name];
  if (!version) {
    console.error(`runtime-package: ${name} is imported by the server but is not a production dependency of ${rootManifest}`);
    process.exit(1);
  }
  dependencies[name] = version;
}
writeFileSync(
  out,
  `${JSON.stringify({ name: 'kube-mcp-server', version: root.version, private: true, type: 'module', license: root.license, engines: root.engines, dependencies }, null, 2)}\n`,
);
console.log(`runtime-package: ${Object.keys(dependencies).join(', ')}`);
