// Single-thread hot loops, A/B: runs one of bench/run.ts's main-section queries through weir's
// job runner from a given build (a dist/ directory, e.g. /work/before/dist or ./dist), over
// the csv files of a directory, and prints wall time, process CPU, the main thread's CPU
// (/proc, Linux) and the event loop's idle time, best of REPS runs in one process (as the
// bench takes the best of 3).
//
//   REPS=2 node bench/hot-ab.mjs <dist> <tumble|hop|group|pass> [dataDir] [parallelism]
//
// dataDir defaults to bench/data/bids-10000000 (npm run bench writes it); a directory holding
// one of its files (2.5M bids) is enough for an A/B.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
const [rootArg, q, data = join(import.meta.dirname, 'data', 'bids-10000000'), p = '1'] = process.argv.slice(2);
const root = resolve(rootArg);
const { Session } = await import(`${root}/src/sql/session.js`);
const { RunningJob } = await import(`${root}/src/exec/job-runner.js`);
const TABLE = `CREATE TABLE bid (
  auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${data}', 'format' = 'csv');
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE sink_p (a BIGINT, b BIGINT, c BIGINT, d TIMESTAMP(3)) WITH ('connector' = 'blackhole');`;
const Q = {
  tumble: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price)
       FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND))
       GROUP BY auction, window_start, window_end;`,
  hop: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price)
       FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
       GROUP BY auction, window_start, window_end;`,
  group: `SELECT auction, COUNT(*), SUM(price), MAX(price) FROM bid GROUP BY auction;`,
  pass: `INSERT INTO sink_p SELECT auction, bidder, price, date_time FROM bid;`,
};
if (!(q in Q)) throw new Error(`query: tumble, hop, group or pass, not ${q}`);
const mainCpu = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const res = [];
for (let rep = 0; rep < Number(process.env.REPS ?? 1); rep++) {
  const session = new Session();
  const sinks = [];
  const queries = [];
  for (const { result } of session.executeScript({ name: 'bench.sql', text: `${TABLE}\n${Q[q]}` })) {
    if (result.kind === 'insert') sinks.push(...result.sinks);
    if (result.kind === 'query') queries.push(result.plan);
  }
  const plan = session.physicalPlan(sinks, queries, Number(p));
  let inserted = 0;
  const m0 = mainCpu();
  const e0 = performance.eventLoopUtilization();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const job = new RunningJob(plan, session.options, {
    jobId: 'bench',
    parallelism: Number(p),
    listener: () => ({
      onBatch: (b) => {
        if (b.ops === null) inserted += b.length;
        else for (let i = 0; i < b.length; i++) if (b.ops[i] === 0) inserted++;
      },
    }),
  });
  const s = await job.run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  res.push({ wall, cpu: (c.user + c.system) / 1e6, main: mainCpu() - m0, idle: performance.eventLoopUtilization(e0).idle / 1000, rows: queries.length > 0 ? inserted : s.rowsWritten });
}
const min = (k) => Math.min(...res.map((r) => r[k]));
console.log(JSON.stringify({ root, q, wall: +min('wall').toFixed(3), cpu: +min('cpu').toFixed(3), main: +min('main').toFixed(2), idle: +min('idle').toFixed(2), rows: res[0].rows }));
