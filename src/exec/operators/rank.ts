// Top-N, deduplication and window rank (ROW_NUMBER / RANK / DENSE_RANK filtered on the rank).
//
// State, per partition key (in the key group of the key, as the exchange routes it):
// - topn over an append-only input: the rows that can still be in the range, at most N for
//   ROW_NUMBER (more for RANK/DENSE_RANK when rows tie at the cut), sorted; a row that
//   cannot enter is rejected without being stored (Flink's AppendOnlyTopNFunction).
// - topn over an updating input: every live row of the partition, sorted, so a retraction of
//   a row in the top can promote the next one (Flink's RetractableTopNFunction).
// - deduplicate keep-last: the kept row; keep-first: the earliest row not yet emitted and
//   whether the key has emitted (Flink's RowTimeDeduplicateKeepFirstRowFunction).
// - window: per window and partition, the top rows, until the window fires.
// Rows tied on the ORDER BY keys keep arrival order: the first to arrive ranks first (for
// keep-last deduplication the last to arrive wins, as in Flink).
//
// Output (topn): per batch, each touched partition's ranked rows before and after are
// compared. With the rank number: ROW_NUMBER positions are the update key, so a changed
// position emits -U old row / +U new row; a position that empties -D, a new one +I. Without
// it (Flink's "no ranking number" optimisation), rows leaving the range emit -D and rows
// entering +I; rows that only moved emit nothing. RANK/DENSE_RANK with the number: -U/+U for
// a row whose rank changed.
// Watermarks: keep-first deduplication emits a key's row once the watermark reaches its time
// and drops rows older than the watermark (late, counted); window rank emits a window's rows
// when the watermark passes window_end - 1 and drops rows of fired windows (late, counted).
// Snapshot: per key group, one record per partition (key values, rows, flags); operator state
// keeps the watermark so late rows stay late after a restore. With incremental checkpoints
// ('state.backend.incremental'), the partitions a row reached, that a watermark changed or
// that were dropped are marked; a snapshot is then a delta of those partitions' records (a
// dropped one as a removal, written before the partitions that are live), and a restore
// applies each delta record in order: it replaces (or removes) the partition of its key.
// A full snapshot may be copy-on-write (OperatorContext.cowSnapshots; checkpoint/cow-records.ts):
// the barrier captures each key group's list of partitions, the state writer has their records
// encoded a slice at a time, and a partition captured and not yet encoded saves its record
// before its first change (guard: every change to a partition's rows or flags comes after it;
// a window rank's partition dropped when its window fires keeps its rows, unchanged).

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { BatchBuilder, RowKind, getScalar, isAccumulate } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { RankFunction, RankStrategy, SortKey } from '../../plan/logical.js';
import { hashColumns, hashKey, keyGroupOf } from '../../state/key-groups.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { restoredWatermark } from './aggregate-slots.js';
import { DeltaPolicy } from './delta-policy.js';
import { CowRecords } from '../../checkpoint/cow-records.js';

interface Entry {
  readonly row: Scalar[];
  /** Batch epoch in which the entry was in the output before / after the batch. */
  oldEpoch: number;
  newEpoch: number;
  oldRank: number;
  newRank: number;
}

interface Partition {
  readonly key: Scalar[];
  /** hashKey(key): the key group's hash, also the partition table's. */
  readonly hash: number;
  readonly keyGroup: number;
  /** The next partition whose hash has the same table bits. */
  nextSame: Partition | undefined;
  entries: Entry[];
  /** Batch epoch of the first touch, and the output at that moment. */
  stamp: number;
  oldOut: Entry[];
  /** Deduplication keep-first: the key has emitted its row. */
  emitted: boolean;
  /** Window rank: the window's end (ms). */
  windowEnd: number;
  /** Dropped from the table (incremental checkpoints write it as a removal). */
  gone: boolean;
  /** The copy-on-write capture that holds it and has not yet encoded or saved it (RankOperator.capGen; 0: none). */
  snap: number;
}

interface PartitionRecord {
  readonly k: Scalar[];
  readonly r: Scalar[][];
  readonly e: boolean;
  /** A delta's record (incremental checkpoints): 1 replaces the key's partition, 2 removes it. */
  readonly d?: 1 | 2;
}

/** Hash bits used as the table's key: small integers stay unboxed in a Map. */
const TABLE_BITS = 0x3fffffff;

function sameScalar(a: Scalar, b: Scalar): boolean {
  return a === b || (a !== a && b !== b);
}

