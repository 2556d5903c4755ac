/**
 * Summarises a V8 CPU profile (`node --cpu-prof` output, a `.cpuprofile` JSON file): the share of
 * samples by self time per function (name, file:line), the top `limit` rows, plus the idle,
 * GC and program (module loading) shares.
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
  const rows = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
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
