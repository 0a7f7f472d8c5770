// Columnar batches: the unit of data moving through weir (DESIGN §4).
//
// A batch holds `length` rows as columns. Numbers, timestamps, dates and intervals live in
// Float64Array, booleans in Uint8Array, strings in plain arrays. A column's null mask is
// null when the column has no NULLs (the common case; kernels take a fast path then).
// The `ops` column carries changelog kinds; null means every row is an insert (+I).
//
// Invariant: every column's `values` has at least `length` entries; entries past `length`
// are garbage. A NULL slot's value is unspecified (0 or '') and must never be read as data.

import type { CompositeValue } from './composite.js';
import { type DataType, type PhysicalKind, physicalKind } from './types.js';

/** string[] for STRING columns; unknown[] (composite values, composite.ts) for 'obj' columns. */
export type Values = Float64Array | Uint8Array | string[] | unknown[]; // BIGINT may be wide: (number | bigint)[] (int64.ts)

export interface Column {
  readonly type: DataType;
  readonly values: Values;
  /** 1 = NULL. null = no NULLs in this column. */
  readonly nulls: Uint8Array | null;
}

/** Changelog kinds, as Flink prints them. */
export const enum RowKind {
  Insert = 0, // +I
  UpdateBefore = 1, // -U
  UpdateAfter = 2, // +U
  Delete = 3, // -D
}

export const ROW_KIND_TEXT = ['+I', '-U', '+U', '-D'] as const;

/** True for kinds that add a row to the materialised result (+I, +U). */
export function isAccumulate(kind: number): boolean {
  return kind === RowKind.Insert || kind === RowKind.UpdateAfter;
}

export interface Batch {
  readonly length: number;
  readonly columns: readonly Column[];
  /** Changelog kind per row; null = all +I (append-only). */
  readonly ops: Uint8Array | null;
  /**
   * Set when every typed array of the batch was allocated for it alone (takeBatch): another
   * thread may then take the buffers over instead of copying them. Never set on batches whose
   * arrays may be shared (cached constants, builder buffers, subarray views).
   */
  readonly owned?: boolean;
}

/** One value as JS: composite values (ROW, ARRAY, MAP) as described in composite.ts. */
export type Scalar = number | string | boolean | null | CompositeValue | bigint; // bigint: a BIGINT beyond ±(2^53-1) (int64.ts)

export function allocValues(kind: PhysicalKind, n: number): Values {
  switch (kind) {
    case 'f64':
      return new Float64Array(n);
    case 'bool':
      return new Uint8Array(n);
    case 'str':
      return new Array<string>(n).fill('');
    case 'obj':
      return new Array<unknown>(n).fill(null);
  }
}

export function makeColumn(type: DataType, values: Values, nulls: Uint8Array | null = null): Column {
  return { type, values, nulls };
}

export function emptyBatch(types: readonly DataType[]): Batch {
  return { length: 0, columns: types.map((t) => makeColumn(t, allocValues(physicalKind(t), 0))), ops: null };
}

export function isNullAt(col: Column, i: number): boolean {
  return col.nulls !== null && col.nulls[i] === 1;
}

/** Reads one value as a JS scalar (slow path: tests, printing, state keys of odd types). */
export function getScalar(col: Column, i: number): Scalar {
  if (col.nulls !== null && col.nulls[i] === 1) return null;
  const v = col.values[i];
  if (physicalKind(col.type) === 'bool') return v === 1;
  return v as number | string | CompositeValue;
}

/** Gathers rows `idx[0..n)` of every column into a new batch. */
export function takeBatch(batch: Batch, idx: Int32Array | Uint32Array, n: number): Batch {
  const cs = batch.columns;
  const columns: Column[] = [];
  for (let k = 0; k < cs.length; k++) {
    const c = cs[k]!;
    // a column sharing its arrays with an earlier one (a passed-through partial's SUM and MAX of
    // one column) shares the gathered arrays too: gathered once
    let j = 0;
    while (j < k && (cs[j]!.values !== c.values || cs[j]!.nulls !== c.nulls)) j++;
    columns.push(j < k ? { type: c.type, values: columns[j]!.values, nulls: columns[j]!.nulls } : takeColumn(c, idx, n));
  }
  let ops: Uint8Array | null = null;
  if (batch.ops !== null) {
    ops = new Uint8Array(n);
    const src = batch.ops;
    for (let i = 0; i < n; i++) ops[i] = src[idx[i]!]!;
  }
  return { length: n, columns, ops, owned: true };
}

