// Channels between threads. Subtasks on different worker threads talk over one MessagePort
// per pair of threads, multiplexed by channel id. Flow control is credit-based: a sender
// starts with `capacity` credits, spends one per message, and waits when it has none; the
// receiver gives credits back as its consumer takes messages. So a full remote channel makes
// its producer wait exactly like a local one, and memory stays bounded. Credits go back in
// one message per `creditBatch` messages taken (at most the producer's capacity; job.ts gives
// a quarter of it), and at once when the message taken is a barrier. No producer waits for
// credits the consumer owes: it waits only with `capacity` messages unacknowledged, fewer
// than `creditBatch` of them owed, so some are still queued, and the consumer takes them
// unless it blocked the channel for barrier alignment, which it does only after taking a
// barrier (and returning every credit owed).
//
// Batches cross by copy: each typed array is copied into a fresh buffer that is then
// transferred (never the original, which may be shared: cached constants, builder buffers).

import type { MessagePort } from 'node:worker_threads';
import type { Batch, Column } from '../common/batch.js';
import type { InChannel, InputGate, Message, OutChannel } from './channel.js';
import { JobCancelled } from './channel.js';

interface WireColumn {
  readonly type: Column['type'];
  /** With `dict`: each row's index into it (a Uint16Array or Uint32Array). */
  readonly values: Column['values'] | Uint16Array | Uint32Array;
  readonly nulls: Uint8Array | null;
  /** A STRING column sent as its distinct values and an index per row (see encodeStrings). */
  readonly dict?: readonly unknown[];
  /**
   * A STRING column coded against the channel's dictionary of this column (see ChannelDicts):
   * the values added by this batch, appended at index `base` (the receiver checks it; 0 starts
   * the dictionary over); `values` then holds each row's index into the whole dictionary.
   */
  readonly added?: readonly unknown[];
  readonly base?: number;
}

type WireMessage =
  | { readonly kind: 'data'; readonly length: number; readonly columns: readonly WireColumn[]; readonly ops: Uint8Array | null }
  | Exclude<Message, { kind: 'data' }>;

type Packet = { readonly c: number; readonly m: WireMessage } | { readonly c: number; readonly credit: number };

function copyTyped<T extends Float64Array | Uint8Array>(a: T, n: number, transfer: ArrayBuffer[], owned: boolean): T {
  // A batch that owns its arrays hands them over whole; anything else is copied first.
  const whole = owned && a.byteOffset === 0 && a.length === n && a.byteLength === a.buffer.byteLength && !transfer.includes(a.buffer as ArrayBuffer);
  const c = whole ? a : (a.slice(0, n) as T);
  transfer.push(c.buffer as ArrayBuffer);
  return c;
}

/** STRING columns of at least this many rows may cross as a dictionary. */
const DICT_MIN_ROWS = 64;

/**
 * A STRING column whose values repeat within the batch (Nexmark's channel and url: half the
 * rows hold one of four hot values) crosses as its distinct values plus an index per row: the
 * structured clone then copies each distinct string once instead of once per row, and the
 * receiving thread's rows of the batch share one string per value instead of holding a copy
 * each (a Top-N or a join keeps them in state). (Sharing them across batches too, through a
 * map of strings seen, cost more CPU than the clone saved: measured, not kept.) Null when the values hardly repeat: the first rows are
 * sampled, and the dictionary is given up once it grows past three quarters of the rows.
 */
function encodeStrings(values: readonly unknown[], n: number, transfer: ArrayBuffer[]): { dict: unknown[]; codes: Uint16Array | Uint32Array } | null {
  if (n < DICT_MIN_ROWS) return null;
  const ids = new Map<unknown, number>();
  for (let i = 0; i < DICT_MIN_ROWS; i++) if (!ids.has(values[i])) ids.set(values[i], ids.size);
  if (ids.size > (DICT_MIN_ROWS * 3) / 4) return null;
  const limit = (n * 3) / 4;
  const codes = limit < 65536 ? new Uint16Array(n) : new Uint32Array(n);
  const dict: unknown[] = [...ids.keys()];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let id = ids.get(v);
    if (id === undefined) {
      id = dict.length;
      if (id >= limit) return null;
      ids.set(v, id);
      dict.push(v);
    }
    codes[i] = id;
  }
  transfer.push(codes.buffer as ArrayBuffer);
  return { dict, codes };
}

/**
 * A channel's dictionary of one STRING column holds at most this many values, and values of at
 * most CHANNEL_DICT_MAX_CHARS characters in all (long values that repeat must not pin megabytes
 * on both ends of every channel), then starts over.
 */
export const CHANNEL_DICT_MAX = 1 << 16;
export const CHANNEL_DICT_MAX_CHARS = 1 << 21;

