// A Nexmark query file (queries/nexmark/qN.sql) through weir's job runner from a given build
// (a dist/ directory), with 'events.num' replaced, timed as bench/common.ts's runWeirFile times
// it (planning excluded): wall, events/s, process CPU, main-thread CPU (/proc, Linux), rows
// written and the process's peak RSS.
//
//   node bench/hot-nexmark.mjs <dist> queries/nexmark/q16.sql 2000000 [parallelism]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
const [rootArg, file, events, p = '1'] = process.argv.slice(2);
const root = resolve(rootArg);
const { Session } = await import(`${root}/src/sql/session.js`);
const { RunningJob } = await import(`${root}/src/exec/job-runner.js`);
const text = readFileSync(file, 'utf8').replace(/'events\.num'(\s*)=(\s*)'\d+'/g, `'events.num'$1=$2'${events}'`);
const session = new Session();
const sinks = [];
for (const { result } of session.executeScript({ name: file, text })) if (result.kind === 'insert') sinks.push(...result.sinks);
const plan = session.physicalPlan(sinks, [], Number(p));
const mainCpu = () => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const m0 = mainCpu();
const c0 = process.cpuUsage();
const t0 = performance.now();
const job = new RunningJob(plan, session.options, { jobId: 'bench', parallelism: Number(p) });
const s = await job.run();
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ root, q: file.split('/').pop(), wall: +wall.toFixed(3), eps: +(Number(events) / wall / 1e6).toFixed(3), cpu: +((c.user + c.system) / 1e6).toFixed(3), main: +(mainCpu() - m0).toFixed(2), rows: s.rowsWritten, rssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