/**
 * Partitions by key: a Map from the key's hash bits to a chain of partitions, each compared
 * on its key values, so a lookup builds no string key and allocates nothing.
 */
class PartitionTable {
  private readonly heads = new Map<number, Partition>();
  size = 0;

  /** The partition of batch row i (key columns `keys`, hash `h`), or undefined. */
  find(h: number, keys: readonly number[], cols: readonly Column[], i: number): Partition | undefined {
    search: for (let p = this.heads.get(h & TABLE_BITS); p !== undefined; p = p.nextSame) {
      if (p.hash !== h) continue;
      for (let k = 0; k < keys.length; k++) if (!sameScalar(getScalar(cols[keys[k]!]!, i), p.key[k]!)) continue search;
      return p;
    }
    return undefined;
  }

  /** The partition with these key values, or undefined. */
  findKey(h: number, key: readonly Scalar[]): Partition | undefined {
    search: for (let p = this.heads.get(h & TABLE_BITS); p !== undefined; p = p.nextSame) {
      if (p.hash !== h) continue;
      for (let k = 0; k < key.length; k++) if (!sameScalar(key[k]!, p.key[k]!)) continue search;
      return p;
    }
    return undefined;
  }

  add(p: Partition): void {
    const t = p.hash & TABLE_BITS;
    p.nextSame = this.heads.get(t);
    this.heads.set(t, p);
    this.size++;
  }

  delete(p: Partition): void {
    const t = p.hash & TABLE_BITS;
    const head = this.heads.get(t);
    if (head === p) {
      if (p.nextSame === undefined) this.heads.delete(t);
      else this.heads.set(t, p.nextSame);
    } else {
      let q = head;
      while (q !== undefined && q.nextSame !== p) q = q.nextSame;
      if (q === undefined) return;
      q.nextSame = p.nextSame;
    }
    p.nextSame = undefined;
    this.size--;
  }

  /** Calls `f` for each partition, in the order of values() (no generator: a full snapshot's barrier). */
  forEach(f: (p: Partition) => void): void {
    for (const head of this.heads.values()) for (let p: Partition | undefined = head; p !== undefined; p = p.nextSame) f(p);
  }

  *values(): IterableIterator<Partition> {
    for (const head of this.heads.values()) for (let p: Partition | undefined = head; p !== undefined; p = p.nextSame) yield p;
  }
}

export interface RankSpec {
  readonly fn: RankFunction;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  readonly range: { readonly start: number; readonly end: number };
  readonly outputRank: boolean;
  readonly strategy: RankStrategy;
  readonly inputUpdating: boolean;
}

function compareValues(a: Scalar, b: Scalar, k: SortKey): number {
  if (a === b) return 0;
  if (a === null) return k.nullsFirst ? -1 : 1;
  if (b === null) return k.nullsFirst ? 1 : -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return k.desc ? -c : c;
}

