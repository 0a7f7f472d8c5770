// Buffers for snapshot copies, reused from one checkpoint to the next.
//
// A snapshot copies an operator's state into fresh typed arrays (the synchronous part of a
// checkpoint), which then move to the state writer thread without a copy. Fresh memory is
// dear: the first write to each page faults, and on this kind of machine that costs about 3-4
// ms of CPU per MB — a full snapshot of 5M groups (~220 MB of copies) spent most of its main
// thread time there, while copying into memory already touched costs ~0.1 ms per MB. So the
// writer thread hands each snapshot's buffers back once their file is written
// (checkpoint/state-writer.ts), and the next snapshot on this thread copies into them.
//
// A buffer comes from `take` (a view of exactly the length asked for, over a buffer that may be
// larger) and returns only through `recycle`, which the state writer calls with buffers that
// were transferred away and back: nothing on this thread can still refer to them. A snapshot
// that is never written simply drops its buffers (the GC frees them). Buffers under MIN_BYTES
// are not pooled (they are cheap to allocate).
//
// A free buffer is dropped when two later checkpoints' snapshots came back without taking it,
// or when no snapshot took it for IDLE_MS. With incremental checkpoints a full snapshot is rare
// (deltas are a few MB), and the buffers of one full snapshot of 5M groups (~300 MB, ~60 bytes
// per group) would otherwise stay resident until the job ends, beside a live state of ~100-120
// bytes per group. While a state grows, each full snapshot needs larger buffers than the last:
// the smaller ones (which nothing takes any more) used to stay, up to MAX_FREE of them, and
// made a full checkpoint's peak RSS at 5M keys about 2.2x the live state.

type Ctor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** Smaller copies are plain allocations. */
const MIN_BYTES = 64 * 1024;
/** A request is served from a free buffer at most this many times its size. */
const FIT = 2;
/** New buffers get this much headroom, so a state that grows a little still fits next time. */
const HEADROOM = 1.25;
/** At most this many free buffers are kept (the oldest go first). */
const MAX_FREE = 48;
/** A free buffer not taken again within this long is dropped. */
const IDLE_MS = 10_000;

const free: ArrayBuffer[] = [];
/** When each free buffer came back (performance.now()), parallel to `free`. */
const freedAt: number[] = [];
/** The checkpoint whose snapshot each free buffer came back from, parallel to `free`. */
const freedBy: number[] = [];
/** The newest checkpoint whose buffers came back. */
let newest = -Infinity;
let trimTimer: ReturnType<typeof setTimeout> | null = null;
/** Buffers handed out by `take`: a snapshot may transfer them even when its view covers only a prefix. */
const pooled = new WeakSet<ArrayBufferLike>();

/** Statistics (tests, benchmarks): buffers served from the pool, and freshly allocated. */
export const snapshotBufferStats = { reused: 0, allocated: 0 };

/** A typed array of `length` elements for a snapshot copy (contents unspecified). */
export function takeBuffer<T>(ctor: Ctor<T>, length: number): T {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  if (bytes < MIN_BYTES) return new ctor(new ArrayBuffer(bytes), 0, length);
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const b = free[i]!.byteLength;
    if (b >= bytes && b <= bytes * FIT && (best < 0 || b < free[best]!.byteLength)) best = i;
  }
  let buf: ArrayBuffer;
  if (best >= 0) {
    buf = free[best]!;
    free.splice(best, 1);
    freedAt.splice(best, 1);
    freedBy.splice(best, 1);
    snapshotBufferStats.reused++;
  } else {
    const size = Math.ceil((bytes * HEADROOM) / 8) * 8;
    buf = new ArrayBuffer(size);
    pooled.add(buf);
    snapshotBufferStats.allocated++;
  }
  return new ctor(buf, 0, length);
}

/**
 * Copy-on-write capture (checkpoint/cow.ts): while set, copyForSnapshot of exactly `high`
 * entries copies nothing and records a view of the live array instead.
 */
let capturing: { readonly high: number; readonly views: (Float64Array | Int32Array | Uint8Array)[] } | null = null;

/**
 * Runs `fn` (a full snapshot of slot-indexed arrays) with copyForSnapshot capturing instead of
 * copying: each array of exactly `high` entries it would have copied is returned as a view of
 * the live array and listed in `views`. The caller must then keep those views' contents as they
 * were (checkpoint/cow.ts) or copy them.
 */
export function captureViews<T>(high: number, fn: () => T): { value: T; views: (Float64Array | Int32Array | Uint8Array)[] } {
  const views: (Float64Array | Int32Array | Uint8Array)[] = [];
  capturing = { high, views };
  try {
    return { value: fn(), views };
  } finally {
    capturing = null;
  }
}

