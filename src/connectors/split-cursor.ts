// Reading a numbered stream (generators: nexmark, datagen) in parallel, restartably.
//
// Element n belongs to logical split n mod S (S = pipeline.max-parallelism). Subtask s of P
// owns the contiguous range of splits a key-group range would give it, and reads its
// elements in increasing n, so a generator's event time never decreases within a subtask.
// The position is a cursor per split (the next element of that split), so a checkpoint taken
// at one parallelism restores at another: every split resumes exactly where it stopped.

import { keyGroupRange } from '../state/key-groups.js';
import type { SourcePosition } from './connector.js';

/** Which elements a reader takes: n is taken when mask[(n + shift) % period] is 1. */
export interface KindPattern {
  readonly period: number;
  readonly shift: number;
  readonly mask: Uint8Array;
}

/** Longest cycle fillPeriodic lists (elements; its table is at most this many offsets). */
const MAX_CYCLE = 1 << 16;

export class SplitCursor {
  private readonly lo: number;
  private readonly hi: number;
  /** Per owned split: elements below this were read before a restore. */
  private readonly skip: Float64Array;
  /** Next element to consider. */
  n: number;

  constructor(
    private readonly splits: number,
    subtask: number,
    parallelism: number,
    /** One past the last element (Infinity for an unbounded stream). */
    readonly end: number,
    restored: SourcePosition | undefined,
  ) {
    const r = keyGroupRange(subtask, parallelism, splits);
    this.lo = r.start;
    this.hi = r.end;
    this.skip = new Float64Array(Math.max(0, this.hi - this.lo));
    let min = Infinity;
    for (let j = this.lo; j < this.hi; j++) {
      const v = restored?.[`split-${j}`];
      const c = typeof v === 'number' ? v : j;
      this.skip[j - this.lo] = c;
      if (c < min) min = c;
    }
    this.n = min === Infinity ? end : min;
    let furthest = 0;
    for (let j = 0; j < this.skip.length; j++) furthest = Math.max(furthest, this.skip[j]!);
    this.maxSkip = furthest;
  }

  /** The largest restored cursor: every owned element at or past it is unread. */
  private readonly maxSkip: number;

  /** True when no split is owned or every element is read. */
  get exhausted(): boolean {
    return this.hi <= this.lo || this.n >= this.end;
  }

  /** The subtask owns every split and none is ahead: elements n, n+1, ... are all its own. */
  get contiguous(): boolean {
    if (this.lo !== 0 || this.hi !== this.splits) return false;
    for (let j = this.lo; j < this.hi; j++) if (this.skip[j - this.lo]! > this.firstAtOrAfter(this.n, j)) return false;
    return true;
  }

  private firstAtOrAfter(n: number, j: number): number {
    return n + ((j - (n % this.splits) + this.splits) % this.splits);
  }

  /**
   * Collects up to `max` of this subtask's elements that pass `accept` into `out`, advancing
   * the cursor; returns how many.
   */
  fill(out: Float64Array, max: number, accept: (n: number) => boolean): number {
    const S = this.splits;
    const lo = this.lo;
    const hi = this.hi;
    let n = this.n;
    let j = n % S;
    if (j < lo) {
      n += lo - j;
      j = lo;
    } else if (j >= hi) {
      n += S - j + lo;
      j = lo;
    }
    let count = 0;
    const end = this.end;
    const skip = this.skip;
    while (count < max && n < end) {
      if (n >= skip[j - lo]! && accept(n)) out[count++] = n;
      n++;
      j++;
      if (j === hi) {
        n += S - hi + lo;
        j = lo;
      }
    }
    this.n = n;
    return count;
  }

  /**
   * Like `fill` with `accept(n) = pattern.mask[(n + pattern.shift) % pattern.period] === 1`,
   * without visiting the elements it rejects. A generator's event kinds repeat with a short
   * period (Nexmark: 1 person, 3 auctions, 46 bids per 50 events), and so does the ownership
   * of splits (period S), so the accepted elements of this subtask repeat with period
   * lcm(S, period): their offsets within one such cycle are listed once, and each call steps
   * from one to the next. A person or auction source at parallelism 2 then costs its own
   * rows, not a closure call per event of every kind (10M per source over 10M events).
   * Falls back to `fill` when the cycle is too long to list.
   */
  fillPeriodic(out: Float64Array, max: number, pattern: KindPattern): number {
    const cycle = this.cycleOf(pattern);
    if (cycle === null) {
      const { mask, shift, period } = pattern;
      return this.fill(out, max, (n) => mask[(n + shift) % period] === 1);
    }
    const { length: L, offsets } = cycle;
    const S = this.splits;
    const lo = this.lo;
    const skip = this.skip;
    const end = this.end;
    let n = this.n;
    let count = 0;
    if (offsets.length === 0) {
      this.n = end;
      return 0;
    }
    let base = n - (n % L);
    // the first listed offset at or after n's
    let k = 0;
    const at = n - base;
    let hiK = offsets.length;
    while (k < hiK) {
      const mid = (k + hiK) >>> 1;
      if (offsets[mid]! < at) k = mid + 1;
      else hiK = mid;
    }
    if (k === offsets.length) {
      k = 0;
      base += L;
    }
    n = base + offsets[k]!;
    const len = offsets.length;
    // elements a restore left behind are checked one by one; past the furthest cursor, none
    while (count < max && n < end && n < this.maxSkip) {
      if (n >= skip[(n % S) - lo]!) out[count++] = n;
      if (++k === len) {
        k = 0;
        base += L;
      }
      n = base + offsets[k]!;
    }
    while (count < max && n < end) {
      out[count++] = n;
      if (++k === len) {
        k = 0;
        base += L;
      }
      n = base + offsets[k]!;
    }
    this.n = n;
    return count;
  }

  private cycle: { pattern: KindPattern; length: number; offsets: Float64Array } | null = null;

  /** True when fillPeriodic steps over the rejected elements of `pattern` (its cycle is short enough to list). */
  listsCycle(pattern: KindPattern): boolean {
    return this.cycleOf(pattern) !== null;
  }

  /** The offsets, within one cycle of lcm(S, period) elements, of this subtask's accepted elements. */
  private cycleOf(pattern: KindPattern): { length: number; offsets: Float64Array } | null {
    if (this.cycle !== null && this.cycle.pattern === pattern) return this.cycle;
    const S = this.splits;
    const P = pattern.period;
    let a = S;
    let b = P;
    while (b !== 0) [a, b] = [b, a % b];
    const L = (S / a) * P;
    if (!(L <= MAX_CYCLE)) return null;
    const list: number[] = [];
    for (let o = 0; o < L; o++) {
      const j = o % S;
      if (j >= this.lo && j < this.hi && pattern.mask[(o + pattern.shift) % P] === 1) list.push(o);
    }
    this.cycle = { pattern, length: L, offsets: Float64Array.from(list) };
    return this.cycle;
  }

  position(): SourcePosition {
    const p: SourcePosition = {};
    for (let j = this.lo; j < this.hi; j++) p[`split-${j}`] = Math.max(this.skip[j - this.lo]!, this.firstAtOrAfter(this.n, j));
    return p;
  }
}
