// Copy-on-write full snapshots (issue 14), as Flink's heap state backend snapshots
// asynchronously (CopyOnWriteStateMap): at the barrier a full snapshot copies none of the
// state's slot-indexed columns. It refers to the live arrays instead, and the state writer
// thread takes them block by block (BLOCK slots of one column at a time), each block copied
// into a small buffer on this thread just before it is sent, and the buffer handed back once
// written. Meanwhile the operator keeps updating its state: before it first changes a slot of
// the snapshot's range, it calls guard(slot), which saves that slot's values at the barrier
// (one entry of an undo log, column by column; once per slot per snapshot). A block is sent
// as the live array holds it, with the saved values of its logged slots put back: exactly the
// state at the barrier.
//
// So a full checkpoint's memory is the live state, the undo log (the slots changed while the
// snapshot is written: 1% of the keys change between checkpoints in issue 14's benchmark), and
// at most MAX_IN_FLIGHT blocks on their way to the writer, instead of a second copy of every
// column (~51 bytes per group for COUNT and SUM by a BIGINT key). The file is the same as an
// eager snapshot's (state-file.ts): the writer writes a column's blocks as frames of its bytes.
//
// A column array replaced by a larger copy (the state grows: grownCopy in
// common/snapshot-buffers.ts) is followed: the snapshot reads the copy's first slots from then
// on (the same values; only the copy changes afterwards, guarded), and the old array can go.
// An array replaced otherwise is simply no longer written to: the snapshot keeps it. What a
// snapshot refers to: only the views captured by copyForSnapshot (common/snapshot-buffers.ts,
// captureViews) of exactly the snapshot's slot count, which are arrays indexed by slot;
// everything else in the snapshot is an ordinary copy.
//
// Invariant (breaking it gives silently wrong checkpoints): while a capture is pending, every
// write to a captured array at a slot below `high` comes after guard(slot). The group aggregate
// guards a slot when a batch first touches it, and AggregateSlots when a slot is taken again
// or freed; code that writes slot state elsewhere (a new accumulator path, a new per-slot
// array copied with copyForSnapshot) must guard too, and copyForSnapshot inside take() must
// only see arrays indexed by slot. test/unit/cow-snapshot.test.ts fails without the guards.

import { internalError } from '../common/errors.js';
import { captureViews, unwatchGrowth, watchGrowth } from '../common/snapshot-buffers.js';
import { stateSize } from './sizes.js';

type Column = Float64Array | Int32Array | Uint8Array;

/** Marks a column the writer takes from the capture: `{ [COW]: column index, t: array type, n: length }`. */
export const COW = '\u0000weir-cow';

export interface CowPlaceholder {
  readonly [COW]: number;
  readonly t: string;
  readonly n: number;
}

export function isCowPlaceholder(v: unknown): v is CowPlaceholder {
  return v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[COW] === 'number';
}

/** Slots per block a column is sent in (a block of a Float64Array column: 512 KiB). */
export const BLOCK = stateSize(65536);
/** Blocks sent and not yet handed back, at most. */
export const MAX_IN_FLIGHT = 32;
/**
 * A capture taken with `scaled` (take) keeps at most an eighth of its blocks in flight, and at
 * least this many: a fixed 32 blocks (16 MiB) is most of a small state's checkpoint peak.
 */
export const MIN_IN_FLIGHT = 4;

/**
 * Sends one block of column `col` (`bytes` bytes at the start of `buffer`, which is transferred);
 * `items`: a packed slice of that many elements of a list (cow-records.ts), not a typed column's bytes.
 */
export type SendBlock = (col: number, buffer: ArrayBuffer, bytes: number, items?: number) => void;

/**
 * What the state writer needs of a copy-on-write snapshot (state-writer.ts): a CowCapture, or
 * several sent one after the other (cow-parts.ts, a join's two sides).
 */
