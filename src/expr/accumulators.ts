// Aggregate accumulators, columnar: an accumulator holds the state of many groups in typed
// arrays indexed by a slot number, and updates a whole batch in one loop. `add`/`retract`
// take parallel arrays: the slot and the input row of each update (rows = null means row j
// for update j). Retraction is what a changelog input (-U, -D) needs: COUNT and SUM subtract,
// MIN and MAX keep a multiset of values per group so the next extreme is known when the
// current one is retracted.
//
// FILTER (WHERE ...) and DISTINCT are wrappers around any accumulator.

import type { Column, Scalar } from '../common/batch.js';
import { getScalar } from '../common/batch.js';
import { canonicalText } from '../common/composite.js';
import type { ColumnBuilder } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { MAX_EXACT_INT, isIntegral, physicalKind } from '../common/types.js';
import { grownLength } from '../common/growth.js';
import { canonical as canonicalInt64, firstBig, wideNotSupported } from '../common/int64.js';

const MAX_SAFE_BIG = BigInt(MAX_EXACT_INT);
import type { AggCall } from '../plan/logical.js';
import { compareStrings } from '../common/strings.js';
import { UdafAccumulator } from './udaf-accumulator.js';
import { DecimalSumAvg } from './decimal-sum.js';
import { JsonObjectAgg } from './json-accumulators.js';
import { compareCanonical, isWideDecimal } from './decimal.js';
import { copyForSnapshot, grownCopy, takeBuffer } from '../common/snapshot-buffers.js';

export interface Accumulator {
  /** Makes room for slots [0, capacity). */
  grow(capacity: number): void;
  /** Empties a slot for a new group. */
  reset(slot: number): void;
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void;
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void;
  /** The aggregate's value for a slot. */
  value(slot: number): Scalar;
  /**
   * The accumulator whose value() and result() this one's are, when it only passes them on (a
   * FILTER, a shared DISTINCT call): operators read it directly, one call instead of two.
   */
  readonly reader?: Accumulator;
  /** Appends the value to an output column. */
  result(slot: number, out: ColumnBuilder): void;
  /** Folds slot `source` into slot `target` (merging session windows); `source` is left as is. */
  merge(target: number, source: number): void;
  /** A slot's state, msgpack-encodable (snapshots). */
  save(slot: number): unknown;
  load(slot: number, state: unknown): void;
  /**
   * The state of slots [0, high) at once, in slot order (a snapshot): whole typed-array
   * copies where the state is fixed-width; `inUse` marks the slots that hold a group.
   */
  saveAll(high: number, inUse: Uint8Array): unknown;
  /**
   * The state of slots list[0..n) (a delta of incremental checkpoints) in saveAll's form, entry
   * i holding slot list[i], so loadFrom reads it. Only where that form is typed arrays (they
   * move to the state writer without a copy); without it a delta saves slot by slot (`save`).
   */
  saveSome?(list: Int32Array, n: number): unknown;
  /** Restores saved slot from[i] into slot to[i], for i < n. */
  loadFrom(state: unknown, from: Int32Array, to: Int32Array, n: number): void;
  /**
   * Takes saveAll's state of slots [0, high) over as this accumulator's own arrays, without a
   * copy (a restore of the same slot numbering into an empty accumulator). Only where that
   * state is typed arrays of exactly `high` entries; false (nothing changed) otherwise, and the
   * caller grows and loadFrom()s instead. The arrays are this accumulator's afterwards: the
   * caller must not read or write them again (restore owns what it is given).
   */
  adoptAll?(state: unknown, high: number): boolean;
}

/** Whether `a` is a Float64Array of exactly n entries (adoptAll). */
function f64Of(a: unknown, n: number): a is Float64Array {
  return a instanceof Float64Array && a.length === n;
}

/** Slot-by-slot saveAll/loadFrom for accumulators whose state is not a fixed-width number. */
export function saveEach(acc: Accumulator, high: number, inUse: Uint8Array): unknown[] {
  const out = new Array<unknown>(high).fill(null);
  for (let s = 0; s < high; s++) if (inUse[s] === 1) out[s] = acc.save(s);
  return out;
}

export function loadEach(acc: Accumulator, state: unknown, from: Int32Array, to: Int32Array, n: number): void {
  const arr = state as unknown[];
  for (let i = 0; i < n; i++) acc.load(to[i]!, arr[from[i]!]);
}

/** Copies saved[from[i]] to dst[to[i]]. */
function move<T extends Float64Array | Uint8Array>(dst: T, saved: T, from: Int32Array, to: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) dst[to[i]!] = saved[from[i]!]!;
}

/** out[i] = src[list[i]] for i < n, in a new array of src's kind. */
function gather<T extends Float64Array | Uint8Array>(src: T, list: Int32Array, n: number): T {
  const out = takeBuffer(src.constructor as unknown as Parameters<typeof takeBuffer<T>>[0], n);
  for (let i = 0; i < n; i++) out[i] = src[list[i]!]!;
  return out;
}

/** (i, value) pairs for the listed slots that hold an entry of `big` (values beyond a double). */
function gatherPairs<V>(big: ReadonlyMap<number, V> | null, list: Int32Array, n: number): (number | V)[] {
  const pairs: (number | V)[] = [];
  if (big !== null && big.size > 0)
    for (let i = 0; i < n; i++) {
      const v = big.get(list[i]!);
      if (v !== undefined) pairs.push(i, v);
    }
  return pairs;
}

// Per-slot arrays double, and grow by half at millions of groups (common/growth.ts).
function growF64(a: Float64Array, cap: number): Float64Array {
  if (a.length >= cap) return a;
  const b = new Float64Array(grownLength(a.length, cap));
  b.set(a);
  grownCopy(a, b);
  return b;
}

function growU8(a: Uint8Array, cap: number): Uint8Array {
  if (a.length >= cap) return a;
  const b = new Uint8Array(grownLength(a.length, cap));
  b.set(a);
  grownCopy(a, b);
  return b;
}

/** Values of a column as numbers (booleans are 0/1). */
function numericValues(c: Column): Float64Array | Uint8Array {
  return c.values as Float64Array | Uint8Array;
}

