// One Nexmark query file at one parallelism as `weir run -p P` runs it, for an A/B of two builds
// (branch p2cold): the build's own launcher policy starts its workers first
// (prestartFromArgv), then the engine loads, plans, and the job runs. Prints wall and CPU
// seconds of the job (every thread of the process, process.cpuUsage), rows written, peak RSS.
// Usage: node bench/p2cold-one.mjs <distDir> <queries/nexmark/qN.sql> <events> <parallelism>
// A/B: RUNNER=bench/p2cold-one.mjs sh bench/nxpar-ab.sh <distA> <distB> <events> <rounds> q3 q8 ...
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';

const [dist, file, events, parallelism] = process.argv.slice(2);
const imp = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { prestartFromArgv } = await imp('src/exec/worker-pool.js');
prestartFromArgv(['run', file, '-p', parallelism]);
const { querySql } = await imp('bench/common.js');
const { Session } = await imp('src/sql/session.js');
const { RunningJob } = await imp('src/exec/job-runner.js');
const p = Number(parallelism);
/** CPU seconds of each thread of this process (utime + stime from /proc, 10 ms ticks), by thread id. */
const threadCpu = () => {
  const m = new Map();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      m.set(t, (Number(f[11]) + Number(f[12])) / 100);
    } catch {}
  }
  return m;
};
const session = new Session();
if (process.env.WEIR_SET) for (const kv of process.env.WEIR_SET.split(';')) session.executeScript({ name: 'set', text: `SET ${kv};` }).forEach(() => {});
const sinks = [];
for (const { result } of session.executeScript({ name: file, text: querySql({ file, events: Number(events) }) })) if (result.kind === 'insert') sinks.push(...result.sinks);
const plan = session.physicalPlan(sinks, [], p);
const th0 = threadCpu();
const c0 = process.cpuUsage();
const t0 = performance.now();
const s = await new RunningJob(plan, session.options, { jobId: 'bench', parallelism: p }).run();
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
const all = process.cpuUsage();
const th1 = threadCpu();
// the job's CPU per thread (main first), threads that used at least 50 ms
const threads = [...th1].map(([t, v]) => [t, v - (th0.get(t) ?? 0)]).filter(([t, v]) => v >= 0.05 || t === String(process.pid)).sort((a, b) => (a[0] === String(process.pid) ? -1 : b[0] === String(process.pid) ? 1 : Number(a[0]) - Number(b[0]))).map(([, v]) => +v.toFixed(2));
console.log(JSON.stringify({ q: file.replace(/.*\//, '').replace('.sql', ''), p, wall: +wall.toFixed(2), cpu: +((c.user + c.system) / 1e6).toFixed(2), threads, procCpu: +((all.user + all.system) / 1e6).toFixed(2), rows: s.rowsWritten, rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
process.exit(0);