export interface CowSource {
  start(send: SendBlock): void;
  want(col: number): void;
  returned(buffer: ArrayBuffer): void;
  abort(): void;
  readonly done: boolean;
  onDone: (() => void) | null;
}

export class CowCapture implements CowSource {
  private readonly columns: Column[];
  private readonly blocks: number;
  /** One bit per slot: its values at the barrier are in the undo log. */
  private readonly logged: Uint8Array;
  /** The undo log: each entry's slot, and the next entry of the same block (-1: none). */
  private logSlot = new Int32Array(256);
  private logNext = new Int32Array(256);
  /** Per column, each entry's value at the barrier. */
  private undo: Column[];
  private logCount = 0;
  /** Per block, its newest log entry (-1: none). */
  private readonly head: Int32Array;
  /** Columns the writer asked for, in its order; the one being sent and its next block. */
  private readonly wanted: number[] = [];
  private block = 0;
  private sentColumns = 0;
  private inFlight = 0;
  private readonly spare: ArrayBuffer[] = [];
  private send: SendBlock | null = null;
  private finished = false;
  /** Called once every column was sent (or the capture was abandoned). */
  onDone: (() => void) | null = null;
  /** Statistics (tests, benchmarks): slots logged, blocks sent, columns that followed their array's growth. */
  readonly stats = { logged: 0, blocks: 0, maxInFlight: 0, followed: 0 };

  /** Blocks sent and not yet handed back, at most. */
  private readonly maxInFlight: number;

  private constructor(
    /** Slots [0, high) are the snapshot's. */
    readonly high: number,
    columns: Column[],
    scaled = false,
  ) {
    this.columns = columns;
    this.blocks = Math.ceil(high / BLOCK);
    this.maxInFlight = scaled ? Math.max(MIN_IN_FLIGHT, Math.min(MAX_IN_FLIGHT, Math.ceil((this.blocks * columns.length) / 8))) : MAX_IN_FLIGHT;
    this.logged = new Uint8Array((high + 7) >>> 3);
    this.head = new Int32Array(this.blocks).fill(-1);
    this.undo = columns.map((c) => new (c.constructor as new (n: number) => Column)(256));
    columns.forEach((_, c) => this.watch(c));
  }

  /** Column `c` follows its live array when that is replaced by a larger copy (the state grows): the old one can go. */
  private watch(c: number): void {
    watchGrowth(this.columns[c]!.buffer, (grown) => {
      if (this.finished || grown.constructor !== this.columns[c]!.constructor || grown.length < this.high) return;
      this.columns[c] = grown.subarray(0, this.high);
      this.stats.followed++;
      this.watch(c);
    });
  }

  /**
   * Takes a full snapshot with `save` (which copies its slot-indexed arrays of `high` entries
   * with copyForSnapshot) by reference: returns the snapshot's entry, each such array replaced
   * by a placeholder (CowPlaceholder), and the capture that sends them, or null when nothing
   * was captured (the entry is then an ordinary snapshot). `scaled`: fewer blocks in flight
   * for a small capture (MIN_IN_FLIGHT).
   */
  static take<T>(high: number, save: () => T, scaled = false): { entry: T; capture: CowCapture | null } {
    const { value, views } = captureViews(high, save);
    if (views.length === 0) return { entry: value, capture: null };
    const placed: Column[] = [];
    const entry = replace(value, views, placed, 0) as T;
    // (a captured array the entry does not hold would never be asked for: there is none, as
    // saveAll returns what it copies, but such a one is then simply not sent)
    return { entry, capture: placed.length > 0 ? new CowCapture(high, placed, scaled) : null };
  }

