/**
 * Summarises a V8 CPU profile (`node --cpu-prof` output, a `.cpuprofile` JSON file): the share of
 * samples by category (inclusive: TLS set-up, per-request McpServer, SDK, JWT, Kubernetes request,
 * tool handlers, logging, GC, idle) and by self time per function (name, file:line, top `limit`).
 *
 * `npx tsx bench/support/profile-summary.ts <file.cpuprofile|dir> [limit]` prints the table; a
 * directory means its newest `.cpuprofile`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printTable } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One row: a function and its share of all samples (self time). */
export interface ProfileRow {
  readonly fn: string;
  readonly where: string;
  readonly selfShare: number;
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Rows sorted by self share, largest first. */
export function summarizeProfile(profile: CpuProfile): ProfileRow[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ticks = new Map<string, { fn: string; where: string; n: number }>();
  for (const id of profile.samples) {
    const f = byId.get(id)!.callFrame;
    const file = f.url.startsWith('file://') ? relative(repoRoot, fileURLToPath(f.url)) : f.url;
    const where = file ? `${file}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName}@${where}`;
    const t = ticks.get(key) ?? { fn: f.functionName || '(anonymous)', where, n: 0 };
    t.n++;
    ticks.set(key, t);
  }
  const total = profile.samples.length || 1;
  return [...ticks.values()].sort((a, b) => b.n - a.n).map((t) => ({ fn: t.fn, where: t.where, selfShare: t.n / total }));
}

/** Inclusive-time categories: a sample counts in every category one of its stack frames matches. */
export const CATEGORIES: ReadonlyArray<readonly [string, (f: ProfileNode['callFrame']) => boolean]> = [
  [
    'TLS connection set-up (tls.connect, createSecureContext)',
    (f) => (f.url === 'node:_tls_wrap' && f.functionName === 'connect') || f.functionName === 'createSecureContext',
  ],
  ['per-request McpServer (createMcpServer)', (f) => f.functionName === 'createMcpServer'],
  ['  of which registerTool', (f) => f.functionName === 'registerTool'],
  ['  of which Ajv', (f) => f.url.includes('/node_modules/ajv/')],
  ['MCP SDK (transport, JSON-RPC, zod validation)', (f) => f.url.includes('/@modelcontextprotocol/sdk/')],
  ['JWT verification (jose)', (f) => f.url.includes('/node_modules/jose/')],
  ['Kubernetes request (kubeRequestText)', (f) => f.functionName === 'kubeRequestText'],
  ['tool handlers incl. rendering (mcp-server/dist/tools)', (f) => f.url.includes('/mcp-server/dist/tools/')],
  ['logging (pino)', (f) => f.url.includes('/node_modules/pino')],
  ['express', (f) => f.url.includes('/node_modules/express/') || f.url.includes('/node_modules/router/')],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
];

/** Share of all samples whose stack has a frame of each category (inclusive time). */
export function categoryShares(profile: CpuProfile): Array<[string, number]> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = CATEGORIES.map(() => 0);
  const memo = new Map<number, boolean[]>();
  const hits = (id: number): boolean[] => {
    const known = memo.get(id);
    if (known) return known;
    const up = parent.has(id) ? hits(parent.get(id)!) : CATEGORIES.map(() => false);
    const f = byId.get(id)!.callFrame;
    const mine = CATEGORIES.map(([, test], i) => up[i]! || test(f));
    memo.set(id, mine);
    return mine;
  };
  for (const id of profile.samples) hits(id).forEach((h, i) => h && counts[i]!++);
  const total = profile.samples.length || 1;
  return CATEGORIES.map(([name], i) => [name, counts[i]! / total]);
}

/** The newest `.cpuprofile` in `dir`, or `path` itself. @throws Error when there is none */
export function profileFile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${path}`);
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

/** Prints the top `limit` self-time rows of the profile at `path`. */
export function printProfileSummary(path: string, limit = 20): void {
  const file = profileFile(path);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const rows = summarizeProfile(profile);
  printTable(
    `CPU profile ${file}: inclusive time by category, share of all samples`,
    ['category', '%'],
    categoryShares(profile).map(([name, share]) => [name, (share * 100).toFixed(1)]),
  );
  printTable(
    `CPU profile ${file}: self time, share of all samples (top ${limit})`,
    ['function', 'where', 'self %'],
    rows.slice(0, limit).map((r) => [r.fn, r.where, (r.selfShare * 100).toFixed(1)]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (!process.argv[2]) {
    process.stderr.write('usage: npx tsx bench/support/profile-summary.ts <file.cpuprofile|dir> [limit]\n');
    process.exit(2);
  }
  printProfileSummary(process.argv[2], Number(process.argv[3] ?? 20));
}
