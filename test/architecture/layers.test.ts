/**
 * The import layers of docs/ARCHITECTURE.md, held against the code: every relative import of
 * every source file is read (TypeScript's own pre-processor: `import`, `export … from`,
 * `import()`), mapped to its layer, and checked against {@link ALLOWED}; the layer graph
 * must have no cycle. Test files and test support may import anything; nothing but tests,
 * bench/ and scripts/ may import them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The layer a file belongs to: its top-level folder (`charts`, `cli`, …) or root file
 * (`main.ts`); inside the two apps, `mcp-server/src/<folder>` / `playground/src/<folder>` (a
 * file directly under `src/` is a layer of its own); `test` for every test, fixture and test
 * support file (also `mcp-server/test/`).
 */
export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'test' || parts[1] === 'test' || /\.test\.ts$/.test(file)) return 'test';
  if ((parts[0] === 'mcp-server' || parts[0] === 'playground') && parts[1] === 'src') return parts.length > 3 ? `${parts[0]}/src/${parts[2]}` : file;
  return parts.length > 1 ? parts[0] : file;
}

/** Every layer outside the apps' `src/` and the layers it may import (its own is always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  bin: ['cli'],
  'main.ts': ['charts', 'cli'],
  bench: ['charts', 'cli', 'examples', 'keycloak-realm', 'secrets', 'mcp-server', 'test'],
  scripts: ['charts', 'cli', 'examples', 'keycloak-realm', 'secrets', 'test'],
  examples: ['charts', 'keycloak-realm'],
  cli: ['charts', 'keycloak-realm', 'secrets'],
  // charts/ reads the MCP server's config schema (it generates config.toml) and the package version
  // (the released image tag, charts/release-image.ts), both leaves of the app; nothing else of it.
  // and the Llama Stack releases' client contract (API base path, MCP tool token), a leaf the
  // Playground's own command line checks its flags against (one home; the Playground imports nothing outside).
  charts: ['keycloak-realm', 'secrets', 'imports', 'mcp-server/src/config', 'mcp-server/src/version.js', 'playground/src/llama-stack-releases.js'],
  'keycloak-realm': ['secrets'],
  secrets: [],
  imports: [],
  'mcp-server': [], // mcp-server/scripts
  playground: [],
};

/**
 * Inside an app (`mcp-server/src/…`, `playground/src/…`) any layer of the same app is allowed
 * (the graph must stay acyclic), except these: the Kubernetes access layer knows no tool, no
 * MCP/HTTP layer and no token verification; config and the low-level helpers import nothing
 * of the app's own layers above them.
 */
const FORBIDDEN_IN_APP: Record<string, readonly string[]> = {
  'mcp-server/src/k8s': ['mcp-server/src/tools', 'mcp-server/src/mcp', 'mcp-server/src/http', 'mcp-server/src/auth'],
  'mcp-server/src/config': ['*'],
  'mcp-server/src/net': ['*'],
  'mcp-server/src/obs': ['*'],
  'mcp-server/src/exchange': ['mcp-server/src/auth', 'mcp-server/src/http', 'mcp-server/src/mcp', 'mcp-server/src/tools'],
  'mcp-server/src/tools': ['mcp-server/src/mcp', 'mcp-server/src/http', 'mcp-server/src/auth', 'mcp-server/src/exchange'],
};

const appOf = (layer: string): string | undefined => /^(mcp-server|playground)\/src(\/|$)/.exec(layer)?.[1];

/** Why `from` may not import `to`, or undefined when it may. */
export function violation(from: string, to: string): string | undefined {
  if (from === to || from === 'test') return undefined;
  if (to === 'test' && from !== 'bench' && from !== 'scripts') return 'only tests, bench/ and scripts/ import test code';
  const app = appOf(from);
  if (app) {
    if (appOf(to) !== app) return `${app}/src is an app of its own: it imports nothing outside it`;
    const forbidden = FORBIDDEN_IN_APP[from] ?? [];
    return forbidden.includes('*') || forbidden.includes(to) ? `${from} sits below ${to}` : undefined;
  }
  const allowed = ALLOWED[from];
  if (!allowed) return `layer ${from} is not in the architecture (add it to docs/ARCHITECTURE.md and this test)`;
  return allowed.some((a) => to === a || to.startsWith(`${a}/`)) ? undefined : `${from} may import only ${allowed.join(', ') || 'nothing of the project'}`;
}