class CountStar implements Accumulator {
  private counts: Float64Array = new Float64Array(0);
  grow(cap: number): void {
    this.counts = growF64(this.counts, cap);
  }
  reset(slot: number): void {
    this.counts[slot] = 0;
  }
  add(slots: Int32Array, _rows: Int32Array | null, count: number): void {
    const c = this.counts;
    for (let j = 0; j < count; j++) c[slots[j]!]!++;
  }
  retract(slots: Int32Array, _rows: Int32Array | null, count: number): void {
    const c = this.counts;
    for (let j = 0; j < count; j++) c[slots[j]!]!--;
  }
  value(slot: number): Scalar {
    return this.counts[slot]!;
  }
  merge(target: number, source: number): void {
    this.counts[target]! += this.counts[source]!;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.pushNumber(this.counts[slot]!);
  }
  save(slot: number): unknown {
    return this.counts[slot]!;
  }
  load(slot: number, s: unknown): void {
    this.counts[slot] = s as number;
  }
  saveAll(high: number): unknown {
    return copyForSnapshot(this.counts, high);
  }
  saveSome(list: Int32Array, n: number): unknown {
    return gather(this.counts, list, n);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    move(this.counts, st as Float64Array, from, to, n);
  }
  adoptAll(st: unknown, high: number): boolean {
    if (!f64Of(st, high)) return false;
    this.counts = st;
    return true;
  }
}

class Count implements Accumulator {
  private counts: Float64Array = new Float64Array(0);
  constructor(private readonly arg: number) {}
  grow(cap: number): void {
    this.counts = growF64(this.counts, cap);
  }
  reset(slot: number): void {
    this.counts[slot] = 0;
  }
  private apply(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[], d: number): void {
    const nulls = batch[this.arg]!.nulls;
    const c = this.counts;
    if (nulls === null) {
      for (let j = 0; j < count; j++) c[slots[j]!]! += d;
    } else {
      for (let j = 0; j < count; j++) if (nulls[rows === null ? j : rows[j]!] === 0) c[slots[j]!]! += d;
    }
  }
  add(s: Int32Array, r: Int32Array | null, n: number, b: readonly Column[]): void {
    this.apply(s, r, n, b, 1);
  }
  retract(s: Int32Array, r: Int32Array | null, n: number, b: readonly Column[]): void {
    this.apply(s, r, n, b, -1);
  }
  value(slot: number): Scalar {
    return this.counts[slot]!;
  }
  merge(target: number, source: number): void {
    this.counts[target]! += this.counts[source]!;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.pushNumber(this.counts[slot]!);
  }
  save(slot: number): unknown {
    return this.counts[slot]!;
  }
  load(slot: number, s: unknown): void {
    this.counts[slot] = s as number;
  }
  saveAll(high: number): unknown {
    return copyForSnapshot(this.counts, high);
  }
  saveSome(list: Int32Array, n: number): unknown {
    return gather(this.counts, list, n);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    move(this.counts, st as Float64Array, from, to, n);
  }
  adoptAll(st: unknown, high: number): boolean {
    if (!f64Of(st, high)) return false;
    this.counts = st;
    return true;
  }
}

/**
 * SUM, SUM0 and AVG share a sum and a count of non-NULL values.
 *
 * Integer sums wrap as Flink's Java code does (common/int64.ts): SUM of INT as an int (modulo
 * 2^32), SUM of BIGINT and the sum inside AVG as a long (modulo 2^64). Fast path: a batch whose
 * sums provably stay within ±(2^53-1) — the largest touched |sum| plus count × the largest
 * |value| — adds in doubles, exactly. Otherwise the batch adds with bigints, wrapped, and a
 * slot whose sum is beyond ±(2^53-1) keeps it in `big` (its double holds NaN, never a sum).
 * Wrapping at the output instead of each step gives the same value: both are the exact sum
 * modulo 2^32 or 2^64.
 */
