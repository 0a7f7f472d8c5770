// MATCH_RECOGNIZE, ONE ROW PER MATCH (Flink's CepOperator over its NFA, for the patterns Flink's
// SQL accepts: a sequence of distinct variables with quantifiers, strictly contiguous).
//
// Order: rows wait per partition until the watermark passes their time (a row at or before the
// watermark already received is late: dropped and counted, as Flink's CepOperator drops it);
// then the rows of all partitions are matched in (time, partition, sort keys, arrival) order.
// Before the rows of a time, partial matches that WITHIN has expired (time - start >= within)
// are dropped, and again at the watermark.
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
// Snapshot: per partition, in its key group: the key, the waiting rows, the partial and pending
// completed matches with their rows (by sequence number, each row once); operator state: the
// watermark.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { batchFromRows, columnFromScalars, getScalar } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import type { Accumulator } from '../../expr/accumulators.js';
import { createAccumulator } from '../../expr/accumulators.js';
import type { BoundExpr } from '../../expr/bound.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import type { SortKey } from '../../plan/logical.js';
import type { MatchSpec, NavTerm, PatternElement, TermExpr } from '../../plan/match.js';
import { hashKey, keyGroupOf } from '../../state/key-groups.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { restoredWatermark } from './aggregate-slots.js';
import { compareScalars } from './temporal-sort.js';

/** A stored row: its processing sequence number, time and values. */
interface Row {
  readonly seq: number;
  readonly time: number;
  readonly values: readonly Scalar[];
}

/** A partial or completed match (Flink's ComputationState). */
interface Run {
  /** Element index (elements.length: complete) and rows taken in it (capped for loops). */
  readonly elem: number;
  readonly count: number;
  readonly rows: readonly Row[];
  /** Variable of each row. */
  readonly labels: readonly number[];
}

interface Waiting {
  readonly time: number;
  readonly arrival: number;
  readonly values: readonly Scalar[];
}

interface Partition {
  readonly key: readonly Scalar[];
  readonly keyGroup: number;
  waiting: Waiting[];
  partials: Run[];
  completed: Run[];
  nextSeq: number;
  nextArrival: number;
}

/** A partition in a snapshot: rows once each, runs refer to them by sequence number. */
interface PartitionState {
  readonly key: readonly Scalar[];
  readonly nextSeq: number;
  readonly nextArrival: number;
  readonly waiting: readonly (readonly [number, number, readonly Scalar[]])[];
  readonly rows: readonly (readonly [number, number, readonly Scalar[]])[];
  /** [elem, count, seqs, labels] */
  readonly partials: readonly (readonly [number, number, readonly number[], readonly number[]])[];
  readonly completed: readonly (readonly [number, number, readonly number[], readonly number[]])[];
}

interface CompiledTerms {
  readonly expr: CompiledExpr;
  readonly terms: readonly NavTerm[];
  readonly types: readonly DataType[];
  /** Per term: the compiled row expression (undefined for a plain column or none). */
  readonly rowExprs: readonly (CompiledExpr | undefined)[];
  readonly accs: readonly (Accumulator | undefined)[];
}

const START: Run = { elem: 0, count: 0, rows: [], labels: [] };

function compileTerms(te: TermExpr, inputTypes: readonly DataType[]): CompiledTerms {
  const rowExprs = te.terms.map((t) => ((t.kind === 'row' || t.kind === 'agg') && t.expr !== undefined && t.expr.kind !== 'input' ? compileExpr(t.expr) : undefined));
  const accs = te.terms.map((t) =>
    t.kind === 'agg' && t.fn !== 'count_star' ? createAccumulator({ fn: t.fn, args: [0], distinct: false, filter: undefined, type: t.type, name: t.fn }, [t.expr!.type], false) : undefined,
  );
  for (const a of accs) a?.grow(1);
  void inputTypes;
  return { expr: compileExpr(te.expr), terms: te.terms, types: te.terms.map((t) => t.type), rowExprs, accs };
}

