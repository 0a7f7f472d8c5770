// Channels between tasks (DESIGN §4): bounded single-producer single-consumer queues of
// messages. A full channel makes its producer wait (backpressure), so memory stays bounded
// however fast a source is. A task reads all its input channels through one InputGate,
// which also lets the runtime block a channel during barrier alignment.

import type { Batch } from '../common/batch.js';

export type Message =
  | { readonly kind: 'data'; readonly batch: Batch }
  | { readonly kind: 'watermark'; readonly ts: number }
  /** An idle source split stops holding back the watermark until it sends data again. */
  | { readonly kind: 'idle' }
  | { readonly kind: 'barrier'; readonly checkpointId: number; readonly savepoint: boolean }
  /**
   * No more messages on this channel. `drain`: the input really ended (the final watermark
   * was sent; operators flush on finish). Without it the job is stopping with a savepoint:
   * nothing fires, nothing flushes; the state lives on in the savepoint.
   */
  | { readonly kind: 'end'; readonly drain: boolean };

export class JobCancelled extends Error {
  constructor() {
    super('job cancelled');
  }
}

/** The consumer end of a channel, as an InputGate reads it. */
export interface InChannel {
  gate: InputGate | null;
  index: number;
  take(): Message | undefined;
}

/** The producer end of a channel, as a TaskOutput writes it. */
export interface OutChannel {
  /** Appends a message; a returned promise means the channel is full: await it. */
  push(msg: Message): Promise<void> | undefined;
  readonly isCancelled: boolean;
  cancel(): void;
}

/** A channel whose two ends are on the same thread. */
export class Channel implements InChannel, OutChannel {
  private buf: Message[] = [];
  private head = 0;
  private spaceWaiter: (() => void) | null = null;
  private cancelled = false;
  gate: InputGate | null = null;
  index = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.buf.length - this.head;
  }

  /**
   * Appends a message. Returns a promise when the channel is now full: the producer must
   * await it before sending more.
   */
  push(msg: Message): Promise<void> | undefined {
    if (this.cancelled) throw new JobCancelled();
    this.buf.push(msg);
    this.gate?.notify();
    if (this.size >= this.capacity) {
      return new Promise<void>((resolve) => {
        this.spaceWaiter = resolve;
      });
    }
    return undefined;
  }

  peek(): Message | undefined {
    return this.head < this.buf.length ? this.buf[this.head] : undefined;
  }

  take(): Message | undefined {
    if (this.head >= this.buf.length) return undefined;
    const m = this.buf[this.head]!;
    this.buf[this.head] = undefined as unknown as Message;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
    if (this.spaceWaiter !== null && this.size < this.capacity) {
      const w = this.spaceWaiter;
      this.spaceWaiter = null;
      w();
    }
    return m;
  }

  /** Releases a waiting producer; later pushes throw JobCancelled. */
  cancel(): void {
    this.cancelled = true;
    const w = this.spaceWaiter;
    this.spaceWaiter = null;
    w?.();
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }
}

export class InputGate {
  private waiter: (() => void) | null = null;
  private next = 0;
  private readonly blocked: boolean[];
  private cancelled = false;

  constructor(readonly channels: readonly InChannel[]) {
    channels.forEach((c, i) => {
      c.gate = this;
      c.index = i;
    });
    this.blocked = channels.map(() => false);
  }

  notify(): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w();
    }
  }

  block(channel: number): void {
    this.blocked[channel] = true;
  }

  unblockAll(): void {
    this.blocked.fill(false);
  }

  isBlocked(channel: number): boolean {
    return this.blocked[channel]!;
  }

  /** Next message from an unblocked channel, round robin, or null if none is ready. */
  poll(): { channel: number; msg: Message } | null {
    const n = this.channels.length;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      if (this.blocked[i]) continue;
      const m = this.channels[i]!.take();
      if (m !== undefined) {
        this.next = (i + 1) % n;
        return { channel: i, msg: m };
      }
    }
    return null;
  }

  async take(): Promise<{ channel: number; msg: Message }> {
    for (;;) {
      if (this.cancelled) throw new JobCancelled();
      const r = this.poll();
      if (r !== null) return r;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.notify();
  }
}