class SumAvg implements Accumulator {
  private sums: Float64Array = new Float64Array(0);
  private counts: Float64Array = new Float64Array(0);
  private big: Map<number, bigint> | null = null;
  private readonly bits: 32 | 64;
  constructor(
    private readonly arg: number,
    private readonly mode: 'sum' | 'sum0' | 'avg',
    private readonly integral: boolean,
    resultType: DataType,
  ) {
    this.bits = mode !== 'avg' && resultType.kind === 'INT' ? 32 : 64;
  }
  grow(cap: number): void {
    this.sums = growF64(this.sums, cap);
    this.counts = growF64(this.counts, cap);
  }
  reset(slot: number): void {
    this.sums[slot] = 0;
    this.counts[slot] = 0;
    this.big?.delete(slot);
  }
  private apply(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[], d: number): void {
    const col = batch[this.arg]!;
    if (this.integral && !this.exactInDoubles(slots, rows, count, col)) {
      this.applyExact(slots, rows, count, col, d);
      return;
    }
    const v = numericValues(col);
    const nulls = col.nulls;
    const s = this.sums;
    const c = this.counts;
    if (rows === null && nulls === null) {
      for (let j = 0; j < count; j++) {
        const slot = slots[j]!;
        s[slot]! += d * v[j]!;
        c[slot]! += d;
      }
      return;
    }
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      s[slot]! += d * v[r]!;
      c[slot]! += d;
    }
  }
  /**
   * True when adding this batch in doubles cannot leave ±(2^53-1) on the way (no rounding):
   * the largest |sum| it touches plus count × its largest |value| stays within. The largest
   * |sum| comes from `bound`, an upper bound of every slot's |sum| kept without a pass over the
   * slots (it grows by count × largest |value| per batch); only when that is not enough are
   * the sums looked at: all of them at most every 64 batches, else the batch's own.
   */
  private exactInDoubles(slots: Int32Array, rows: Int32Array | null, count: number, col: Column): boolean {
    if (!(col.values instanceof Float64Array)) return false;
    const v = col.values;
    let maxV = 0;
    if (rows === null) for (let j = 0; j < count; j++) maxV = Math.max(maxV, Math.abs(v[j]!));
    else for (let j = 0; j < count; j++) maxV = Math.max(maxV, Math.abs(v[rows[j]!]!));
    // (NULL slots hold unspecified values: at worst they only send the batch to the exact path)
    const grow = count * maxV;
    if (this.bound + grow <= MAX_EXACT_INT) {
      this.bound += grow;
      return true;
    }
    const s = this.sums;
    if (++this.sinceRecount >= 64 && (this.big === null || this.big.size === 0)) {
      this.sinceRecount = 0;
      let all = 0;
      for (let i = 0; i < s.length; i++) all = Math.max(all, Math.abs(s[i]!));
      this.bound = all;
      if (all + grow <= MAX_EXACT_INT) {
        this.bound += grow;
        return true;
      }
    }
    let maxSum = 0;
    for (let j = 0; j < count; j++) maxSum = Math.max(maxSum, Math.abs(s[slots[j]!]!)); // NaN (a big slot) makes it NaN
    if (!(maxSum + grow <= MAX_EXACT_INT)) return false;
    this.bound = Infinity; // the other slots' sums are not known: recounted later
    return true;
  }
  /** An upper bound of |sum| over all slots (integral sums; Infinity = unknown). */
  private bound = 0;
  private sinceRecount = 64;
  private bigSum(slot: number): bigint {
    const x = this.sums[slot]!;
    return x === x ? BigInt(x) : this.big!.get(slot)!;
  }
  private setSum(slot: number, b: bigint): void {
    const w = this.bits === 32 ? BigInt.asIntN(32, b) : BigInt.asIntN(64, b);
    if (w >= -MAX_SAFE_BIG && w <= MAX_SAFE_BIG) {
      this.sums[slot] = Number(w);
      this.big?.delete(slot);
    } else {
      this.sums[slot] = NaN;
      (this.big ??= new Map()).set(slot, w);
    }
  }
  /** The batch with bigints (only batches whose sums may leave ±(2^53-1)). */
  private applyExact(slots: Int32Array, rows: Int32Array | null, count: number, col: Column, d: number): void {
    const v = col.values as ArrayLike<number | bigint>;
    const nulls = col.nulls;
    const c = this.counts;
    const db = BigInt(d);
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const x = v[r]!;
      this.setSum(slot, this.bigSum(slot) + db * (typeof x === 'bigint' ? x : BigInt(x)));
      c[slot]! += d;
    }
    this.bound = Infinity;
  }
  add(s: Int32Array, r: Int32Array | null, n: number, b: readonly Column[]): void {
    this.apply(s, r, n, b, 1);
  }
  retract(s: Int32Array, r: Int32Array | null, n: number, b: readonly Column[]): void {
    this.apply(s, r, n, b, -1);
  }
  value(slot: number): Scalar {
    const c = this.counts[slot]!;
    const s = this.sums[slot]!;
    if (this.integral) {
      if (c === 0) return this.mode === 'sum0' ? 0 : null;
      if (s !== s) {
        const b = this.big!.get(slot)!;
        return this.mode === 'avg' ? canonicalInt64(b / BigInt(c)) : canonicalInt64(b);
      }
      if (this.mode === 'avg') return (s - (s % c)) / c + 0; // exact: s % c and the difference are exact in doubles
      return this.bits === 32 ? s | 0 : s;
    }
    switch (this.mode) {
      case 'sum':
        return c === 0 ? null : s;
      case 'sum0':
        return c === 0 ? 0 : s;
      case 'avg':
        if (c === 0) return null;
        return s / c;
    }
  }
  result(slot: number, out: ColumnBuilder): void {
    out.push(this.value(slot));
  }
  merge(target: number, source: number): void {
    if (this.integral) {
      this.bound = Infinity;
      const a = this.sums[target]!;
      const b = this.sums[source]!;
      const r = a + b;
      if (r >= -MAX_EXACT_INT && r <= MAX_EXACT_INT) this.sums[target] = r;
      else this.setSum(target, this.bigSum(target) + this.bigSum(source)); // also when either is big (NaN)
    } else this.sums[target]! += this.sums[source]!;
    this.counts[target]! += this.counts[source]!;
  }
  save(slot: number): unknown {
    const s = this.sums[slot]!;
    return [s === s ? s : this.big!.get(slot)!, this.counts[slot]!];
  }
  load(slot: number, st: unknown): void {
    this.bound = Infinity;
    const [s, c] = st as [number | bigint, number];
    if (typeof s === 'bigint') this.setSum(slot, s);
    else {
      this.sums[slot] = s;
      this.big?.delete(slot);
    }
    this.counts[slot] = c;
  }
  saveAll(high: number): unknown {
    const st: unknown[] = [copyForSnapshot(this.sums, high), copyForSnapshot(this.counts, high)];
    // sums beyond ±(2^53-1): (slot, value) pairs; their slots hold NaN in the sums
    if (this.big !== null && this.big.size > 0) {
      const pairs: (number | bigint)[] = [];
      for (const [slot, v] of this.big) if (slot < high) pairs.push(slot, v);
      st.push(pairs);
    }
    return st;
  }
  saveSome(list: Int32Array, n: number): unknown {
    const st: unknown[] = [gather(this.sums, list, n), gather(this.counts, list, n)];
    const pairs = gatherPairs(this.big, list, n);
    if (pairs.length > 0) st.push(pairs);
    return st;
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    const [s, c, pairs] = st as [Float64Array, Float64Array, (number | bigint)[] | undefined];
    this.bound = Infinity;
    move(this.sums, s, from, to, n);
    move(this.counts, c, from, to, n);
    const saved = new Map<number, bigint>();
    if (pairs !== undefined) for (let j = 0; j < pairs.length; j += 2) saved.set(pairs[j] as number, pairs[j + 1] as bigint);
    if (!this.integral) return; // (a DOUBLE sum may be NaN itself)
    for (let i = 0; i < n; i++) {
      const x = this.sums[to[i]!]!;
      if (x === x) this.big?.delete(to[i]!);
      else (this.big ??= new Map()).set(to[i]!, saved.get(from[i]!)!);
    }
  }
  adoptAll(st: unknown, high: number): boolean {
    const [s, c, pairs] = st as [unknown, unknown, (number | bigint)[] | undefined];
    if (!f64Of(s, high) || !f64Of(c, high) || this.big !== null) return false;
    this.bound = Infinity;
    this.sums = s;
    this.counts = c;
    if (this.integral && pairs !== undefined) for (let j = 0; j < pairs.length; j += 2) (this.big ??= new Map()).set(pairs[j] as number, pairs[j + 1] as bigint);
    return true;
  }
}

/**
 * MIN/MAX over an append-only input: one value per group. A BIGINT beyond ±(2^53-1) (a wide
 * column, common/int64.ts) is kept in `big`, its slot's double holding NaN; once there is one,
 * batches take the exact loop (JS compares a bigint with a number exactly).
 */
