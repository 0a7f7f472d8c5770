// Lookup join (processing time): `JOIN t FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.k = c.k`
// against a table read by key (a jdbc table). For each batch of left rows, the distinct keys
// are looked up at once (one query, through the table's cache); each left row joins the rows
// of its key as the table holds them when the batch is processed.
// State: none (the cache is the connector's and is not checkpointed: after a restore, rows
// are looked up again, as Flink does). Watermarks pass through. A left row keeps its
// changelog kind, so a retraction from the left retracts the joined rows it produced (as
// long as the table did not change in between, as in Flink).
// INNER drops left rows without a match (a NULL key never matches); LEFT pads them with NULLs.
// The residual ON condition is evaluated on each joined row; a LEFT row none of whose
// matches pass it is padded.

import type { Batch, Column } from '../../common/batch.js';
import { BatchBuilder, RowKind, takeBatch } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { BoundExpr } from '../../expr/bound.js';
import { compileExpr } from '../../expr/compile.js';
import type { LookupTable } from '../../connectors/connector.js';
import { lookupKeyId } from '../../connectors/postgres/jdbc-lookup.js';
import type { Collector, Operator } from '../operator.js';

export class LookupJoinOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys go to PostgreSQL as their digits (lookupKeyId and the key encoders), rows are built with ColumnBuilder. */
  readonly wideInts = true;
  private table: LookupTable | null = null;
  private readonly cond: ((b: Batch) => Column) | null;
  private readonly builder: BatchBuilder;

  constructor(
    private readonly open_: () => Promise<LookupTable>,
    private readonly leftTypes: readonly DataType[],
    private readonly rightTypes: readonly DataType[],
    private readonly leftKeys: readonly number[],
    private readonly outer: boolean,
    condition: BoundExpr | undefined,
  ) {
    this.cond = condition === undefined ? null : compileExpr(condition);
    this.builder = new BatchBuilder([...leftTypes, ...rightTypes]);
  }

  async open(): Promise<void> {
    this.table = await this.open_();
  }

  async processBatch(batch: Batch, out: Collector): Promise<void> {
    const n = batch.length;
    if (n === 0) return;
    const keyCols = this.leftKeys.map((k) => batch.columns[k]!);
    const rowIds = new Array<string | null>(n);
    const ids: string[] = [];
    const keys: unknown[][] = [];
    const seen = new Set<string>();
    const vals: unknown[] = new Array<unknown>(keyCols.length);
    for (let i = 0; i < n; i++) {
      let isNull = false;
      for (let k = 0; k < keyCols.length; k++) {
        const c = keyCols[k]!;
        if (c.nulls !== null && c.nulls[i] === 1) {
          isNull = true;
          break;
        }
        vals[k] = c.values[i];
      }
      if (isNull) {
        rowIds[i] = null;
        continue;
      }
      const id = lookupKeyId(vals);
      rowIds[i] = id;
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
        keys.push([...vals]);
      }
    }
    const found = ids.length > 0 ? await this.table!.lookup(keys, ids) : new Map<string, readonly (readonly unknown[])[]>();
    const b = this.builder;
    const nl = this.leftTypes.length;
    const nr = this.rightTypes.length;
    // candidate rows: each left row with each of its key's rows (and, for LEFT, a padded row
    // used only when no candidate of the row passes the condition)
    const leftOf: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = rowIds[i] ?? null;
      const rows = id === null ? undefined : found.get(id);
      if (rows === undefined || rows.length === 0) continue;
      const kind = batch.ops === null ? RowKind.Insert : (batch.ops[i]! as RowKind);
      for (const r of rows) {
        for (let c = 0; c < nl; c++) b.cols[c]!.pushFrom(batch.columns[c]!, i);
        for (let c = 0; c < nr; c++) b.cols[nl + c]!.push(r[c] as never);
        b.endRow(kind);
        leftOf.push(i);
      }
    }
    let joined = b.finish();
    let matched: Uint8Array | null = this.outer ? new Uint8Array(n) : null;
    if (this.cond !== null && joined.length > 0) {
      const m = this.cond(joined);
      const mask = m.values as Uint8Array;
      const keep: number[] = [];
      for (let j = 0; j < joined.length; j++) if (mask[j] === 1 && (m.nulls === null || m.nulls[j] === 0)) keep.push(j);
      if (keep.length < joined.length) {
        const idx = Int32Array.from(keep);
        joined = takeBatch(joined, idx, idx.length);
        const kept = keep.map((j) => leftOf[j]!);
        leftOf.length = 0;
        leftOf.push(...kept);
      }
    }
    out.emit(joined);
    if (matched !== null) {
      for (const i of leftOf) matched[i] = 1;
      for (let i = 0; i < n; i++) {
        if (matched[i] === 1) continue;
        const kind = batch.ops === null ? RowKind.Insert : (batch.ops[i]! as RowKind);
        for (let c = 0; c < nl; c++) b.cols[c]!.pushFrom(batch.columns[c]!, i);
        for (let c = 0; c < nr; c++) b.cols[nl + c]!.pushNull();
        b.endRow(kind);
      }
      out.emit(b.finish());
      matched = null;
    }
  }

  async close(): Promise<void> {
    await this.table?.close();
  }
}
