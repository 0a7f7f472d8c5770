// A Nexmark query file run `runs` times in one process at one parallelism: wall and CPU
// seconds (every thread) of each run. From the second run on, the job reuses the worker threads
// the first one started (worker-pool.ts), so the first run's extra is the workers' start.
// Usage: node bench/nexmark-warm.mjs [distDir=dist] <queries/nexmark/qN.sql> <events> <parallelism> [runs=3]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const dist = /\.sql$/.test(args[0]) ? 'dist' : args.shift();
const [file, events, parallelism, runsArg] = args;
const imp = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { querySql } = await imp('bench/common.js');
const { Session } = await imp('src/sql/session.js');
const { RunningJob } = await imp('src/exec/job-runner.js');
const p = Number(parallelism);
const out = [];
for (let r = 0; r < Number(runsArg ?? 3); r++) {
  const session = new Session();
  const sinks = [];
  for (const { result } of session.executeScript({ name: file, text: querySql({ file, events: Number(events) }) })) if (result.kind === 'insert') sinks.push(...result.sinks);
  const plan = session.physicalPlan(sinks, [], p);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await new RunningJob(plan, session.options, { jobId: 'bench', parallelism: p }).run();
  const c = process.cpuUsage(c0);
  out.push({ wall: +((performance.now() - t0) / 1000).toFixed(3), cpu: +((c.user + c.system) / 1e6).toFixed(2), rows: s.rowsWritten });
}
console.log(JSON.stringify({ file, events: Number(events), parallelism: p, runs: out }));
process.exit(0);