class MinMaxNumber implements Accumulator {
  private vals: Float64Array = new Float64Array(0);
  private has: Uint8Array = new Uint8Array(0);
  private big: Map<number, bigint> | null = null;
  constructor(
    private readonly arg: number,
    private readonly isMax: boolean,
  ) {}
  grow(cap: number): void {
    this.vals = growF64(this.vals, cap);
    this.has = growU8(this.has, cap);
  }
  reset(slot: number): void {
    this.has[slot] = 0;
    this.big?.delete(slot);
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    if (this.big !== null || Array.isArray(col.values)) {
      this.addExact(slots, rows, count, col);
      return;
    }
    const v = numericValues(col);
    const nulls = col.nulls;
    const vals = this.vals;
    const has = this.has;
    const isMax = this.isMax;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const x = v[r]!;
      if (has[slot] === 0) {
        has[slot] = 1;
        vals[slot] = x;
      } else if (isMax ? x > vals[slot]! : x < vals[slot]!) vals[slot] = x;
    }
  }
  private addExact(slots: Int32Array, rows: Int32Array | null, count: number, col: Column): void {
    const v = col.values as ArrayLike<number | bigint>;
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      this.offer(slots[j]!, v[r]!);
    }
  }
  private offer(slot: number, x: number | bigint): void {
    if (this.has[slot] === 1) {
      const cur = this.current(slot);
      if (!(this.isMax ? x > cur : x < cur)) return;
    }
    this.has[slot] = 1;
    if (typeof x === 'bigint') {
      this.vals[slot] = NaN;
      (this.big ??= new Map()).set(slot, x);
    } else {
      this.vals[slot] = x;
      this.big?.delete(slot);
    }
  }
  private current(slot: number): number | bigint {
    const x = this.vals[slot]!;
    return x !== x && this.big !== null && this.big.has(slot) ? this.big.get(slot)! : x;
  }
  retract(): void {
    throw new Error('MIN/MAX without retraction state received a retraction (this is a bug in weir)');
  }
  value(slot: number): Scalar {
    return this.has[slot] === 1 ? this.current(slot) : null;
  }
  result(slot: number, out: ColumnBuilder): void {
    if (this.has[slot] === 1) out.push(this.current(slot));
    else out.pushNull();
  }
  merge(target: number, source: number): void {
    if (this.has[source] === 0) return;
    this.offer(target, this.current(source));
  }
  save(slot: number): unknown {
    return this.has[slot] === 1 ? this.current(slot) : null;
  }
  load(slot: number, s: unknown): void {
    this.has[slot] = 0;
    this.big?.delete(slot);
    if (s !== null) this.offer(slot, s as number | bigint);
  }
  saveAll(high: number): unknown {
    const st: unknown[] = [copyForSnapshot(this.vals, high), copyForSnapshot(this.has, high)];
    if (this.big !== null && this.big.size > 0) {
      const pairs: (number | bigint)[] = [];
      for (const [slot, v] of this.big) if (slot < high) pairs.push(slot, v);
      st.push(pairs);
    }
    return st;
  }
  saveSome(list: Int32Array, n: number): unknown {
    const st: unknown[] = [gather(this.vals, list, n), gather(this.has, list, n)];
    const pairs = gatherPairs(this.big, list, n);
    if (pairs.length > 0) st.push(pairs);
    return st;
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    const [v, has, pairs] = st as [Float64Array, Uint8Array, (number | bigint)[] | undefined];
    move(this.vals, v, from, to, n);
    move(this.has, has, from, to, n);
    for (let i = 0; i < n; i++) this.big?.delete(to[i]!);
    if (pairs === undefined) return;
    const saved = new Map<number, bigint>();
    for (let j = 0; j < pairs.length; j += 2) saved.set(pairs[j] as number, pairs[j + 1] as bigint);
    for (let i = 0; i < n; i++) {
      const b = saved.get(from[i]!);
      if (b !== undefined) (this.big ??= new Map()).set(to[i]!, b);
    }
  }
}

class MinMaxString implements Accumulator {
  private vals: (string | undefined)[] = [];
  constructor(
    private readonly arg: number,
    private readonly isMax: boolean,
    private readonly cmp: (a: string, b: string) => number = compareStrings,
  ) {}
  grow(cap: number): void {
    while (this.vals.length < cap) this.vals.push(undefined);
  }
  reset(slot: number): void {
    this.vals[slot] = undefined;
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    const v = col.values as string[];
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const x = v[r]!;
      const cur = this.vals[slot];
      if (cur === undefined || (this.isMax ? this.cmp(x, cur) > 0 : this.cmp(x, cur) < 0)) this.vals[slot] = x;
    }
  }
  retract(): void {
    throw new Error('MIN/MAX without retraction state received a retraction (this is a bug in weir)');
  }
  value(slot: number): Scalar {
    return this.vals[slot] ?? null;
  }
  result(slot: number, out: ColumnBuilder): void {
    const v = this.vals[slot];
    if (v === undefined) out.pushNull();
    else out.pushString(v);
  }
  merge(target: number, source: number): void {
    const x = this.vals[source];
    if (x === undefined) return;
    const cur = this.vals[target];
    if (cur === undefined || (this.isMax ? this.cmp(x, cur) > 0 : this.cmp(x, cur) < 0)) this.vals[target] = x;
  }
  save(slot: number): unknown {
    return this.vals[slot] ?? null;
  }
  load(slot: number, s: unknown): void {
    this.vals[slot] = s === null ? undefined : (s as string);
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, st, from, to, n);
  }
}

/** MIN/MAX that can take retractions: a multiset of values per group. */
class MinMaxRetractable implements Accumulator {
  private sets: (Map<number | string | bigint, number> | undefined)[] = [];
  private best: (number | string | bigint | undefined)[] = [];
  constructor(
    private readonly arg: number,
    private readonly isMax: boolean,
    private readonly cmp: (a: string, b: string) => number = compareStrings,
  ) {}
  grow(cap: number): void {
    while (this.sets.length < cap) {
      this.sets.push(undefined);
      this.best.push(undefined);
    }
  }
  reset(slot: number): void {
    this.sets[slot] = undefined;
    this.best[slot] = undefined;
  }
  private better(a: number | string | bigint, b: number | string | bigint): boolean {
    if (typeof a === 'string') {
      const c = this.cmp(a, b as string);
      return this.isMax ? c > 0 : c < 0;
    }
    // numbers and bigints (BIGINT beyond ±(2^53-1)) compare exactly in JS
    return this.isMax ? a > (b as number | bigint) : a < (b as number | bigint);
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    const v = col.values;
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const x = v[r] as number | string | bigint;
      let m = this.sets[slot];
      if (m === undefined) {
        m = new Map();
        this.sets[slot] = m;
      }
      m.set(x, (m.get(x) ?? 0) + 1);
      const b = this.best[slot];
      if (b === undefined || this.better(x, b)) this.best[slot] = x;
    }
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    const v = col.values;
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const x = v[r] as number | string | bigint;
      const m = this.sets[slot];
      if (m === undefined) continue;
      const c = (m.get(x) ?? 0) - 1;
      if (c > 0) m.set(x, c);
      else {
        m.delete(x);
        if (this.best[slot] === x) {
          let nb: number | string | bigint | undefined;
          for (const k of m.keys()) if (nb === undefined || this.better(k, nb)) nb = k;
          this.best[slot] = nb;
        }
      }
    }
  }
  value(slot: number): Scalar {
    const b = this.best[slot];
    return b === undefined ? null : b;
  }
  merge(target: number, source: number): void {
    const src = this.sets[source];
    if (src === undefined) return;
    let m = this.sets[target];
    if (m === undefined) {
      m = new Map();
      this.sets[target] = m;
    }
    for (const [k, c] of src) m.set(k, (m.get(k) ?? 0) + c);
    const b = this.best[source];
    const t = this.best[target];
    if (b !== undefined && (t === undefined || this.better(b, t))) this.best[target] = b;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.push(this.value(slot));
  }
  save(slot: number): unknown {
    const m = this.sets[slot];
    return m === undefined ? null : [...m.entries()];
  }
  load(slot: number, s: unknown): void {
    if (s === null) {
      this.reset(slot);
      return;
    }
    const m = new Map(s as [number | string | bigint, number][]);
    this.sets[slot] = m;
    let nb: number | string | bigint | undefined;
    for (const k of m.keys()) if (nb === undefined || this.better(k, nb)) nb = k;
    this.best[slot] = nb;
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, st, from, to, n);
  }
}

