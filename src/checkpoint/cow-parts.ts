// A copy-on-write snapshot made of several captures (cow.ts), one per part of an operator's
// state whose slots are numbered on their own: a join's two sides (join-rows.ts), each with its
// own slot count at the barrier and its own guard. The parts' placeholders are numbered one
// after the other (part 0's columns first), and the state writer sees one source: it asks for
// columns in the file's order, which visits each part's columns together, and this sends them
// part by part (a part starts sending once the one before it has sent everything; the writer
// needs the blocks in its order). A buffer handed back goes to the part that sent it (the
// writer hands them back in the order they came).

import { internalError } from '../common/errors.js';
import { COW, CowCapture, isCowPlaceholder } from './cow.js';
import type { CowPlaceholder, CowSource, SendBlock } from './cow.js';

export class CowParts implements CowSource {
  /** The first column (in the snapshot's numbering) of each part. */
  private readonly offsets: number[];
  /** Columns the writer asked for and not yet passed on to their part. */
  private readonly queue: number[] = [];
  /** The part sending now (-1: none yet). */
  private current = -1;
  /** The part that sent each block not yet handed back, in order. */
  private readonly sentBy: number[] = [];
  private finished = false;
  onDone: (() => void) | null = null;

  private constructor(
    /** Each part's capture (null: the part holds nothing to capture). */
    readonly parts: readonly (CowCapture | null)[],
    counts: readonly number[],
  ) {
    this.offsets = [];
    let at = 0;
    for (const n of counts) {
      this.offsets.push(at);
      at += n;
    }
    for (const p of parts) {
      if (p !== null) p.onDone = () => this.partDone();
    }
  }

  /**
   * Takes each part's full snapshot by reference, as CowCapture.take (`high`: the part's slot
   * count, `save`: its snapshot, copying slot-indexed arrays with copyForSnapshot); returns the
   * entries (placeholders numbered across the parts) and the source that sends them, or null
   * when nothing was captured (the entries are then ordinary snapshots). `scaled`: as
   * CowCapture.take.
   */
  static take<T>(parts: readonly { readonly high: number; readonly save: () => T }[], scaled = false): { entries: T[]; capture: CowParts | null } {
    const entries: T[] = [];
    const captures: (CowCapture | null)[] = [];
    const counts: number[] = [];
    let offset = 0;
    for (const part of parts) {
      const { entry, capture } = CowCapture.take(part.high, part.save, scaled);
      const seen = { max: -1 };
      entries.push(renumber(entry, offset, seen, 0) as T);
      captures.push(capture);
      counts.push(seen.max + 1);
      offset += seen.max + 1;
    }
    if (captures.every((c) => c === null)) return { entries, capture: null };
    return { entries, capture: new CowParts(captures, counts) };
  }

  get done(): boolean {
    return this.finished;
  }

  /** The part column `col` (snapshot numbering) belongs to. */
  private partOf(col: number): number {
    for (let p = this.offsets.length - 1; p >= 0; p--) if (col >= this.offsets[p]!) return p;
    throw internalError(`copy-on-write snapshot: no column ${col}`);
  }

  start(send: SendBlock): void {
    this.parts.forEach((p, i) =>
      p?.start((col, buffer, bytes) => {
        this.sentBy.push(i);
        send(col + this.offsets[i]!, buffer, bytes);
      }),
    );
  }

  want(col: number): void {
    this.queue.push(col);
    this.flush();
  }

  /** Passes the wanted columns on: those of the part sending now, or of the next once that one is done. */
  private flush(): void {
    while (this.queue.length > 0 && !this.finished) {
      const col = this.queue[0]!;
      const p = this.partOf(col);
      if (p !== this.current) {
        if (this.current >= 0 && !(this.parts[this.current]?.done ?? true)) return;
        if (p < this.current) throw internalError(`copy-on-write snapshot: column ${col} asked for after a later part's`);
        this.current = p;
      }
      this.queue.shift();
      const part = this.parts[p];
      if (part === null || part === undefined) throw internalError(`copy-on-write snapshot: column ${col} of a part with no capture`);
      part.want(col - this.offsets[p]!);
    }
  }

  returned(buffer: ArrayBuffer): void {
    const p = this.sentBy.shift();
    if (p !== undefined) this.parts[p]!.returned(buffer);
  }

  private partDone(): void {
    if (this.parts.every((p) => p === null || p.done)) this.finish();
    // (a capture is done before it sends its last block: the next part starts after that)
    else queueMicrotask(() => this.flush());
  }

  abort(): void {
    for (const p of this.parts) p?.abort();
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.queue.length = 0;
    this.onDone?.();
  }
}

/** `v` with each placeholder's column index moved by `offset`; `seen.max`: the largest index found (before the move). */
function renumber(v: unknown, offset: number, seen: { max: number }, depth: number): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (isCowPlaceholder(v)) {
    if (v[COW] > seen.max) seen.max = v[COW];
    return offset === 0 ? v : ({ [COW]: v[COW] + offset, t: v.t, n: v.n } satisfies CowPlaceholder);
  }
  if (depth > 8) return v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, renumber(x, offset, seen, depth + 1)]));
  if (Array.isArray(v)) {
    // long arrays of plain values (string columns) hold no placeholders
    if (v.length > 64 && typeof v[0] !== 'object') return v;
    return v.map((x) => renumber(x, offset, seen, depth + 1));
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = renumber(x, offset, seen, depth + 1);
  return out;
}
