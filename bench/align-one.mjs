// One query run repeatedly in one process, with per-thread CPU (/proc/self/task):
//   node bench/align-one.mjs <dist> <pass|tumble> <data dir[,data dir 2 alternated]> <parallelism> <runs>
// QUIET=1: only the median process CPU per data dir (first round dropped); PRE='SET ...;' runs first;
// OPTS: extra table options; TL=1: the main thread's start/end times.
// node one.mjs <dist> <query> <data> <par> <runs>
import { join, resolve } from 'node:path';
const [dist, name, data, par, runs] = process.argv.slice(2);
const Q = {
  pass: `INSERT INTO sink_p SELECT auction, bidder, price, date_time FROM bid;`,
  tumble: `INSERT INTO sink_t SELECT auction, window_start, COUNT(*), SUM(price), MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;`,
};
const extra = process.env.OPTS ? `, ${process.env.OPTS}` : '';
const tablesT = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'filesystem', 'path' = '@@PATH@@', 'format' = 'csv'${extra});
CREATE TABLE sink_t (a BIGINT, b TIMESTAMP(3), c BIGINT, d BIGINT, e BIGINT) WITH ('connector' = 'blackhole');
CREATE TABLE sink_p (a BIGINT, b BIGINT, c BIGINT, d TIMESTAMP(3)) WITH ('connector' = 'blackhole');`;
const { Session } = await import(join(resolve(dist), 'src/sql/session.js'));
const { RunningJob } = await import(join(resolve(dist), 'src/exec/job-runner.js'));
import { readdirSync, readFileSync } from 'node:fs';
function threads() { const m = new Map(); for (const t of readdirSync('/proc/self/task')) { try { const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8'); const comm = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim(); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); m.set(t, { comm, cpu: (Number(f[11]) + Number(f[12])) / 100 }); } catch {} } return m; }
const datas = data.split(','); const acc = {};
for (let r = 0; r < Number(runs) * datas.length; r++) {
  const d = datas[r % datas.length];
  const session = new Session(); const sinks = [];
  for (const { result } of session.executeScript({ name: 'b.sql', text: `${process.env.PRE ?? ""}\n${tablesT.replace('@@PATH@@', resolve(d))}\n${Q[name]}` })) if (result.kind === 'insert') sinks.push(...result.sinks);
  const p = Number(par); const plan = session.physicalPlan(sinks, [], p);
  const th0 = threads();
  const t0 = performance.now(); if (process.env.TL) console.error(`[main] start ${((performance.timeOrigin + t0) % 1e5).toFixed(1)}`); const c0 = process.cpuUsage();
  const s = await new RunningJob(plan, session.options, { jobId: 'b', parallelism: p, listener: () => ({ onBatch() {} }) }).run();
  const c = process.cpuUsage(c0); if (process.env.TL) console.error(`[main] end ${((performance.timeOrigin + performance.now()) % 1e5).toFixed(1)}`);
  const th1 = threads(); const per = {}; for (const [t, v] of th1) { const d = v.cpu - (th0.get(t)?.cpu ?? 0); if (d > 0.005) per[`${v.comm}/${t}`] = d.toFixed(2); }
  const wk = Object.entries(per).filter(([k]) => Number(k.split('/')[1]) > 0).map(([k, v]) => Number(v)); const workers = Object.entries(th1).length;
  if (process.env.QUIET) { if (r >= datas.length) (acc[d] ??= []).push((c.user + c.system) / 1e6); } else console.log(JSON.stringify(per));
  console.log(name, 'p' + p, 'wall', ((performance.now() - t0) / 1000).toFixed(2), 'cpu', ((c.user + c.system) / 1e6).toFixed(2), 'rows', s.rowsWritten);
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [d, xs] of Object.entries(acc)) console.log(d, 'cpu', xs.map((x) => x.toFixed(2)).join(' '), 'median', med(xs).toFixed(2));
process.exit(0);