/**
 * FIRST_VALUE / LAST_VALUE (Flink's): the first / last non-NULL value in arrival order. Each
 * value carries an arrival number (`seq`, increasing per accumulator, restored from
 * snapshots), so merging two slots (session windows, the global phase) keeps arrival order.
 *
 * Append-only input keeps one value per slot. A changelog input (`retractable`) keeps every
 * live value in arrival order, as Flink's FirstValueWithRetractAggFunction does: a retraction
 * removes the earliest live copy of that value, and the result is the earliest (latest) value
 * still live.
 */
class FirstLastValue implements Accumulator {
  /** Per slot: values in arrival order (append-only: at most one). */
  private vals: (Scalar[] | undefined)[] = [];
  private seqs: (number[] | undefined)[] = [];
  private seq = 0;
  constructor(
    private readonly arg: number,
    private readonly last: boolean,
    private readonly retractable: boolean,
  ) {}
  grow(cap: number): void {
    while (this.vals.length < cap) {
      this.vals.push(undefined);
      this.seqs.push(undefined);
    }
  }
  reset(slot: number): void {
    this.vals[slot] = undefined;
    this.seqs[slot] = undefined;
  }
  private put(slot: number, x: Scalar, seq: number): void {
    const v = this.vals[slot];
    const q = this.seqs[slot];
    if (v === undefined || q === undefined) {
      this.vals[slot] = [x];
      this.seqs[slot] = [seq];
      return;
    }
    if (!this.retractable) {
      // keep the one value the result needs
      if (v.length === 0) {
        v.push(x);
        q.push(seq);
      } else if (this.last ? seq > q[0]! : seq < q[0]!) {
        v[0] = x;
        q[0] = seq;
      }
      return;
    }
    // insert in seq order (appends are the common case: a new value has the highest seq)
    let i = q.length;
    while (i > 0 && q[i - 1]! > seq) i--;
    if (i === q.length) {
      v.push(x);
      q.push(seq);
    } else {
      v.splice(i, 0, x);
      q.splice(i, 0, seq);
    }
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      this.put(slots[j]!, getScalar(col, r), this.seq++);
    }
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    if (!this.retractable) throw new Error('FIRST_VALUE/LAST_VALUE without retraction state received a retraction (this is a bug in weir)');
    const col = batch[this.arg]!;
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const v = this.vals[slot];
      if (v === undefined) continue;
      const i = v.indexOf(getScalar(col, r));
      if (i < 0) continue;
      v.splice(i, 1);
      this.seqs[slot]!.splice(i, 1);
    }
  }
  value(slot: number): Scalar {
    const v = this.vals[slot];
    if (v === undefined || v.length === 0) return null;
    return this.last ? v[v.length - 1]! : v[0]!;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.push(this.value(slot));
  }
  merge(target: number, source: number): void {
    const v = this.vals[source];
    const q = this.seqs[source];
    if (v === undefined || q === undefined) return;
    for (let i = 0; i < v.length; i++) this.put(target, v[i]!, q[i]!);
  }
  save(slot: number): unknown {
    const v = this.vals[slot];
    return v === undefined ? null : [v, this.seqs[slot]!];
  }
  load(slot: number, st: unknown): void {
    if (st === null) {
      this.reset(slot);
      return;
    }
    const [v, q] = st as [Scalar[], number[]];
    this.vals[slot] = v.slice();
    this.seqs[slot] = q.slice();
    for (const s of q) if (s >= this.seq) this.seq = s + 1;
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, st, from, to, n);
  }
}

/**
 * LISTAGG(x [, sep]) (Flink's): the non-NULL values in arrival order joined by the separator
 * (',' by default); NULL when there are none. Retraction (Flink's ListAggWithRetract) removes
 * the earliest copy of the value. Merging appends the source's values after the target's.
 */
class ListAgg implements Accumulator {
  private lists: (string[] | undefined)[] = [];
  constructor(
    private readonly arg: number,
    private readonly separator: string,
  ) {}
  grow(cap: number): void {
    while (this.lists.length < cap) this.lists.push(undefined);
  }
  reset(slot: number): void {
    this.lists[slot] = undefined;
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    const v = col.values as string[];
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const l = this.lists[slot];
      if (l === undefined) this.lists[slot] = [v[r]!];
      else l.push(v[r]!);
    }
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    const v = col.values as string[];
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const l = this.lists[slots[j]!];
      if (l === undefined) continue;
      const i = l.indexOf(v[r]!);
      if (i >= 0) l.splice(i, 1);
    }
  }
  value(slot: number): Scalar {
    const l = this.lists[slot];
    return l === undefined || l.length === 0 ? null : l.join(this.separator);
  }
  result(slot: number, out: ColumnBuilder): void {
    const l = this.lists[slot];
    if (l === undefined || l.length === 0) out.pushNull();
    else out.pushString(l.join(this.separator));
  }
  merge(target: number, source: number): void {
    const src = this.lists[source];
    if (src === undefined || src.length === 0) return;
    const t = this.lists[target];
    if (t === undefined) this.lists[target] = src.slice();
    else t.push(...src);
  }
  save(slot: number): unknown {
    return this.lists[slot] ?? null;
  }
  load(slot: number, st: unknown): void {
    this.lists[slot] = st === null ? undefined : (st as string[]).slice();
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, st, from, to, n);
  }
}