/** Columns of pending copy-on-write snapshots, by the buffer they view (checkpoint/cow.ts). */
const watched = new WeakMap<ArrayBufferLike, (grown: Float64Array | Int32Array | Uint8Array) => void>();
let watching = 0;

/** Tells `onGrown` when the array viewing `buffer` is replaced by a larger copy (grownCopy), once. */
export function watchGrowth(buffer: ArrayBufferLike, onGrown: (grown: Float64Array | Int32Array | Uint8Array) => void): void {
  if (!watched.has(buffer)) watching++;
  watched.set(buffer, onGrown);
}

export function unwatchGrowth(buffer: ArrayBufferLike): void {
  if (watched.delete(buffer)) watching--;
}

/**
 * A slot-indexed array `old` was replaced by `grown`, a larger copy of it: a pending
 * copy-on-write snapshot that refers to `old` reads `grown` from now on (what it holds of the
 * snapshot's slots is the same, and only `grown` changes), so `old` can go now.
 */
export function grownCopy(old: Float64Array | Int32Array | Uint8Array, grown: Float64Array | Int32Array | Uint8Array): void {
  if (watching === 0) return;
  const f = watched.get(old.buffer);
  if (f === undefined) return;
  unwatchGrowth(old.buffer);
  f(grown);
}

/** A copy of src[0, length) in a snapshot buffer. */
export function copyForSnapshot<T extends Float64Array | Int32Array | Uint8Array>(src: T, length: number): T {
  // as src.slice(0, length): never past src's end
  const n = Math.max(0, Math.min(length, src.length));
  if (capturing !== null && n === capturing.high && length === n && n > 0) {
    const view = src.subarray(0, n) as T;
    capturing.views.push(view);
    return view;
  }
  const ctor = src.constructor as unknown as Ctor<T>;
  const out = takeBuffer(ctor, n);
  (out as Float64Array).set((src as Float64Array).subarray(0, n));
  return out;
}

/** Whether a snapshot owns `b` whole (a pooled buffer), though its view may cover a prefix. */
export function isSnapshotBuffer(b: ArrayBufferLike): boolean {
  return pooled.has(b);
}

/**
 * Buffers back from the state writer, from a snapshot of `checkpointId`: free for the next
 * snapshot on this thread. Once the buffers of checkpoint c come back, a free buffer that came
 * back from a checkpoint before c - 1 was passed over by two snapshots (c - 1's and c's; a
 * snapshot may be taken before the previous one's buffers are back): it goes.
 */
export function recycle(buffers: readonly ArrayBuffer[], checkpointId = newest): void {
  if (checkpointId > newest) {
    newest = checkpointId;
    keepOnly((i) => freedBy[i]! >= checkpointId - 1);
  }
  for (const b of buffers) {
    if (b.byteLength < MIN_BYTES || b.byteLength === 0) continue;
    pooled.add(b);
    free.push(b);
    freedAt.push(performance.now());
    freedBy.push(checkpointId);
  }
  if (free.length > MAX_FREE) keepOnly((i) => i >= free.length - MAX_FREE);
  scheduleTrim();
}

/** Keeps the free buffers at the indexes `keep` accepts; returns the bytes dropped. */
function keepOnly(keep: (i: number) => boolean): number {
  let dropped = 0;
  let j = 0;
  const n = free.length;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) {
      dropped += free[i]!.byteLength;
      continue;
    }
    free[j] = free[i]!;
    freedAt[j] = freedAt[i]!;
    freedBy[j++] = freedBy[i]!;
  }
  free.length = j;
  freedAt.length = j;
  freedBy.length = j;
  return dropped;
}

/** Drops the free buffers idle for at least `idleMs` (default IDLE_MS); returns the bytes dropped. */
export function trimFreeBuffers(idleMs = IDLE_MS): number {
  const now = performance.now();
  return keepOnly((i) => now - freedAt[i]! < idleMs);
}

function scheduleTrim(): void {
  if (trimTimer !== null || free.length === 0) return;
  const oldest = Math.min(...freedAt);
  trimTimer = setTimeout(() => {
    trimTimer = null;
    trimFreeBuffers();
    scheduleTrim();
  }, Math.max(1, oldest + IDLE_MS - performance.now()));
  // never keeps a process or a worker thread alive
  trimTimer.unref?.();
}

/** Drops every free buffer (a job ends: its state goes, and so do the copies' buffers). */
export function dropFreeBuffers(): void {
  free.length = 0;
  freedAt.length = 0;
  freedBy.length = 0;
  newest = -Infinity;
  if (trimTimer !== null) clearTimeout(trimTimer);
  trimTimer = null;
}

/** Bytes held by free buffers. */
export function freeBufferBytes(): number {
  let n = 0;
  for (const b of free) n += b.byteLength;
  return n;
}
