// Operator micro-benchmark: decodes one csv file of bids (auction, price, date_time) once,
// then feeds its 4096-row batches to an updating GroupAggregateOperator or a one-phase TUMBLE
// 10 s WindowAggregateOperator (COUNT(*), SUM(price), MAX(price) per auction; the tumble one
// gets a watermark of the time - 4 s after each batch) from a given build, and prints the
// least CPU time of `reps` passes.
//
//   node bench/hot-op.mjs <dist> <group|tumble> [reps] [csv file]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
const [rootArg, q, repsArg = '7', csv = join(import.meta.dirname, 'data', 'bids-10000000', 'part-0.csv')] = process.argv.slice(2);
const root = resolve(rootArg);
const { CsvDecoder } = await import(`${root}/src/connectors/formats/csv.js`);
const { GroupAggregateOperator } = await import(`${root}/src/exec/operators/group-aggregate.js`);
const { WindowAggregateOperator } = await import(`${root}/src/exec/operators/window-aggregate.js`);
const buf = readFileSync(csv);
const T = (kind, extra = {}) => ({ kind, nullable: true, ...extra });
const BI = T('BIGINT'), TS = T('TIMESTAMP', { precision: 3 });
const cols = [{ name: 'auction', type: BI }, { name: 'bidder', type: BI }, { name: 'price', type: BI }, { name: 'channel', type: T('STRING') }, { name: 'date_time', type: TS }];
const d = new CsvDecoder(cols, [0, 2, 4], {}, 'x', { offset: 0, line: 0 });
d.push(buf, 0); d.finish();
const batches = [];
for (;;) { const r = d.decode(4096); if (r === null) break; batches.push(r.batch); }
const types = [BI, BI, TS];
const agg = (fn, args) => ({ fn, args, distinct: false, filter: undefined, type: BI, name: fn });
const aggs = [agg('count_star', []), agg('sum', [1]), agg('max', [1])];
const ctx = { operatorId: 'x', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: { lateDropped: 0, stateExpired: 0, rowsIn: 0, rowsOut: 0 } };
let best = Infinity, outRows = 0;
for (let rep = 0; rep < Number(repsArg); rep++) {
  outRows = 0;
  const out = { emit: (b) => { outRows += b.length; } };
  let op;
  if (q === 'group') op = new GroupAggregateOperator(types, [0], aggs, false, [BI, BI, BI, BI], 4096);
  else op = new WindowAggregateOperator({ kind: 'tumble', size: 10000, offset: 0 }, 2, types, [0], aggs, [BI, BI, BI, BI, TS, TS, TS], 4096);
  op.open(ctx);
  const c0 = process.cpuUsage();
  let wm = -Infinity;
  for (const b of batches) {
    op.processBatch(b, out);
    if (q !== 'group') { const tv = b.columns[2].values; let mx = wm; for (let i = 0; i < b.length; i++) if (tv[i] - 4000 > mx) mx = tv[i] - 4000; if (mx > wm) { wm = mx; op.processWatermark(wm, out); } }
  }
  if (q !== 'group') op.processWatermark(Infinity, out);
  const c = process.cpuUsage(c0);
  best = Math.min(best, (c.user + c.system) / 1e3);
}
console.log(root, q, 'rows out', outRows, 'best cpu ms', best.toFixed(0));
