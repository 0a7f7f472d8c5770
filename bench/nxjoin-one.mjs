// One Nexmark query file at one parallelism from a given build, workers prestarted as
// `weir run -p N` starts them (dist/bench/nexmark-one.js), for interleaved A/B of two builds.
// Prints the job's wall and CPU seconds (every thread, process.cpuUsage), the whole process's
// CPU seconds (module load, parse and plan included) and the result rows.
// Usage: node bench/nxjoin-one.mjs <distDir> <queries/nexmark/qN.sql> <events> <parallelism>
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';

const [dist, file, events, parallelism] = process.argv.slice(2);
const imp = (p) => import(pathToFileURL(resolve(dist, p)).href);
const p = Number(parallelism);
if (p > 1) (await imp('src/exec/worker-pool.js')).prestartWorkers(Math.min(p, availableParallelism()));
const { runWeirFile } = await imp('bench/common.js');
const c0 = process.cpuUsage();
const m = await runWeirFile({ file, events: Number(events) }, p);
const c = process.cpuUsage(c0);
const all = process.cpuUsage();
console.log(JSON.stringify({ dist, file, p, wall: +m.seconds.toFixed(3), jobCpu: +((c.user + c.system) / 1e6).toFixed(3), processCpu: +((all.user + all.system) / 1e6).toFixed(3), rows: m.resultRows }));
process.exit(0);
