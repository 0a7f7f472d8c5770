// DISTINCT aggregates over one column share one state per group (as Flink's DistinctInfo does
// for the distinct calls of one argument): every distinct value of the column in the group,
// with a bitmask of the aggregates whose FILTER it has passed (bit k for member k; a member
// without FILTER takes every row). With retractable input (a changelog), each value also keeps
// a count per member, so a bit is cleared only when the member's last copy of the value is
// retracted (Flink keeps counters per filter when it consumes retractions).
//
// A member's inner accumulator (COUNT, SUM, LISTAGG... of the plain values) sees a value when
// its bit turns on and the value's retraction when it turns off, exactly as a separate
// DISTINCT wrapper per call would, but the values are stored once: q15/q16 have 8 distinct
// calls over 2 columns, so 2 sets per group instead of 8.
//
// Storage per group: numbers in open-addressing tables (not a Map of boxed numbers): an
// integer argument's group starts with int32 cells (IntSet, 8 bytes a cell; over insert-only
// input and small non-negative values, PackedIntSet: value and mask in one int32) and moves to
// double cells (NumberSet) at its first value beyond int32; strings and composite values (by
// canonical text) use a Map to the entry. Removing an entry moves the last one
// into its place. NULLs are ignored, as every aggregate ignores them; numbers compare as
// SameValueZero (-0 = 0, NaN = NaN).
//
// Snapshot (the first member's saveAll; the others save only their inner accumulator): every
// slot's entries back to back, `offsets[s]..offsets[s + 1]`, with values, masks and counts.
// Snapshots written before the shared state (one DISTINCT wrapper per call: a value set with
// counts per slot) restore into it: each call's set sets its own bit.

import type { Column, ColumnBuilder, Scalar } from '../common/batch.js';
import { canonicalText } from '../common/composite.js';
import type { DataType } from '../common/types.js';
import { physicalKind } from '../common/types.js';
import type { Accumulator } from './accumulators.js';

/** add's rows per block (touch pass, then the probes; see add). */
const TOUCH_BLOCK = 256;

/** The most calls one shared state serves (bits of a 32-bit mask). */
export const MAX_SHARED_CALLS = 32;

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

