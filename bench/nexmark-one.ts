// One Nexmark query file run by weir in this process, for the suite (bench/nexmark-suite.ts),
// which starts a process per (query, parallelism) so that each has its own peak RSS.
// Usage: node dist/bench/nexmark-one.js <queries/nexmark/qN.sql> <events> <parallelism>
// Prints one JSON line: { seconds, resultRows, maxRssBytes } or { error }.
//
// At parallelism > 1 the worker threads start first, before the engine's modules load on the
// main thread, as `weir run -p N` starts them (bin/weir.js): their start overlaps the main
// thread's load, parse and plan, which the time excludes, as it excludes them at parallelism 1.
// WEIR_BENCH_COLD_WORKERS=1 starts them with the job instead (inside the measured time).

import { availableParallelism } from 'node:os';
import { prestartWorkers } from '../src/exec/worker-pool.js';

const [file, events, parallelism] = process.argv.slice(2);
if (Number(parallelism) > 1 && process.env['WEIR_BENCH_COLD_WORKERS'] === undefined) prestartWorkers(Math.min(Number(parallelism), availableParallelism()) - 1);
const { runWeirFile, peakRssBytes } = await import('./common.js');
try {
  const m = await runWeirFile({ file: file!, events: Number(events) }, Number(parallelism));
  console.log(JSON.stringify({ ...m, maxRssBytes: peakRssBytes() }));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
}
process.exit(0);
