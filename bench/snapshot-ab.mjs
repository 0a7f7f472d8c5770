// The main thread's part of a full checkpoint of the group aggregate: feeds N distinct BIGINT keys
// (COUNT(*), SUM) to an operator of the build under ROOT (a dist/ directory) and times six
// snapshot() calls, CPU and wall. A/B: node bench/snapshot-ab.mjs dist 2000000; node
// bench/snapshot-ab.mjs /work/before/dist 2000000.
import { resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'dist');
const N = Number(process.argv[3] ?? 2e6);
const { GroupAggregateOperator } = await import(`${root}/src/exec/operators/group-aggregate.js`);
const { T } = await import(`${root}/src/common/types.js`);
const { Collector, newMetrics } = await import(`${root}/src/exec/operator.js`);
const { columnFromScalars } = await import(`${root}/src/common/batch.js`);
const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
];
const op = new GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], AGGS, false, [T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, 0);
op.open({ operatorId: '1-group-aggregate', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() });
const B = 4096;
for (let i = 0; i < N; i += B) {
  const n = Math.min(B, N - i);
  const k = new Float64Array(n), v = new Float64Array(n);
  for (let j = 0; j < n; j++) { k[j] = i + j; v[j] = j % 1000; }
  const c = new Collector();
  op.processBatch({ length: n, columns: [{ type: T.BIGINT, values: k, nulls: null }, { type: T.BIGINT, values: v, nulls: null }], ops: null }, c);
  c.drain();
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const res = [];
for (let r = 0; r < 6; r++) {
  const c0 = cpu(), t0 = performance.now();
  const s = op.snapshot(r + 1);
  res.push(`${(cpu() - c0).toFixed(0)}cpu/${(performance.now() - t0).toFixed(0)}wall`);
}
console.log(root, 'snapshot ms:', res.join(' '));
