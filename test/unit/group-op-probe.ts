// Shared by the group aggregate's restore tests (restore-adopt, restore-chain): an updating
// `GROUP BY k` with COUNT(*) and SUM(v) over BIGINT (k, v), fed batches directly, and a probe
// that makes every key's group visible as a sorted changelog.
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';

export const MAXP = 128;

/** The context of subtask `subtask` of `parallelism`, with its share of the key groups. */
export const ctx = (subtask = 0, parallelism = 1): OperatorContext => {
  const start = Math.floor((subtask * MAXP) / parallelism);
  const end = Math.floor(((subtask + 1) * MAXP) / parallelism);
  return { operatorId: '1-group-aggregate', subtask, parallelism, maxParallelism: MAXP, keyGroups: { start, end }, metrics: newMetrics() };
};

const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
] as const;

/** An opened operator with incremental checkpoints ('full-every' = `fullEvery`). */
export function makeGroupOp(fullEvery: number, c: OperatorContext = ctx()): GroupAggregateOperator {
  const op = new GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], AGGS as never, true, [T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, fullEvery);
  op.open(c);
  return op;
}

export type Key = number | bigint | null;

/** Rows (k, v(i)) of one row kind. */
export function batch(keys: readonly Key[], v: (i: number) => number, kind = 0): Batch {
  return { length: keys.length, columns: [columnFromScalars(T.BIGINT, keys), columnFromScalars(T.BIGINT, keys.map((_, i) => v(i)))], ops: new Uint8Array(keys.length).fill(kind) } as unknown as Batch;
}

export const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Every key's group, made visible by one more row per key: the sorted changelog. */
export function probe(op: GroupAggregateOperator, keys: readonly Key[]): string[] {
  const out = new Collector();
  op.processBatch(batch(keys, () => 1), out);
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join(', ')}]`);
  return lines.sort();
}