/**
 * JSON_ARRAYAGG(v [NULL | ABSENT ON NULL]) (Flink's JsonArrayAggFunction): LISTAGG's state of
 * the values' JSON text (arrival order; a retraction removes the earliest equal element, none:
 * nothing, as Flink's ListView.remove) written as a JSON array, `[]` when empty. NULLs are
 * skipped: under NULL ON NULL the binder has made each one the text `null` (bind-json.ts).
 */
export class JsonArrayAgg extends ListAgg {
  constructor(arg: number) {
    super(arg, ',');
  }
  override value(slot: number): Scalar {
    const v = super.value(slot);
    return v === null ? '[]' : `[${v as string}]`;
  }
  override result(slot: number, out: ColumnBuilder): void {
    out.pushString(this.value(slot) as string);
  }
}

/** Applies the inner accumulator only to rows whose FILTER condition is TRUE. */
class Filtered implements Accumulator {
  private s: Int32Array = new Int32Array(0);
  private r: Int32Array = new Int32Array(0);
  /** The inner accumulator's (a FILTER keeps its inner state as is). */
  readonly saveSome?: (list: Int32Array, n: number) => unknown;
  readonly reader: Accumulator;
  constructor(
    private readonly inner: Accumulator,
    private readonly filter: number,
  ) {
    this.reader = inner.reader ?? inner;
    if (inner.saveSome !== undefined) this.saveSome = (list, n) => inner.saveSome!(list, n);
  }
  grow(cap: number): void {
    this.inner.grow(cap);
  }
  reset(slot: number): void {
    this.inner.reset(slot);
  }
  private select(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): number {
    if (this.s.length < count) {
      this.s = new Int32Array(Math.max(count, 1024));
      this.r = new Int32Array(Math.max(count, 1024));
    }
    const f = batch[this.filter]!;
    const fv = f.values as Uint8Array;
    const fn = f.nulls;
    let m = 0;
    for (let j = 0; j < count; j++) {
      const row = rows === null ? j : rows[j]!;
      if (fv[row] === 1 && (fn === null || fn[row] === 0)) {
        this.s[m] = slots[j]!;
        this.r[m] = row;
        m++;
      }
    }
    return m;
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const m = this.select(slots, rows, count, batch);
    this.inner.add(this.s, this.r, m, batch);
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const m = this.select(slots, rows, count, batch);
    this.inner.retract(this.s, this.r, m, batch);
  }
  value(slot: number): Scalar {
    return this.inner.value(slot);
  }
  result(slot: number, out: ColumnBuilder): void {
    this.inner.result(slot, out);
  }
  merge(target: number, source: number): void {
    this.inner.merge(target, source);
  }
  save(slot: number): unknown {
    return this.inner.save(slot);
  }
  load(slot: number, s: unknown): void {
    this.inner.load(slot, s);
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return this.inner.saveAll(high, inUse);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    this.inner.loadFrom(st, from, to, n);
  }
}

/**
 * DISTINCT: counts each value per group; the inner accumulator sees a value when its count
 * goes 0 -> 1 and its retraction when it goes 1 -> 0. NULLs are ignored, as every aggregate
 * ignores them.
 */
/** A DISTINCT key: composite values (ROW, ARRAY, MAP) by their canonical text. */
function distinctKey(v: unknown): number | string | bigint {
  return typeof v === 'object' && v !== null ? canonicalText(v) : (v as number | string | bigint);
}

