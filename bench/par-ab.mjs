// A/B of two builds in one process, runs alternating (so the machine's load hits both alike):
//   node bench/par-ab.mjs <before dist> <after dist> <pass|tumble|hop|groupby> <parallelism> <data dir> <rounds>
// e.g. node bench/par-ab.mjs /work/before/dist dist groupby 2 bench/data/bids-2000000 7
// Each build runs the query into a blackhole sink `rounds` times; the first round (worker start,
// JIT) is dropped; prints each build's CPU seconds (process.cpuUsage: every thread) per run,
// their median, and the median wall time.
import { join, resolve } from 'node:path';
const [beforeDist, afterDist, name, par, dataPath, rounds] = process.argv.slice(2);
const Q = {
  pass: `INSERT INTO sink_p SELECT auction, bidder, price, date_time FROM bid;`,
  tumble: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  hop: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  groupby: `INSERT INTO sink_u SELECT auction, COUNT(*), SUM(price), MAX(price) FROM bid GROUP BY auction;`,
};
const tables = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'filesystem', 'path' = '${resolve(dataPath)}', 'format' = 'csv');
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE sink_p (a BIGINT, b BIGINT, c BIGINT, d TIMESTAMP(3)) WITH ('connector' = 'blackhole');
CREATE TABLE sink_u (a BIGINT, c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');`;
const builds = {};
for (const [b, dist] of [['before', resolve(beforeDist)], ['after', resolve(afterDist)]]) {
  const { Session } = await import(join(dist, 'src/sql/session.js'));
  const { RunningJob } = await import(join(dist, 'src/exec/job-runner.js'));
  builds[b] = async () => {
    const session = new Session(); const sinks = [];
    for (const { result } of session.executeScript({ name: 'b.sql', text: `${tables}\n${Q[name]}` })) if (result.kind === 'insert') sinks.push(...result.sinks);
    const p = Number(par); const plan = session.physicalPlan(sinks, [], p);
    const t0 = performance.now(); const c0 = process.cpuUsage();
    const s = await new RunningJob(plan, session.options, { jobId: 'b', parallelism: p, listener: () => ({ onBatch() {} }) }).run();
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, rows: s.rowsWritten };
  };
}
const res = { before: [], after: [] };
for (let r = 0; r < Number(rounds); r++) for (const b of r % 2 === 0 ? ['before', 'after'] : ['after', 'before']) { const m = await builds[b](); if (r > 0) res[b].push(m); }
const med = (xs) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
for (const b of ['before', 'after']) console.log(name, 'p' + par, b, 'cpu', res[b].map((m) => m.cpu.toFixed(2)).join(' '), 'median', med(res[b].map((m) => m.cpu)).toFixed(2), 'wall median', med(res[b].map((m) => m.wall)).toFixed(2), 'rows', res[b][0].rows);
console.log('load', (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' '));
