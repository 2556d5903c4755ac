/**
 * Small measurement helpers shared by the benchmarks: percentiles over samples, memory
 * readings of this process and of another process (Linux /proc), and number formatting.
 * Tables are printed with cli-table3 by each benchmark.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Table from 'cli-table3';

/** Summary of a list of samples (same unit as the samples, e.g. milliseconds). */
export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Nearest-rank percentile (the smallest sample with at least `p` % of samples at or below it).
 * @param sorted samples sorted ascending; @param p 0..100
 * @throws Error when there are no samples
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** min / p50 / p90 / p95 / p99 / max / mean of `samples`. @throws Error when `samples` is empty */
export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    min: s[0] ?? NaN,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean,
  };
}

/** Milliseconds since `t0` (a `process.hrtime.bigint()` reading), fractional. */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Bytes → MiB with one decimal, e.g. `"123.4"`. */
export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Milliseconds with a precision that suits the size (`0.412`, `12.3`, `1530`). */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 1 ? value.toFixed(3) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

/** Peak resident set size of this process since it started, in bytes (`getrusage` ru_maxrss). */
export function ownPeakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Current and peak resident set size of another process, in bytes, from `/proc/<pid>/status`
 * (`VmRSS`, `VmHWM`). Linux only. @throws Error when the process does not exist
 */
export function processRss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Prints `title` and a cli-table3 table of `rows` under the header `head` to stdout. */
export function printTable(title: string, head: string[], rows: (string | number)[][]): void {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map(String));
  process.stdout.write(`\n${title}\n${table.toString()}\n`);
}

let clockTicks: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from `/proc/<pid>/stat`
 * fields 14 and 15 (clock ticks; `getconf CLK_TCK`, usually 100 → 10 ms resolution). Linux only.
 * @throws Error when the process does not exist
 */
export function processCpuMs(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
}