function hashNum(k: number): number {
  scratch[0] = k;
  let h = scratchBits[0]! ^ Math.imul(scratchBits[1]!, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One group's distinct values: entries e (value, mask of members, counts per member). */
abstract class ValueSet {
  /** Entries held. */
  n = 0;
  /** counts[e * m + k]: member k's copies of entry e's value (changelog input), or null. */
  counts: Float64Array | null = null;
  constructor(protected readonly m: number) {}
  /** The entry of value x (as read from the column), adding one with mask 0 when absent; the caller sets a non-zero mask at once. */
  abstract entry(x: unknown): number;
  /** The entry of value x, or -1. */
  abstract find(x: unknown): number;
  abstract mask(e: number): number;
  abstract setMask(e: number, mask: number): void;
  /** Removes entry e (its mask is 0); other entries' numbers may change. */
  abstract remove(e: number): void;
  /** The value of entry e, as the column holds it. */
  abstract valueAt(e: number): unknown;
  /** Entry numbers are below this; live(e) tells which hold a value. */
  abstract cells(): number;
  abstract live(e: number): boolean;
  /** Whether the set can hold value x (a number or bigint as the column holds it); SharedDistinct widens the group's set when not. */
  abstract holds(x: unknown): boolean;
  /** Gives back what the set holds outside the JS heap's care (an arena block); the set is not used after. */
  release(): void {}
  /** Reads what a lookup of number v would read first (NumberSet: its home cell); see add. */
  touch(_v: number): number {
    return 0;
  }
}

/**
 * The cells of one SharedDistinct's number tables (value and mask as two doubles per cell):
 * chunks of 2^16 cells, cut into blocks of 2^k cells by a buddy allocator (a freed block joins
 * its free buddy into the block of twice the size). A table that grows hands its block back;
 * blocks of groups that grow side by side join and serve the next size. So a query with many
 * small groups (Nexmark q16: 20,000 tables growing 8, 16 ... 512) allocates no typed array
 * per resize, and a lookup reads the shared chunk instead of a typed array per group. Tables
 * beyond 2^MAX_ORDER cells get a Float64Array of their own.
 *
 * A block's handle: chunk * 2^16 + its first cell. Free blocks: free[k] lists handles, valid
 * while state[chunk][cell >> 3] is k + 1 (entries left behind by a join or an allocation are
 * skipped when popped).
 */
const CHUNK_ORDER = 16;
const MAX_ORDER = 13;
const MIN_ORDER = 3;

class CellArena {
  private readonly chunks: Float64Array[] = [];
  /** chunks' memory as int32s (IntSet's cells). */
  private readonly ints: Int32Array[] = [];
  private readonly state: Int8Array[] = [];
  private readonly free: number[][] = [];
  constructor() {
    for (let k = 0; k <= CHUNK_ORDER; k++) this.free.push([]);
  }

  /** A zeroed block of 2^k cells (MIN_ORDER <= k <= MAX_ORDER): its handle. */
  alloc(k: number): number {
    const list = this.free[k]!;
    while (list.length > 0) {
      const h = list.pop()!;
      const st = this.state[h >>> CHUNK_ORDER]!;
      const i = (h & ((1 << CHUNK_ORDER) - 1)) >> 3;
      if (st[i] !== k + 1) continue;
      st[i] = 0;
      const o = 2 * (h & ((1 << CHUNK_ORDER) - 1));
      this.chunks[h >>> CHUNK_ORDER]!.fill(0, o, o + (2 << k));
      return h;
    }
    let h: number;
    if (k === CHUNK_ORDER) {
      h = this.chunks.length << CHUNK_ORDER;
      const c = new Float64Array(2 << CHUNK_ORDER);
      this.chunks.push(c);
      this.ints.push(new Int32Array(c.buffer));
      this.state.push(new Int8Array(1 << (CHUNK_ORDER - 3)));
      return h;
    }
    h = this.alloc(k + 1);
    // the upper half is free
    this.mark(h + (1 << k), k);
    return h;
  }
  private mark(h: number, k: number): void {
    this.state[h >>> CHUNK_ORDER]![(h & ((1 << CHUNK_ORDER) - 1)) >> 3] = k + 1;
    this.free[k]!.push(h);
  }
  chunk(h: number): Float64Array {
    return this.chunks[h >>> CHUNK_ORDER]!;
  }
  /** The chunk of block h as int32s (four per cell). */
  intChunk(h: number): Int32Array {
    return this.ints[h >>> CHUNK_ORDER]!;
  }
  release(h: number, k: number): void {
    const st = this.state[h >>> CHUNK_ORDER]!;
    while (k < CHUNK_ORDER) {
      const buddy = h ^ (1 << k);
      const i = (buddy & ((1 << CHUNK_ORDER) - 1)) >> 3;
      if (st[i] !== k + 1) break;
      st[i] = 0;
      h = Math.min(h, buddy);
      k++;
    }
    this.mark(h, k);
  }
}

/**
 * What NumberSet and IntSet share: cells of two numbers (value, mask; mask 0 is a free cell)
 * at tab[o ..], linear probing from home(v, cap - 1); a deletion shifts later entries back.
 */
abstract class CellSet extends ValueSet {
  protected abstract tab: Float64Array | Int32Array;
  /** The table's first number in tab. */
  protected abstract o: number;
  protected abstract cap: number;
  /** The arena block's handle, or -1 (a table of its own). */
  protected handle = -1;
  constructor(
    m: number,
    protected readonly retract: boolean,
    protected readonly arena: CellArena,
    /** log2 of the table's cells per arena cell (16 bytes): 0 for doubles, 1 for int32s. */
    private readonly perCell: number,
  ) {
    super(m);
  }
  /** Hands the table's block back to the arena; the set is not used after. */
  override release(): void {
    if (this.handle >= 0) this.arena.release(this.handle, 31 - this.perCell - Math.clz32(this.cap));
    this.handle = -1;
  }
  /** v's home cell in a table of mask + 1 cells. */
  protected abstract home(v: number, mask: number): number;
  /** The cell holding v, or -1. */
  protected cellOf(v: number): number {
    const t = this.tab;
    const o = this.o;
    const mask = this.cap - 1;
    let h = this.home(v, mask);
    for (;;) {
      if (t[o + 2 * h + 1] === 0) return -1;
      if (t[o + 2 * h] === v) return h;
      h = (h + 1) & mask;
    }
  }
  /** Frees cell e and moves later entries of its run back where a probe finds them. */
  protected shiftBack(e: number): void {
    const t = this.tab;
    const o = this.o;
    t[o + 2 * e + 1] = 0;
    const mask = this.cap - 1;
    const counts = this.counts;
    const m = this.m;
    let hole = e;
    let i = (hole + 1) & mask;
    for (;;) {
      if (t[o + 2 * i + 1] === 0) break;
      const home = this.home(t[o + 2 * i]!, mask);
      const stays = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (!stays) {
        t[o + 2 * hole] = t[o + 2 * i]!;
        t[o + 2 * hole + 1] = t[o + 2 * i + 1]!;
        t[o + 2 * i + 1] = 0;
        if (counts !== null) counts.copyWithin(hole * m, i * m, i * m + m);
        hole = i;
      }
      i = (i + 1) & mask;
    }
  }
  /**
   * Moves the entries (values, masks, counts) into the zeroed table t[o ..] of cap cells (block
   * `handle`, or -1) with counts `counts`, which the set then uses; the old block goes back.
   */
  protected moveTo(handle: number, t: Float64Array | Int32Array, o: number, cap: number, counts: Float64Array | null): void {
    const old = this.tab;
    const oo = this.o;
    const oldCounts = this.counts;
    const m = this.m;
    const mask = cap - 1;
    for (let i = 0; i < this.cap; i++) {
      const mk = old[oo + 2 * i + 1]!;
      if (mk === 0) continue;
      const x = old[oo + 2 * i]!;
      let h = this.home(x, mask);
      while (t[o + 2 * h + 1] !== 0) h = (h + 1) & mask;
      t[o + 2 * h] = x;
      t[o + 2 * h + 1] = mk;
      if (counts !== null) counts.set(oldCounts!.subarray(i * m, i * m + m), h * m);
    }
    this.release();
    this.handle = handle;
    this.tab = t;
    this.o = o;
    this.counts = counts;
    this.cap = cap;
  }
}

/**
 * Numbers: open addressing with linear probing, value and mask side by side (one cache line
 * per probe), in a block of a CellArena chunk (doubles tab[o..o + 2 * cap)) or, for a large
 * table, a Float64Array of its own (o = 0); mask 0 marks a free cell. NaN is entry `cap`,
 * held outside the table (nanMask). An entry's number is its cell; deletion shifts later
 * entries back.
 */
class NumberSet extends CellSet {
  protected tab: Float64Array;
  protected o: number;
  protected cap = 1 << MIN_ORDER;
  /** NaN's mask (0: NaN absent). */
  private nanMask = 0;
  protected home(v: number, mask: number): number {
    return hashNum(v) & mask;
  }
  /** The mask in v's home cell (add's first pass reads it so the cell is in cache). */
  override touch(v: number): number {
    return this.tab[this.o + 2 * (hashNum(v) & (this.cap - 1)) + 1]!;
  }
  constructor(m: number, retract: boolean, arena: CellArena) {
    super(m, retract, arena, 0);
    this.handle = arena.alloc(MIN_ORDER);
    this.tab = arena.chunk(this.handle);
    this.o = 2 * (this.handle & ((1 << CHUNK_ORDER) - 1));
    if (retract) this.counts = new Float64Array((this.cap + 1) * m);
  }
  holds(x: unknown): boolean {
    return typeof x === 'number';
  }
  cells(): number {
    return this.cap + 1;
  }
  live(e: number): boolean {
    return e === this.cap ? this.nanMask !== 0 : this.tab[this.o + 2 * e + 1] !== 0;
  }
  mask(e: number): number {
    return e === this.cap ? this.nanMask : this.tab[this.o + 2 * e + 1]!;
  }
  setMask(e: number, mask: number): void {
    if (e === this.cap) this.nanMask = mask >>> 0;
    else this.tab[this.o + 2 * e + 1] = mask >>> 0;
  }
  valueAt(e: number): unknown {
    return e === this.cap ? NaN : this.tab[this.o + 2 * e]!;
  }
  find(x: unknown): number {
    const v = x as number;
    if (v !== v) return this.nanMask !== 0 ? this.cap : -1;
    return this.cellOf(v === 0 ? 0 : v);
  }
  entry(x: unknown): number {
    let v = x as number;
    let cap = this.cap;
    if (v !== v) {
      // (the caller sets a non-zero mask at once)
      if (this.nanMask === 0) {
        this.n++;
        if (this.counts !== null) this.counts.fill(0, cap * this.m, cap * this.m + this.m);
      }
      return cap;
    }
    if (v === 0) v = 0; // -0 is 0
    let t = this.tab;
    let o = this.o;
    let mask = cap - 1;
    let h = this.home(v, mask);
    for (;;) {
      if (t[o + 2 * h + 1] === 0) break;
      if (t[o + 2 * h] === v) return h;
      h = (h + 1) & mask;
    }
    // (NaN counts in n but takes no cell)
    if ((this.n + 1) * 4 > cap * 3) {
      this.resize(cap * 2);
      cap = this.cap;
      t = this.tab;
      o = this.o;
      mask = cap - 1;
      h = this.home(v, mask);
      while (t[o + 2 * h + 1] !== 0) h = (h + 1) & mask;
    }
    t[o + 2 * h] = v;
    this.n++;
    if (this.counts !== null) this.counts.fill(0, h * this.m, h * this.m + this.m);
    return h;
  }
  private resize(cap: number): void {
    const oldCap = this.cap;
    const m = this.m;
    const order = 31 - Math.clz32(cap);
    const handle = order <= MAX_ORDER ? this.arena.alloc(order) : -1;
    const t = handle >= 0 ? this.arena.chunk(handle) : new Float64Array(2 * cap);
    const o = handle >= 0 ? 2 * (handle & ((1 << CHUNK_ORDER) - 1)) : 0;
    const counts = this.retract ? new Float64Array((cap + 1) * m) : null;
    // NaN's counts move to row cap
    if (counts !== null) counts.set(this.counts!.subarray(oldCap * m, oldCap * m + m), cap * m);
    this.moveTo(handle, t, o, cap, counts);
  }
  remove(e: number): void {
    this.n--;
    if (e === this.cap) this.nanMask = 0;
    else this.shiftBack(e);
  }
}

/** Fibonacci hashing's multiplier (2^32 / golden ratio): IntSet's home cell is the product's top bits. */
const GOLDEN = 0x9e3779b9 | 0;
/** IntSet's smallest table: 16 cells, one arena block of order MIN_ORDER. */
const INT_MIN_CAP = 2 << MIN_ORDER;

/**
 * Integers within int32 (most DISTINCT arguments: ids, codes, dates): as NumberSet, but a cell
 * is two int32s, value and mask (8 bytes, half of NumberSet's), so a cache line holds 8 cells
 * and a group's table half the memory. An arena block of order k holds 2^(k+1) cells. The
 * home cell is the top bits of v * GOLDEN (ids that follow each other land far apart). A
 * value this set cannot hold (a fraction, NaN, beyond int32, a bigint) makes SharedDistinct
 * move the group's entries to a NumberSet or TextSet first (holds, widen). -0 is held as 0.
 * The mask is kept as int32 (bit 31 reads back through >>> 0).
 */
class IntSet extends CellSet {
  protected tab: Int32Array;
  protected o: number;
  protected cap = INT_MIN_CAP;
  /** 32 - log2(cap): home(v) = (v * GOLDEN) >>> shift. */
  private shift = 32 - (MIN_ORDER + 1);
  constructor(m: number, retract: boolean, arena: CellArena) {
    super(m, retract, arena, 1);
    this.handle = arena.alloc(MIN_ORDER);
    this.tab = arena.intChunk(this.handle);
    this.o = 4 * (this.handle & ((1 << CHUNK_ORDER) - 1));
    if (retract) this.counts = new Float64Array(this.cap * m);
  }
  holds(x: unknown): boolean {
    return typeof x === 'number' && (x | 0) === x;
  }
  override touch(v: number): number {
    return this.tab[this.o + 2 * (Math.imul(v | 0, GOLDEN) >>> this.shift) + 1]!;
  }
  cells(): number {
    return this.cap;
  }
  live(e: number): boolean {
    return this.tab[this.o + 2 * e + 1] !== 0;
  }
  mask(e: number): number {
    return this.tab[this.o + 2 * e + 1]! >>> 0;
  }
  setMask(e: number, mask: number): void {
    this.tab[this.o + 2 * e + 1] = mask;
  }
  valueAt(e: number): unknown {
    return this.tab[this.o + 2 * e]!;
  }
  find(x: unknown): number {
    return this.holds(x) ? this.cellOf((x as number) | 0) : -1;
  }
  /** (x: a value the set holds) */
  entry(x: unknown): number {
    const v = (x as number) | 0;
    let t = this.tab;
    let o = this.o;
    let mask = this.cap - 1;
    let h = Math.imul(v, GOLDEN) >>> this.shift;
    for (;;) {
      if (t[o + 2 * h + 1] === 0) break;
      if (t[o + 2 * h] === v) return h;
      h = (h + 1) & mask;
    }
    if ((this.n + 1) * 4 > this.cap * 3) {
      this.resize(this.cap * 2);
      t = this.tab;
      o = this.o;
      mask = this.cap - 1;
      h = Math.imul(v, GOLDEN) >>> this.shift;
      while (t[o + 2 * h + 1] !== 0) h = (h + 1) & mask;
    }
    t[o + 2 * h] = v;
    this.n++;
    if (this.counts !== null) this.counts.fill(0, h * this.m, h * this.m + this.m);
    return h;
  }
  protected home(v: number, mask: number): number {
    return Math.imul(v, GOLDEN) >>> Math.clz32(mask);
  }
  private resize(cap: number): void {
    const order = 30 - Math.clz32(cap);
    const handle = order <= MAX_ORDER ? this.arena.alloc(order) : -1;
    const t = handle >= 0 ? this.arena.intChunk(handle) : new Int32Array(2 * cap);
    const o = handle >= 0 ? 4 * (handle & ((1 << CHUNK_ORDER) - 1)) : 0;
    const counts = this.retract ? new Float64Array(cap * this.m) : null;
    this.moveTo(handle, t, o, cap, counts);
    this.shift = Math.clz32(cap) + 1;
  }
  remove(e: number): void {
    this.n--;
    this.shiftBack(e);
  }
}

/** The most members a PackedIntSet serves (values keep 32 - m >= 24 bits). */
const PACKED_MAX_CALLS = 8;
/** PackedIntSet's smallest table: 32 cells, one arena block of order MIN_ORDER. */
const PACKED_MIN_CAP = 4 << MIN_ORDER;

/**
 * Small non-negative integers of an insert-only input (Nexmark's bidder and auction ids): as
 * IntSet, but value and mask share one int32 cell, mask << bits | value with bits = 32 - m
 * (m members: 28 bits for q16's four), so a cell takes 4 bytes, half of IntSet's, and a
 * group's table half the memory and cache. A cell of 0 is free (an entry's mask is never 0
 * once entry() returns: the caller sets it at once). Values in [0, 2^bits) only: any other
 * makes SharedDistinct move the group's entries to an IntSet (or a NumberSet, TextSet) first.
 * No counts (SharedDistinct takes an IntSet for changelog input). An arena block of order k
 * holds 2^(k+2) cells.
 */
class PackedIntSet extends ValueSet {
  private tab: Int32Array;
  private o: number;
  private cap = PACKED_MIN_CAP;
  /** 32 - log2(cap): home(v) = (v * GOLDEN) >>> shift. */
  private shift = 32 - (MIN_ORDER + 2);
  /** The arena block's handle, or -1 (a table of its own). */
  private handle: number;
  /** Values are below 2^bits; the mask sits above them. */
  private readonly bits: number;
  private readonly vmask: number;
  constructor(
    m: number,
    private readonly arena: CellArena,
  ) {
    super(m);
    this.bits = 32 - m;
    this.vmask = 2 ** this.bits - 1;
    this.handle = arena.alloc(MIN_ORDER);
    this.tab = arena.intChunk(this.handle);
    this.o = 4 * (this.handle & ((1 << CHUNK_ORDER) - 1));
  }
  holds(x: unknown): boolean {
    return typeof x === 'number' && (x | 0) === x && x >= 0 && x <= this.vmask;
  }
  override touch(v: number): number {
    return this.tab[this.o + (Math.imul(v | 0, GOLDEN) >>> this.shift)]!;
  }
  override release(): void {
    if (this.handle >= 0) this.arena.release(this.handle, 29 - Math.clz32(this.cap));
    this.handle = -1;
  }
  cells(): number {
    return this.cap;
  }
  live(e: number): boolean {
    return this.tab[this.o + e] !== 0;
  }
  mask(e: number): number {
    return this.tab[this.o + e]! >>> this.bits;
  }
  setMask(e: number, mask: number): void {
    const i = this.o + e;
    this.tab[i] = (this.tab[i]! & this.vmask) | (mask << this.bits);
  }
  valueAt(e: number): unknown {
    return this.tab[this.o + e]! & this.vmask;
  }
  /** The cell holding v, or -1. */
  find(x: unknown): number {
    if (!this.holds(x)) return -1;
    const v = (x as number) | 0;
    const t = this.tab;
    const o = this.o;
    const mask = this.cap - 1;
    for (let h = Math.imul(v, GOLDEN) >>> this.shift; ; h = (h + 1) & mask) {
      const c = t[o + h]!;
      if (c === 0) return -1;
      if ((c & this.vmask) === v) return h;
    }
  }
  /** (x: a value the set holds) */
  entry(x: unknown): number {
    const v = (x as number) | 0;
    const vm = this.vmask;
    let t = this.tab;
    let o = this.o;
    let mask = this.cap - 1;
    let h = Math.imul(v, GOLDEN) >>> this.shift;
    for (;;) {
      const c = t[o + h]!;
      if (c === 0) break;
      if ((c & vm) === v) return h;
      h = (h + 1) & mask;
    }
    if ((this.n + 1) * 4 > this.cap * 3) {
      this.resize(this.cap * 2);
      t = this.tab;
      o = this.o;
      mask = this.cap - 1;
      h = Math.imul(v, GOLDEN) >>> this.shift;
      while (t[o + h] !== 0) h = (h + 1) & mask;
    }
    // mask 0 until the caller sets it (a value of 0 reads as a free cell until then)
    t[o + h] = v;
    this.n++;
    return h;
  }
  private resize(cap: number): void {
    const order = 29 - Math.clz32(cap);
    const handle = order <= MAX_ORDER ? this.arena.alloc(order) : -1;
    const t = handle >= 0 ? this.arena.intChunk(handle) : new Int32Array(cap);
    const o = handle >= 0 ? 4 * (handle & ((1 << CHUNK_ORDER) - 1)) : 0;
    const shift = Math.clz32(cap) + 1;
    const mask = cap - 1;
    const old = this.tab;
    const oo = this.o;
    for (let i = 0; i < this.cap; i++) {
      const c = old[oo + i]!;
      if (c === 0) continue;
      let h = Math.imul(c & this.vmask, GOLDEN) >>> shift;
      while (t[o + h] !== 0) h = (h + 1) & mask;
      t[o + h] = c;
    }
    this.release();
    this.handle = handle;
    this.tab = t;
    this.o = o;
    this.cap = cap;
    this.shift = shift;
  }
  /** Frees cell e and moves later entries of its run back where a probe finds them. */
  remove(e: number): void {
    this.n--;
    const t = this.tab;
    const o = this.o;
    const mask = this.cap - 1;
    t[o + e] = 0;
    let hole = e;
    for (let i = (e + 1) & mask; t[o + i] !== 0; i = (i + 1) & mask) {
      const home = Math.imul(t[o + i]! & this.vmask, GOLDEN) >>> this.shift;
      const stays = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (stays) continue;
      t[o + hole] = t[o + i]!;
      t[o + i] = 0;
      hole = i;
    }
  }
}

/**
 * Strings, and composite values keyed by their canonical text; also BIGINT values of a group
 * that has seen one beyond ±(2^53-1) (`int64`: numbers and bigints as Map keys, common/int64.ts).
 */
class TextSet extends ValueSet {
  private readonly map = new Map<string | number | bigint, number>();
  private keys: (string | number | bigint)[] = [];
  private masks = new Uint32Array(4);
  /** The values as the column holds them (composite objects), when not the keys themselves. */
  private readonly originals: unknown[] | null;
  constructor(
    m: number,
    retract: boolean,
    composite: boolean,
  ) {
    super(m);
    if (retract) this.counts = new Float64Array(4 * m);
    this.originals = composite ? [] : null;
  }
  private keyOf(x: unknown): string | number | bigint {
    if (typeof x === 'number') return x === 0 ? 0 : x; // (int64: -0 is 0)
    return this.originals !== null && typeof x === 'object' && x !== null ? canonicalText(x) : (x as string | bigint);
  }
  holds(): boolean {
    return true;
  }
  cells(): number {
    return this.n;
  }
  live(): boolean {
    return true;
  }
  mask(e: number): number {
    return this.masks[e]!;
  }
  setMask(e: number, mask: number): void {
    this.masks[e] = mask;
  }
  find(x: unknown): number {
    return this.map.get(this.keyOf(x)) ?? -1;
  }
  entry(x: unknown): number {
    const k = this.keyOf(x);
    const found = this.map.get(k);
    if (found !== undefined) return found;
    const e = this.n++;
    const m = this.m;
    if (e >= this.masks.length) {
      const masks = new Uint32Array(this.masks.length * 2);
      masks.set(this.masks);
      this.masks = masks;
      if (this.counts !== null) {
        const c = new Float64Array(masks.length * m);
        c.set(this.counts);
        this.counts = c;
      }
    }
    this.masks[e] = 0;
    if (this.counts !== null) this.counts.fill(0, e * m, e * m + m);
    this.keys[e] = k;
    if (this.originals !== null) this.originals[e] = x;
    this.map.set(k, e);
    return e;
  }
  remove(e: number): void {
    const last = this.n - 1;
    this.map.delete(this.keys[e]!);
    if (e !== last) {
      const k = this.keys[last]!;
      this.keys[e] = k;
      if (this.originals !== null) this.originals[e] = this.originals[last];
      this.map.set(k, e);
      this.masks[e] = this.masks[last]!;
      const m = this.m;
      if (this.counts !== null) this.counts.copyWithin(e * m, last * m, last * m + m);
    }
    this.keys.length = last;
    if (this.originals !== null) this.originals.length = last;
    this.n--;
  }
  valueAt(e: number): unknown {
    return this.originals !== null ? this.originals[e] : this.keys[e];
  }
}

/** One shared state's snapshot (see the header). */
export interface SharedDistinctSnapshot {
  readonly offsets: Int32Array;
  readonly values: Float64Array | unknown[];
  readonly masks: Uint32Array;
  /** members counts per entry (retractable input), or null. */
  readonly counts: Float64Array | null;
  readonly members: number;
}

/** The distinct calls over one column: their shared per-group value sets. */
export class SharedDistinct {
  private sets: (ValueSet | undefined)[] = [];
  private readonly arena = new CellArena();
  private readonly m: number;
  private readonly numeric: boolean;
  private readonly composite: boolean;
  /** A BIGINT argument: a group's NumberSet turns into an int64 TextSet at its first value beyond ±(2^53-1). */
  private readonly int64: boolean;
  /** An integer argument (INT, BIGINT, BOOLEAN, DATE): groups start with an IntSet (widen). */
  private readonly ints: boolean;
  /** ints over an insert-only input with at most PACKED_MAX_CALLS members: groups start with a PackedIntSet instead. */
  private readonly packed: boolean;
  /** Bits of the members without FILTER (they take every non-NULL row). */
  private readonly always: number;
  private listS: Int32Array[] = [];
  private listR: Int32Array[] = [];
  private listN: Int32Array;

  constructor(
    readonly arg: number,
    private readonly argType: DataType,
    /** Each member's inner accumulator and FILTER column (undefined: none). */
    readonly members: readonly { readonly inner: Accumulator; readonly filter: number | undefined }[],
    private readonly retract: boolean,
  ) {
    this.m = members.length;
    if (this.m > MAX_SHARED_CALLS) throw new Error('too many calls for one shared distinct state');
    const kind = physicalKind(argType);
    this.numeric = kind === 'f64' || kind === 'bool';
    this.composite = kind === 'obj';
    this.int64 = argType.kind === 'BIGINT';
    this.ints = argType.kind === 'INT' || argType.kind === 'BIGINT' || argType.kind === 'BOOLEAN' || argType.kind === 'DATE';
    this.packed = this.ints && !retract && this.m <= PACKED_MAX_CALLS;
    let always = 0;
    members.forEach((mem, k) => {
      if (mem.filter === undefined) always |= 1 << k;
    });
    this.always = always;
    this.listN = new Int32Array(this.m);
  }

  private newSet(): ValueSet {
    if (!this.numeric) return new TextSet(this.m, this.retract, this.composite);
    if (!this.ints) return new NumberSet(this.m, this.retract, this.arena);
    return this.packed ? new PackedIntSet(this.m, this.arena) : new IntSet(this.m, this.retract, this.arena);
  }

  grow(cap: number): void {
    while (this.sets.length < cap) this.sets.push(undefined);
  }

  /**
   * Slot's set, able to hold x (which it cannot yet): a PackedIntSet's entries move to an IntSet
   * (x an int32) or a NumberSet, an IntSet's to a NumberSet,
   * or, for a bigint (BIGINT beyond ±(2^53-1), common/int64.ts), to an int64 TextSet; same
   * entries, masks and counts.
   */
  private widen(slot: number, x: unknown): ValueSet {
    const old = this.sets[slot]!;
    const w =
      typeof x === 'bigint'
        ? new TextSet(this.m, this.retract, false)
        : old instanceof PackedIntSet && ((x as number) | 0) === x
          ? new IntSet(this.m, this.retract, this.arena)
          : new NumberSet(this.m, this.retract, this.arena);
    const m = this.m;
    for (let e = 0, cells = old.cells(); e < cells; e++) {
      if (!old.live(e)) continue;
      const t = w.entry(old.valueAt(e));
      w.setMask(t, old.mask(e));
      if (w.counts !== null && old.counts !== null) for (let k = 0; k < m; k++) w.counts[t * m + k] = old.counts[e * m + k]!;
    }
    old.release();
    this.sets[slot] = w;
    return w;
  }

  /** A new set for slot, for entries `values[a..b)` (restores), widened as they need. */
  private newSetFor(slot: number, values: ArrayLike<unknown>, a: number, b: number): ValueSet {
    let set = this.newSet();
    this.sets[slot] = set;
    for (let j = a; j < b; j++) if (!set.holds(values[j])) set = this.widen(slot, values[j]);
    return set;
  }

  reset(slot: number): void {
    this.drop(slot);
  }

  /** Slot's set, gone. */
  private drop(slot: number): void {
    const set = this.sets[slot];
    if (set === undefined) return;
    set.release();
    this.sets[slot] = undefined;
  }

  private lists(count: number): void {
    if (this.listS.length === this.m && this.listS[0]!.length >= count) return;
    const size = Math.max(count, 1024);
    this.listS = this.members.map(() => new Int32Array(size));
    this.listR = this.members.map(() => new Int32Array(size));
  }

  /** Bit mask of the members whose FILTER row `row` passes (with `always`). */
  private rowMasks(rows: Int32Array | null, count: number, batch: readonly Column[]): Uint32Array {
    if (this.rowMask.length < count) this.rowMask = new Uint32Array(Math.max(count, 1024));
    const out = this.rowMask;
    out.fill(this.always, 0, count);
    for (let k = 0; k < this.m; k++) {
      const f = this.members[k]!.filter;
      if (f === undefined) continue;
      const c = batch[f]!;
      const fv = c.values as Uint8Array;
      const fn = c.nulls;
      const bit = 1 << k;
      for (let j = 0; j < count; j++) {
        const row = rows === null ? j : rows[j]!;
        if (fv[row] === 1 && (fn === null || fn[row] === 0)) out[j] = out[j]! | bit;
      }
    }
    return out;
  }
  private rowMask = new Uint32Array(0);
  /** add's first pass's sum (kept so the reads are not optimised away). */
  private touched = 0;

  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.lists(count);
    const masks = this.rowMasks(rows, count, batch);
    const col = batch[this.arg]!;
    const v = col.values;
    const nulls = col.nulls;
    const m = this.m;
    const n = this.listN.fill(0);
    const ls = this.listS;
    const lr = this.listR;
    const sets = this.sets;
    // a wide BIGINT column (common/int64.ts): a bigint turns its group's set into an int64 one
    const wide = this.int64 && Array.isArray(v);
    // Rows go in blocks of TOUCH_BLOCK: a first pass reads each row's home cell (its loads do
    // not depend on one another, so the CPU overlaps their cache misses: groups' tables are
    // touched at random); the second pass then finds them in cache (a block's cells fit L1).
    const touch = this.numeric && !wide;
    const nv = v as Float64Array;
    for (let j0 = 0; j0 < count; j0 += TOUCH_BLOCK) {
      const j1 = Math.min(count, j0 + TOUCH_BLOCK);
      if (touch) {
        let acc = 0;
        for (let j = j0; j < j1; j++) {
          const set = sets[slots[j]!];
          if (set !== undefined) acc += set.touch(nv[rows === null ? j : rows[j]!]!);
        }
        this.touched = acc;
      }
      for (let j = j0; j < j1; j++) {
        const rm = masks[j]!;
        if (rm === 0) continue;
        const row = rows === null ? j : rows[j]!;
        if (nulls !== null && nulls[row] === 1) continue;
        const slot = slots[j]!;
        let set = sets[slot];
        if (set === undefined) {
          set = this.newSet();
          sets[slot] = set;
        }
        const x = v[row];
        if (!set.holds(x)) set = this.widen(slot, x);
        const e = set.entry(x);
        const old = set.mask(e);
        set.setMask(e, old | rm);
        const counts = set.counts;
        if (counts !== null) for (let f = rm; f !== 0; f &= f - 1) counts[e * m + (31 - Math.clz32(f & -f))]!++;
        for (let f = rm & ~old; f !== 0; f &= f - 1) {
          const k = 31 - Math.clz32(f & -f);
          const i = n[k]!++;
          ls[k]![i] = slot;
          lr[k]![i] = row;
        }
      }
    }
    for (let k = 0; k < m; k++) if (n[k]! > 0) this.members[k]!.inner.add(ls[k]!, lr[k]!, n[k]!, batch);
  }

  retractRows(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.lists(count);
    const masks = this.rowMasks(rows, count, batch);
    const col = batch[this.arg]!;
    const v = col.values;
    const nulls = col.nulls;
    const m = this.m;
    const n = this.listN.fill(0);
    const ls = this.listS;
    const lr = this.listR;
    const sets = this.sets;
    for (let j = 0; j < count; j++) {
      const rm = masks[j]!;
      if (rm === 0) continue;
      const row = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[row] === 1) continue;
      const slot = slots[j]!;
      const set = sets[slot];
      if (set === undefined) continue;
      // (a value the set cannot hold is not in it)
      const x = v[row];
      if (!set.holds(x)) continue;
      const e = set.find(x);
      if (e < 0) continue;
      const old = set.mask(e);
      let gone = 0;
      const counts = set.counts;
      for (let f = rm & old; f !== 0; f &= f - 1) {
        const k = 31 - Math.clz32(f & -f);
        // without counts (input not declared as a changelog) a value counts once
        if (counts === null || --counts[e * m + k]! <= 0) gone |= 1 << k;
      }
      if (gone === 0) continue;
      const now = old & ~gone;
      set.setMask(e, now);
      for (let f = gone; f !== 0; f &= f - 1) {
        const k = 31 - Math.clz32(f & -f);
        const i = n[k]!++;
        ls[k]![i] = slot;
        lr[k]![i] = row;
      }
      if (now === 0) set.remove(e);
    }
    for (let k = 0; k < m; k++) if (n[k]! > 0) this.members[k]!.inner.retract(ls[k]!, lr[k]!, n[k]!, batch);
  }

  /** Folds slot `source`'s values into `target` (session merging); new bits reach the inners. */
  merge(target: number, source: number): void {
    const src = this.sets[source];
    if (src === undefined || src.n === 0) return;
    let set = this.sets[target];
    if (set === undefined) {
      set = this.newSet();
      this.sets[target] = set;
    }
    const m = this.m;
    const fresh: unknown[][] = this.members.map(() => []);
    for (let e = 0, cells = src.cells(); e < cells; e++) {
      if (!src.live(e)) continue;
      const x = src.valueAt(e);
      if (!set.holds(x)) set = this.widen(target, x);
      const t = set.entry(x);
      const sm = src.mask(e);
      const old = set.mask(t);
      set.setMask(t, old | sm);
      if (set.counts !== null && src.counts !== null) for (let k = 0; k < m; k++) set.counts[t * m + k]! += src.counts[e * m + k]!;
      for (let f = sm & ~old; f !== 0; f &= f - 1) fresh[31 - Math.clz32(f & -f)]!.push(x);
    }
    fresh.forEach((xs, k) => {
      if (xs.length === 0) return;
      // the values new to the target, through the inner accumulator as a one-column batch
      // (bigints: a wide BIGINT column, a plain array)
      const plain = !this.numeric || (this.int64 && xs.some((x) => typeof x === 'bigint'));
      const col: Column = { type: this.argType, values: plain ? (xs as string[]) : Float64Array.from(xs as number[]), nulls: null };
      const cols: Column[] = [];
      cols[this.arg] = col;
      this.members[k]!.inner.add(new Int32Array(xs.length).fill(target), null, xs.length, cols);
    });
  }

  /** One slot's entries: [values, masks, counts] (per-slot snapshots). */
  save(slot: number): unknown {
    const set = this.sets[slot];
    if (set === undefined || set.n === 0) return null;
    const values: unknown[] = [];
    const masks: number[] = [];
    const counts: number[] = [];
    for (let e = 0, cells = set.cells(); e < cells; e++) {
      if (!set.live(e)) continue;
      values.push(set.valueAt(e));
      masks.push(set.mask(e));
      if (set.counts !== null) for (let k = 0; k < this.m; k++) counts.push(set.counts[e * this.m + k]!);
    }
    return [values, Uint32Array.from(masks), set.counts === null ? null : Float64Array.from(counts)];
  }

  load(slot: number, state: unknown): void {
    this.drop(slot);
    if (state === null || state === undefined) return;
    const [values, masks, counts] = state as [unknown[], Uint32Array, Float64Array | null];
    this.loadEntries(slot, values, masks, counts, 0, values.length);
  }

  private loadEntries(slot: number, values: ArrayLike<unknown>, masks: Uint32Array, counts: Float64Array | null, a: number, b: number): void {
    if (a === b) return;
    const set = this.newSetFor(slot, values, a, b);
    const m = this.m;
    for (let j = a; j < b; j++) {
      const e = set.entry(values[j]);
      set.setMask(e, masks[j]!);
      if (set.counts !== null) {
        // counts saved from input that was not a changelog: each set bit counts once
        for (let k = 0; k < m; k++) set.counts[e * m + k] = counts !== null ? counts[j * m + k]! : (masks[j]! >>> k) & 1;
      }
    }
  }

  saveAll(high: number, inUse: Uint8Array): SharedDistinctSnapshot {
    const offsets = new Int32Array(high + 1);
    let total = 0;
    for (let s = 0; s < high; s++) {
      offsets[s] = total;
      if (inUse[s] === 1) total += this.sets[s]?.n ?? 0;
    }
    offsets[high] = total;
    // (BIGINT: a plain array when some group holds a bigint, common/int64.ts)
    let anyBig = false;
    if (this.int64) for (let s = 0; s < high && !anyBig; s++) anyBig = inUse[s] === 1 && this.sets[s] instanceof TextSet;
    const values: Float64Array | unknown[] = this.numeric && !anyBig ? new Float64Array(total) : new Array<unknown>(total);
    const masks = new Uint32Array(total);
    const m = this.m;
    const counts = this.retract ? new Float64Array(total * m) : null;
    let j = 0;
    for (let s = 0; s < high; s++) {
      const set = this.sets[s];
      if (inUse[s] !== 1 || set === undefined) continue;
      for (let e = 0, cells = set.cells(); e < cells; e++) {
        if (!set.live(e)) continue;
        values[j] = set.valueAt(e) as never;
        masks[j] = set.mask(e);
        if (counts !== null && set.counts !== null) for (let k = 0; k < m; k++) counts[j * m + k] = set.counts[e * m + k]!;
        j++;
      }
    }
    return { offsets, values, masks, counts, members: m };
  }

  loadFrom(st: SharedDistinctSnapshot, from: Int32Array, to: Int32Array, n: number): void {
    if (st.members !== this.m) throw new Error(`checkpoint holds ${st.members} distinct calls sharing a column, the plan ${this.m}`);
    for (let i = 0; i < n; i++) {
      const f = from[i]!;
      this.drop(to[i]!);
      this.loadEntries(to[i]!, st.values, st.masks, st.counts, st.offsets[f]!, st.offsets[f + 1]!);
    }
  }

  /** Member k's values with their counts (a snapshot from before the shared state). */
  loadLegacy(k: number, slot: number, values: ArrayLike<unknown>, counts: ArrayLike<number>, a: number, b: number): void {
    if (a === b) return;
    let set = this.sets[slot] ?? this.newSetFor(slot, values, a, b);
    const m = this.m;
    for (let j = a; j < b; j++) {
      if (!set.holds(values[j])) set = this.widen(slot, values[j]);
      const e = set.entry(values[j]);
      set.setMask(e, set.mask(e) | (1 << k));
      if (set.counts !== null) set.counts[e * m + k] = counts[j]!;
    }
  }
}