class Distinct implements Accumulator {
  private seen: (Map<number | string | bigint, number> | undefined)[] = [];
  private s: Int32Array = new Int32Array(0);
  private r: Int32Array = new Int32Array(0);
  constructor(
    private readonly inner: Accumulator,
    private readonly arg: number,
    private readonly argType: DataType,
  ) {}
  grow(cap: number): void {
    this.inner.grow(cap);
    while (this.seen.length < cap) this.seen.push(undefined);
  }
  reset(slot: number): void {
    this.inner.reset(slot);
    this.seen[slot] = undefined;
  }
  private ensure(count: number): void {
    if (this.s.length < count) {
      this.s = new Int32Array(Math.max(count, 1024));
      this.r = new Int32Array(Math.max(count, 1024));
    }
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.ensure(count);
    const col = batch[this.arg]!;
    const v = col.values;
    const nulls = col.nulls;
    let m = 0;
    for (let j = 0; j < count; j++) {
      const row = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[row] === 1) continue;
      const slot = slots[j]!;
      let set = this.seen[slot];
      if (set === undefined) {
        set = new Map();
        this.seen[slot] = set;
      }
      const x = distinctKey(v[row]);
      const c = set.get(x);
      if (c === undefined) {
        set.set(x, 1);
        this.s[m] = slot;
        this.r[m] = row;
        m++;
      } else set.set(x, c + 1);
    }
    this.inner.add(this.s, this.r, m, batch);
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.ensure(count);
    const col = batch[this.arg]!;
    const v = col.values;
    const nulls = col.nulls;
    let m = 0;
    for (let j = 0; j < count; j++) {
      const row = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[row] === 1) continue;
      const slot = slots[j]!;
      const set = this.seen[slot];
      if (set === undefined) continue;
      const x = distinctKey(v[row]);
      const c = set.get(x);
      if (c === undefined) continue;
      if (c === 1) {
        set.delete(x);
        this.s[m] = slot;
        this.r[m] = row;
        m++;
      } else set.set(x, c - 1);
    }
    this.inner.retract(this.s, this.r, m, batch);
  }
  value(slot: number): Scalar {
    return this.inner.value(slot);
  }
  result(slot: number, out: ColumnBuilder): void {
    this.inner.result(slot, out);
  }
  merge(target: number, source: number): void {
    const src = this.seen[source];
    if (src === undefined) return;
    let set = this.seen[target];
    if (set === undefined) {
      set = new Map();
      this.seen[target] = set;
    }
    const fresh: (number | string | bigint)[] = [];
    for (const [x, c] of src) {
      const cur = set.get(x);
      if (cur === undefined) fresh.push(x);
      set.set(x, (cur ?? 0) + c);
    }
    if (fresh.length === 0) return;
    // Feed the values new to the target through the inner accumulator as a one-column batch.
    // strings, and BIGINTs beyond ±(2^53-1) (bigints: a wide column, common/int64.ts), stay a plain array
    const plain = typeof fresh[0] === 'string' || fresh.some((x) => typeof x === 'bigint');
    const col: Column = { type: this.argType, values: plain ? (fresh as string[]) : Float64Array.from(fresh as number[]), nulls: null };
    const cols: Column[] = [];
    cols[this.arg] = col;
    const slots = new Int32Array(fresh.length).fill(target);
    this.inner.add(slots, null, fresh.length, cols);
  }
  save(slot: number): unknown {
    const set = this.seen[slot];
    return [this.inner.save(slot), set === undefined ? null : [...set.entries()]];
  }
  load(slot: number, s: unknown): void {
    const [inner, entries] = s as [unknown, [number | string | bigint, number][] | null];
    this.inner.load(slot, inner);
    this.seen[slot] = entries === null ? undefined : new Map(entries);
  }
  /**
   * Columnar: every slot's distinct values back to back (`offsets[s]..offsets[s + 1]`), with
   * their counts, so a snapshot of many small sets is a few arrays, not an array per slot.
   */
  saveAll(high: number, inUse: Uint8Array): DistinctSnapshot {
    const offsets = new Int32Array(high + 1);
    let total = 0;
    for (let s = 0; s < high; s++) {
      offsets[s] = total;
      if (inUse[s] === 1) total += this.seen[s]?.size ?? 0;
    }
    offsets[high] = total;
    // strings, composite values (their canonical text, the map's key), and BIGINTs when some
    // value is beyond ±(2^53-1) (a bigint) go in a plain array
    const kind = physicalKind(this.argType);
    const strings = kind === 'str' || kind === 'obj' || (this.argType.kind === 'BIGINT' && this.anyBig(high, inUse));
    const values: Float64Array | string[] = strings ? new Array<string>(total) : new Float64Array(total);
    let counts: Float64Array | Uint32Array = new Uint32Array(total);
    let k = 0;
    for (let s = 0; s < high; s++) {
      const set = this.seen[s];
      if (inUse[s] !== 1 || set === undefined) continue;
      for (const [x, c] of set) {
        values[k] = x as never;
        // counts fit 32 bits but for billions of copies of one value: then 64-bit floats
        if (c > 0xffffffff && counts instanceof Uint32Array) counts = Float64Array.from(counts);
        counts[k++] = c;
      }
    }
    return { inner: this.inner.saveAll(high, inUse), offsets, values, counts };
  }
  /** Whether some slot holds a BIGINT beyond ±(2^53-1) (snapshots: only BIGINT arguments scan). */
  private anyBig(high: number, inUse: Uint8Array): boolean {
    for (let s = 0; s < high; s++) {
      const set = this.seen[s];
      if (inUse[s] !== 1 || set === undefined) continue;
      for (const x of set.keys()) if (typeof x === 'bigint') return true;
    }
    return false;
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    // snapshots before the columnar form held [inner, entries] per slot
    if (Array.isArray(st)) {
      loadEach(this, st, from, to, n);
      return;
    }
    const snap = st as DistinctSnapshot;
    this.inner.loadFrom(snap.inner, from, to, n);
    for (let i = 0; i < n; i++) {
      const f = from[i]!;
      const a = snap.offsets[f]!;
      const b = snap.offsets[f + 1]!;
      if (a === b) {
        this.seen[to[i]!] = undefined;
        continue;
      }
      const set = new Map<number | string | bigint, number>();
      for (let j = a; j < b; j++) set.set(snap.values[j]!, snap.counts[j]!);
      this.seen[to[i]!] = set;
    }
  }
}

interface DistinctSnapshot {
  readonly inner: unknown;
  readonly offsets: Int32Array;
  readonly values: Float64Array | string[];
  readonly counts: Float64Array | Uint32Array;
}

/**
 * Builds the accumulator for an aggregate call. `retractable` is set when the input is a
 * changelog (MIN/MAX then keep their multiset); `argTypes` are the input column types.
 */
/**
 * ARRAY_AGG, as Flink's ArrayAggFunction: the values in arrival order, NULLs included; a
 * retraction removes the first equal value, or, when there is none yet, is kept and applied
 * when accumulators merge; no values gives NULL (not an empty array).
 */
class ArrayAgg implements Accumulator {
  private lists: (unknown[] | undefined)[] = [];
  private pending: (unknown[] | undefined)[] = [];
  constructor(private readonly arg: number) {}
  grow(cap: number): void {
    while (this.lists.length < cap) {
      this.lists.push(undefined);
      this.pending.push(undefined);
    }
  }
  reset(slot: number): void {
    this.lists[slot] = undefined;
    this.pending[slot] = undefined;
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    for (let j = 0; j < count; j++) {
      const slot = slots[j]!;
      const list = (this.lists[slot] ??= []);
      list.push(getScalar(col, rows === null ? j : rows[j]!));
    }
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    const col = batch[this.arg]!;
    for (let j = 0; j < count; j++) {
      const slot = slots[j]!;
      const v = getScalar(col, rows === null ? j : rows[j]!);
      if (!removeFirst(this.lists[slot], v)) (this.pending[slot] ??= []).push(v);
    }
  }
  value(slot: number): Scalar {
    const list = this.lists[slot];
    return list === undefined || list.length === 0 ? null : list.slice();
  }
  result(slot: number, out: ColumnBuilder): void {
    out.pushValue(this.value(slot));
  }
  merge(target: number, source: number): void {
    const src = this.lists[source];
    const srcPending = this.pending[source];
    if (src !== undefined) (this.lists[target] ??= []).push(...src);
    const pending = [...(this.pending[target] ?? []), ...(srcPending ?? [])];
    const left = pending.filter((v) => !removeFirst(this.lists[target], v));
    this.pending[target] = left.length === 0 ? undefined : left;
  }
  save(slot: number): unknown {
    return [this.lists[slot] ?? null, this.pending[slot] ?? null];
  }
  load(slot: number, state: unknown): void {
    const [l, p] = state as [unknown[] | null, unknown[] | null];
    this.lists[slot] = l ?? undefined;
    this.pending[slot] = p ?? undefined;
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(state: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, state, from, to, n);
  }
}

/**
 * COLLECT, as Flink's CollectAggFunction: per group, each distinct non-NULL value with its
 * count (a MULTISET, carried as composite.ts's MapValue of value -> count, in order of first
 * arrival). A retraction takes one off the count and removes the value at 0; a retraction of
 * a value that is not there records it with -1 (Flink's retract), and merging adds counts.
 * No values gives an empty multiset `{}`, never NULL.
 */