export function takeColumn(col: Column, idx: Int32Array | Uint32Array, n: number): Column {
  const src = col.values;
  let values: Values;
  if (src instanceof Float64Array) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
    values = out;
  } else if (src instanceof Uint8Array) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
    values = out;
  } else {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = src[idx[i]!];
    values = out;
  }
  let nulls: Uint8Array | null = null;
  if (col.nulls !== null) {
    const srcNulls = col.nulls;
    let any = 0;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const b = srcNulls[idx[i]!]!;
      out[i] = b;
      any |= b;
    }
    nulls = any ? out : null;
  }
  return { type: col.type, values, nulls };
}

/** Keeps the rows whose mask entry is 1 and not NULL (SQL WHERE semantics). */
export function filterBatch(batch: Batch, mask: Uint8Array, maskNulls: Uint8Array | null): Batch {
  const n = batch.length;
  const idx = new Int32Array(n);
  let m = 0;
  if (maskNulls === null) {
    for (let i = 0; i < n; i++) if (mask[i] === 1) idx[m++] = i;
  } else {
    for (let i = 0; i < n; i++) if (mask[i] === 1 && maskNulls[i] === 0) idx[m++] = i;
  }
  if (m === n) return batch;
  return takeBatch(batch, idx, m);
}

export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  const columns = batch.columns.map((c) => ({
    type: c.type,
    values: Array.isArray(c.values) ? c.values.slice(start, end) : c.values.subarray(start, end),
    nulls: c.nulls === null ? null : c.nulls.subarray(start, end),
  }));
  return { length: end - start, columns, ops: batch.ops === null ? null : batch.ops.subarray(start, end) };
}

/** Concatenates batches of the same schema. */
export function concatBatches(types: readonly DataType[], batches: readonly Batch[]): Batch {
  if (batches.length === 1) return batches[0]!;
  let total = 0;
  for (const b of batches) total += b.length;
  const anyOps = batches.some((b) => b.ops !== null);
  const ops = anyOps ? new Uint8Array(total) : null;
  const columns: Column[] = types.map((t, ci) => {
    const kind = physicalKind(t);
    // a wide BIGINT column in any batch (int64.ts) makes the whole column wide
    const wide = kind === 'f64' && batches.some((b) => Array.isArray(b.columns[ci]!.values));
    const values = wide ? new Array<number | bigint>(total).fill(0) : allocValues(kind, total);
    const anyNulls = batches.some((b) => b.columns[ci]!.nulls !== null);
    const nulls = anyNulls ? new Uint8Array(total) : null;
    let off = 0;
    for (const b of batches) {
      const c = b.columns[ci]!;
      if (Array.isArray(values)) {
        const src = c.values as ArrayLike<unknown>;
        for (let i = 0; i < b.length; i++) (values as unknown[])[off + i] = src[i];
      } else {
        (values as Float64Array).set((c.values as Float64Array).subarray(0, b.length), off);
      }
      if (nulls !== null && c.nulls !== null) nulls.set(c.nulls.subarray(0, b.length), off);
      off += b.length;
    }
    return { type: t, values, nulls };
  });
  if (ops !== null) {
    let off = 0;
    for (const b of batches) {
      if (b.ops !== null) ops.set(b.ops.subarray(0, b.length), off);
      off += b.length;
    }
  }
  return { length: total, columns, ops };
}

