/**
 * Benchmark: validating and synthesizing the whole stack for the example configuration
 * (`examples/reference.config.ts`).
 *
 * Rows (each after `warmup` untimed runs):
 * - `parseStackConfig`: zod validation + defaults + model-level checks only.
 * - `parseStackConfig + deriveModel`: plus every host, URL, issuer and reference.
 * - `synthesizeStackTo`: validate, build every chart, write the YAML files into a temp dir
 *   and swap it in (what `npx cdk8s synth` / `main.ts` does).
 * Columns: min / median / p95 in milliseconds, objects per second (Kubernetes objects written
 * ÷ median seconds), heap used after a run (max over runs, MiB) and this process's peak RSS.
 *
 * Run alone: `nice npx tsx bench/synth.bench.ts`. Iterations: `BENCH_SYNTH_ITERATIONS`
 * (default 50 for synthesis; validation rows run 10× as many), `BENCH_WARMUP` (default 3).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import config from '../examples/reference.config.js';
import { parseStackConfig } from '../charts/config.js';
import { deriveModel } from '../charts/model.js';
import { synthesizeStackTo } from '../charts/synth.js';
import { mib, ms, msSince, ownPeakRss, printTable, summarize } from './support/stats.js';

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got "${raw}"`);
  return n;
};

/** Timings of one row. */
interface Measured {
  readonly samples: number[];
  readonly heapMax: number;
}

/** Runs `fn` `warmup` times untimed, then `iterations` times timed (ms per run). */
function measure(fn: () => void, iterations: number, warmup: number): Measured {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  let heapMax = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(msSince(t0));
    heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
  }
  return { samples, heapMax };
}

/** Kubernetes objects (YAML documents with a `kind`) in the files of `dir`. */
function countObjects(dir: string): { files: number; objects: number } {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  let objects = 0;
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      if ((doc.toJS() as { kind?: unknown } | null)?.kind) objects++;
    }
  }
  return { files: files.length, objects };
}

/** Runs the synthesis benchmark and prints its table. */
export async function runSynthBench(): Promise<void> {
  const iterations = positiveInt('BENCH_SYNTH_ITERATIONS', 50);
  const warmup = positiveInt('BENCH_WARMUP', 3);
  const work = mkdtempSync(join(tmpdir(), 'kms-bench-synth-'));
  const outdir = join(work, 'dist');
  const rssBefore = ownPeakRss();
  try {
    const parse = measure(() => void parseStackConfig(config), iterations * 10, warmup * 10);
    const derive = measure(() => void deriveModel(parseStackConfig(config)), iterations * 10, warmup * 10);
    const synth = measure(() => void synthesizeStackTo(config, outdir), iterations, warmup);
    const { files, objects } = countObjects(outdir);
    const row = (name: string, m: Measured, perSecond: string) => {
      const s = summarize(m.samples);
      return [name, s.n, ms(s.min), ms(s.p50), ms(s.p95), perSecond, mib(m.heapMax)];
    };
    const synthMedian = summarize(synth.samples).p50;
    printTable(
      `Stack synthesis, examples/reference.config.ts (${objects} objects in ${files} files; ${warmup} warm-up runs; ` +
        `peak RSS of this process ${mib(rssBefore)} MiB after loading the modules, ${mib(ownPeakRss())} MiB after all runs)`,
      ['step', 'runs', 'min ms', 'median ms', 'p95 ms', 'objects/s', 'heap after run, max MiB'],
      [
        row('parseStackConfig', parse, '-'),
        row('parseStackConfig + deriveModel', derive, '-'),
        row('synthesizeStackTo (validate, charts, write YAML)', synth, Math.round(objects / (synthMedian / 1000)).toString()),
      ],
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runSynthBench();
}
