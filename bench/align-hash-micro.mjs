// The hash partitioner alone, two builds in one process, alternating:
//   node bench/align-hash-micro.mjs <before dist> <after dist> [rounds]
// Routes 2,000,000 rows (4,096-row batches of a BIGINT key, a BIGINT and a TIMESTAMP column,
// keys as Nexmark auctions) to 2 channels that drop what they get; prints CPU ms per round
// (the first round is dropped) and the median.
import { join, resolve } from 'node:path';
const [a, b, rounds = '9'] = process.argv.slice(2);
const N = 2_000_000, B = 4096;
const batches = [];
let seed = 1;
for (let off = 0; off < N; off += B) {
  const n = Math.min(B, N - off);
  const k = new Float64Array(n), v = new Float64Array(n), t = new Float64Array(n);
  for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; k[i] = 1000 + (seed % 10000); v[i] = seed % 99991; t[i] = 1436918400000 + off + i; }
  batches.push({ length: n, columns: [{ type: { kind: 'BIGINT' }, values: k, nulls: null }, { type: { kind: 'BIGINT' }, values: v, nulls: null }, { type: { kind: 'TIMESTAMP', precision: 3 }, values: t, nulls: null }], ops: null });
}
const sink = () => ({ isCancelled: false, rows: 0, push(m) { if (m.kind === 'data') this.rows += m.batch.length; return undefined; }, cancel() {} });
const builds = {};
for (const [name, dist] of [['before', a], ['after', b]]) {
  const { TaskOutput } = await import(join(resolve(dist), 'src/exec/task.js'));
  builds[name] = async () => {
    const chans = [sink(), sink()];
    const out = new TaskOutput([{ partitioning: { kind: 'hash', keys: [0] }, channels: chans, maxParallelism: 128 }]);
    const c0 = process.cpuUsage();
    for (const bt of batches) await out.send(bt);
    const c = process.cpuUsage(c0);
    if (chans[0].rows + chans[1].rows !== N) throw new Error('rows lost');
    return (c.user + c.system) / 1000;
  };
}
const res = { before: [], after: [] };
for (let r = 0; r < Number(rounds); r++) for (const n of r % 2 ? ['after', 'before'] : ['before', 'after']) { const ms = await builds[n](); if (r > 0) res[n].push(ms); }
const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (const n of ['before', 'after']) console.log(n, 'cpu ms', res[n].map((x) => x.toFixed(0)).join(' '), 'median', med(res[n]).toFixed(0));