/** Builds a column from JS scalars (tests, constant folding, small outputs). */
export function columnFromScalars(type: DataType, data: readonly Scalar[]): Column {
  const n = data.length;
  const kind = physicalKind(type);
  // a bigint (a BIGINT beyond ±(2^53-1)) makes the column wide (int64.ts), never rounded
  const values = kind === 'f64' && data.some((v) => typeof v === 'bigint') ? new Array<number | bigint>(n).fill(0) : allocValues(kind, n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v === null || v === undefined) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
      continue;
    }
    if (kind === 'str') (values as string[])[i] = String(v);
    else if (kind === 'obj') (values as unknown[])[i] = v;
    else if (kind === 'bool') (values as Uint8Array)[i] = v ? 1 : 0;
    else if (Array.isArray(values)) values[i] = typeof v === 'bigint' ? v : Number(v);
    else (values as Float64Array)[i] = Number(v);
  }
  return { type, values, nulls };
}

export function batchFromRows(types: readonly DataType[], rows: readonly (readonly Scalar[])[], ops?: readonly number[]): Batch {
  const columns = types.map((t, ci) => columnFromScalars(t, rows.map((r) => r[ci] ?? null)));
  return { length: rows.length, columns, ops: ops ? Uint8Array.from(ops) : null };
}

export function batchToRows(batch: Batch): Scalar[][] {
  const rows: Scalar[][] = [];
  for (let i = 0; i < batch.length; i++) rows.push(batch.columns.map((c) => getScalar(c, i)));
  return rows;
}

/** Growable column used by operators that assemble output row by row (window firing). */
export class ColumnBuilder {
  private f64: Float64Array | null = null;
  private u8: Uint8Array | null = null;
  /** STRING values, or composite values for an 'obj' column. */
  private str: unknown[] | null = null;
  private nulls: Uint8Array | null = null;
  /** (row, value) pairs of BIGINTs beyond ±(2^53-1): the column finishes wide (int64.ts). */
  private wide: (number | bigint)[] | null = null;
  private n = 0;
  private readonly kind: PhysicalKind;
  /** The capacity of the arrays a finished builder allocates when the next row comes. */
  private nextCapacity = 64;

  constructor(
    readonly type: DataType,
    private capacity = 64,
  ) {
    this.kind = physicalKind(type);
    if (this.kind === 'f64') this.f64 = new Float64Array(capacity);
    else if (this.kind === 'bool') this.u8 = new Uint8Array(capacity);
    else this.str = [];
  }

  get length(): number {
    return this.n;
  }

  private grow(): void {
    if (this.capacity === 0) {
      // the first row after finish(): fresh arrays of the size the last column needed
      this.capacity = this.nextCapacity;
      if (this.kind === 'f64') this.f64 = new Float64Array(this.capacity);
      else if (this.kind === 'bool') this.u8 = new Uint8Array(this.capacity);
      else this.str = [];
      return;
    }
    const cap = this.capacity * 2;
    if (this.f64 !== null) {
      const a = new Float64Array(cap);
      a.set(this.f64);
      this.f64 = a;
    }
    if (this.u8 !== null) {
      const a = new Uint8Array(cap);
      a.set(this.u8);
      this.u8 = a;
    }
    if (this.nulls !== null) {
      const a = new Uint8Array(cap);
      a.set(this.nulls);
      this.nulls = a;
    }
    this.capacity = cap;
  }

  pushNumber(v: number): void {
    if (this.n === this.capacity) this.grow();
    if (this.f64 !== null) this.f64[this.n++] = v;
    else if (this.u8 !== null) this.u8[this.n++] = v ? 1 : 0;
    else this.str![this.n++] = String(v);
  }

  pushString(v: string): void {
    if (this.n === this.capacity) this.grow();
    this.str![this.n++] = v;
  }

  pushNull(): void {
    if (this.n === this.capacity) this.grow();
    if (this.nulls === null) this.nulls = new Uint8Array(this.capacity);
    this.nulls[this.n] = 1;
    if (this.str !== null) this.str[this.n] = this.kind === 'obj' ? null : '';
    this.n++;
  }

  /** Appends a composite value (an 'obj' column). */
  pushValue(v: unknown): void {
    if (v === null || v === undefined) {
      this.pushNull();
      return;
    }
    if (this.n === this.capacity) this.grow();
    this.str![this.n++] = v;
  }

