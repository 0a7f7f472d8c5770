// Group keys for aggregating operators: turns the key columns of a row into a value usable as
// a Map key (a number or string for a single key, a length-prefixed string for several, so
// no per-row allocation in the common single-key case), and keeps each group's key values
// by slot so results can be written out and snapshotted. A composite key value (ROW, ARRAY,
// MAP) is keyed by its canonical text (composite.ts): equal values, one group.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { ColumnBuilder } from '../../common/batch.js';
import { canonicalText } from '../../common/composite.js';
import type { DataType } from '../../common/types.js';
import { physicalKind } from '../../common/types.js';
import { hashRow, keyGroupOf } from '../../state/key-groups.js';
import { grownLength } from '../../common/growth.js';
import { copyForSnapshot, grownCopy, takeBuffer } from '../../common/snapshot-buffers.js';
import { packedSlice } from '../../checkpoint/packed-array.js';

/** A STRING key's value in a snapshot (a slot never written: ''). */
const blank = (x: string | undefined): string => x ?? '';

/** bigint: a BIGINT key beyond ±(2^53-1) (common/int64.ts); equal values are equal Map keys. */
export type MapKey = number | string | bigint | null;

export class GroupKeys {
  private readonly kinds: ReturnType<typeof physicalKind>[];
  private f64: Float64Array[] = [];
  /** STRING keys, or composite key values ('obj' kind). */
  private str: unknown[][] = [];
  private nulls: Uint8Array[] = [];
  /**
   * Per key column, the BIGINT keys beyond ±(2^53-1) by slot (common/int64.ts); such a slot
   * holds NaN in f64 (never a BIGINT value). null until the first one.
   */
  private big: (Map<number, bigint> | null)[] = [];
  private capacity = 0;

  constructor(
    readonly types: readonly DataType[],
    /** Key columns in the operator's input. */
    readonly columns: readonly number[],
  ) {
    this.kinds = types.map(physicalKind);
    for (let k = 0; k < types.length; k++) {
      this.f64.push(new Float64Array(0));
      this.str.push([]);
      this.nulls.push(new Uint8Array(0));
      this.big.push(null);
    }
  }

  get size(): number {
    return this.types.length;
  }

  /** Whether key column k holds composite values (ROW, ARRAY, MAP). */
  isComposite(k: number): boolean {
    return this.kinds[k] === 'obj';
  }

