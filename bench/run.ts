/**
 * Runs every benchmark, each in its own Node process (so one benchmark's memory does not count
 * in another's peak RSS), one after the other, and prints their tables.
 *
 * `npm run bench` (= `tsx bench/run.ts`); on a shared machine prefer `nice npm run bench`
 * (the children inherit the niceness). Pick benchmarks by name: `npm run bench -- synth`.
 * Exit code: 0 when every benchmark finished, 1 otherwise (its stderr is shown as it runs).
 * The environment variables of each benchmark are documented in docs/bench.md.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The benchmarks, in the order they run. */
export const BENCHMARKS = {
  synth: 'bench/synth.bench.ts',
  'mcp-server': 'bench/mcp-server.bench.ts',
  compare: 'bench/compare.bench.ts',
} as const;

type BenchName = keyof typeof BENCHMARKS;

function runOne(file: string): Promise<number> {
  const loader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', loader, join(repoRoot, file)], { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in BENCHMARKS));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
  process.exit(2);
}
const names = (wanted.length ? wanted : Object.keys(BENCHMARKS)) as BenchName[];
const cpu = cpus();
process.stdout.write(
  `kube-mcp-stack benchmarks, ${new Date().toISOString()}; Node ${process.version}; ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}; ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at start\n`,
);
// Ctrl-C reaches the running benchmark too (same process group); it stops what it started and
// exits, then no further benchmark starts.
let interrupted = false;
process.on('SIGINT', () => void (interrupted = true));
const t0 = Date.now();
let failed = 0;
for (const name of names) {
  if (interrupted) break;
  const t = Date.now();
  const code = await runOne(BENCHMARKS[name]);
  process.stdout.write(`[bench] ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  if (code !== 0) failed++;
}
process.stdout.write(
  `[bench] total ${((Date.now() - t0) / 1000).toFixed(1)} s; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at end\n`,
);
process.exit(failed ? 1 : 0);
