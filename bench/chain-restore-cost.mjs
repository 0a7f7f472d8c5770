// `node bench/chain-restore-cost.mjs DIST [N] [INSERT_DELTAS] [UPDATE_DELTAS]`: what a restore of an incremental
// checkpoint's chain costs against a full snapshot of the same state, in one process (no files:
// the group aggregate's restore of its blocks). An updating GROUP BY k (COUNT, SUM) is filled with N keys over a
// full snapshot and INSERT_DELTAS deltas of new keys, then UPDATE_DELTAS deltas of 1% of the keys each.
// Evidence for the full-snapshot rule (src/exec/operators/delta-policy.ts) and its file cap.
const root = process.argv[2]; // a dist/ directory
const N = Number(process.argv[3] ?? 1_000_000);
const INS = Number(process.argv[4] ?? 5); // insert deltas
const UPD = Number(process.argv[5] ?? 20); // update deltas of 1% each
const { GroupAggregateOperator } = await import(root + '/src/exec/operators/group-aggregate.js');
const { T } = await import(root + '/src/common/types.js');
const { columnFromScalars } = await import(root + '/src/common/batch.js');
const { Collector, newMetrics } = await import(root + '/src/exec/operator.js');
const ctx = { operatorId: '1-group-aggregate', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
];
const mk = () => { const o = new GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], AGGS, false, [T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, 1000); o.open(ctx); return o; };
const out = new Collector();
function feed(op, keys) {
  for (let i = 0; i < keys.length; i += 4096) {
    const ks = keys.slice(i, i + 4096);
    op.processBatch({ length: ks.length, columns: [columnFromScalars(T.BIGINT, ks), columnFromScalars(T.BIGINT, ks.map((k) => k % 7))], ops: null }, out);
    out.drain();
  }
}
const op = mk();
const snaps = [];
let id = 0;
const snap = (o) => { const s = o.snapshot(++id); o.notifyCheckpointComplete(id); return s; };
const first = Math.floor(N / (INS + 1));
feed(op, Array.from({ length: first }, (_, i) => i));
snaps.push(snap(op));
for (let c = 0; c < INS; c++) {
  const from = first + Math.floor(((N - first) * c) / INS), to = first + Math.floor(((N - first) * (c + 1)) / INS);
  feed(op, Array.from({ length: to - from }, (_, i) => from + i));
  snaps.push(snap(op));
}
const hot = Array.from({ length: N / 100 }, (_, i) => i * 100);
const insertChain = snaps.length;
for (let c = 0; c < UPD; c++) { feed(op, hot); snaps.push(snap(op)); }
const full = op.snapshot(999999, true); // a full snapshot of the same state (a savepoint is always full)
function restore(list) {
  const keyed = new Map([[-1, list.flatMap((s) => s.keyed.get(-1))]]);
  const o = mk();
  const t0 = performance.now(); const c0 = process.cpuUsage();
  o.restore(keyed);
  const c = process.cpuUsage(c0);
  return `${(performance.now() - t0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms cpu`;
}
console.log(`N=${N} insert deltas ${INS} update deltas ${UPD}`);
console.log('full:                 ', restore([full]));
console.log('full + update deltas: ', restore([full, ...snaps.slice(insertChain)]));
console.log(`insert chain (${insertChain}):     `, restore(snaps.slice(0, insertChain)));
console.log(`whole chain (${snaps.length}):     `, restore(snaps));
