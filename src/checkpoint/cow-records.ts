// Copy-on-write full snapshots of an operator whose state is records (partitions holding
// rows, the OVER aggregates) rather than slot-indexed columns (cow.ts). At the barrier the
// snapshot holds one placeholder per key group and the operator keeps a list of the
// partitions of each (references, no copy). The state writer asks for the key groups in the
// file's order; each is then built from the live partitions (a partition changed since the
// barrier from the record the operator saved before its first change) and msgpack-encoded on
// this thread, a key group at a time, and its bytes are transferred: the writer thread keeps
// no copy of rows or keys, and this thread holds at most MAX_IN_FLIGHT encoded key groups.
//
// In the state file a key group's entries are written as a long plain array is
// (state-file.ts: an array placeholder in the skeleton, then msgpackr-packed frames of it):
// read back, they are the same entries array an ordinary snapshot gives, so restore, rescale
// and incremental chains read it unchanged (the skeleton holds the array inline instead).
//
// Invariant (breaking it gives silently wrong checkpoints): until the capture is done, the
// operator saves a captured partition's record before its first change after the barrier
// (rows added or released, aggregates, times), unless its key group was already encoded.

import type { Packr } from 'msgpackr';
import { COW } from './cow.js';
import type { CowPlaceholder, CowSource, SendBlock } from './cow.js';
import { packr } from './packed-array.js';

/** The placeholder type of a key group's entries encoded on demand (a plain array of `n` entries). */
export const PACKED_COLUMN = 'packed';

/** Key groups encoded and not yet handed back by the writer, at most. */
export const RECORDS_IN_FLIGHT = 4;

export class CowRecords implements CowSource {
  /** Key group indexes the writer asked for, in its order. */
  private readonly wanted: number[] = [];
  private inFlight = 0;
  private sent = 0;
  private send: SendBlock | null = null;
  private finished = false;
  private readonly packer: Packr = packr();
  onDone: (() => void) | null = null;
  /** Statistics (tests, benchmarks): key groups encoded, bytes, most in flight, the longest encoding of one (ms). */
  readonly stats = { encoded: 0, bytes: 0, maxInFlight: 0, maxStepMs: 0 };

  private constructor(
    private readonly count: number,
    /** Key group `i`'s one entry (built from the partitions at the barrier). */
    private readonly encode: (i: number) => unknown,
  ) {}

  /**
   * A snapshot's keyed state of `groups` (key groups, in order), each a placeholder for its
   * one entry, which `encode(i)` builds when the writer asks for group `i`; null when there is
   * no key group (the snapshot is then empty).
   */
  static take(groups: readonly number[], encode: (i: number) => unknown): { keyed: Map<number, unknown[]>; capture: CowRecords | null } {
    const keyed = new Map<number, unknown[]>();
    groups.forEach((kg, i) => keyed.set(kg, { [COW]: i, t: PACKED_COLUMN, n: 1 } satisfies CowPlaceholder as unknown as unknown[]));
    return { keyed, capture: groups.length === 0 ? null : new CowRecords(groups.length, encode) };
  }

  get done(): boolean {
    return this.finished;
  }

  start(send: SendBlock): void {
    this.send = send;
  }

  want(col: number): void {
    this.wanted.push(col);
    this.pump();
  }

  returned(): void {
    this.inFlight--;
    this.pump();
  }

  private pump(): void {
    const send = this.send;
    if (send === null) return;
    while (!this.finished && this.wanted.length > 0 && this.inFlight < RECORDS_IN_FLIGHT) {
      const i = this.wanted.shift()!;
      const t0 = performance.now();
      const packed = this.packer.pack([this.encode(i)]);
      // a buffer of its own (pack's result may share msgpackr's): transferred whole
      const buffer = new ArrayBuffer(packed.length);
      new Uint8Array(buffer).set(packed);
      this.stats.maxStepMs = Math.max(this.stats.maxStepMs, performance.now() - t0);
      this.inFlight++;
      if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
      this.stats.encoded++;
      this.stats.bytes += packed.length;
      if (++this.sent === this.count) this.finish();
      send(i, buffer, packed.length);
    }
  }

  abort(): void {
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.wanted.length = 0;
    this.onDone?.();
  }
}