function sameRow(a: readonly Scalar[], b: readonly Scalar[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class RankOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): rows are Scalar arrays (bigints compare exactly), partition keys hash as in the exchange. */
  readonly wideInts = true;
  private readonly partitions = new PartitionTable();

  /** Partitions in state (the memory guard). */
  stateEntries(): number {
    return this.partitions.size;
  }
  /** Key hashes of the batch being processed (hashKey of each row's partition key). */
  private hashes = new Uint32Array(0);
  private ctx!: OperatorContext;
  private epoch = 0;
  private watermark = -Infinity;
  private readonly touched: Partition[] = [];
  private readonly start: number;
  private readonly end: number;
  /** Only the top rows are kept (append-only input, or window rank). */
  private readonly bounded: boolean;
  /** New rows go before rows they tie with (keep-last deduplication). */
  private readonly tieNewFirst: boolean;
  /** Keep-first deduplication: keys with a row waiting for the watermark. */
  private readonly waiting = new Set<Partition>();
  /** Window rank: partitions by window end. */
  private readonly windows = new Map<number, Set<Partition>>();
  /** Incremental checkpoints: partitions changed since the last snapshot (null when off). */
  private readonly dirty: Set<Partition> | null;
  private readonly policy: DeltaPolicy | null;
  /** Stored rows are overwritten in place (keep-last deduplication). */
  private readonly rowsMutate: boolean;
  /** ROW_NUMBER with the number in the output (not window rank): positions are the update key. */
  private readonly positional: boolean;
  /** The copy-on-write snapshot being written (cow-records.ts), or null. */
  private capture: CowRecords<Partition> | null = null;
  /** Its number (Partition.snap of the partitions it holds and has not encoded nor saved); -1: none. */
  private capGen = -1;
  private captures = 0;

  constructor(
    private readonly spec: RankSpec,
    private readonly inputTypes: readonly DataType[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    this.dirty = fullEvery > 0 ? new Set() : null;
    this.policy = fullEvery > 0 ? new DeltaPolicy(fullEvery) : null;
    this.start = spec.range.start;
    this.end = spec.range.end;
    const s = spec.strategy;
    this.bounded = !spec.inputUpdating || s.kind === 'window';
    this.tieNewFirst = (s.kind === 'window' && s.dedup === 'last') || (s.kind === 'deduplicate' && s.keepLast);
    this.rowsMutate = s.kind === 'deduplicate' && s.keepLast;
    this.positional = spec.fn === 'row_number' && spec.outputRank && s.kind !== 'window';
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  private cmpRows(a: readonly Scalar[], b: readonly Scalar[]): number {
    for (const k of this.spec.orderKeys) {
      const c = compareValues(a[k.index]!, b[k.index]!, k);
      if (c !== 0) return c;
    }
    return 0;
  }

  /** Order of batch row i against a stored row (no allocation). */
  private cmpBatch(cols: readonly Column[], i: number, b: readonly Scalar[]): number {
    for (const k of this.spec.orderKeys) {
      const c = compareValues(getScalar(cols[k.index]!, i), b[k.index]!, k);
      if (c !== 0) return c;
    }
    return 0;
  }

  /** Hashes the partition keys of the batch's rows into this.hashes. */
  private hashBatch(batch: Batch): void {
    if (this.hashes.length < batch.length) this.hashes = new Uint32Array(Math.max(batch.length, 1024));
    const keys = this.spec.partitionKeys;
    if (keys.length === 0) return;
    hashColumns(keys.map((k) => batch.columns[k]!), batch.length, this.hashes);
  }

  /** Row i's partition (created when new); this.hashes holds the batch's key hashes. */
  private partitionFor(cols: readonly Column[], i: number): Partition {
    const keys = this.spec.partitionKeys;
    const h = keys.length === 0 ? 0 : this.hashes[i]!;
    let p = this.partitions.find(h, keys, cols, i);
    if (p === undefined) {
      const key = keys.map((c) => getScalar(cols[c]!, i));
      const keyGroup = key.length === 0 ? 0 : keyGroupOf(h, this.ctx.maxParallelism);
      p = { key, hash: h, keyGroup, nextSame: undefined, entries: [], stamp: 0, oldOut: [], emitted: false, windowEnd: 0, gone: false, snap: 0 };
      this.partitions.add(p);
      const s = this.spec.strategy;
      if (s.kind === 'window') {
        p.windowEnd = getScalar(cols[s.endIndex]!, i) as number;
        let set = this.windows.get(p.windowEnd);
        if (set === undefined) this.windows.set(p.windowEnd, (set = new Set()));
        set.add(p);
      }
    }
    if (this.dirty !== null) this.dirty.add(p);
    return p;
  }

  private dropPartition(p: Partition): void {
    this.partitions.delete(p);
    p.gone = true;
    if (this.dirty !== null) this.dirty.add(p);
  }

  /** Index where a row goes: after (or, for tieNewFirst, before) the rows it ties with. */
  private insertionPoint(entries: readonly Entry[], row: readonly Scalar[]): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.cmpRows(row, entries[mid]!.row);
      if (c > 0 || (c === 0 && !this.tieNewFirst)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rowOf(cols: readonly Column[], i: number): Scalar[] {
    const row = new Array<Scalar>(cols.length);
    for (let c = 0; c < cols.length; c++) row[c] = getScalar(cols[c]!, i);
    return row;
  }

  /** Ranks of the entries, calling `f` for those in [start, end]; stops past the end. */
  private walk(entries: readonly Entry[], f: (e: Entry, rank: number) => void): number {
    let rank = 0;
    let dense = 0;
    const fn = this.spec.fn;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      // (ROW_NUMBER ignores ties: no comparison)
      const tie = fn !== 'row_number' && i > 0 && this.cmpRows(entries[i - 1]!.row, e.row) === 0;
      if (fn === 'row_number') rank = i + 1;
      else if (fn === 'rank') rank = tie ? rank : i + 1;
      else rank = tie ? dense : ++dense;
      if (fn === 'dense_rank') dense = rank;
      if (rank > this.end) return i;
      if (rank >= this.start) f(e, rank);
    }
    return entries.length;
  }

  processBatch(batch: Batch, out: Collector): void {
    const s = this.spec.strategy;
    this.hashBatch(batch);
    if (s.kind === 'deduplicate') return this.deduplicate(batch, out, s.timeIndex, s.keepLast);
    const cols = batch.columns;
    const ops = batch.ops;
    const epoch = ++this.epoch;
    const touched = this.touched;
    touched.length = 0;
    const rowNumberBound = this.bounded && this.spec.fn === 'row_number' ? this.end : Infinity;
    for (let i = 0; i < batch.length; i++) {
      if (s.kind === 'window') {
        const we = getScalar(cols[s.endIndex]!, i) as number;
        if (we - 1 <= this.watermark) {
          this.ctx.metrics.lateDropped++;
          continue;
        }
      }
      const p = this.partitionFor(cols, i);
      const entries = p.entries;
      const add = ops === null || isAccumulate(ops[i]!);
      // a full partition rejects a row that would rank past the end without storing it
      if (add && entries.length >= rowNumberBound) {
        const c = this.cmpBatch(cols, i, entries[entries.length - 1]!.row);
        if (c > 0 || (c === 0 && !this.tieNewFirst)) continue;
      }
      if (p.snap === this.capGen) this.save(p);
      if (p.stamp !== epoch && s.kind !== 'window' && this.positional) {
        // ROW_NUMBER with the number: the output is the entries at positions start..end
        p.stamp = epoch;
        p.oldOut = entries.slice(this.start - 1, this.end);
        touched.push(p);
      } else if (p.stamp !== epoch && s.kind !== 'window') {
        p.stamp = epoch;
        const old: Entry[] = [];
        this.walk(entries, (e, rank) => {
          e.oldEpoch = epoch;
          e.oldRank = rank;
          old.push(e);
        });
        p.oldOut = old;
        touched.push(p);
      } else if (p.stamp !== epoch) {
        p.stamp = epoch;
        touched.push(p);
      }
      const row = this.rowOf(cols, i);
      if (add) {
        entries.splice(this.insertionPoint(entries, row), 0, { row, oldEpoch: 0, newEpoch: 0, oldRank: 0, newRank: 0 });
      } else {
        // retraction: remove one stored row equal to it (a row not held is ignored, as Flink does)
        let j = this.insertionPoint(entries, row);
        // insertionPoint is past (or before) the tied rows: scan the tie group both ways
        let found = -1;
        for (let x = j - 1; x >= 0 && this.cmpRows(entries[x]!.row, row) === 0; x--) if (sameRow(entries[x]!.row, row)) { found = x; break; }
        if (found < 0) for (j = Math.max(0, j); j < entries.length && this.cmpRows(entries[j]!.row, row) === 0; j++) if (sameRow(entries[j]!.row, row)) { found = j; break; }
        if (found >= 0) entries.splice(found, 1);
      }
    }
    for (const p of touched) {
      if (this.bounded) {
        if (this.spec.fn === 'row_number') {
          if (p.entries.length > this.end) p.entries.length = this.end;
        } else p.entries.length = this.walk(p.entries, () => undefined);
      }
      if (s.kind === 'window') continue;
      if (p.entries.length === 0) this.dropPartition(p);
    }
    if (s.kind === 'window') return;
    const b = new BatchBuilder(this.outputTypes);
    for (const p of touched) {
      this.emitDiff(p, epoch, b);
      p.oldOut = [];
      if (b.length >= this.batchSize) out.emit(b.finish());
    }
    if (b.length > 0) out.emit(b.finish());
  }

  private write(b: BatchBuilder, row: readonly Scalar[], rank: number, kind: RowKind): void {
    const n = row.length;
    for (let c = 0; c < n; c++) b.cols[c]!.push(row[c]!);
    if (this.spec.outputRank) b.cols[n]!.push(rank);
    b.endRow(kind);
  }

  private emitDiff(p: Partition, epoch: number, b: BatchBuilder): void {
    if (this.positional) {
      // positions are the update key: compare row by row (no ranks to compute)
      const old = p.oldOut;
      const ents = p.entries;
      const base = this.start - 1;
      const nowLen = Math.max(0, Math.min(ents.length, this.end) - base);
      const n = Math.max(old.length, nowLen);
      for (let k = 0; k < n; k++) {
        const o = old[k];
        const w = k < nowLen ? ents[base + k] : undefined;
        const rank = this.start + k;
        if (o !== undefined && w !== undefined) {
          if (o === w || sameRow(o.row, w.row)) continue;
          this.write(b, o.row, rank, RowKind.UpdateBefore);
          this.write(b, w.row, rank, RowKind.UpdateAfter);
        } else if (o !== undefined) this.write(b, o.row, rank, RowKind.Delete);
        else if (w !== undefined) this.write(b, w.row, rank, RowKind.Insert);
      }
      return;
    }
    const now: Entry[] = [];
    this.walk(p.entries, (e, rank) => {
      e.newEpoch = epoch;
      e.newRank = rank;
      now.push(e);
    });
    const old = p.oldOut;
    for (const o of old) if (o.newEpoch !== epoch) this.write(b, o.row, o.oldRank, RowKind.Delete);
    for (const w of now) {
      if (w.oldEpoch !== epoch) this.write(b, w.row, w.newRank, RowKind.Insert);
      else if (this.spec.outputRank && w.oldRank !== w.newRank) {
        this.write(b, w.row, w.oldRank, RowKind.UpdateBefore);
        this.write(b, w.row, w.newRank, RowKind.UpdateAfter);
      }
    }
  }

  /** Flink's row-time deduplication (see the file comment); rank 1, no rank number. */
  private deduplicate(batch: Batch, out: Collector, timeIndex: number, keepLast: boolean): void {
    const cols = batch.columns;
    const b = new BatchBuilder(this.outputTypes);
    const time = cols[timeIndex]!;
    for (let i = 0; i < batch.length; i++) {
      const t = getScalar(time, i) as number | null;
      if (!keepLast && t !== null && t < this.watermark) {
        this.ctx.metrics.lateDropped++;
        continue;
      }
      const p = this.partitionFor(cols, i);
      const prev = p.entries[0];
      if (keepLast) {
        // a row at or after the kept one's time replaces it
        if (prev !== undefined && this.cmpBatch(cols, i, prev.row) > 0) continue;
        if (p.snap === this.capGen) this.save(p);
        if (prev !== undefined) {
          // the kept row is overwritten in place once written out (snapshots copy rows)
          const row = prev.row;
          this.write(b, row, 1, RowKind.UpdateBefore);
          for (let c = 0; c < cols.length; c++) row[c] = getScalar(cols[c]!, i);
          this.write(b, row, 1, RowKind.UpdateAfter);
        } else {
          const row = this.rowOf(cols, i);
          this.write(b, row, 1, RowKind.Insert);
          p.entries[0] = { row, oldEpoch: 0, newEpoch: 0, oldRank: 0, newRank: 0 };
        }
      } else {
        if (p.emitted) continue;
        // a strictly earlier row replaces the waiting one
        if (prev !== undefined && this.cmpBatch(cols, i, prev.row) >= 0) continue;
        if (p.snap === this.capGen) this.save(p);
        p.entries[0] = { row: this.rowOf(cols, i), oldEpoch: 0, newEpoch: 0, oldRank: 0, newRank: 0 };
        this.waiting.add(p);
      }
      if (b.length >= this.batchSize) out.emit(b.finish());
    }
    if (b.length > 0) out.emit(b.finish());
  }

  processWatermark(wm: number, out: Collector): void {
    if (wm > this.watermark) this.watermark = wm;
    this.fire(out);
  }

  finish(out: Collector): void {
    this.watermark = Infinity;
    this.fire(out);
  }

  private fire(out: Collector): void {
    const s = this.spec.strategy;
    const b = new BatchBuilder(this.outputTypes);
    if (s.kind === 'deduplicate' && !s.keepLast) {
      for (const p of this.waiting) {
        const e = p.entries[0]!;
        const t = e.row[s.timeIndex] as number | null;
        if (t !== null && t > this.watermark) continue;
        this.write(b, e.row, 1, RowKind.Insert);
        if (p.snap === this.capGen) this.save(p);
        p.entries = [];
        p.emitted = true;
        this.waiting.delete(p);
        if (this.dirty !== null) this.dirty.add(p);
        if (b.length >= this.batchSize) out.emit(b.finish());
      }
    } else if (s.kind === 'window') {
      const due = [...this.windows.keys()].filter((we) => we - 1 <= this.watermark).sort((x, y) => x - y);
      for (const we of due) {
        for (const p of this.windows.get(we)!) {
          this.walk(p.entries, (e, rank) => this.write(b, e.row, rank, RowKind.Insert));
          this.dropPartition(p);
          if (b.length >= this.batchSize) out.emit(b.finish());
        }
        this.windows.delete(we);
      }
    }
    if (b.length > 0) out.emit(b.finish());
  }

  private record(p: Partition, d?: 1 | 2, copyRows = this.rowsMutate): PartitionRecord {
    // keep-last deduplication overwrites its kept row in place: the snapshot takes a copy
    // (unless the record is encoded at once: copy-on-write)
    const r = d === 2 ? [] : copyRows ? p.entries.map((e) => e.row.slice()) : p.entries.map((e) => e.row);
    return d === undefined ? { k: p.key, r, e: p.emitted } : { k: p.key, r, e: p.emitted, d };
  }

  /** Guard: before the first change of a partition held by the pending capture, its record at the barrier. */
  private save(p: Partition): void {
    p.snap = 0;
    this.capture!.save(p, this.record(p));
  }

  /**
   * A full snapshot of every partition: copy-on-write (see the file comment) when the context
   * allows it and no such snapshot is still being written (one at a time: a checkpoint that
   * failed or timed out); else the records, copied now.
   */
  private fullSnapshot(operator: unknown, push: (p: Partition, rec: PartitionRecord) => void, keyed: Map<number, unknown[]>): OperatorSnapshot {
    if (this.ctx.cowSnapshots !== true || this.capture !== null) {
      for (const p of this.partitions.values()) push(p, this.record(p));
      return { keyed, operator };
    }
    const gen = ++this.captures;
    const groups = new Map<number, Partition[]>();
    this.partitions.forEach((p) => {
      p.snap = gen;
      let list = groups.get(p.keyGroup);
      if (list === undefined) groups.set(p.keyGroup, (list = []));
      list.push(p);
    });
    const { keyed: placed, capture } = CowRecords.take(groups, (p: Partition) => {
      p.snap = 0;
      return this.record(p, undefined, false);
    });
    this.capture = capture;
    this.capGen = gen;
    capture.onDone = () => {
      if (this.capture !== capture) return;
      this.capture = null;
      this.capGen = -1;
    };
    return { keyed: placed, operator, cow: capture };
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    const keyed = new Map<number, unknown[]>();
    const push = (p: Partition, rec: PartitionRecord): void => {
      let list = keyed.get(p.keyGroup);
      if (list === undefined) keyed.set(p.keyGroup, (list = []));
      list.push(rec);
    };
    const operator = { watermark: this.watermark === -Infinity ? null : this.watermark };
    const dirty = this.dirty;
    if (dirty !== null) {
      const previous = this.policy!.next(checkpointId, savepoint, dirty.size, this.partitions.size);
      if (previous >= 0) {
        // removals first: a key dropped and created again ends with its live partition
        for (const p of dirty) if (p.gone) push(p, this.record(p, 2));
        for (const p of dirty) if (!p.gone) push(p, this.record(p, 1));
        dirty.clear();
        return { keyed, operator, deltaOf: previous };
      }
      dirty.clear();
      this.policy!.full(this.partitions.size);
    }
    return this.fullSnapshot(operator, push, keyed);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.policy?.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    // (a capture still being written holds partitions a restore may replace: it stops)
    this.capture?.abort();
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    const s = this.spec.strategy;
    for (const [group, list] of keyed) {
      for (const x of list) {
        const rec = x as PartitionRecord;
        const hash = rec.k.length === 0 ? 0 : hashKey(rec.k);
        if (rec.d !== undefined) {
          // a delta's record: the partition the chain had for this key goes
          const old = this.partitions.findKey(hash, rec.k);
          if (old !== undefined) {
            this.partitions.delete(old);
            this.waiting.delete(old);
            const set = this.windows.get(old.windowEnd);
            if (set !== undefined && set.delete(old) && set.size === 0) this.windows.delete(old.windowEnd);
          }
          if (rec.d === 2) continue;
        }
        const p: Partition = { key: rec.k, hash, keyGroup: group, nextSame: undefined, entries: rec.r.map((row) => ({ row, oldEpoch: 0, newEpoch: 0, oldRank: 0, newRank: 0 })), stamp: 0, oldOut: [], emitted: rec.e, windowEnd: 0, gone: false, snap: 0 };
        this.partitions.add(p);
        if (s.kind === 'deduplicate' && !s.keepLast && p.entries.length > 0) this.waiting.add(p);
        if (s.kind === 'window') {
          p.windowEnd = p.entries[0]!.row[s.endIndex] as number;
          let set = this.windows.get(p.windowEnd);
          if (set === undefined) this.windows.set(p.windowEnd, (set = new Set()));
          set.add(p);
        }
      }
    }
    this.dirty?.clear();
  }
}
