// MATCH_RECOGNIZE, ONE ROW PER MATCH (Flink's CepOperator over its NFA, for the patterns Flink's
// SQL accepts: a sequence of distinct variables with quantifiers, strictly contiguous).
//
// Order: rows wait in a heap by (time, arrival) until the watermark passes their time (a row at
// or before the watermark already received is late: dropped and counted, as Flink's CepOperator
// drops it); then each partition matches its released rows in (time, sort keys, arrival) order.
// The partitions go in rounds, one row each a round, so that the DEFINE conditions of all their
// partial matches are evaluated as one batch per variable (a few phases a round: a PROCEED to
// the next element is evaluated after the TAKE it depends on). Matches go out in (time of the
// row that released them, partition) order. Before the rows of a time, partial matches that
// WITHIN has expired (time - start >= within) are dropped, and at the watermark in the
// partitions holding completed matches (in all partitions once per WITHIN of watermark).
//
// Storage: a partition's rows are columns by sequence number, trimmed to the first row a run
// still holds; a run (partial or completed match) is its first row and the count of rows each
// pattern element took, so navigation (LAST(v.x, n), FIRST, aggregates over v) is a range.
//
// Matching, as Flink's NFA (NFA.java, NFACompiler.java): a partial match is a position in the
// pattern (element, rows taken in it) and its rows. For each row, every partial match and the
// start state explore their transitions: TAKE the row into the current element (its DEFINE
// holds, the element's maximum not reached) or PROCEED to the next element (the element's
// minimum reached; for a greedy element only when its condition rejects the row), taking the
// row there. A take that reaches the end, or from which the rest of the pattern can be skipped
// through non-greedy optional elements, completes a match. Completed matches are emitted in the
// order of their first rows, and only once no partial match started earlier (one started by
// the same row does not hold it back); each emitted match prunes partial and completed matches
// by the AFTER MATCH SKIP strategy (SKIP PAST LAST ROW: those started at or before its last
// row; TO NEXT ROW: at or before its first row; TO FIRST/LAST v: before the first/last row of
// v, and the job fails when the match has no row of v, as Flink's throwExceptionOnMiss).
//
// Snapshot (full, not copy-on-write): per partition, in its key group: the key, its waiting
// rows in arrival order, the rows its runs hold (once each) and the runs; operator state: the
// watermark.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { batchFromRows, columnFromScalars, getScalar } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import type { Accumulator } from '../../expr/accumulators.js';
import { createAccumulator } from '../../expr/accumulators.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import type { SortKey } from '../../plan/logical.js';
import type { MatchSpec, NavTerm, PatternElement, TermExpr } from '../../plan/match.js';
import { hashKey, keyGroupOf } from '../../state/key-groups.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { restoredWatermark } from './aggregate-slots.js';
import { compareScalars } from './temporal-sort.js';

/**
 * A partial or completed match (Flink's ComputationState). Rows are strictly contiguous and
 * each pattern element takes its rows in turn, so a run is its first row and the number of
 * rows each element took: element k holds the counts[k] rows after those of elements 0..k-1.
 */
interface Run {
  /** Sequence number (in its partition) and time of the first row. */
  readonly start: number;
  readonly startTime: number;
  /** The element the run is in (elements.length: complete). */
  readonly elem: number;
  /** Rows taken by each element (never changed once the run exists: runs share it). */
  readonly counts: Int32Array;
  readonly total: number;
  /** Order of creation in a step: (source run, element), the order Flink's NFA explores. */
  readonly ord: number;
}

interface Partition {
  readonly key: readonly Scalar[];
  readonly keyGroup: number;
  /** Creation order (the order of final releases in a watermark). */
  readonly id: number;
  /** Matched or to-match rows [base, base + times.length), by sequence number, columnar. */
  base: number;
  times: number[];
  readonly cols: Scalar[][];
  partials: Run[];
  completed: Run[];
  /** Rows to match in this watermark: [cur, end). */
  cur: number;
  end: number;
  /** Watermark epoch it was last activated in, and its order among the active partitions. */
  mark: number;
  order: number;
  /** The time advanceTime last ran at. */
  lastTime: number;
  /** Runs a step creates (see stepAll), and whether they were created out of `ord` order. */
  next: Run[];
  done: Run[];
  lastOrd: number;
  unordered: boolean;
}