  push(v: Scalar): void {
    if (v === null) this.pushNull();
    else if (this.kind === 'obj') this.pushValue(v);
    else if (typeof v === 'string') this.pushString(v);
    else if (typeof v === 'boolean') this.pushNumber(v ? 1 : 0);
    else if (typeof v === 'bigint') this.pushBigint(v);
    else this.pushNumber(v as number);
  }

  /** Appends a BIGINT beyond ±(2^53-1) (int64.ts): the finished column is wide. */
  pushBigint(v: bigint): void {
    (this.wide ??= []).push(this.n, v);
    this.pushNumber(0);
  }

  /** Copies row i of `col` (same physical kind). */
  pushFrom(col: Column, i: number): void {
    if (col.nulls !== null && col.nulls[i] === 1) {
      this.pushNull();
      return;
    }
    if (this.str !== null) {
      if (this.n === this.capacity) this.grow();
      this.str[this.n++] = (col.values as unknown[])[i];
    } else {
      const v = (col.values as Float64Array | Uint8Array)[i]!;
      if (typeof v === 'bigint') this.pushBigint(v);
      else this.pushNumber(v);
    }
  }

  finish(): Column {
    const n = this.n;
    // (finished before and nothing pushed since: the arrays belong to the last column)
    if (this.capacity === 0) return { type: this.type, values: this.kind === 'f64' ? new Float64Array(0) : this.kind === 'bool' ? new Uint8Array(0) : [], nulls: null };
    let values: Values = this.f64 !== null ? this.f64.subarray(0, n) : this.u8 !== null ? this.u8.subarray(0, n) : (this.str! as string[]);
    if (this.wide !== null) {
      const w = this.wide;
      this.wide = null;
      const a: (number | bigint)[] = Array.from(values as Float64Array);
      for (let j = 0; j < w.length; j += 2) a[w[j] as number] = w[j + 1]!;
      values = a;
    }
    const col: Column = { type: this.type, values, nulls: this.nulls === null ? null : this.nulls.subarray(0, n) };
    // The arrays now belong to the column. New ones are allocated when a row is pushed
    // (capacity 0 makes the next push grow), not here: a builder often finishes for good.
    this.n = 0;
    this.nextCapacity = Math.max(64, this.capacity);
    this.capacity = 0;
    this.nulls = null;
    return col;
  }

  reset(): void {
    this.n = 0;
    this.wide = null;
    this.capacity = Math.max(64, this.capacity === 0 ? this.nextCapacity : this.capacity);
    if (this.kind === 'f64') this.f64 = new Float64Array(this.capacity);
    else if (this.kind === 'bool') this.u8 = new Uint8Array(this.capacity);
    else this.str = [];
    this.nulls = null;
  }
}

/** Assembles output batches row by row, with an optional changelog column. */
export class BatchBuilder {
  readonly cols: ColumnBuilder[];
  /** Row kinds, once a row is not an insert (null until then: an insert-only batch has no ops). */
  private ops: Uint8Array | null = null;
  private n = 0;

  constructor(readonly types: readonly DataType[]) {
    this.cols = types.map((t) => new ColumnBuilder(t));
  }

  get length(): number {
    return this.n;
  }

  /** Call after pushing one value to every column. */
  endRow(kind: RowKind = RowKind.Insert): void {
    let ops = this.ops;
    if (ops === null) {
      if (kind === RowKind.Insert) {
        this.n++;
        return;
      }
      ops = this.ops = new Uint8Array(Math.max(64, this.n * 2)); // earlier rows: inserts (0)
    } else if (this.n === ops.length) {
      const g = new Uint8Array(ops.length * 2);
      g.set(ops);
      ops = this.ops = g;
    }
    ops[this.n++] = kind;
  }

  pushRow(row: readonly Scalar[], kind: RowKind = RowKind.Insert): void {
    for (let i = 0; i < this.cols.length; i++) this.cols[i]!.push(row[i] ?? null);
    this.endRow(kind);
  }

  finish(): Batch {
    const batch: Batch = {
      length: this.n,
      columns: this.cols.map((c) => c.finish()),
      ops: this.ops === null ? null : this.ops.subarray(0, this.n),
    };
    this.ops = null;
    this.n = 0;
    return batch;
  }
}
