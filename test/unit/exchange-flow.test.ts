// The exchange between subtasks: a hash edge routes every row to the subtask that owns its
// key group, in input order within a subtask, whatever the batch (the scratch arrays are kept
// between batches); a remote channel returns credits in batches and never leaves a producer
// waiting for credits the consumer owes.
import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { Message, OutChannel } from '../../src/exec/channel.js';
import { TaskOutput } from '../../src/exec/task.js';
import { PortMux } from '../../src/exec/remote.js';
import { hashColumns, keyGroupOf, subtaskForKeyGroup } from '../../src/state/key-groups.js';

/** An output channel that records what it gets; every `slowEvery`-th push makes the producer wait a turn. */
class Recorder implements OutChannel {
  readonly got: Message[] = [];
  isCancelled = false;
  private pushes = 0;
  constructor(private readonly slowEvery = 0) {}
  push(msg: Message): Promise<void> | undefined {
    this.got.push(msg);
    if (this.slowEvery > 0 && ++this.pushes % this.slowEvery === 0) return new Promise((r) => setImmediate(r));
    return undefined;
  }
  cancel(): void {
    this.isCancelled = true;
  }
}

function keyBatch(keys: readonly number[], tag: number): Batch {
  return {
    length: keys.length,
    columns: [
      { type: T.BIGINT, values: Float64Array.from(keys), nulls: null },
      { type: T.STRING, values: keys.map((k, i) => `${tag}:${i}:${k}`), nulls: null },
    ],
    ops: null,
  };
}

/** Where each key must go: the subtask that owns its key group. */
function owner(key: number, p: number, maxP: number): number {
  const h = new Uint32Array(1);
  hashColumns([{ type: T.BIGINT, values: Float64Array.from([key]), nulls: null }], 1, h);
  return subtaskForKeyGroup(keyGroupOf(h[0]!, maxP), p, maxP);
}

describe('hash exchange', () => {
  it('routes every row to the owner of its key group, in input order, batch after batch', async () => {
    const maxP = 128;
    for (const p of [2, 3, 5]) {
      const chans = Array.from({ length: p }, (_, t) => new Recorder(t + 1));
      const out = new TaskOutput([{ partitioning: { kind: 'hash', keys: [0] }, channels: chans, maxParallelism: maxP }]);
      const expected: string[][] = Array.from({ length: p }, () => []);
      let seed = 7;
      // batches of different sizes (scratch arrays grow once, then are reused), one of a single key
      const sizes = [5, 4100, 1, 300, 9000, 17];
      for (let b = 0; b < sizes.length; b++) {
        const keys = Array.from({ length: sizes[b]! }, () => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return b === 3 ? 42 : seed % 1000;
        });
        const batch = keyBatch(keys, b);
        keys.forEach((k, i) => expected[owner(k, p, maxP)]!.push(`${b}:${i}:${k}`));
        await out.send(batch);
      }
      for (let t = 0; t < p; t++) {
        const rows = chans[t]!.got.flatMap((m) => (m.kind === 'data' ? (m.batch.columns[1]!.values as string[]).slice(0, m.batch.length) : []));
        expect(rows).toEqual(expected[t]);
        // the keys column travels with its rows
        let mismatched = 0;
        for (const m of chans[t]!.got) {
          if (m.kind !== 'data') continue;
          const k = m.batch.columns[0]!.values as Float64Array;
          const s = m.batch.columns[1]!.values as string[];
          for (let i = 0; i < m.batch.length; i++) if (!s[i]!.endsWith(`:${k[i]}`)) mismatched++;
        }
        expect(mismatched).toBe(0);
      }
      // a batch whose rows all have one owner is passed on as it is
      const single = keyBatch([42, 42, 42], 9);
      await out.send(single);
      const t42 = owner(42, p, maxP);
      const last = chans[t42]!.got.at(-1)!;
      expect(last.kind === 'data' && last.batch).toBe(single);
    }
  });
});

/** A producer and a consumer of one remote channel over a real MessagePort pair. */
function remotePair(capacity: number, creditBatch: number): { send: (m: Message) => Promise<void> | undefined; take: () => Message | undefined; credits: () => number; arrived: () => Promise<void>; close: () => void } {
  const ch = new MessageChannel();
  const a = new PortMux(ch.port1);
  const b = new PortMux(ch.port2);
  let creditMessages = 0;
  const credit = b.credit.bind(b);
  b.credit = (id: number, n: number): void => {
    creditMessages++;
    credit(id, n);
  };
  const sender = a.sender(1, capacity);
  const receiver = b.receiver(1, creditBatch);
  let wake: (() => void) | null = null;
  receiver.gate = { notify: () => wake?.() } as never;
  return {
    send: (m) => sender.push(m),
    take: () => receiver.take(),
    credits: () => creditMessages,
    arrived: () =>
      new Promise<void>((r) => {
        wake = () => {
          wake = null;
          r();
        };
      }),
    close: () => {
      a.close();
      b.close();
    },
  };
}

const data = (i: number): Message => ({ kind: 'data', batch: { length: 1, columns: [{ type: T.BIGINT, values: Float64Array.from([i]), nulls: null }], ops: null } });

describe('credits of a remote channel', () => {
  it('come back one message per batch of messages taken, and every message arrives in order', async () => {
    const pair = remotePair(32, 8);
    const got: number[] = [];
    const consumer = (async () => {
      while (got.length < 200) {
        const m = pair.take();
        if (m === undefined) {
          await pair.arrived();
          continue;
        }
        if (m.kind === 'data') got.push((m.batch.columns[0]!.values as Float64Array)[0]!);
      }
    })();
    for (let i = 0; i < 200; i++) {
      const w = pair.send(data(i));
      if (w !== undefined) await w;
    }
    await consumer;
    pair.close();
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // one credit message per 8 taken
    expect(pair.credits()).toBe(25);
  });

  it('a producer waiting for credit is never left waiting when the batch of credits is its whole window', async () => {
    const pair = remotePair(8, 8);
    let taken = 0;
    const consumer = (async () => {
      while (taken < 50) {
        const m = pair.take();
        if (m === undefined) {
          await pair.arrived();
          continue;
        }
        taken++;
      }
    })();
    for (let i = 0; i < 50; i++) {
      const w = pair.send(data(i));
      if (w !== undefined) await w;
    }
    await consumer;
    pair.close();
    expect(taken).toBe(50);
  });

  it('a barrier returns the credits owed at once (its channel may be blocked for alignment next)', async () => {
    const pair = remotePair(4, 100);
    // the producer has 4 credits: two data messages, a barrier, one more data message; then it waits
    expect(pair.send(data(0))).toBeUndefined();
    expect(pair.send(data(1))).toBeUndefined();
    expect(pair.send({ kind: 'barrier', checkpointId: 1, savepoint: false })).toBeUndefined();
    const waiting = pair.send(data(3));
    expect(waiting).toBeDefined();
    await new Promise((r) => setTimeout(r, 20));
    // the consumer takes up to the barrier and nothing more (an aligning task blocks the channel),
    // with a message still queued: the credits of what it took go back at the barrier
    expect(pair.take()?.kind).toBe('data');
    expect(pair.take()?.kind).toBe('data');
    expect(pair.take()?.kind).toBe('barrier');
    let freed = false;
    void waiting!.then(() => (freed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(freed).toBe(true);
    pair.close();
  });
});