/** A partition in a snapshot. */
interface PartitionState {
  readonly key: readonly Scalar[];
  /** Sequence number of rows[0]. */
  readonly base: number;
  /** [time, values] of the rows runs hold, from the first run's first row on. */
  readonly rows: readonly (readonly [number, readonly Scalar[]])[];
  /** Rows still waiting for the watermark, in arrival order. */
  readonly waiting: readonly (readonly [number, readonly Scalar[]])[];
  /** [start, elem, counts, total] */
  readonly partials: readonly (readonly [number, number, readonly number[], number])[];
  readonly completed: readonly (readonly [number, number, readonly number[], number])[];
}

interface CompiledTerms {
  readonly expr: CompiledExpr;
  readonly terms: readonly NavTerm[];
  readonly types: readonly DataType[];
  /** Per term: the compiled row expression (undefined for a plain column or none). */
  readonly rowExprs: readonly (CompiledExpr | undefined)[];
  readonly accs: readonly (Accumulator | undefined)[];
}

function compileTerms(te: TermExpr): CompiledTerms {
  const rowExprs = te.terms.map((t) => ((t.kind === 'row' || t.kind === 'agg') && t.expr !== undefined && t.expr.kind !== 'input' ? compileExpr(t.expr) : undefined));
  const accs = te.terms.map((t) =>
    t.kind === 'agg' && t.fn !== 'count_star' ? createAccumulator({ fn: t.fn, args: [0], distinct: false, filter: undefined, type: t.type, name: t.fn }, [t.expr!.type], false) : undefined,
  );
  return { expr: compileExpr(te.expr), terms: te.terms, types: te.terms.map((t) => t.type), rowExprs, accs };
}

/**
 * The evaluations of one batch: request k reads the run (start, counts, total) of partition
 * p[k]; with `tested[k]` >= 0 the row after the run is being tested for that element (it
 * counts as the element's next row and as the match's next row).
 */
class Requests {
  n = 0;
  p: Partition[] = [];
  start: number[] = [];
  counts: Int32Array[] = [];
  total: number[] = [];
  tested: number[] = [];
  clear(): void {
    this.n = 0;
    this.p.length = 0;
    this.start.length = 0;
    this.counts.length = 0;
    this.total.length = 0;
    this.tested.length = 0;
  }
  push(p: Partition, start: number, counts: Int32Array, total: number, tested: number): void {
    this.p.push(p);
    this.start.push(start);
    this.counts.push(counts);
    this.total.push(total);
    this.tested.push(tested);
    this.n++;
  }
}

export class MatchRecognizeOperator implements Operator {
  readonly wideInts = true;
  /** Partitions by their key: a single numeric key by its value, others by their JSON text. */
  private readonly byNumber = new Map<number, Partition>();
  private readonly byText = new Map<string, Partition>();
  private partitionCount = 0;
  /** Partitions holding partial or completed matches, and those holding completed ones. */
  private readonly withState = new Set<Partition>();
  private readonly holding = new Set<Partition>();
  /** The watermark at which WITHIN last expired the partial matches of every partition. */
  private lastSweep = -Infinity;
  private watermark = -Infinity;
  private ctx!: OperatorContext;
  private readonly elements: readonly PatternElement[];
  private readonly elemOfVar: readonly number[];
  private readonly defines: readonly (CompiledTerms | undefined)[];
  private readonly measures: readonly CompiledTerms[];
  private readonly within: number | undefined;
  private readonly width: number;
  /**
   * Rows waiting for the watermark: a binary heap of slots by (time, arrival); a slot's values
   * are `width` entries of sVals.
   */
  private readonly heap: number[] = [];
  private readonly sTime: number[] = [];
  private readonly sArrival: number[] = [];
  private readonly sPart: Partition[] = [];
  private readonly sVals: Scalar[] = [];
  private readonly freeSlots: number[] = [];
  private arrival = 0;
  private epoch = 0;
  // a step's visits (partition, run or null for a new one, element, source run), double-buffered
  private vPart: Partition[] = [];
  private vRun: (Run | null)[] = [];
  private vElem: number[] = [];
  private vSrc: number[] = [];
  private wPart: Partition[] = [];
  private wRun: (Run | null)[] = [];
  private wElem: number[] = [];
  private wSrc: number[] = [];
  private takes = new Uint8Array(64);
  /** Per variable: the visits whose DEFINE it evaluates in this phase. */
  private readonly groups: number[][];
  private readonly req = new Requests();
  private readonly zeros: Int32Array;
  // matches released in this watermark, with their output order: (time, final, partition order, release order)
  private relP: Partition[] = [];
  private relRun: Run[] = [];
  private relTime: number[] = [];
  private relFinal: number[] = [];
  private relOrder: number[] = [];
  /** range(): the rows [lo, hi) of a variable in a request. */
  private lo = 0;
  private hi = 0;