/**
 * The accumulator of member k of a shared distinct state: its value is its inner
 * accumulator's; member 0 drives the shared state (the others' add/retract do nothing, as
 * member 0's already fed them).
 */
export class SharedDistinctCall implements Accumulator {
  private readonly inner: Accumulator;
  readonly reader: Accumulator;
  constructor(
    private readonly shared: SharedDistinct,
    private readonly k: number,
  ) {
    this.inner = shared.members[k]!.inner;
    this.reader = this.inner.reader ?? this.inner;
  }
  private get owner(): boolean {
    return this.k === 0;
  }
  grow(cap: number): void {
    this.inner.grow(cap);
    if (this.owner) this.shared.grow(cap);
  }
  reset(slot: number): void {
    this.inner.reset(slot);
    if (this.owner) this.shared.reset(slot);
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    if (this.owner) this.shared.add(slots, rows, count, batch);
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    if (this.owner) this.shared.retractRows(slots, rows, count, batch);
  }
  value(slot: number): Scalar {
    return this.inner.value(slot);
  }
  result(slot: number, out: ColumnBuilder): void {
    this.inner.result(slot, out);
  }
  merge(target: number, source: number): void {
    if (this.owner) this.shared.merge(target, source);
  }
  save(slot: number): unknown {
    return { shared: 1, inner: this.inner.save(slot), set: this.owner ? this.shared.save(slot) : null };
  }
  load(slot: number, s: unknown): void {
    const st = s as { shared?: number; inner: unknown; set: unknown } | [unknown, [unknown, number][] | null];
    if (!Array.isArray(st)) {
      this.inner.load(slot, st.inner);
      if (this.owner) this.shared.load(slot, st.set);
      return;
    }
    // [inner, entries]: one DISTINCT wrapper's slot, from before the shared state
    this.inner.load(slot, st[0]);
    const entries = st[1];
    if (entries !== null) this.shared.loadLegacy(this.k, slot, entries.map((x) => x[0]), entries.map((x) => x[1]), 0, entries.length);
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return { shared: 1, inner: this.inner.saveAll(high, inUse), set: this.owner ? this.shared.saveAll(high, inUse) : null };
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    if (Array.isArray(st)) {
      // per-slot [inner, entries] of the oldest snapshots
      for (let i = 0; i < n; i++) this.load(to[i]!, st[from[i]!]);
      return;
    }
    const s = st as { shared?: number; inner: unknown; set?: SharedDistinctSnapshot | null; offsets?: Int32Array; values?: ArrayLike<unknown>; counts?: ArrayLike<number> };
    this.inner.loadFrom(s.inner, from, to, n);
    if (s.shared === 1) {
      if (this.owner && s.set) this.shared.loadFrom(s.set, from, to, n);
      return;
    }
    // one DISTINCT wrapper's columnar snapshot, from before the shared state
    for (let i = 0; i < n; i++) this.shared.loadLegacy(this.k, to[i]!, s.values!, s.counts!, s.offsets![from[i]!]!, s.offsets![from[i]! + 1]!);
  }
}
