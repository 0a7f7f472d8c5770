// Reading a numbered stream (generators: nexmark, datagen) in parallel, restartably.
//
// Element n belongs to logical split n mod S (S = pipeline.max-parallelism). Subtask s of P
// owns the contiguous range of splits a key-group range would give it, and reads its
// elements in increasing n, so a generator's event time never decreases within a subtask.
// The position is a cursor per split (the next element of that split), so a checkpoint taken
// at one parallelism restores at another: every split resumes exactly where it stopped.

import { keyGroupRange } from '../state/key-groups.js';
import type { SourcePosition } from './connector.js';

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
  }

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

  position(): SourcePosition {
    const p: SourcePosition = {};
    for (let j = this.lo; j < this.hi; j++) p[`split-${j}`] = Math.max(this.skip[j - this.lo]!, this.firstAtOrAfter(this.n, j));
    return p;
  }
}