class Collect implements Accumulator {
  /** Per slot: the value's key (itself, or a composite's canonical text) -> [value, count]. */
  private sets: (Map<unknown, [unknown, number]> | undefined)[] = [];
  constructor(private readonly arg: number) {}
  grow(cap: number): void {
    while (this.sets.length < cap) this.sets.push(undefined);
  }
  reset(slot: number): void {
    this.sets[slot] = undefined;
  }
  private update(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[], delta: number): void {
    const col = batch[this.arg]!;
    const nulls = col.nulls;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const v = getScalar(col, r);
      const k = collectKey(v);
      const set = (this.sets[slot] ??= new Map());
      const e = set.get(k);
      if (e === undefined) set.set(k, [v, delta]);
      else if (e[1] + delta === 0 && delta < 0) set.delete(k);
      else e[1] += delta;
    }
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.update(slots, rows, count, batch, 1);
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.update(slots, rows, count, batch, -1);
  }
  value(slot: number): Scalar {
    const set = this.sets[slot];
    const keys: unknown[] = [];
    const values: number[] = [];
    if (set !== undefined) {
      for (const e of set.values()) {
        keys.push(e[0]);
        values.push(e[1]);
      }
    }
    return { keys, values } as unknown as Scalar;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.pushValue(this.value(slot));
  }
  merge(target: number, source: number): void {
    const src = this.sets[source];
    if (src === undefined) return;
    const set = (this.sets[target] ??= new Map());
    for (const [k, e] of src) {
      const t = set.get(k);
      if (t === undefined) set.set(k, [e[0], e[1]]);
      else t[1] += e[1];
    }
  }
  save(slot: number): unknown {
    const set = this.sets[slot];
    if (set === undefined) return null;
    return [[...set.values()].map((e) => e[0]), [...set.values()].map((e) => e[1])];
  }
  load(slot: number, state: unknown): void {
    if (state === null) {
      this.sets[slot] = undefined;
      return;
    }
    const [vs, cs] = state as [unknown[], number[]];
    const set = new Map<unknown, [unknown, number]>();
    for (let i = 0; i < vs.length; i++) set.set(collectKey(vs[i]), [vs[i], cs[i]!]);
    this.sets[slot] = set;
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(state: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, state, from, to, n);
  }
}

/** COLLECT's key of a value: scalars as themselves (bigints canonical), composites by their canonical text. */
function collectKey(v: unknown): unknown {
  if (typeof v === 'object' && v !== null) return canonicalText(v);
  return typeof v === 'bigint' ? canonicalInt64(v) : v;
}

/** Removes the first value equal to `v` (composites by value); false when there is none. */
function removeFirst(list: unknown[] | undefined, v: unknown): boolean {
  if (list === undefined) return false;
  let i = -1;
  if (typeof v === 'object' && v !== null) {
    const t = canonicalText(v);
    i = list.findIndex((x) => typeof x === 'object' && x !== null && canonicalText(x) === t);
  } else i = list.indexOf(v);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

export function createAccumulator(call: AggCall, argTypes: readonly DataType[], retractable: boolean): Accumulator {
  const arg = call.args[0] ?? -1;
  const t = argTypes[0];
  let acc: Accumulator;
  switch (call.fn) {
    case 'count_star':
      acc = new CountStar();
      break;
    case 'count':
      acc = new Count(arg);
      break;
    case 'sum':
    case 'sum0':
    case 'avg':
      acc = t !== undefined && t.kind === 'DECIMAL' ? new DecimalSumAvg(arg, call.fn, t, call.type) : new SumAvg(arg, call.fn, isIntegral(call.type), call.type);
      break;
    case 'array_agg':
      acc = new ArrayAgg(arg);
      break;
    case 'collect':
      acc = new Collect(arg);
      break;
    case 'udaf':
      acc = new UdafAccumulator(call.udf!, call.args, retractable);
      break;
    case 'min':
    case 'max': {
      const isMax = call.fn === 'max';
      // DISTINCT needs retraction of the inner value when its last copy goes.
      // wide DECIMAL (canonical text) orders by value, not as text
      const cmp = t !== undefined && isWideDecimal(t) ? compareCanonical : compareStrings;
      if (retractable) acc = new MinMaxRetractable(arg, isMax, cmp);
      else if (t !== undefined && physicalKind(t) === 'str') acc = new MinMaxString(arg, isMax, cmp);
      else acc = new MinMaxNumber(arg, isMax);
      break;
    }
    case 'first_value':
    case 'last_value':
      acc = new FirstLastValue(arg, call.fn === 'last_value', retractable);
      break;
    case 'listagg':
      acc = new ListAgg(arg, call.separator ?? ',');
      break;
    case 'json_objectagg':
      acc = new JsonObjectAgg(arg, call.args[1]!, call.absentOnNull === true);
      break;
    case 'json_arrayagg':
      acc = new JsonArrayAgg(arg);
      break;
  }
  if (call.distinct && call.fn !== 'count_star') {
    // MIN/MAX/FIRST_VALUE/LAST_VALUE(DISTINCT x) equal the plain call; skip the wrapper for them.
    if (call.fn !== 'min' && call.fn !== 'max' && call.fn !== 'first_value' && call.fn !== 'last_value') acc = new Distinct(acc, arg, t!);
  }
  // BIGINT values beyond ±(2^53-1) (wide columns, common/int64.ts): COUNT, SUM, SUM0, AVG and
  // append-only MIN/MAX carry them; every other accumulator refuses them, never rounds
  // (DISTINCT, retractable MIN/MAX and FIRST/LAST_VALUE too: their values are Map keys and
  // compared with < >, exact for bigints); ARRAY_AGG puts them into its arrays (composite
  // values carry a bigint, composite.ts) and a UDAF gets them as JS bigints (udf.ts)
  const wideOk = call.fn !== 'listagg';
  if (!wideOk && argTypes.some((at) => at.kind === 'BIGINT')) acc = refuseWide(acc, call.args, call.fn.toUpperCase());
  if (call.filter !== undefined) acc = new Filtered(acc, call.filter);
  return acc;
}

/** The accumulator, failing clearly when an argument column is a wide BIGINT column. */
function refuseWide(acc: Accumulator, args: readonly number[], name: string): Accumulator {
  const check = (count: number, batch: readonly Column[]): void => {
    for (const a of args) {
      const c = batch[a];
      if (c !== undefined && c.type.kind === 'BIGINT' && Array.isArray(c.values)) throw wideNotSupported(`aggregate ${name}`, firstBig(c, c.values.length));
    }
    void count;
  };
  const add = acc.add.bind(acc);
  const retract = acc.retract.bind(acc);
  acc.add = (s, r, n, b) => {
    check(n, b);
    add(s, r, n, b);
  };
  acc.retract = (s, r, n, b) => {
    check(n, b);
    retract(s, r, n, b);
  };
  return acc;
}