  /** A function giving row i's map key for this batch. */
  keyFn(batch: Batch): (i: number) => MapKey {
    const cols = this.columns.map((c) => batch.columns[c]!);
    if (cols.length === 0) return () => 0;
    if (cols.length === 1) {
      const c = cols[0]!;
      const v = c.values;
      const nulls = c.nulls;
      if (this.kinds[0] === 'obj') return (i) => (nulls !== null && nulls[i] === 1 ? null : canonicalText(v[i]));
      if (nulls === null) return (i) => v[i] as number | string | bigint;
      return (i) => (nulls[i] === 1 ? null : (v[i] as number | string | bigint));
    }
    return (i) => compositeKey(cols, i);
  }

  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    // doubling, by half at millions of groups (common/growth.ts)
    const cap = grownLength(this.capacity, capacity);
    for (let k = 0; k < this.types.length; k++) {
      if (this.kinds[k] === 'str' || this.kinds[k] === 'obj') {
        // strings live in a plain array, grown on write
      } else {
        const a = new Float64Array(cap);
        a.set(this.f64[k]!);
        grownCopy(this.f64[k]!, a);
        this.f64[k] = a;
      }
      const n = new Uint8Array(cap);
      n.set(this.nulls[k]!);
      grownCopy(this.nulls[k]!, n);
      this.nulls[k] = n;
    }
    this.capacity = cap;
  }

  /** Records the key values of `batch` row `row` for `slot`. */
  store(slot: number, batch: Batch, row: number): void {
    for (let k = 0; k < this.columns.length; k++) {
      const c = batch.columns[this.columns[k]!]!;
      const isNull = c.nulls !== null && c.nulls[row] === 1;
      this.nulls[k]![slot] = isNull ? 1 : 0;
      if (isNull) continue;
      if (this.kinds[k] === 'str' || this.kinds[k] === 'obj') this.str[k]![slot] = (c.values as unknown[])[row];
      else {
        const v = (c.values as Float64Array | Uint8Array)[row]!;
        if (typeof v === 'bigint') this.setBig(k, slot, v);
        else {
          this.f64[k]![slot] = v;
          this.big[k]?.delete(slot);
        }
      }
    }
  }

  private setBig(k: number, slot: number, v: bigint): void {
    this.f64[k]![slot] = NaN;
    (this.big[k] ??= new Map()).set(slot, v);
  }

  /** A numeric key value of a slot: its number, or its bigint (NaN marks one). */
  private numberAt(k: number, slot: number): number | bigint {
    const x = this.f64[k]![slot]!;
    return x === x ? x : this.big[k]!.get(slot)!;
  }

  values(slot: number): Scalar[] {
    const out: Scalar[] = [];
    for (let k = 0; k < this.types.length; k++) {
      if (this.nulls[k]![slot] === 1) out.push(null);
      else if (this.kinds[k] === 'str' || this.kinds[k] === 'obj') out.push(this.str[k]![slot] as Scalar);
      else if (this.kinds[k] === 'bool') out.push(this.f64[k]![slot] === 1);
      else out.push(this.numberAt(k, slot));
    }
    return out;
  }

  /** Appends the slot's key values to output columns. */
  write(slot: number, out: readonly ColumnBuilder[]): void {
    for (let k = 0; k < this.types.length; k++) {
      const b = out[k]!;
      if (this.nulls[k]![slot] === 1) b.pushNull();
      else if (this.kinds[k] === 'str') b.pushString(this.str[k]![slot] as string);
      else if (this.kinds[k] === 'obj') b.pushValue(this.str[k]![slot]);
      else b.push(this.numberAt(k, slot));
    }
  }

  /**
   * Whether the key stored for `slot` equals the key of row `row` of `cols` (the key columns
   * of a batch, in key order): NULL equals NULL, numbers as SameValueZero (-0 = 0, NaN = NaN),
   * composite values by their canonical text.
   */
  equalsRow(slot: number, cols: readonly Column[], row: number): boolean {
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      const rowNull = c.nulls !== null && c.nulls[row] === 1;
      if (rowNull !== (this.nulls[k]![slot] === 1)) return false;
      if (rowNull) continue;
      const kind = this.kinds[k];
      if (kind === 'str') {
        if ((c.values as string[])[row] !== this.str[k]![slot]) return false;
      } else if (kind === 'obj') {
        if (canonicalText((c.values as unknown[])[row]) !== canonicalText(this.str[k]![slot])) return false;
      } else {
        const a = (c.values as Float64Array | Uint8Array)[row]!;
        const b = this.f64[k]![slot]!;
        if (a !== b && (a === a || b === b)) {
          // a BIGINT beyond ±(2^53-1) is a bigint in the row and NaN (its value in `big`) in the slot
          if (typeof a !== 'bigint' || b === b || this.big[k]?.get(slot) !== a) return false;
        }
      }
    }
    return true;
  }

  /** The key group of `batch` row `row`'s key. */
  keyGroupOfRow(batch: Batch, row: number, maxParallelism: number): number {
    if (this.columns.length === 0) return 0;
    // the key columns of the batch, taken once per batch rather than per row
    if (batch !== this.hashedBatch) {
      this.hashedBatch = batch;
      this.hashedCols = this.columns.map((c) => batch.columns[c]!);
    }
    return keyGroupOf(hashRow(this.hashedCols, row), maxParallelism);
  }

  private hashedBatch: Batch | null = null;
  private hashedCols: Column[] = [];

  /**
   * Key values of slots [0, high), column by column (snapshots): whole copies. `packStrings`: a
   * STRING key column packed as the state file writes it (checkpoint/packed-array.ts), for a
   * snapshot that goes to the state writer only: bytes it takes over, not strings it copies.
   */
  saveAll(high: number, packStrings = false): unknown[] {
    return this.types.map((_, k) => {
      const nulls = copyForSnapshot(this.nulls[k]!, high);
      const str = this.str[k] as (string | undefined)[];
      const vals = this.kinds[k] === 'str' ? (packStrings ? packedSlice(str, high, blank) : str.slice(0, high).map(blank)) : this.kinds[k] === 'obj' ? this.str[k]!.slice(0, high).map((x) => x ?? null) : copyForSnapshot(this.f64[k]!, high);
      // BIGINT keys beyond ±(2^53-1): (slot, value) pairs after the NaN-marked values
      const big = this.big[k];
      if (big !== null && big !== undefined && big.size > 0) {
        const pairs: (number | bigint)[] = [];
        for (const [slot, v] of big) if (slot < high) pairs.push(slot, v);
        if (pairs.length > 0) return [vals, nulls, pairs];
      }
      return [vals, nulls];
    });
  }

  /** Key values of the listed slots, column by column in list order (deltas): a gather. */
  saveSome(list: Int32Array, n: number): unknown[] {
    return this.types.map((_, k) => {
      const src = this.nulls[k]!;
      const nulls = takeBuffer(Uint8Array, n);
      for (let i = 0; i < n; i++) nulls[i] = src[list[i]!]!;
      let vals: Float64Array | unknown[];
      if (this.kinds[k] === 'str' || this.kinds[k] === 'obj') {
        const str = this.str[k]!;
        const empty = this.kinds[k] === 'str' ? '' : null;
        vals = new Array<unknown>(n);
        for (let i = 0; i < n; i++) vals[i] = str[list[i]!] ?? empty;
      } else {
        const f = this.f64[k]!;
        vals = takeBuffer(Float64Array, n);
        for (let i = 0; i < n; i++) vals[i] = f[list[i]!]!;
        // BIGINT keys beyond ±(2^53-1): (position in the list, value) pairs, as saveAll
        const big = this.big[k];
        if (big !== null && big !== undefined && big.size > 0) {
          const pairs: (number | bigint)[] = [];
          for (let i = 0; i < n; i++) {
            const v = big.get(list[i]!);
            if (v !== undefined && vals[i] !== vals[i]) pairs.push(i, v);
          }
          if (pairs.length > 0) return [vals, nulls, pairs];
        }
      }
      return [vals, nulls];
    });
  }

  /** Restores saved slot from[i] into slot to[i]. */
  loadFrom(data: unknown[], from: Int32Array, to: Int32Array, n: number): void {
    this.types.forEach((_, k) => {
      const [vals, nulls, pairs] = data[k] as [Float64Array | string[], Uint8Array, (number | bigint)[] | undefined];
      const dn = this.nulls[k]!;
      for (let i = 0; i < n; i++) dn[to[i]!] = nulls[from[i]!]!;
      if (this.kinds[k] === 'str' || this.kinds[k] === 'obj') {
        const d = this.str[k]!;
        for (let i = 0; i < n; i++) d[to[i]!] = (vals as string[])[from[i]!]!;
      } else {
        const d = this.f64[k]!;
        for (let i = 0; i < n; i++) d[to[i]!] = (vals as Float64Array)[from[i]!]!;
        const bigSaved = new Map<number, bigint>();
        if (pairs !== undefined) for (let j = 0; j < pairs.length; j += 2) bigSaved.set(pairs[j] as number, pairs[j + 1] as bigint);
        for (let i = 0; i < n; i++) {
          const x = d[to[i]!]!;
          if (x === x) this.big[k]?.delete(to[i]!);
          else this.setBig(k, to[i]!, bigSaved.get(from[i]!)!);
        }
      }
    });
  }

  /**
   * Takes saveAll's key values of slots [0, high) over as its own arrays, without a copy (a
   * restore of the same slot numbering into empty keys): only numeric key columns whose values
   * and NULL flags are typed arrays of exactly `high` entries; false (nothing changed)
   * otherwise. The arrays are this object's afterwards (restore owns what it is given).
   */
  adoptAll(data: unknown[], high: number): boolean {
    if (this.capacity !== 0 || data.length !== this.types.length) return false;
    for (let k = 0; k < this.types.length; k++) {
      const [vals, nulls] = data[k] as [unknown, unknown];
      if (this.kinds[k] === 'str' || this.kinds[k] === 'obj' || !(vals instanceof Float64Array) || vals.length !== high || !(nulls instanceof Uint8Array) || nulls.length !== high) return false;
    }
    for (let k = 0; k < this.types.length; k++) {
      const [vals, nulls, pairs] = data[k] as [Float64Array, Uint8Array, (number | bigint)[] | undefined];
      this.f64[k] = vals;
      this.nulls[k] = nulls;
      if (pairs !== undefined) for (let j = 0; j < pairs.length; j += 2) (this.big[k] ??= new Map()).set(pairs[j] as number, pairs[j + 1] as bigint);
    }
    this.capacity = high;
    return true;
  }

  /**
   * The stored values of a single numeric key column by slot (a restore adopting a saved key
   * index reads them), or null for other keys.
   */
  numericKeys(): Float64Array | null {
    if (this.types.length !== 1 || this.kinds[0] === 'str' || this.kinds[0] === 'obj') return null;
    return this.f64[0]!;
  }

  /** The NULL flags of a single numeric key column by slot (numericKeys' companion), or null. */
  numericNulls(): Uint8Array | null {
    if (this.types.length !== 1 || this.kinds[0] === 'str' || this.kinds[0] === 'obj') return null;
    return this.nulls[0]!;
  }

  /** The map key of a slot's stored key (after a restore). */
  mapKeyAt(slot: number): MapKey {
    if (this.types.length === 0) return 0;
    if (this.types.length === 1) {
      if (this.nulls[0]![slot] === 1) return null;
      if (this.kinds[0] === 'obj') return canonicalText(this.str[0]![slot]);
      return this.kinds[0] === 'str' ? (this.str[0]![slot] as string) : this.numberAt(0, slot);
    }
    return this.mapKeyOf(this.values(slot));
  }

  /** The map key of stored values (after restore). */
  mapKeyOf(values: readonly Scalar[]): MapKey {
    if (values.length === 0) return 0;
    if (values.length === 1) {
      const v = values[0]!;
      if (this.kinds[0] === 'obj') return v === null ? null : canonicalText(v);
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v as number | string | bigint);
    }
    const cols = values.map((v, k) => {
      const kind = this.kinds[k];
      const vals = kind === 'obj' || typeof v === 'bigint' ? [v] : kind === 'str' ? [v === null ? '' : String(v)] : Float64Array.of(v === null ? 0 : typeof v === 'boolean' ? (v ? 1 : 0) : (v as number));
      return { type: this.types[k]!, values: vals, nulls: v === null ? Uint8Array.of(1) : null } as Column;
    });
    return compositeKey(cols, 0);
  }

  builders(): ColumnBuilder[] {
    return this.types.map((t) => new ColumnBuilder(t));
  }
}

/** Length-prefixed encoding of several key values (unambiguous for any strings). */
function compositeKey(cols: readonly Column[], i: number): string {
  let s = '';
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k]!;
    if (c.nulls !== null && c.nulls[i] === 1) {
      s += '\u0001|';
      continue;
    }
    const v = c.values[i]!;
    if (typeof v === 'object') {
      const t = canonicalText(v);
      s += `o${t.length}:${t}|`;
    } else if (typeof v === 'string') s += `s${v.length}:${v}|`;
    else s += `n${v}|`;
  }
  return s;
}
