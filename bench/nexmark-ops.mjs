// One Nexmark query file at one parallelism, with its operators' row counts (rows in and out
// of each plan node, summed over subtasks; rows into a node fed through HASH cross an exchange)
// and the CPU seconds of the process (every thread) while the job ran.
// Usage: node bench/nexmark-ops.mjs [distDir=dist] <queries/nexmark/qN.sql> <events> <parallelism>
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const dist = args.length === 4 ? args.shift() : 'dist';
const [file, events, parallelism] = args;
const imp = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { querySql } = await imp('bench/common.js');
const { Session } = await imp('src/sql/session.js');
const { RunningJob } = await imp('src/exec/job-runner.js');
const p = Number(parallelism);
const session = new Session();
if (process.env.WEIR_SET) for (const kv of process.env.WEIR_SET.split(";")) session.executeScript({ name: "set", text: `SET ${kv};` }).forEach(() => {});
const sinks = [];
for (const { result } of session.executeScript({ name: file, text: querySql({ file, events: Number(events) }) })) if (result.kind === 'insert') sinks.push(...result.sinks);
const plan = session.physicalPlan(sinks, [], p);
const c0 = process.cpuUsage();
const t0 = performance.now();
const job = new RunningJob(plan, session.options, { jobId: 'bench', parallelism: p });
const s = await job.run();
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
for (const o of s.operators) {
  const node = plan.nodes[o.node];
  const via = node.inputs.map((e) => `${e.from}:${e.partitioning.kind}`).join(',');
  console.log(`[${o.node}] ${o.operator.padEnd(22)} p=${node.parallelism} in ${String(o.rowsIn).padStart(9)} out ${String(o.rowsOut).padStart(9)}${o.passedThrough ? ` passed ${o.passedThrough}` : ''}  <- ${via}`);
}
console.log(JSON.stringify({ file, parallelism: p, wall: +wall.toFixed(2), cpu: +((c.user + c.system) / 1e6).toFixed(2), rowsWritten: s.rowsWritten, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
process.exit(0);