export class MatchRecognizeOperator implements Operator {
  readonly wideInts = true;
  private readonly partitions = new Map<string, Partition>();
  /** Partitions with waiting rows. */
  private readonly withWaiting = new Set<Partition>();
  private watermark = -Infinity;
  private ctx!: OperatorContext;
  private readonly elements: readonly PatternElement[];
  private readonly defines: readonly (CompiledTerms | undefined)[];
  private readonly measures: readonly CompiledTerms[];
  private readonly within: number | undefined;

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
    this.defines = spec.defines.map((d) => (d === undefined ? undefined : compileTerms(d, types)));
    this.measures = spec.measures.map((m) => compileTerms(m, types));
    this.within = spec.within;
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  private partitionOf(key: Scalar[]): Partition {
    const k = JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let p = this.partitions.get(k);
    if (p === undefined) {
      const keyGroup = this.partitionKeys.length === 0 ? 0 : keyGroupOf(hashKey(key), this.ctx.maxParallelism);
      p = { key, keyGroup, waiting: [], partials: [], completed: [], nextSeq: 0, nextArrival: 0 };
      this.partitions.set(k, p);
    }
    return p;
  }

  processBatch(batch: Batch): void {
    const tcol = batch.columns[this.timeIndex]!;
    let late = 0;
    for (let i = 0; i < batch.length; i++) {
      const tv = getScalar(tcol, i);
      if (tv === null) continue;
      const t = Number(tv);
      if (t <= this.watermark) {
        late++;
        continue;
      }
      const values = batch.columns.map((c) => getScalar(c, i));
      const p = this.partitionOf(this.partitionKeys.map((k) => values[k]!));
      p.waiting.push({ time: t, arrival: p.nextArrival++, values });
      this.withWaiting.add(p);
    }
    this.ctx.metrics.lateDropped += late;
  }

  processWatermark(wm: number, out: Collector): void {
    if (wm <= this.watermark) return;
    this.watermark = wm;
    const due: { p: Partition; w: Waiting; order: number }[] = [];
    let order = 0;
    for (const p of this.withWaiting) {
      const keep: Waiting[] = [];
      for (const w of p.waiting) {
        if (w.time <= wm) due.push({ p, w, order });
        else keep.push(w);
      }
      p.waiting = keep;
      if (keep.length === 0) this.withWaiting.delete(p);
      order++;
    }
    const rows: Scalar[][] = [];
    if (due.length > 0) {
      due.sort((a, b) => {
        if (a.w.time !== b.w.time) return a.w.time - b.w.time;
        if (a.p !== b.p) return a.order - b.order;
        for (const k of this.orderKeys) {
          const c = compareScalars(a.w.values[k.index]!, b.w.values[k.index]!, k.desc, k.nullsFirst);
          if (c !== 0) return c;
        }
        return a.w.arrival - b.w.arrival;
      });
      let lastTime = new Map<Partition, number>();
      for (const { p, w } of due) {
        if (lastTime.get(p) !== w.time) {
          this.advanceTime(p, w.time, rows);
          lastTime.set(p, w.time);
        }
        this.processRow(p, { seq: p.nextSeq++, time: w.time, values: w.values }, rows);
      }
      lastTime = new Map();
    }
    for (const p of this.partitions.values()) if (p.partials.length > 0 || p.completed.length > 0) this.advanceTime(p, wm, rows);
    this.emit(rows, out);
  }

  finish(out: Collector): void {
    this.processWatermark(Infinity, out);
  }

  private emit(rows: Scalar[][], out: Collector): void {
    for (let i = 0; i < rows.length; i += this.batchSize) out.emit(batchFromRows(this.outTypes, rows.slice(i, i + this.batchSize)));
  }

  /** Drops the partial matches WITHIN has expired at `time`; matches they held back may go out. */
  private advanceTime(p: Partition, time: number, out: Scalar[][]): void {
    const w = this.within;
    if (w === undefined) return;
    const start = (r: Run): number => r.rows[0]!.time;
    const kept = p.partials.filter((r) => !(time - start(r) >= w));
    if (kept.length === p.partials.length) return;
    p.partials = kept;
    this.release(p, out);
  }

  private processRow(p: Partition, row: Row, out: Scalar[][]): void {
    const next: Run[] = [];
    const done: Run[] = [];
    for (const run of [...p.partials, START]) this.step(run, row, next, done);
    p.partials = next;
    if (done.length > 0) {
      // completed matches in the order of their first rows (stable)
      p.completed.push(...done);
      p.completed.sort((a, b) => a.rows[0]!.seq - b.rows[0]!.seq);
    }
    this.release(p, out);
  }