/**
 * The sending end's dictionaries of one remote channel, one per STRING column: a value crosses
 * once per channel instead of once per batch, and every row that holds it on the receiving
 * thread shares one string, as rows of one generator or operator share them on one thread (a
 * join or a Top-N keeps them in state). The receiving end mirrors them (ChannelMirrors);
 * messages of one channel arrive in order, so both ends add the same values in the same order.
 * Looking values up on the sending thread is what the per-batch dictionary already did; the
 * receiving thread only indexes an array (interning the values received in a map there cost more
 * than the clone saved: nxpar, measured).
 */
export class ChannelDicts {
  readonly maps: (Map<unknown, number> | undefined)[] = [];
  /** Per column: characters of the values in its map. */
  readonly chars: number[] = [];
}

/** The receiving end's copies of a channel's dictionaries (ChannelDicts), by column. */
export class ChannelMirrors {
  readonly values: (unknown[] | undefined)[] = [];
}

/**
 * Codes a STRING column against the channel's dictionary `ids` of this column, adding the
 * values it does not hold yet. Null (and nothing added) when too many values are new: the first
 * rows are sampled, and the batch gives up once it would add three quarters of its rows.
 */
function encodeChannelStrings(c: Column, n: number, nulls: Uint8Array | null, dicts: ChannelDicts, k: number, transfer: ArrayBuffer[]): WireColumn | null {
  const values = c.values as readonly unknown[];
  if (n < DICT_MIN_ROWS) return null;
  let ids = dicts.maps[k];
  if (ids === undefined || ids.size + n > CHANNEL_DICT_MAX || dicts.chars[k]! > CHANNEL_DICT_MAX_CHARS) {
    // (full: starts over, at base 0, which tells the receiver to drop its copy)
    ids = new Map();
    dicts.maps[k] = ids;
    dicts.chars[k] = 0;
  }
  const fresh = new Set<unknown>();
  for (let i = 0; i < DICT_MIN_ROWS; i++) if (!ids.has(values[i])) fresh.add(values[i]);
  if (fresh.size > (DICT_MIN_ROWS * 3) / 4) return null;
  const base = ids.size;
  const limit = (n * 3) / 4;
  const codes = base + n < 65536 ? new Uint16Array(n) : new Uint32Array(n);
  const added: unknown[] = [];
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let id = ids.get(v);
    if (id === undefined) {
      if (added.length >= limit) {
        // give up: the values added by this batch are taken back, the receiver never saw them
        for (const a of added) ids.delete(a);
        return null;
      }
      id = base + added.length;
      ids.set(v, id);
      added.push(v);
      if (typeof v === 'string') chars += v.length;
    }
    codes[i] = id;
  }
  transfer.push(codes.buffer as ArrayBuffer);
  dicts.chars[k]! += chars;
  return { type: c.type, values: codes, nulls, added, base };
}

export function encodeMessage(msg: Message, transfer: ArrayBuffer[], dicts: ChannelDicts | null = null): WireMessage {
  if (msg.kind !== 'data') return msg;
  const b = msg.batch;
  const n = b.length;
  const owned = b.owned === true;
  const cols = b.columns;
  const columns: WireColumn[] = [];
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k]!;
    // a column with the arrays of an earlier one (a passed-through partial's SUM and MAX of one
    // column) crosses once: the clone keeps the two references to one array
    let j = 0;
    while (j < k && (cols[j]!.values !== c.values || cols[j]!.nulls !== c.nulls)) j++;
    if (j < k) {
      columns.push({ ...columns[j]!, type: c.type });
      continue;
    }
    const nulls = c.nulls === null ? null : copyTyped(c.nulls, n, transfer, owned);
    if (Array.isArray(c.values)) {
      if (dicts !== null && c.type.kind === 'STRING') {
        const w = encodeChannelStrings(c, n, nulls, dicts, k, transfer);
        if (w !== null) {
          columns.push(w);
          continue;
        }
      }
      const d = dicts === null && c.type.kind === 'STRING' ? encodeStrings(c.values, n, transfer) : null;
      if (d !== null) columns.push({ type: c.type, values: d.codes, nulls, dict: d.dict });
      else columns.push({ type: c.type, values: c.values.length === n ? c.values : c.values.slice(0, n), nulls });
      continue;
    }
    columns.push({ type: c.type, values: copyTyped(c.values, n, transfer, owned), nulls });
  }
  return { kind: 'data', length: n, columns, ops: b.ops === null ? null : copyTyped(b.ops, n, transfer, owned) };
}

