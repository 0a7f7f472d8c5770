// Rows kept by an operator (OVER aggregation, temporal sort), column by column: each row has an
// id, and its values sit at that index of one growable array per column. `columns` are Column
// views over those arrays, so accumulators and ColumnBuilder.pushFrom read stored rows the same
// way they read a batch (ids as row indices). Freed ids are reused.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { allocValues, getScalar } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { physicalKind } from '../../common/types.js';
import type { Int64 } from '../../common/int64.js';

export class RowStore {
  /** Views over the stored rows (rebuilt when the store grows). */
  columns: Column[] = [];
  private readonly kinds: ReturnType<typeof physicalKind>[];
  /**
   * Per column. A BIGINT column becomes a plain array (the wide form of common/int64.ts:
   * numbers, and bigints beyond ±(2^53-1)) when its first such value arrives, and stays so.
   */
  private values: (Float64Array | Uint8Array | string[] | Int64[])[];
  private nulls: Uint8Array[];
  private free: number[] = [];
  private high = 0;
  private capacity = 0;
  /** Rows held. */
  size = 0;

  constructor(readonly types: readonly DataType[]) {
    this.kinds = types.map(physicalKind);
    this.values = this.kinds.map((k) => allocValues(k, 0) as Float64Array | Uint8Array | string[]);
    this.nulls = this.kinds.map(() => new Uint8Array(0));
    this.rebuild();
  }

  private rebuild(): void {
    this.columns = this.types.map((type, k) => ({ type, values: this.values[k]!, nulls: this.nulls[k]! }));
  }

  private take(): number {
    this.size++;
    const f = this.free.pop();
    if (f !== undefined) return f;
    if (this.high === this.capacity) {
      const cap = Math.max(64, this.capacity * 2);
      this.values = this.values.map((v, k) => {
        if (Array.isArray(v)) return v;
        const a = allocValues(this.kinds[k]!, cap) as Float64Array | Uint8Array;
        a.set(v);
        return a;
      });
      this.nulls = this.nulls.map((n) => {
        const a = new Uint8Array(cap);
        a.set(n);
        return a;
      });
      this.capacity = cap;
      this.rebuild();
    }
    return this.high++;
  }

  /** Copies row `row` of `batch` (same column types) into the store; returns its id. */
  add(batch: Batch, row: number): number {
    const id = this.take();
    for (let k = 0; k < this.types.length; k++) {
      const c = batch.columns[k]!;
      const isNull = c.nulls !== null && c.nulls[row] === 1;
      this.nulls[k]![id] = isNull ? 1 : 0;
      if (this.kinds[k] === 'f64') this.setNumber(k, id, isNull ? 0 : (c.values as Float64Array)[row]!);
      else if (Array.isArray(c.values)) (this.values[k] as unknown[])[id] = isNull ? (this.kinds[k] === 'obj' ? null : '') : c.values[row];
      else (this.values[k] as Float64Array | Uint8Array)[id] = isNull ? 0 : c.values[row]!;
    }
    return id;
  }

  /** Stores a row given as values (a restore). */
  addScalars(row: readonly Scalar[]): number {
    const id = this.take();
    for (let k = 0; k < this.types.length; k++) {
      const v = row[k] ?? null;
      this.nulls[k]![id] = v === null ? 1 : 0;
      if (this.kinds[k] === 'str') (this.values[k] as string[])[id] = v === null ? '' : String(v);
      else if (this.kinds[k] === 'obj') (this.values[k] as unknown[])[id] = v;
      else if (this.kinds[k] === 'f64') this.setNumber(k, id, v === null ? 0 : (v as number | bigint));
      else (this.values[k] as Float64Array | Uint8Array)[id] = v === null ? 0 : typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
    }
    return id;
  }

  /** Stores a number (or a BIGINT beyond ±(2^53-1): the column turns wide, once). */
  private setNumber(k: number, id: number, v: number | bigint): void {
    let a = this.values[k]!;
    if (typeof v === 'bigint' && !Array.isArray(a)) {
      a = Array.from(a as Float64Array);
      this.values[k] = a;
      this.rebuild();
    }
    (a as Float64Array)[id] = v as number;
  }

  release(id: number): void {
    this.size--;
    if (this.kinds.some((k) => k === 'str')) for (let k = 0; k < this.types.length; k++) if (this.kinds[k] === 'str') (this.values[k] as string[])[id] = '';
    this.free.push(id);
  }

  /** A number column's value (the time attribute). */
  num(column: number, id: number): number {
    return (this.values[column] as Float64Array)[id]!;
  }

  isNull(column: number, id: number): boolean {
    return this.nulls[column]![id] === 1;
  }

  scalar(column: number, id: number): Scalar {
    return getScalar(this.columns[column]!, id);
  }

  /** The row's values (snapshots). */
  row(id: number): Scalar[] {
    const out: Scalar[] = [];
    for (let k = 0; k < this.types.length; k++) out.push(getScalar(this.columns[k]!, id));
    return out;
  }

  /** True when stored row `id` equals row `row` of `batch` in every column (NULLs equal). */
  equalsBatchRow(id: number, batch: Batch, row: number): boolean {
    for (let k = 0; k < this.types.length; k++) {
      const c = batch.columns[k]!;
      const isNull = c.nulls !== null && c.nulls[row] === 1;
      if (isNull !== (this.nulls[k]![id] === 1)) return false;
      if (isNull) continue;
      const a = (this.values[k] as Float64Array | Uint8Array | string[])[id];
      const b = c.values[row];
      if (a !== b && !(typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b))) return false;
    }
    return true;
  }

  /** Rows `ids` as one block per column (snapshots: a few arrays however many rows). */
  toBlocks(ids: readonly number[]): ColumnBlock[] {
    const n = ids.length;
    return this.types.map((_, c): ColumnBlock => {
      const vals = this.values[c]!;
      const nulls = new Uint8Array(n);
      const src = this.nulls[c]!;
      if (Array.isArray(vals)) {
        const v = new Array<unknown>(n);
        for (let j = 0; j < n; j++) {
          const id = ids[j]!;
          v[j] = vals[id];
          nulls[j] = src[id]!;
        }
        return [v as string[], nulls];
      }
      const v = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const id = ids[j]!;
        v[j] = vals[id]!;
        nulls[j] = src[id]!;
      }
      return [v, nulls];
    });
  }

  /** Stores the rows of a block (toBlocks' output); returns their ids in order. */
  fromBlocks(block: readonly ColumnBlock[]): number[] {
    const n = block[0]?.[1].length ?? 0;
    const ids: number[] = [];
    const row: Scalar[] = new Array<Scalar>(block.length);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < block.length; c++) {
        const [v, nulls] = block[c]!;
        row[c] = nulls[i] === 1 ? null : this.types[c]!.kind === 'BOOLEAN' ? v[i] === 1 : v[i]!;
      }
      ids.push(this.addScalars(row));
    }
    return ids;
  }
}

/** One column of stored rows: values (numbers and booleans as a Float64Array) and a null mask. */
export type ColumnBlock = [Float64Array | string[], Uint8Array];
