// Processing-time lookup join against a bounded file table (Flink's lookup join over its
// lookupable legacy CSV source, upstream Nexmark q13): when the operator opens, it reads the
// table's rows once (every file, as one reader of parallelism 1), computes the table's columns
// and indexes the rows by the right keys. Each left row then joins, at once, every indexed row
// with the same key values that passes the residual condition; a LEFT join pads a left row
// without such a row with NULLs. A left row with a NULL key (not IS NOT DISTINCT FROM) matches
// nothing. The left row's changelog kind is passed on, so the output is append-only when the
// left input is.
//
// No state goes into checkpoints: on a restart the file is read again (Flink's lookup join is
// stateless too). Every subtask holds its own copy of the rows, as each Flink subtask's lookup
// function does.

import type { Batch, Column, Values } from '../../common/batch.js';
import { RowKind } from '../../common/batch.js';
import { internalError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import { physicalKind } from '../../common/types.js';
import type { SourceConnector } from '../../connectors/connector.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr, compileProjection } from '../../expr/compile.js';
import type { OperatorSpec } from '../../plan/physical.js';
import type { Collector, Operator, OperatorContext } from '../operator.js';
import { JoinRows } from './join-rows.js';
import { keyMatchable } from './regular-join.js';

export type FileLookupJoinSpec = Extract<OperatorSpec, { kind: 'file-lookup-join' }>;

export class FileLookupJoinOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys and carried columns live in JoinRows; output columns are gathered as they are. */
  readonly wideInts = true;
  private readonly rows: JoinRows;
  private readonly condition: CompiledExpr | null;
  private readonly outer: boolean;
  // output row i: left row outL[i] with right slot outR[i] (-1: NULLs); reused
  private outL = new Int32Array(256);
  private outR = new Int32Array(256);
  private pass = new Uint8Array(0);

  constructor(
    private readonly spec: FileLookupJoinSpec,
    private readonly leftTypes: readonly DataType[],
    private readonly rightTypes: readonly DataType[],
    private readonly batchSize: number,
    private readonly connector: () => SourceConnector,
  ) {
    this.rows = new JoinRows(rightTypes, spec.rightKeys, false);
    this.condition = spec.condition === undefined ? null : compileExpr(spec.condition);
    this.outer = spec.joinType === 'left';
  }

  /** Reads the whole table and indexes its rows by the lookup keys. */
  async open(ctx: OperatorContext): Promise<void> {
    const s = this.spec.lookup;
    const reader = await this.connector().createReader({ subtask: 0, parallelism: 1, columns: s.read, restored: undefined });
    const identity = s.outputs.length === s.read.length && s.outputs.every((e, i) => e.kind === 'input' && e.index === i);
    const project = identity ? null : compileProjection(s.outputs);
    try {
      for (;;) {
        const raw = await reader.next(this.batchSize);
        if (raw === null) break;
        if (raw.length === 0) continue;
        const batch = project === null ? raw : project(raw);
        const keyAt = this.rows.keyFn(batch);
        for (let i = 0; i < batch.length; i++) {
          if (batch.ops !== null && batch.ops[i] !== RowKind.Insert) throw internalError('a lookup join read a changelog row');
          if (!keyMatchable(batch.columns, this.spec.rightKeys, this.spec.nullSafe, i)) continue;
          this.rows.add(batch, i, keyAt(i), ctx.maxParallelism, 0, 0);
        }
      }
    } finally {
      await reader.close();
    }
  }

  /** Rows of the table held (for tests and metrics). */
  get tableRows(): number {
    return this.rows.rows;
  }

  processBatch(batch: Batch, out: Collector): void {
    const n = batch.length;
    if (n === 0) return;
    const rows = this.rows;
    const keyAt = rows.keyFn(batch, this.spec.leftKeys);
    // every (left row, matching right row) pair, in left-row order
    let m = 0;
    const firstOf = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      firstOf[i] = m;
      if (!keyMatchable(batch.columns, this.spec.leftKeys, this.spec.nullSafe, i)) continue;
      for (let s = rows.first(keyAt(i)); s >= 0; s = rows.next(s)) {
        if (m === this.outL.length) this.growPairs();
        this.outL[m] = i;
        this.outR[m++] = s;
      }
    }
    firstOf[n] = m;
    const pass = this.evaluate(batch, m);
    // output: each left row's passing matches, or (LEFT) the row padded with NULLs
    const outL = new Int32Array(this.outer ? m + n : m);
    const outR = new Int32Array(outL.length);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const before = k;
      for (let j = firstOf[i]!; j < firstOf[i + 1]!; j++) {
        if (pass !== null && pass[j] === 0) continue;
        outL[k] = i;
        outR[k++] = this.outR[j]!;
      }
      if (k === before && this.outer) {
        outL[k] = i;
        outR[k++] = -1;
      }
    }
    if (k === 0) return;
    for (let start = 0; start < k; start += this.batchSize) {
      const len = Math.min(this.batchSize, k - start);
      out.emit(this.build(batch, outL.subarray(start, start + len), outR.subarray(start, start + len)));
    }
  }

  private growPairs(): void {
    const cap = this.outL.length * 2;
    const l = new Int32Array(cap);
    l.set(this.outL);
    this.outL = l;
    const r = new Int32Array(cap);
    r.set(this.outR);
    this.outR = r;
  }

  /** The residual condition over the m pairs (1 = passes), or null when there is none. */
  private evaluate(batch: Batch, m: number): Uint8Array | null {
    if (this.condition === null) return null;
    if (this.pass.length < m) this.pass = new Uint8Array(Math.max(m, this.pass.length * 2));
    const pass = this.pass;
    if (m === 0) return pass;
    const idxL = this.outL.subarray(0, m);
    const idxR = this.outR.subarray(0, m);
    const columns = [...batch.columns.map((c) => take(c, idxL, m)), ...this.rows.view().map((c) => take(c, idxR, m))];
    const res = this.condition({ length: m, columns, ops: null });
    const v = res.values as Uint8Array;
    const nulls = res.nulls;
    for (let j = 0; j < m; j++) pass[j] = v[j] === 1 && (nulls === null || nulls[j] === 0) ? 1 : 0;
    return pass;
  }

  private build(batch: Batch, idxL: Int32Array, idxR: Int32Array): Batch {
    const n = idxL.length;
    const columns: Column[] = [...batch.columns.map((c) => take(c, idxL, n)), ...this.rows.view().map((c) => take(c, idxR, n))];
    let ops: Uint8Array | null = null;
    if (batch.ops !== null) {
      ops = new Uint8Array(n);
      for (let i = 0; i < n; i++) ops[i] = batch.ops[idxL[i]!]!;
    }
    return { length: n, columns, ops };
  }
}

/** Rows `idx` of a column; index -1 gives NULL. */
function take(col: Column, idx: Int32Array, n: number): Column {
  const src = col.values;
  const srcNulls = col.nulls;
  let values: Values;
  let nulls: Uint8Array | null = null;
  const nullAt = (i: number): void => {
    if (nulls === null) nulls = new Uint8Array(n);
    nulls[i] = 1;
  };
  if (src instanceof Float64Array || src instanceof Uint8Array) {
    const out = src instanceof Float64Array ? new Float64Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      if (j < 0 || (srcNulls !== null && srcNulls[j] === 1)) nullAt(i);
      else out[i] = src[j]!;
    }
    values = out;
  } else {
    const arr = src as unknown[];
    const kind = physicalKind(col.type);
    // (a wide BIGINT column, common/int64.ts: a NULL slot holds 0)
    const empty = kind === 'obj' ? null : kind === 'f64' ? 0 : '';
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      if (j < 0 || (srcNulls !== null && srcNulls[j] === 1)) {
        nullAt(i);
        out[i] = empty;
      } else out[i] = arr[j];
    }
    values = out as Values;
  }
  return { type: col.type, values, nulls };
}