  /** Emits the completed matches no earlier-started partial match holds back (Flink's processMatchesAccordingToSkipStrategy). */
  private release(p: Partition, out: Scalar[][]): void {
    while (p.completed.length > 0) {
      const m = p.completed[0]!;
      const earliest = p.partials.reduce((lo, r) => Math.min(lo, r.rows[0]!.seq), Infinity);
      if (!(m.rows[0]!.seq <= earliest)) break;
      p.completed.shift();
      const prune = this.pruneTest(m);
      p.partials = p.partials.filter((r) => !prune(r.rows[0]!.seq));
      p.completed = p.completed.filter((r) => !prune(r.rows[0]!.seq));
      out.push(this.measure(p, m));
    }
  }

  private pruneTest(m: Run): (startSeq: number) => boolean {
    const a = this.spec.after;
    switch (a.kind) {
      case 'past-last-row': {
        const last = m.rows[m.rows.length - 1]!.seq;
        return (s) => s <= last;
      }
      case 'to-next-row': {
        const first = m.rows[0]!.seq;
        return (s) => s <= first;
      }
      case 'to-first':
      case 'to-last': {
        const idx = a.kind === 'to-first' ? m.labels.indexOf(a.variable) : m.labels.lastIndexOf(a.variable);
        if (idx < 0) {
          throw new WeirError('execution', `AFTER MATCH SKIP TO ${a.kind === 'to-first' ? 'FIRST' : 'LAST'} ${this.spec.variables[a.variable]}: a match has no row of ${this.spec.variables[a.variable]} to skip to (Flink fails the job the same way)`, {
            hint: 'make the variable mandatory in the PATTERN, or use SKIP PAST LAST ROW / SKIP TO NEXT ROW',
            permanent: true,
          });
        }
        const target = m.rows[idx]!.seq;
        return (s) => s < target;
      }
    }
  }

  /** The runs `run` turns into on `row` (Flink's computeNextStates). */
  private step(run: Run, row: Row, next: Run[], done: Run[]): void {
    const K = this.elements.length;
    const visit = (elem: number, count: number): void => {
      if (elem >= K) return;
      const el = this.elements[elem]!;
      const canTake = el.max < 0 || count < el.max;
      const takes = canTake ? this.condition(el.variable, run, row) : false;
      const canProceed = count >= el.min;
      if (takes) this.take(run, row, elem, count, next, done);
      if (canProceed && !(el.greedy && takes)) {
        if (elem + 1 < K) visit(elem + 1, 0);
        // a greedy element proceeding to the end completes without the row: Flink's PROCEED edge
        // to the final state (only when a greedy element ends the pattern, which SQL refuses)
        else if (el.greedy && run !== START) done.push({ elem: K, count: 0, rows: run.rows, labels: run.labels });
      }
    };
    visit(run.elem, run.count);
  }

  private take(run: Run, row: Row, elem: number, count: number, next: Run[], done: Run[]): void {
    const K = this.elements.length;
    const el = this.elements[elem]!;
    const rows = [...run.rows, row];
    const labels = [...run.labels, el.variable];
    let e = elem;
    let c = count + 1;
    if (el.max >= 0 && c === el.max) {
      e = elem + 1;
      c = 0;
    } else if (el.max < 0) c = Math.min(c, Math.max(el.min, 1));
    if (e >= K) {
      done.push({ elem: K, count: 0, rows, labels });
      return;
    }
    next.push({ elem: e, count: c, rows, labels });
    // the rest of the pattern skippable (non-greedy optional elements): a match now too
    let k = e;
    let kc = c;
    while (k < K) {
      const x = this.elements[k]!;
      if (x.greedy || kc < x.min) return;
      k++;
      kc = 0;
    }
    done.push({ elem: K, count: 0, rows, labels });
  }

  /** The DEFINE of `variable` on `row` as the next row of `run`. */
  private condition(variable: number, run: Run, row: Row): boolean {
    const d = this.defines[variable];
    if (d === undefined) return true;
    const v = this.evaluate(d, run.rows, run.labels, row, variable);
    return v === true;
  }

