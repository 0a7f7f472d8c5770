// A task fed by several channels of one input (behind a hash exchange): data batches queued at
// the heads of those channels are processed as one batch (never past a watermark, barrier or
// end of their channel, never across inputs), and a channel whose watermark runs ahead of
// another active channel of its input waits for it (bounded), as Flink's watermark alignment.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Channel } from '../../src/exec/channel.js';
import type { Message } from '../../src/exec/channel.js';
import type { Collector, Operator, OperatorContext } from '../../src/exec/operator.js';
import { Collector as Out, newMetrics } from '../../src/exec/operator.js';
import { InputTask, TaskOutput } from '../../src/exec/task.js';
import type { TaskEnv } from '../../src/exec/task.js';

const env: TaskEnv = {
  isCancelled: () => false,
  acknowledge: () => undefined,
  sourceExhausted: () => undefined,
  exactlyOnce: true,
  checkpointing: false,
  finalCheckpoint: false,
};

const data = (...vs: number[]): Message => ({ kind: 'data', batch: { length: vs.length, columns: [{ type: T.BIGINT, values: Float64Array.from(vs), nulls: null }], ops: null } });
const wm = (ts: number): Message => ({ kind: 'watermark', ts });
const end: Message = { kind: 'end', drain: true };

/** Records each batch it gets (values and input) and each watermark; `onBatch` runs after. */
class Recorder implements Operator {
  readonly seen: string[] = [];
  constructor(private readonly onBatch: (values: number[]) => void = () => undefined) {}
  processBatch(batch: Batch, _out: Collector, input: number): void {
    const vs = Array.from((batch.columns[0]!.values as Float64Array).subarray(0, batch.length));
    this.seen.push(`${input}:[${vs.join(',')}]`);
    this.onBatch(vs);
  }
  processWatermark(ts: number): void {
    this.seen.push(`wm ${ts}`);
  }
}

function task(op: Operator, channels: Channel[], coalesceRows: number, channelInput = channels.map(() => 0)): InputTask {
  const ctx: OperatorContext = { operatorId: '1-test', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
  return new InputTask('t#0', 0, [{ op, ctx, out: new Out() }], new TaskOutput([]), env, channels, channelInput, channels.map(() => false), coalesceRows);
}

function fill(c: Channel, msgs: readonly Message[]): void {
  for (const m of msgs) void c.push(m);
}

describe('input task: batches of several channels', () => {
  it('takes the data batches queued at the heads of its channels together, never past a watermark of their channel', async () => {
    const a = new Channel(100);
    const b = new Channel(100);
    fill(a, [data(1, 2, 3), wm(5), data(4, 5), end]);
    fill(b, [data(10, 11), data(12), wm(5), end]);
    const op = new Recorder();
    await task(op, [a, b], 100).run();
    // [4,5] waits behind channel a's watermark; b's two batches go with the first
    expect(op.seen.filter((s) => !s.startsWith('wm'))).toEqual(['0:[1,2,3,10,11,12]', '0:[4,5]']);
    expect(op.seen).toContain('wm 5');
  });

  it('stops merging at the row limit, and merges nothing when it is 0', async () => {
    const run = async (rows: number): Promise<string[]> => {
      const a = new Channel(100);
      const b = new Channel(100);
      fill(a, [data(1, 2, 3), end]);
      fill(b, [data(10, 11), data(12), end]);
      const op = new Recorder();
      await task(op, [a, b], rows).run();
      return op.seen.filter((s) => !s.startsWith('wm'));
    };
    expect(await run(4)).toEqual(['0:[1,2,3,10,11]', '0:[12]']);
    expect(await run(0)).toEqual(['0:[1,2,3]', '0:[10,11]', '0:[12]']);
  });

  it('never merges batches of different inputs (a join)', async () => {
    const a = new Channel(100);
    const b = new Channel(100);
    fill(a, [data(1), end]);
    fill(b, [data(2), end]);
    const op = new Recorder();
    await task(op, [a, b], 100, [0, 1]).run();
    expect(op.seen.filter((s) => !s.startsWith('wm')).sort()).toEqual(['0:[1]', '1:[2]']);
  });

  it('holds the data of a channel ahead in event time until the channel behind sends', async () => {
    const a = new Channel(100);
    const b = new Channel(100);
    // a runs ahead: its watermark reaches 30 while b's is at 10; b's next batch comes only once
    // [2] was processed (a turn later)
    fill(a, [data(0), wm(10), data(1), wm(20), data(2), wm(30), data(3), end]);
    fill(b, [data(100), wm(10)]);
    const op = new Recorder((vs) => {
      if (vs[0] === 2) setImmediate(() => fill(b, [data(101), wm(20), data(102), wm(30), end]));
    });
    await task(op, [a, b], 100).run();
    const batches = op.seen.filter((s) => !s.startsWith('wm'));
    // without the hold, [3] (event time past 30) would go before b's [101] (before 20)
    expect(batches.indexOf('0:[101]')).toBeGreaterThanOrEqual(0);
    expect(batches.findIndex((s) => s.includes('3'))).toBeGreaterThan(batches.indexOf('0:[101]'));
    expect(batches.join(' ')).toContain('102');
  });

  it('a channel behind that sends nothing more holds the others back only for a bounded time', async () => {
    const a = new Channel(100);
    const b = new Channel(100);
    fill(a, [data(0), wm(10), data(1), wm(20), data(2), wm(30), data(3), wm(40), data(4), end]);
    fill(b, [data(100), wm(10)]);
    const op = new Recorder();
    const t = task(op, [a, b], 100);
    const done = t.run();
    // everything of a arrives although b stays silent
    for (let i = 0; i < 200 && !op.seen.some((s) => s.includes('[4]')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(op.seen.some((s) => s.includes('[4]'))).toBe(true);
    void b.push(end);
    await done;
  });
});
