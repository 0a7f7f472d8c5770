// Shared by bench/snapshot-ab.mjs and bench/snapshot-cost.mjs: an updating GROUP BY operator
// (BIGINT key, COUNT(*) and SUM) of the build under ROOT (a dist/ directory), opened at
// parallelism 1 and fed N distinct keys in batches of 4096.

export async function filledGroupAggregate(root, N) {
  const { GroupAggregateOperator } = await import(`${root}/src/exec/operators/group-aggregate.js`);
  const { T } = await import(`${root}/src/common/types.js`);
  const { Collector, newMetrics } = await import(`${root}/src/exec/operator.js`);
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
  return op;
}
