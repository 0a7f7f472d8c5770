// A/B of p2 against the machine's ceiling, two builds, runs interleaved (so the machine's load
// hits all alike):
//   node bench/align-ab.mjs <before dist> <after dist> <pass|tumble|hop|groupby> <data dir> <rounds>
// e.g. node bench/align-ab.mjs /work/before/dist dist tumble /tmp/align/bids-2000000 5
// <data dir> holds part-0..3.csv; <data dir>-half-0 and -half-1 hold links to the first two and
// the last two files (the ceiling's halves). Per round: the before build at p2, the after build
// at p2 (in this process; workers are kept between runs), and the ceiling of each build (two
// child processes at p1, one per half, started together; time of the slower, CPU summed).
// ALIGN_AB_PRE: statements run first (e.g. SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';);
// ALIGN_AB_ONLY: a comma-separated subset of before,after,ceiling-before,ceiling-after.
// The first round (worker start, JIT) is dropped. Prints per run CPU seconds (every thread)
// and wall seconds, and their medians.
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
const Q = {
  pass: `INSERT INTO sink_p SELECT auction, bidder, price, date_time FROM bid;`,
  tumble: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  hop: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
  groupby: `INSERT INTO sink_u SELECT auction, COUNT(*), SUM(price), MAX(price) FROM bid GROUP BY auction;`,
};
const tables = (path, extra) => `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv'${extra});
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE sink_p (a BIGINT, b BIGINT, c BIGINT, d TIMESTAMP(3)) WITH ('connector' = 'blackhole');
CREATE TABLE sink_u (a BIGINT, c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');`;

async function runner(dist, name, path, par) {
  const { Session } = await import(join(dist, 'src/sql/session.js'));
  const { RunningJob } = await import(join(dist, 'src/exec/job-runner.js'));
  const extra = process.env.ALIGN_AB_OPTIONS ? `, ${process.env.ALIGN_AB_OPTIONS}` : '';
  return async () => {
    const session = new Session(); const sinks = [];
    for (const { result } of session.executeScript({ name: 'b.sql', text: `${process.env.ALIGN_AB_PRE ?? ''}\n${tables(path, extra)}\n${Q[name]}` })) if (result.kind === 'insert') sinks.push(...result.sinks);
    const plan = session.physicalPlan(sinks, [], par);
    const t0 = performance.now(); const c0 = process.cpuUsage();
    const s = await new RunningJob(plan, session.options, { jobId: 'b', parallelism: par, listener: () => ({ onBatch() {} }) }).run();
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, rows: s.rowsWritten };
  };
}

if (process.env.ALIGN_AB_CHILD) {
  const { dist, name, path } = JSON.parse(process.env.ALIGN_AB_CHILD);
  const run = await runner(dist, name, path, 1);
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) if (line === 'go') console.log(JSON.stringify(await run()));
  process.exit(0);
}

const [beforeDist, afterDist, name, dataPath, rounds] = process.argv.slice(2);
const data = resolve(dataPath);
function ceiling(dist) {
  const kids = [0, 1].map((h) => {
    const child = spawn(process.execPath, [process.argv[1]], { env: { ...process.env, ALIGN_AB_CHILD: JSON.stringify({ dist, name, path: `${data}-half-${h}` }) }, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    return { child, next: async () => (await lines.next()).value ?? '' };
  });
  let ready = null;
  return {
    run: async () => {
      ready ??= Promise.all(kids.map((k) => k.next()));
      await ready;
      for (const k of kids) k.child.stdin.write('go\n');
      const ms = (await Promise.all(kids.map((k) => k.next()))).map((l) => JSON.parse(l));
      return { wall: Math.max(...ms.map((m) => m.wall)), cpu: ms.reduce((a, m) => a + m.cpu, 0), rows: ms.reduce((a, m) => a + m.rows, 0) };
    },
    end: () => kids.forEach((k) => k.child.stdin.end()),
  };
}
const builds = { before: await runner(resolve(beforeDist), name, data, 2), after: await runner(resolve(afterDist), name, data, 2) };
const ceilings = { 'ceiling-before': ceiling(resolve(beforeDist)), 'ceiling-after': ceiling(resolve(afterDist)) };
const all = { ...builds, 'ceiling-before': ceilings['ceiling-before'].run, 'ceiling-after': ceilings['ceiling-after'].run };
const names = process.env.ALIGN_AB_ONLY ? process.env.ALIGN_AB_ONLY.split(',') : Object.keys(all);
const res = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < Number(rounds); r++) {
  const order = r % 2 === 0 ? names : [...names].reverse();
  for (const b of order) { const m = await all[b](); if (r > 0) res[b].push(m); }
}
for (const c of Object.values(ceilings)) c.end();
const med = (xs) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
for (const b of names) console.log(name.padEnd(7), b.padEnd(15), 'cpu', res[b].map((m) => m.cpu.toFixed(2)).join(' '), 'median', med(res[b].map((m) => m.cpu)).toFixed(2), '| wall', res[b].map((m) => m.wall.toFixed(2)).join(' '), 'median', med(res[b].map((m) => m.wall)).toFixed(2), '| rows', res[b][0]?.rows);
console.log('load', loadavg().map((x) => x.toFixed(1)).join(' '));
process.exit(0);