/** Layer edges (`from -> to`, with one example import each) of the files under `root`. */
export function layerEdges(files: readonly string[], read: (file: string) => string): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const ref of ts.preProcessFile(read(file), true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = join(dirname(file), ref.fileName).split(sep).join('/');
      const [from, to] = [layerOf(file), layerOf(target)];
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${file} imports ${ref.fileName}`);
    }
  }
  return edges;
}

/** The cycles of a layer graph (each as its layers in order), found by depth-first search. */
export function cycles(edges: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    path.push(n);
    for (const m of edges.get(n)?.keys() ?? []) {
      if (m === 'test') continue;
      if (state.get(m) === 'open') found.push([...path.slice(path.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    path.pop();
    state.set(n, 'done');
  };
  for (const n of edges.keys()) if (n !== 'test' && !state.has(n)) visit(n);
  return found;
}

const SKIP = new Set(['node_modules', 'dist', 'build', '.cache', '.git', 'docs']);
function sourceFiles(dir = ''): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = dir ? `${dir}/${name}` : name;
    if (SKIP.has(name) || name.startsWith('.')) return [];
    if (statSync(join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('import layers (docs/ARCHITECTURE.md)', () => {
  const files = sourceFiles();
  const edges = layerEdges(files, (f) => readFileSync(join(root, f), 'utf8'));

  it('reads the source tree (every layer of the table has files)', () => {
    expect(files.length).toBeGreaterThan(150);
    for (const layer of ['bin', 'main.ts', 'cli', 'charts', 'keycloak-realm', 'secrets', 'imports', 'mcp-server/src/k8s']) {
      expect(files.some((f) => layerOf(f) === layer)).toBe(true);
    }
  });

  it('every import goes in an allowed direction', () => {
    const broken = [...edges].flatMap(([from, tos]) =>
      [...tos].flatMap(([to, example]) => {
        const why = violation(from, to);
        return why ? [`${from} -> ${to} (${example}): ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('no import cycle between layers', () => {
    expect(cycles(edges).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('names the imports that break a rule', () => {
    expect(violation('keycloak-realm', 'charts')).toMatch(/keycloak-realm may import only secrets/);
    expect(violation('charts', 'cli')).toBeDefined();
    expect(violation('charts', 'mcp-server/src/tools')).toBeDefined();
    expect(violation('charts', 'mcp-server/src/config')).toBeUndefined();
    expect(violation('mcp-server/src/k8s', 'mcp-server/src/tools')).toMatch(/k8s sits below/);
    expect(violation('mcp-server/src/k8s', 'mcp-server/src/exchange')).toBeUndefined();
    expect(violation('playground/src/server.ts', 'charts')).toMatch(/app of its own/);
    expect(violation('charts', 'playground/src/llama-stack-releases.js')).toBeUndefined();
    expect(violation('charts', 'playground/src/server.ts')).toBeDefined();
    expect(violation('playground', 'cli')).toBeDefined();
    expect(violation('cli', 'test')).toBeDefined();
    expect(violation('newfolder', 'charts')).toMatch(/not in the architecture/);
  });

  it('finds the layers of an import cycle and the file behind each edge', () => {
    const read = (f: string) =>
      ({ 'charts/a.ts': "import { b } from '../keycloak-realm/b.js';", 'keycloak-realm/b.ts': "export { a } from '../charts/a.js';" })[f]!;
    const e = layerEdges(['charts/a.ts', 'keycloak-realm/b.ts'], read);
    expect(e.get('keycloak-realm')?.get('charts')).toBe('keycloak-realm/b.ts imports ../charts/a.js');
    expect(cycles(e).map((c) => c.join(' -> '))).toEqual(['charts -> keycloak-realm -> charts']);
  });
});