export function decodeMessage(w: WireMessage, mirrors: ChannelMirrors | null = null): Message {
  if (w.kind !== 'data') return w;
  let columns = w.columns as Column[];
  if (w.columns.some((c) => c.dict !== undefined || c.added !== undefined)) {
    const n = w.length;
    // (a column sharing another's arrays was sent as the same object: decoded once)
    const decoded = new Map<WireColumn['values'], unknown[]>();
    columns = w.columns.map((c, k): Column => {
      if (c.dict === undefined && c.added === undefined) return { type: c.type, values: c.values as Column['values'], nulls: c.nulls };
      let values = decoded.get(c.values);
      if (values === undefined) {
        let dict: readonly unknown[];
        if (c.added !== undefined) {
          if (mirrors === null) throw new Error('exchange: a channel-coded column reached a receiver without dictionaries');
          let mirror = mirrors.values[k];
          if (mirror === undefined || c.base === 0) mirrors.values[k] = mirror = [];
          if (mirror.length !== c.base) throw new Error(`exchange: channel dictionary of column ${k} out of step (${mirror.length} values, batch adds at ${c.base})`);
          for (const v of c.added) mirror.push(v);
          dict = mirror;
        } else dict = c.dict!;
        const codes = c.values as Uint16Array | Uint32Array;
        values = new Array<unknown>(n);
        for (let i = 0; i < n; i++) values[i] = dict[codes[i]!];
        decoded.set(c.values, values);
      }
      return { type: c.type, values: values as Column['values'], nulls: c.nulls };
    });
  }
  const batch: Batch = { length: w.length, columns, ops: w.ops };
  return { kind: 'data', batch };
}

/** One MessagePort to another thread, carrying many channels. */
export class PortMux {
  private readonly receivers = new Map<number, RemoteReceiver>();
  private readonly senders = new Map<number, RemoteSender>();

  constructor(private readonly port: MessagePort) {
    port.on('message', (p: Packet) => {
      if ('credit' in p) this.senders.get(p.c)?.addCredit(p.credit);
      else {
        const r = this.receivers.get(p.c);
        if (r !== undefined) r.deliver(decodeMessage(p.m, r.mirrors));
      }
    });
  }

  sender(channelId: number, capacity: number): RemoteSender {
    const s = new RemoteSender(this, channelId, capacity);
    this.senders.set(channelId, s);
    return s;
  }

  /** `creditBatch`: credits go back one message per this many messages taken, at most the sender's capacity (see above). */
  receiver(channelId: number, creditBatch = 1): RemoteReceiver {
    const r = new RemoteReceiver(this, channelId, creditBatch);
    this.receivers.set(channelId, r);
    return r;
  }

  send(channelId: number, msg: Message, dicts: ChannelDicts | null = null): void {
    const transfer: ArrayBuffer[] = [];
    this.port.postMessage({ c: channelId, m: encodeMessage(msg, transfer, dicts) } satisfies Packet, transfer);
  }

  credit(channelId: number, n: number): void {
    this.port.postMessage({ c: channelId, credit: n } satisfies Packet);
  }

  cancelAll(): void {
    for (const s of this.senders.values()) s.cancel();
  }

  close(): void {
    this.port.close();
  }
}

export class RemoteSender implements OutChannel {
  private credits: number;
  private waiter: (() => void) | null = null;
  private cancelled = false;
  /** This channel's string dictionaries (see ChannelDicts). */
  private readonly dicts = new ChannelDicts();

  constructor(
    private readonly mux: PortMux,
    private readonly id: number,
    capacity: number,
  ) {
    this.credits = capacity;
  }

  push(msg: Message): Promise<void> | undefined {
    if (this.cancelled) throw new JobCancelled();
    this.mux.send(this.id, msg, this.dicts);
    this.credits--;
    if (this.credits <= 0) {
      return new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    return undefined;
  }

  addCredit(n: number): void {
    this.credits += n;
    if (this.credits > 0 && this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w();
    }
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  cancel(): void {
    this.cancelled = true;
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

export class RemoteReceiver implements InChannel {
  gate: InputGate | null = null;
  index = 0;
  private buf: Message[] = [];
  private head = 0;
  /** Messages taken whose credits have not gone back yet. */
  private owed = 0;
  /** The sender's string dictionaries, as received (see ChannelDicts). */
  readonly mirrors = new ChannelMirrors();

  constructor(
    private readonly mux: PortMux,
    private readonly id: number,
    private readonly creditBatch = 1,
  ) {}

  deliver(msg: Message): void {
    this.buf.push(msg);
    this.gate?.notify();
  }

  take(): Message | undefined {
    if (this.head >= this.buf.length) return undefined;
    const m = this.buf[this.head]!;
    this.buf[this.head] = undefined as unknown as Message;
    this.head++;
    if (this.head > 256 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
    if (++this.owed >= this.creditBatch || m.kind === 'barrier') {
      this.mux.credit(this.id, this.owed);
      this.owed = 0;
    }
    return m;
  }
}