  constructor(
    private readonly types: readonly DataType[],
    private readonly partitionKeys: readonly number[],
    private readonly timeIndex: number,
    private readonly orderKeys: readonly SortKey[],
    private readonly spec: MatchSpec,
    private readonly outTypes: readonly DataType[],
    private readonly batchSize: number,
  ) {
    this.elements = spec.elements;
    const elemOfVar = spec.variables.map(() => -1);
    spec.elements.forEach((e, i) => (elemOfVar[e.variable] = i));
    this.elemOfVar = elemOfVar;
    this.defines = spec.defines.map((d) => (d === undefined ? undefined : compileTerms(d)));
    this.measures = spec.measures.map((m) => compileTerms(m));
    this.within = spec.within;
    this.width = types.length;
    this.groups = spec.variables.map(() => []);
    this.zeros = new Int32Array(spec.elements.length);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  private newPartition(key: Scalar[]): Partition {
    const keyGroup = this.partitionKeys.length === 0 ? 0 : keyGroupOf(hashKey(key), this.ctx.maxParallelism);
    return {
      key,
      keyGroup,
      id: this.partitionCount++,
      base: 0,
      times: [],
      cols: this.types.map(() => []),
      partials: [],
      completed: [],
      cur: 0,
      end: 0,
      mark: 0,
      order: 0,
      lastTime: -Infinity,
      next: [],
      done: [],
      lastOrd: -1,
      unordered: false,
    };
  }

  partitionOf(key: Scalar[]): Partition {
    if (key.length === 1 && typeof key[0] === 'number') {
      let p = this.byNumber.get(key[0]);
      if (p === undefined) this.byNumber.set(key[0], (p = this.newPartition(key)));
      return p;
    }
    const k = JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let p = this.byText.get(k);
    if (p === undefined) this.byText.set(k, (p = this.newPartition(key)));
    return p;
  }

  private partitionAt(cols: readonly Column[], i: number): Partition {
    const keys = this.partitionKeys;
    if (keys.length === 1) {
      const v = getScalar(cols[keys[0]!]!, i);
      if (typeof v === 'number') {
        const p = this.byNumber.get(v);
        if (p !== undefined) return p;
      }
      return this.partitionOf([v]);
    }
    return this.partitionOf(keys.map((k) => getScalar(cols[k]!, i)));
  }

  processBatch(batch: Batch): void {
    const cols = batch.columns;
    const tcol = cols[this.timeIndex]!;
    let late = 0;
    for (let i = 0; i < batch.length; i++) {
      const tv = getScalar(tcol, i);
      if (tv === null) continue;
      const t = Number(tv);
      if (t <= this.watermark) {
        late++;
        continue;
      }
      const p = this.partitionAt(cols, i);
      const slot = this.newSlot(t, p);
      const o = slot * this.width;
      for (let c = 0; c < this.width; c++) this.sVals[o + c] = getScalar(cols[c]!, i);
      this.heapPush(slot);
    }
    this.ctx.metrics.lateDropped += late;
  }

  private newSlot(t: number, p: Partition): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.sTime.length;
      this.sTime.push(0);
      this.sArrival.push(0);
      this.sPart.push(p);
      for (let c = 0; c < this.width; c++) this.sVals.push(null);
    }
    this.sTime[slot] = t;
    this.sArrival[slot] = this.arrival++;
    this.sPart[slot] = p;
    return slot;
  }

  private before(a: number, b: number): boolean {
    const ta = this.sTime[a]!;
    const tb = this.sTime[b]!;
    return ta < tb || (ta === tb && this.sArrival[a]! < this.sArrival[b]!);
  }

  private heapPush(slot: number): void {
    const h = this.heap;
    let i = h.length;
    h.push(slot);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.before(slot, h[up]!)) break;
      h[i] = h[up]!;
      i = up;
    }
    h[i] = slot;
  }

  /** Removes the first waiting row's slot (the caller frees it). */
  private heapPop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.before(h[c + 1]!, h[c]!)) c++;
        if (!this.before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  processWatermark(wm: number, out: Collector): void {
    if (wm <= this.watermark) return;
    this.watermark = wm;
    const epoch = ++this.epoch;
    const active: Partition[] = [];
    const w = this.width;
    const { heap, sVals } = this;
    while (heap.length > 0 && this.sTime[heap[0]!]! <= wm) {
      const slot = this.heapPop();
      const p = this.sPart[slot]!;
      if (p.mark !== epoch) {
        p.mark = epoch;
        p.order = active.length;
        active.push(p);
        p.cur = p.base + p.times.length;
      }
      p.times.push(this.sTime[slot]!);
      const cols = p.cols;
      for (let c = 0, o = slot * w; c < w; c++, o++) {
        cols[c]!.push(sVals[o]!);
        sVals[o] = null;
      }
      this.freeSlots.push(slot);
    }
    for (const p of active) {
      p.end = p.base + p.times.length;
      if (this.orderKeys.length > 0) this.sortTies(p, p.cur - p.base, p.end - p.base);
    }
    // the partitions match their rows in rounds (one row each), each round's conditions evaluated as a batch
    let live = active.slice();
    while (live.length > 0) {
      if (this.within !== undefined) {
        for (const p of live) {
          const t = p.times[p.cur - p.base]!;
          if (t !== p.lastTime) {
            p.lastTime = t;
            this.advanceTime(p, t, t, 0);
          }
        }
      }
      this.stepAll(live);
      let k = 0;
      for (const p of live) if (++p.cur < p.end) live[k++] = p;
      live.length = k;
    }
    // WITHIN at the watermark: partitions holding completed matches (an expired partial match
    // may release them) every time, all partitions (memory) once the watermark moved by WITHIN
    const expired: Partition[] = [];
    if (this.within !== undefined) {
      const sweep = wm - this.lastSweep >= this.within;
      if (sweep) this.lastSweep = wm;
      for (const p of [...(sweep ? this.withState : this.holding)]) {
        this.advanceTime(p, wm, wm, 1);
        this.track(p);
        if (p.partials.length === 0 && p.completed.length === 0) expired.push(p);
      }
    }
    this.emit(out);
    for (const p of active) this.trim(p);
    for (const p of expired) this.trim(p);
  }

  finish(out: Collector): void {
    this.processWatermark(Infinity, out);
  }

  /** Sorts rows [from, to) of a partition (in time, then arrival order) by time, then the secondary ORDER BY keys, stably. */
  private sortTies(p: Partition, from: number, to: number): void {
    const idx: number[] = [];
    for (let r = from; r < to; r++) idx.push(r);
    const { times, cols } = p;
    idx.sort((a, b) => {
      if (times[a] !== times[b]) return times[a]! - times[b]!;
      for (const k of this.orderKeys) {
        const c = compareScalars(cols[k.index]![a]!, cols[k.index]![b]!, k.desc, k.nullsFirst);
        if (c !== 0) return c;
      }
      return a - b;
    });
    const t2 = idx.map((r) => times[r]!);
    for (let r = from; r < to; r++) times[r] = t2[r - from]!;
    for (const col of cols) {
      const c2 = idx.map((r) => col[r]!);
      for (let r = from; r < to; r++) col[r] = c2[r - from]!;
    }
  }

  /** Drops rows no run holds any more. */
  private trim(p: Partition): void {
    let min = p.base + p.times.length;
    for (const r of p.partials) if (r.start < min) min = r.start;
    for (const r of p.completed) if (r.start < min) min = r.start;
    const drop = min - p.base;
    if (drop === p.times.length) {
      p.times.length = 0;
      for (const c of p.cols) c.length = 0;
      p.base = min;
    } else if (drop > 256 && drop * 2 > p.times.length) {
      p.times.splice(0, drop);
      for (const c of p.cols) c.splice(0, drop);
      p.base = min;
    }
  }

  /** Drops the partial matches WITHIN has expired at `time`; matches they held back may go out. */
  private advanceTime(p: Partition, time: number, tag: number, final: number): void {
    const w = this.within!;
    let k = 0;
    for (const r of p.partials) if (!(time - r.startTime >= w)) p.partials[k++] = r;
    if (k === p.partials.length) return;
    p.partials.length = k;
    this.release(p, tag, final);
  }

  private addRun(list: Run[], p: Partition, r: Run): void {
    if (r.ord < p.lastOrd) p.unordered = true;
    p.lastOrd = r.ord;
    list.push(r);
  }

  /** One row (p.cur) of every partition in `live`: Flink's computeNextStates for all their runs, the conditions of a phase as one batch per variable. */
  private stepAll(live: readonly Partition[]): void {
    const K = this.elements.length;
    let vPart = this.vPart;
    let vRun = this.vRun;
    let vElem = this.vElem;
    let vSrc = this.vSrc;
    vPart.length = vRun.length = vElem.length = vSrc.length = 0;
    for (const p of live) {
      p.next = [];
      p.done = [];
      p.lastOrd = -1;
      p.unordered = false;
      const runs = p.partials;
      for (let j = 0; j < runs.length; j++) {
        vPart.push(p);
        vRun.push(runs[j]!);
        vElem.push(runs[j]!.elem);
        vSrc.push(j);
      }
      vPart.push(p);
      vRun.push(null);
      vElem.push(0);
      vSrc.push(runs.length);
    }
    while (vPart.length > 0) {
      const nv = vPart.length;
      if (this.takes.length < nv) this.takes = new Uint8Array(nv * 2);
      const takes = this.takes;
      for (let v = 0; v < nv; v++) {
        const e = vElem[v]!;
        const el = this.elements[e]!;
        const run = vRun[v]!;
        const count = run === null ? 0 : run.counts[e]!;
        if (!(el.max < 0 || count < el.max)) takes[v] = 0;
        else if (this.defines[el.variable] === undefined) takes[v] = 1;
        else this.groups[el.variable]!.push(v);
      }
      for (let x = 0; x < this.groups.length; x++) {
        const g = this.groups[x]!;
        if (g.length === 0) continue;
        const req = this.req;
        req.clear();
        for (const v of g) {
          const run = vRun[v]!;
          const p = vPart[v]!;
          if (run === null) req.push(p, p.cur, this.zeros, 0, vElem[v]!);
          else req.push(p, run.start, run.counts, run.total, vElem[v]!);
        }
        const col = this.evaluate(this.defines[x]!, req);
        for (let k = 0; k < g.length; k++) takes[g[k]!] = getScalar(col, k) === true ? 1 : 0;
        g.length = 0;
      }
      const wPart = this.wPart;
      const wRun = this.wRun;
      const wElem = this.wElem;
      const wSrc = this.wSrc;
      wPart.length = wRun.length = wElem.length = wSrc.length = 0;
      for (let v = 0; v < nv; v++) {
        const e = vElem[v]!;
        const el = this.elements[e]!;
        const run = vRun[v]!;
        const p = vPart[v]!;
        const took = takes[v] === 1;
        if (took) this.take(p, run, e, vSrc[v]!);
        const count = run === null ? 0 : run.counts[e]!;
        if (count >= el.min && !(el.greedy && took)) {
          if (e + 1 < K) {
            wPart.push(p);
            wRun.push(run);
            wElem.push(e + 1);
            wSrc.push(vSrc[v]!);
          } else if (el.greedy && run !== null) {
            // a greedy element proceeding to the end completes without the row: Flink's PROCEED
            // edge to the final state (only when a greedy element ends the pattern, which SQL refuses)
            this.addRun(p.done, p, { start: run.start, startTime: run.startTime, elem: K, counts: run.counts, total: run.total, ord: vSrc[v]! * (K + 1) + e });
          }
        }
      }
      this.wPart = vPart;
      this.wRun = vRun;
      this.wElem = vElem;
      this.wSrc = vSrc;
      vPart = this.vPart = wPart;
      vRun = this.vRun = wRun;
      vElem = this.vElem = wElem;
      vSrc = this.vSrc = wSrc;
    }
    const byOrd = (a: Run, b: Run): number => a.ord - b.ord;
    for (const p of live) {
      if (p.unordered) {
        p.next.sort(byOrd);
        p.done.sort(byOrd);
      }
      p.partials = p.next;
      if (p.done.length > 0) {
        // completed matches in the order of their first rows (stable)
        for (const r of p.done) p.completed.push(r);
        p.completed.sort((a, b) => a.start - b.start);
      }
      this.release(p, p.times[p.cur - p.base]!, 0);
      this.track(p);
    }
  }

  private track(p: Partition): void {
    if (p.partials.length > 0 || p.completed.length > 0) this.withState.add(p);
    else this.withState.delete(p);
    if (p.completed.length > 0) this.holding.add(p);
    else this.holding.delete(p);
  }

  /** `run` (null: a new one) takes row p.cur into element `e`. */
  private take(p: Partition, run: Run | null, e: number, src: number): void {
    const K = this.elements.length;
    const el = this.elements[e]!;
    const counts = run === null ? new Int32Array(K) : run.counts.slice();
    counts[e]!++;
    const start = run === null ? p.cur : run.start;
    const startTime = run === null ? p.times[p.cur - p.base]! : run.startTime;
    const total = run === null ? 1 : run.total + 1;
    const ord = src * (K + 1) + e;
    const next = el.max >= 0 && counts[e] === el.max ? e + 1 : e;
    if (next >= K) {
      this.addRun(p.done, p, { start, startTime, elem: K, counts, total, ord });
      return;
    }
    this.addRun(p.next, p, { start, startTime, elem: next, counts, total, ord });
    // the rest of the pattern skippable (non-greedy optional elements): a match now too
    let k = next;
    let kc = next === e ? counts[e]! : 0;
    while (k < K) {
      const x = this.elements[k]!;
      if (x.greedy || kc < x.min) return;
      k++;
      kc = 0;
    }
    this.addRun(p.done, p, { start, startTime, elem: K, counts, total, ord });
  }

  /** Emits the completed matches no earlier-started partial match holds back (Flink's processMatchesAccordingToSkipStrategy). */
  private release(p: Partition, tag: number, final: number): void {
    while (p.completed.length > 0) {
      const m = p.completed[0]!;
      let earliest = Infinity;
      for (const r of p.partials) if (r.start < earliest) earliest = r.start;
      if (!(m.start <= earliest)) break;
      p.completed.shift();
      const bound = this.pruneBound(m);
      const keep = (r: Run): boolean => !(r.start < bound);
      p.partials = p.partials.filter(keep);
      p.completed = p.completed.filter(keep);
      this.relP.push(p);
      this.relRun.push(m);
      this.relTime.push(tag);
      this.relFinal.push(final);
      this.relOrder.push(final === 1 ? p.id : p.order);
    }
  }

  /** Runs starting before the returned sequence number are pruned after match `m` (AFTER MATCH SKIP). */
  private pruneBound(m: Run): number {
    const a = this.spec.after;
    switch (a.kind) {
      case 'past-last-row':
        return m.start + m.total;
      case 'to-next-row':
        return m.start + 1;
      case 'to-first':
      case 'to-last': {
        const e = this.elemOfVar[a.variable]!;
        if (m.counts[e] === 0) {
          throw new WeirError('execution', `AFTER MATCH SKIP TO ${a.kind === 'to-first' ? 'FIRST' : 'LAST'} ${this.spec.variables[a.variable]}: a match has no row of ${this.spec.variables[a.variable]} to skip to (Flink fails the job the same way)`, {
            hint: 'make the variable mandatory in the PATTERN, or use SKIP PAST LAST ROW / SKIP TO NEXT ROW',
            permanent: true,
          });
        }
        let begin = m.start;
        for (let j = 0; j < e; j++) begin += m.counts[j]!;
        return a.kind === 'to-first' ? begin : begin + m.counts[e]! - 1;
      }
    }
  }

  /** Sets lo/hi to the rows of `variable` (-1: all) in request k. */
  private range(req: Requests, k: number, variable: number): void {
    const start = req.start[k]!;
    const counts = req.counts[k]!;
    const tested = req.tested[k]!;
    if (variable < 0) {
      this.lo = start;
      this.hi = start + req.total[k]! + (tested >= 0 ? 1 : 0);
      return;
    }
    const e = this.elemOfVar[variable]!;
    let begin = start;
    for (let j = 0; j < e; j++) begin += counts[j]!;
    this.lo = begin;
    this.hi = begin + counts[e]! + (e === tested ? 1 : 0);
  }

  /** The condition or measure `c` for every request, as one batch. */
  private evaluate(c: CompiledTerms, req: Requests): Column {
    const columns = c.terms.map((t, i) => this.termColumn(c, i, t, req));
    return c.expr({ length: req.n, columns, ops: null });
  }

  private termColumn(c: CompiledTerms, i: number, t: NavTerm, req: Requests): Column {
    const n = req.n;
    const values: Scalar[] = new Array<Scalar>(n);
    if (t.kind === 'rowtime') {
      for (let k = 0; k < n; k++) {
        const p = req.p[k]!;
        values[k] = req.total[k]! > 0 ? p.times[req.start[k]! + req.total[k]! - 1 - p.base]! : null;
      }
      return columnFromScalars(t.type, values);
    }
    if (t.kind === 'proctime') return columnFromScalars(t.type, values.fill(Date.now()));
    if (t.kind === 'row') {
      const input = t.expr.kind === 'input' ? t.expr.index : -1;
      const gathered: Scalar[][] = [];
      const at: number[] = [];
      for (let k = 0; k < n; k++) {
        this.range(req, k, t.variable);
        const s = t.first ? this.lo + t.offset : this.hi - 1 - t.offset;
        if (s < this.lo || s >= this.hi) {
          values[k] = null;
          continue;
        }
        const p = req.p[k]!;
        if (input >= 0) values[k] = p.cols[input]![s - p.base]!;
        else {
          gathered.push(p.cols.map((col) => col[s - p.base]!));
          at.push(k);
        }
      }
      if (at.length > 0) {
        const col = c.rowExprs[i]!(batchFromRows(this.types, gathered));
        for (let j = 0; j < at.length; j++) values[at[j]!] = getScalar(col, j);
      }
      return columnFromScalars(t.type, values);
    }
    if (t.fn === 'count_star') {
      for (let k = 0; k < n; k++) {
        this.range(req, k, t.variable);
        values[k] = this.hi - this.lo;
      }
      return columnFromScalars(t.type, values);
    }
    // an aggregate: the rows of every request in one column, the request as the slot
    const e = t.expr!;
    const input = e.kind === 'input' ? e.index : -1;
    const args: Scalar[] = [];
    const rows: Scalar[][] = [];
    const slots: number[] = [];
    for (let k = 0; k < n; k++) {
      this.range(req, k, t.variable);
      const p = req.p[k]!;
      for (let s = this.lo; s < this.hi; s++) {
        if (input >= 0) args.push(p.cols[input]![s - p.base]!);
        else rows.push(p.cols.map((col) => col[s - p.base]!));
        slots.push(k);
      }
    }
    const acc = c.accs[i]!;
    acc.grow(n);
    for (let k = 0; k < n; k++) acc.reset(k);
    if (slots.length > 0) {
      const col = input >= 0 ? columnFromScalars(e.type, args) : c.rowExprs[i]!(batchFromRows(this.types, rows));
      acc.add(Int32Array.from(slots), null, slots.length, [col]);
    }
    for (let k = 0; k < n; k++) values[k] = acc.value(k);
    return columnFromScalars(t.type, values);
  }

  /** The measures of the matches released in this watermark, in output order, as batches. */
  private emit(out: Collector): void {
    const n = this.relP.length;
    if (n === 0) return;
    const order: number[] = [];
    for (let k = 0; k < n; k++) order.push(k);
    const { relTime, relFinal, relOrder } = this;
    order.sort((a, b) => relTime[a]! - relTime[b]! || relFinal[a]! - relFinal[b]! || relOrder[a]! - relOrder[b]! || a - b);
    const req = this.req;
    req.clear();
    for (const k of order) {
      const r = this.relRun[k]!;
      req.push(this.relP[k]!, r.start, r.counts, r.total, -1);
    }
    const measured = this.measures.map((c) => this.evaluate(c, req));
    const nk = this.partitionKeys.length;
    for (let from = 0; from < n; from += this.batchSize) {
      const to = Math.min(n, from + this.batchSize);
      const columns: Column[] = this.outTypes.map((type, ci) => {
        const vals: Scalar[] = [];
        if (ci < nk) for (let k = from; k < to; k++) vals.push(req.p[k]!.key[ci]!);
        else for (let k = from; k < to; k++) vals.push(getScalar(measured[ci - nk]!, k));
        return columnFromScalars(type, vals);
      });
      out.emit({ length: to - from, columns, ops: null });
    }
    req.clear();
    this.relP.length = this.relRun.length = this.relTime.length = this.relFinal.length = this.relOrder.length = 0;
  }

  stateEntries(): number {
    let n = this.heap.length;
    for (const p of this.withState) n += p.partials.length + p.completed.length;
    return n;
  }

  snapshot(): OperatorSnapshot {
    const waiting = new Map<Partition, [number, Scalar[]][]>();
    const w = this.width;
    for (const slot of [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : 1))) {
      const p = this.sPart[slot]!;
      let list = waiting.get(p);
      if (list === undefined) waiting.set(p, (list = []));
      list.push([this.sTime[slot]!, this.sVals.slice(slot * w, slot * w + w)]);
    }
    const keyed = new Map<number, unknown[]>();
    const run = (r: Run): [number, number, number[], number] => [r.start, r.elem, [...r.counts], r.total];
    for (const p of new Set([...this.withState, ...waiting.keys()])) {
      let min = p.base + p.times.length;
      for (const r of p.partials) if (r.start < min) min = r.start;
      for (const r of p.completed) if (r.start < min) min = r.start;
      const rows: [number, Scalar[]][] = [];
      for (let s = min; s < p.base + p.times.length; s++) rows.push([p.times[s - p.base]!, p.cols.map((c) => c[s - p.base]!)]);
      const state: PartitionState = { key: p.key, base: min, rows, waiting: waiting.get(p) ?? [], partials: p.partials.map(run), completed: p.completed.map(run) };
      let list = keyed.get(p.keyGroup);
      if (list === undefined) keyed.set(p.keyGroup, (list = []));
      list.push(state);
    }
    return { keyed, operator: { watermark: this.watermark } };
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    const waiting: { time: number; p: Partition; values: readonly Scalar[] }[] = [];
    for (const entries of keyed.values()) {
      for (const e of entries) {
        const s = e as PartitionState;
        const p = this.partitionOf([...s.key]);
        p.base = s.base;
        p.times = s.rows.map((r) => r[0]);
        p.cols.forEach((c, ci) => {
          c.length = 0;
          for (const r of s.rows) c.push(r[1][ci] ?? null);
        });
        const K = this.elements.length;
        const run = ([start, elem, counts, total]: readonly [number, number, readonly number[], number]): Run => ({ start, startTime: p.times[start - p.base]!, elem, counts: Int32Array.from(counts), total, ord: K });
        p.partials = s.partials.map(run);
        p.completed = s.completed.map(run);
        this.track(p);
        for (const [time, values] of s.waiting) waiting.push({ time, p, values });
      }
    }
    // each partition's rows keep their arrival order (the heap orders by time, then arrival)
    for (const { time, p, values } of waiting) {
      const slot = this.newSlot(time, p);
      for (let c = 0; c < this.width; c++) this.sVals[slot * this.width + c] = values[c] ?? null;
      this.heapPush(slot);
    }
  }
}