  private evaluate(c: CompiledTerms, rows: readonly Row[], labels: readonly number[], current: Row | undefined, variable: number): Scalar {
    const values: Scalar[] = c.terms.map((t, i) => this.termValue(c, i, t, rows, labels, current, variable));
    const batch = { length: 1, columns: values.map((v, i) => columnFromScalars(c.types[i]!, [v])), ops: null };
    return getScalar(c.expr(batch), 0);
  }

  private termValue(c: CompiledTerms, i: number, t: NavTerm, rows: readonly Row[], labels: readonly number[], current: Row | undefined, variable: number): Scalar {
    if (t.kind === 'rowtime') return rows.length > 0 ? rows[rows.length - 1]!.time : null;
    if (t.kind === 'proctime') return Date.now();
    const of: Row[] = [];
    for (let j = 0; j < rows.length; j++) if (t.variable < 0 || labels[j] === t.variable) of.push(rows[j]!);
    if (current !== undefined && (t.variable < 0 || t.variable === variable)) of.push(current);
    if (t.kind === 'row') {
      const r = t.first ? of[t.offset] : of[of.length - 1 - t.offset];
      if (r === undefined) return null;
      return this.rowValue(t.expr, c.rowExprs[i], [r])[0]!;
    }
    if (t.fn === 'count_star') return of.length;
    const acc = c.accs[i]!;
    acc.reset(0);
    if (of.length > 0) {
      const vals = this.rowValue(t.expr!, c.rowExprs[i], of);
      const col: Column = columnFromScalars(t.expr!.type, vals);
      acc.add(new Int32Array(of.length), null, of.length, [col]);
    }
    return acc.value(0);
  }

  private rowValue(e: BoundExpr, compiled: CompiledExpr | undefined, rows: readonly Row[]): Scalar[] {
    if (e.kind === 'input') return rows.map((r) => r.values[e.index] ?? null);
    const col = compiled!(batchFromRows(this.types, rows.map((r) => r.values)));
    return rows.map((_, i) => getScalar(col, i));
  }

  private measure(p: Partition, m: Run): Scalar[] {
    const out: Scalar[] = [...p.key];
    for (const c of this.measures) out.push(this.evaluate(c, m.rows, m.labels, undefined, -1));
    return out;
  }

  stateEntries(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.waiting.length + p.partials.length + p.completed.length;
    return n;
  }

  snapshot(): OperatorSnapshot {
    const keyed = new Map<number, unknown[]>();
    for (const p of this.partitions.values()) {
      if (p.waiting.length === 0 && p.partials.length === 0 && p.completed.length === 0 && p.nextSeq === 0) continue;
      const rows = new Map<number, Row>();
      const runs = (list: readonly Run[]): [number, number, number[], number[]][] =>
        list.map((r) => {
          for (const x of r.rows) rows.set(x.seq, x);
          return [r.elem, r.count, r.rows.map((x) => x.seq), [...r.labels]];
        });
      const partials = runs(p.partials);
      const completed = runs(p.completed);
      const state: PartitionState = {
        key: p.key,
        nextSeq: p.nextSeq,
        nextArrival: p.nextArrival,
        waiting: p.waiting.map((w) => [w.time, w.arrival, w.values] as const),
        rows: [...rows.values()].map((r) => [r.seq, r.time, r.values] as const),
        partials,
        completed,
      };
      let list = keyed.get(p.keyGroup);
      if (list === undefined) keyed.set(p.keyGroup, (list = []));
      list.push(state);
    }
    return { keyed, operator: { watermark: this.watermark } };
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    for (const entries of keyed.values()) {
      for (const e of entries) {
        const s = e as PartitionState;
        const p = this.partitionOf([...s.key]);
        const rows = new Map<number, Row>(s.rows.map(([seq, time, values]) => [seq, { seq, time, values }]));
        const run = ([elem, count, seqs, labels]: readonly [number, number, readonly number[], readonly number[]]): Run => ({ elem, count, rows: seqs.map((q) => rows.get(q)!), labels: [...labels] });
        p.nextSeq = s.nextSeq;
        p.nextArrival = s.nextArrival;
        p.waiting = s.waiting.map(([time, arrival, values]) => ({ time, arrival, values }));
        p.partials = s.partials.map(run);
        p.completed = s.completed.map(run);
        if (p.waiting.length > 0) this.withWaiting.add(p);
      }
    }
  }
}