  /** Whether every column was sent (or the capture abandoned): guard() does nothing any more. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * Before the operator first changes slot `slot` after the barrier (its state, key, key
   * group, whether it is in use): saves the slot's values at the barrier, once.
   */
  guard(slot: number): void {
    if (slot >= this.high || this.finished) return;
    const i = slot >>> 3;
    const bit = 1 << (slot & 7);
    if ((this.logged[i]! & bit) !== 0) return;
    this.logged[i] = this.logged[i]! | bit;
    let k = this.logCount;
    if (k === this.logSlot.length) this.growLog();
    const cols = this.columns;
    const undo = this.undo;
    for (let c = 0; c < cols.length; c++) undo[c]![k] = cols[c]![slot]!;
    const b = (slot / BLOCK) | 0;
    this.logSlot[k] = slot;
    this.logNext[k] = this.head[b]!;
    this.head[b] = k;
    this.logCount = ++k;
    this.stats.logged++;
  }

  private growLog(): void {
    const cap = this.logSlot.length * 2;
    const g = <T extends Column>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.logSlot = g(this.logSlot);
    this.logNext = g(this.logNext);
    this.undo = this.undo.map(g);
  }

  /** Starts sending: blocks go to `send` as the writer asks for columns (want). */
  start(send: SendBlock): void {
    this.send = send;
  }

  /** The writer needs column `col` next (after those it asked for before). */
  want(col: number): void {
    if (col < 0 || col >= this.columns.length) throw internalError(`copy-on-write snapshot: no column ${col}`);
    this.wanted.push(col);
    this.pump();
  }

  /** A block's buffer back from the writer: written. */
  returned(buffer: ArrayBuffer): void {
    this.inFlight--;
    if (!this.finished) this.spare.push(buffer);
    this.pump();
  }

  /** Sends blocks of the wanted columns, while fewer than maxInFlight are on their way. */
  private pump(): void {
    const send = this.send;
    if (send === null) return;
    while (!this.finished && this.wanted.length > 0 && this.inFlight < this.maxInFlight) {
      const c = this.wanted[0]!;
      const col = this.columns[c]!;
      const b = this.block;
      const from = b * BLOCK;
      const to = Math.min(this.high, from + BLOCK);
      const buffer = this.spare.pop() ?? new ArrayBuffer(BLOCK * 8);
      const Ctor = col.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => Column;
      const out = new Ctor(buffer, 0, to - from);
      out.set(col.subarray(from, to));
      // the slots changed since the barrier get their values at the barrier back
      const undo = this.undo[c]!;
      const logSlot = this.logSlot;
      const logNext = this.logNext;
      for (let k = this.head[b]!; k >= 0; k = logNext[k]!) out[logSlot[k]! - from] = undo[k]!;
      this.inFlight++;
      if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
      this.stats.blocks++;
      if (++this.block === this.blocks) {
        this.block = 0;
        this.wanted.shift();
        if (++this.sentColumns === this.columns.length) this.finish();
      }
      send(c, buffer, out.byteLength);
    }
  }

  /** Every column was sent (or the write failed): the log goes, guard() does nothing. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const col of this.columns) unwatchGrowth(col.buffer);
    this.undo = [];
    this.logSlot = new Int32Array(0);
    this.logNext = new Int32Array(0);
    this.spare.length = 0;
    this.onDone?.();
  }

  /** The write failed or was abandoned (the writer closed): nothing more is sent. */
  abort(): void {
    this.finish();
  }
}

/** `v` with each captured view replaced by its placeholder (placed in order, deduplicated). */
function replace(v: unknown, views: readonly Column[], placed: Column[], depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) {
    if (!views.includes(v as Column)) return v;
    let i = placed.indexOf(v as Column);
    if (i < 0) i = placed.push(v as Column) - 1;
    return { [COW]: i, t: v.constructor.name, n: (v as Column).length } satisfies CowPlaceholder;
  }
  if (depth > 8) return v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, replace(x, views, placed, depth + 1)]));
  if (Array.isArray(v)) {
    // long arrays of plain values (string keys) hold no typed arrays
    if (v.length > 64 && typeof v[0] !== 'object') return v;
    return v.map((x) => replace(x, views, placed, depth + 1));
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = replace(x, views, placed, depth + 1);
  return out;
}
