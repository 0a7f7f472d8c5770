// Copy-on-write full snapshots of state held as one record per key (issue 14): Top-N and
// deduplication (exec/operators/rank.ts), whose partitions are JS objects, not slot-indexed
// columns (cow.ts). At the barrier the operator captures, per key group, the list of its live
// items (references, in the order an ordinary snapshot lists them), and the snapshot's entry
// for that key group is a placeholder: `{ [COW]: list index, t: 'packed', n: items }`. The state
// writer thread writes the placeholder as the state file writes any long plain array (state-file.ts:
// `{ARR: n}` in the skeleton, then msgpackr-packed slices of SLICE elements, one per frame), and
// asks for the lists in the file's order; this thread encodes each slice only then, into a fresh
// buffer transferred to the writer (MAX_IN_FLIGHT at most on their way). Meanwhile the operator
// keeps changing its state: before it first changes an item captured and not yet encoded, it
// calls save(item, record), which keeps the item's record at the barrier; a saved item is
// encoded from that record, any other from its live state (unchanged since the barrier).
//
// So a full checkpoint's memory is the live state, one reference per item, the records saved
// for the items that changed while the snapshot is written, and a few encoded slices: instead
// of a record per item at the barrier and a structured clone of every row in the writer
// thread's heap. The file restores exactly as an ordinary snapshot's: the same key groups, the
// same records in the same order (a key group's list is framed as packed slices even when it is
// short enough for an ordinary snapshot to hold it in the skeleton; the reader takes both).
//
// Invariant (breaking it gives silently wrong checkpoints): while a capture is pending, every
// change to a captured item (its rows, its flags, dropping it) comes after the operator's guard,
// which calls save() the first time (rank.ts: Partition.snap).

import { internalError } from '../common/errors.js';
import { COW } from './cow.js';
import type { CowPlaceholder, CowSource, SendBlock } from './cow.js';
import { SLICE, packr } from './packed-array.js';

/** The placeholder type (`t`) of a list of records encoded on demand. */
export const PACKED_LIST = 'packed';

/** Slices sent and not yet handed back, at most. */
export const MAX_IN_FLIGHT = 4;

export class CowRecords<T> implements CowSource {
  /** Records at the barrier of the items changed since (before they were encoded). */
  private saved = new Map<T, unknown>();
  private readonly wanted: number[] = [];
  /** The next item of the list being sent. */
  private at = 0;
  private sentLists = 0;
  private inFlight = 0;
  private send: SendBlock | null = null;
  private finished = false;
  onDone: (() => void) | null = null;
  /** Statistics (tests, benchmarks). */
  readonly stats = { saved: 0, slices: 0, maxInFlight: 0 };

  private constructor(
    private readonly lists: T[][],
    /** The record of an item not changed since the barrier (its live state). */
    private readonly live: (item: T) => unknown,
  ) {}

  /**
   * The snapshot's keyed entries for `groups` (key group -> its items, in order), each list a
   * placeholder, and the capture that sends them; `live(item)` gives an unchanged item's record.
   */
  static take<T>(groups: Map<number, T[]>, live: (item: T) => unknown): { keyed: Map<number, unknown[]>; capture: CowRecords<T> } {
    const lists: T[][] = [];
    const keyed = new Map<number, unknown[]>();
    for (const [group, list] of groups) {
      const placeholder: CowPlaceholder = { [COW]: lists.push(list) - 1, t: PACKED_LIST, n: list.length };
      // (the state file writes the placeholder as the array it stands for)
      keyed.set(group, placeholder as unknown as unknown[]);
    }
    return { keyed, capture: new CowRecords(lists, live) };
  }

  /**
   * For an operator whose snapshot holds one entry per key group (the OVER aggregates): each key
   * group's list is that one entry, which `encode(i)` builds (from the live partitions, or from
   * records the operator saved before their first change) when the writer asks for key group
   * `kgs[i]`; null when there is no key group.
   */
  static perKeyGroup(kgs: readonly number[], encode: (i: number) => unknown): { keyed: Map<number, unknown[]>; capture: CowRecords<number> | null } {
    if (kgs.length === 0) return { keyed: new Map(), capture: null };
    return CowRecords.take(new Map(kgs.map((kg, i) => [kg, [i]])), encode);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Before the operator first changes a captured item not yet encoded: its record at the barrier. */
  save(item: T, record: unknown): void {
    if (this.finished) return;
    this.saved.set(item, record);
    this.stats.saved++;
  }

  start(send: SendBlock): void {
    this.send = send;
  }

  want(col: number): void {
    if (col < 0 || col >= this.lists.length) throw internalError(`copy-on-write snapshot: no list ${col}`);
    this.wanted.push(col);
    this.pump();
  }

  returned(_buffer: ArrayBuffer): void {
    this.inFlight--;
    this.pump();
  }

  /** Encodes and sends slices of the wanted lists, while fewer than MAX_IN_FLIGHT are on their way. */
  private pump(): void {
    const send = this.send;
    if (send === null) return;
    while (!this.finished && this.wanted.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const c = this.wanted[0]!;
      const list = this.lists[c]!;
      const from = this.at;
      const to = Math.min(list.length, from + SLICE);
      if (to > from) {
        const records = new Array<unknown>(to - from);
        for (let i = from; i < to; i++) {
          const item = list[i]!;
          const s = this.saved.get(item);
          if (s !== undefined) {
            this.saved.delete(item);
            records[i - from] = s;
          } else records[i - from] = this.live(item);
        }
        const packed = packr().pack(records);
        // a buffer of its own (pack's result may share msgpackr's): transferred whole
        const own = new Uint8Array(packed.length);
        own.set(packed);
        this.inFlight++;
        if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
        this.stats.slices++;
        send(c, own.buffer, own.length, to - from);
      }
      if (to < list.length) {
        this.at = to;
        continue;
      }
      // (the list is sent: its references go)
      this.lists[c] = [];
      this.at = 0;
      this.wanted.shift();
      if (++this.sentLists === this.lists.length) this.finish();
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.saved = new Map();
    this.lists.length = 0;
    this.onDone?.();
  }

  abort(): void {
    this.finish();
  }
}
