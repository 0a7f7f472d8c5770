// CPU-only: group aggregate (COUNT, SUM, MAX by key) and BIGINT a * 2 + b kernels, before vs after, interleaved.
// usage: node bench/bigint-micro.mjs <before: a build's dist dir> <after: a build's dist dir>
import { join } from 'node:path';
const sides = {};
for (const side of ['before', 'after']) {
  const dist = join(side === 'before' ? process.argv[2] : process.argv[3], 'src');
  const { GroupAggregateOperator } = await import(join(dist, 'exec/operators/group-aggregate.js'));
  const { Collector, newMetrics } = await import(join(dist, 'exec/operator.js'));
  const { T } = await import(join(dist, 'common/types.js'));
  const { functionByName } = await import(join(dist, 'expr/registry.js'));
  await import(join(dist, 'expr/functions/index.js'));
  sides[side] = { GroupAggregateOperator, Collector, newMetrics, T, functionByName };
}
const N = 4096, B = 300;
const batches = [];
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let b = 0; b < B; b++) {
  const k = new Float64Array(N), v = new Float64Array(N);
  for (let i = 0; i < N; i++) { k[i] = 1000 + Math.floor(rnd() * 10000); v[i] = Math.floor(rnd() * 1e7); }
  batches.push({ k, v });
}
function aggRun(s) {
  const { T } = s;
  const call = (fn, args) => ({ fn, args, distinct: false, filter: undefined, type: T.BIGINT, name: fn });
  const op = new s.GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], [call('count_star', []), call('sum', [1]), call('max', [1])], false, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT], 4096);
  op.open({ operatorId: 'g', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: s.newMetrics() });
  const out = new s.Collector();
  const t0 = performance.now();
  for (const { k, v } of batches) { op.processBatch({ length: N, columns: [{ type: T.BIGINT, values: k, nulls: null }, { type: T.BIGINT, values: v, nulls: null }], ops: null }, out); out.drain(); }
  return performance.now() - t0;
}
function kernRun(s) {
  const { T } = s;
  const mul = s.functionByName('mul').kernel({ args: [T.BIGINT, T.BIGINT], ret: T.BIGINT }, []);
  const add = s.functionByName('add').kernel({ args: [T.BIGINT, T.BIGINT], ret: T.BIGINT }, []);
  const two = { type: T.BIGINT, values: new Float64Array(N).fill(2), nulls: null };
  const t0 = performance.now();
  for (let r = 0; r < 5; r++) for (const { k, v } of batches) { const p = mul([{ type: T.BIGINT, values: v, nulls: null }, two], N); add([p, { type: T.BIGINT, values: k, nulls: null }], N); }
  return performance.now() - t0;
}
const res = { agg: { before: [], after: [] }, kern: { before: [], after: [] } };
for (let round = 0; round < 12; round++) for (const side of round % 2 ? ['before', 'after'] : ['after', 'before']) { res.agg[side].push(aggRun(sides[side])); res.kern[side].push(kernRun(sides[side])); }
for (const w of ['agg', 'kern']) {
  const b = res[w].before.slice().sort((x, y) => x - y), a = res[w].after.slice().sort((x, y) => x - y);
  console.log(w, 'min before', b[0].toFixed(0), 'after', a[0].toFixed(0), 'ratio before/after (speed after vs before) min %s median %s', (b[0] / a[0]).toFixed(3), (b[6] / a[6]).toFixed(3));
}
