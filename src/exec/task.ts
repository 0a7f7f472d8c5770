// Tasks: one subtask of a chain of operators, run as an async loop. Forward edges between
// operators of equal parallelism are chained into one task and called directly; tasks talk
// through channels. The task, not the operator, merges watermarks (minimum over inputs,
// ended inputs count as +infinity), aligns barriers and drives the hooks in order:
//
//   data       -> op1.processBatch -> op2.processBatch -> ... -> output channels
//   watermark  -> op1.processWatermark (its output flows down) -> op2 ... -> forwarded
//   barrier    -> (aligned) each op.snapshot in chain order -> ack -> forwarded
//   end        -> (all inputs) final watermark, each op.finish in order -> end forwarded

import { requireNarrowBatch, wideColumnIndex } from '../common/int64.js';
import type { Batch, Column } from '../common/batch.js';
import { takeBatch } from '../common/batch.js';
import { hashColumns, keyGroupOf, subtaskForKeyGroup } from '../state/key-groups.js';
import type { InChannel, Message, OutChannel } from './channel.js';
import { InputGate, JobCancelled } from './channel.js';
import type { Operator, OperatorContext, OperatorSnapshot } from './operator.js';
import { Collector } from './operator.js';
import type { Partitioning } from '../plan/physical.js';

export interface ChainedOperator {
  readonly op: Operator;
  readonly ctx: OperatorContext;
  readonly out: Collector;
}

/** One downstream edge of a task: the channels to every subtask of the consumer. */
export interface OutputEdge {
  readonly partitioning: Partitioning;
  /** forward/single: one channel; hash: one per downstream subtask. */
  readonly channels: readonly OutChannel[];
  readonly maxParallelism: number;
}

export interface TaskEnv {
  isCancelled(): boolean;
  /** A task took its snapshots for a checkpoint (the env stores them and acknowledges). */
  acknowledge(taskId: string, subtask: number, checkpointId: number, snapshots: ReadonlyMap<string, OperatorSnapshot>, alignmentMs: number): void;
  /** A source read all its input (it then waits for the final checkpoint). */
  sourceExhausted(taskId: string): void;
  readonly exactlyOnce: boolean;
  /** Checkpoints are on: bounded sources end with a final checkpoint, sinks commit on completion. */
  readonly checkpointing: boolean;
  /**
   * Bounded sources end with a final checkpoint: checkpointing is on and the job writes to a
   * sink, whose output that checkpoint commits. A job that only collects rows for the shell
   * has nothing to commit, so its sources finish at once (no state writer thread is started
   * for a checkpoint nobody needs: about 0.1 s of `weir -c "SELECT 1"`).
   */
  readonly finalCheckpoint: boolean;
}

/**
 * Routes batches and broadcasts control messages to the downstream channels. A hash edge
 * sorts a batch's rows by target subtask in scratch arrays kept between batches (the key
 * group -> subtask table of each edge is made once), and gathers every target's rows before
 * the first send.
 */
export class TaskOutput {
  private hashes: Uint32Array = new Uint32Array(0);
  /** Per row: its target subtask (scratch). */
  private targets: Uint16Array = new Uint16Array(0);
  /** Row numbers sorted by target, in input order within a target (scratch). */
  private order: Int32Array = new Int32Array(0);
  /** Per edge: key group -> subtask (hash edges only). */
  private readonly routes: (Uint16Array | null)[];
  /** Per target: row count, then the next free place in `order` (scratch, sized for the widest edge). */
  private readonly counts: Int32Array;
  private readonly starts: Int32Array;

  constructor(readonly edges: readonly OutputEdge[]) {
    let widest = 1;
    this.routes = edges.map((e) => {
      const p = e.channels.length;
      if (e.partitioning.kind !== 'hash' || p === 1) return null;
      widest = Math.max(widest, p);
      const route = new Uint16Array(e.maxParallelism);
      for (let g = 0; g < e.maxParallelism; g++) route[g] = subtaskForKeyGroup(g, p, e.maxParallelism);
      return route;
    });
    this.counts = new Int32Array(widest);
    this.starts = new Int32Array(widest);
  }

  async send(sent: Batch): Promise<void> {
    if (sent.length === 0) return;
    // a batch that goes to more than one consumer (a shared sub-plan) must not hand its
    // buffers over to another thread: the other consumers still read them
    const batch = sent.owned === true && this.edges.length > 1 ? { ...sent, owned: false } : sent;
    for (let k = 0; k < this.edges.length; k++) {
      const e = this.edges[k]!;
      const route = this.routes[k] ?? null;
      if (route === null) {
        await push(e.channels[0]!, { kind: 'data', batch });
        continue;
      }
      await this.sendHashed(e, (e.partitioning as Extract<Partitioning, { kind: 'hash' }>).keys, route, batch);
    }
  }

  private async sendHashed(e: OutputEdge, keys: readonly number[], route: Uint16Array, batch: Batch): Promise<void> {
    const n = batch.length;
    if (this.hashes.length < n) {
      const size = Math.max(n, 4096);
      this.hashes = new Uint32Array(size);
      this.targets = new Uint16Array(size);
      this.order = new Int32Array(size);
    }
    const cols: Column[] = keys.map((k) => batch.columns[k]!);
    const hashes = this.hashes;
    const targets = this.targets;
    hashColumns(cols, n, hashes);
    const p = e.channels.length;
    const maxP = e.maxParallelism;
    const counts = this.counts;
    counts.fill(0, 0, p);
    for (let i = 0; i < n; i++) {
      const t = route[keyGroupOf(hashes[i]!, maxP)]!;
      targets[i] = t;
      counts[t]!++;
    }
    for (let t = 0; t < p; t++) {
      if (counts[t] === n) {
        await push(e.channels[t]!, { kind: 'data', batch });
        return;
      }
    }
    // counting sort of the row numbers by target
    const starts = this.starts;
    let at = 0;
    for (let t = 0; t < p; t++) {
      starts[t] = at;
      at += counts[t]!;
    }
    const order = this.order;
    for (let i = 0; i < n; i++) order[starts[targets[i]!]!++] = i;
    // every target's rows are gathered before the first send awaits (the scratch arrays are
    // this output's, and a send may wait for credit)
    const parts: (Batch | null)[] = [];
    let from = 0;
    for (let t = 0; t < p; t++) {
      const c = counts[t]!;
      parts.push(c === 0 ? null : takeBatch(batch, order.subarray(from, from + c), c));
      from += c;
    }
    for (let t = 0; t < p; t++) {
      const part = parts[t]!;
      if (part !== null) await push(e.channels[t]!, { kind: 'data', batch: part });
    }
  }

  async broadcast(msg: Message): Promise<void> {
    for (const e of this.edges) for (const c of e.channels) await push(c, msg);
  }
}

async function push(c: OutChannel, msg: Message): Promise<void> {
  const p = c.push(msg);
  if (p !== undefined) await p;
  if (c.isCancelled) throw new JobCancelled();
}

/** `GroupAggregateOperator` -> `the group aggregate` (for the wide BIGINT refusal, common/int64.ts). */
function operatorLabel(op: Operator): string {
  const name = op.constructor.name.replace(/Operator$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `the ${name} operator`;
}

/** What the chain of a task does with batches, watermarks, barriers and the end of input. */
export abstract class Task {
  currentWatermark = -Infinity;
  finished = false;

  constructor(
    readonly id: string,
    readonly subtask: number,
    readonly chain: readonly ChainedOperator[],
    readonly output: TaskOutput,
    protected readonly env: TaskEnv,
  ) {}

  abstract run(): Promise<void>;

  async open(): Promise<void> {
    for (const c of this.chain) await c.op.open?.(c.ctx);
  }

  /** Pushes a batch into operator `from` and everything it emits down the chain. */
  /** `input`: which input of the chain's first operator the batch came from (joins have two). */
  protected async pushThrough(from: number, batch: Batch, input = 0): Promise<void> {
    if (from >= this.chain.length) {
      await this.output.send(batch);
      return;
    }
    const c = this.chain[from]!;
    if (c.op.wideInts !== true && wideColumnIndex(batch) >= 0) requireNarrowBatch(batch, operatorLabel(c.op));
    c.ctx.metrics.rowsIn += batch.length;
    const r = c.op.processBatch(batch, c.out, input);
    if (r !== undefined) await r;
    await this.drainFrom(from);
  }

  private async drainFrom(i: number): Promise<void> {
    const c = this.chain[i]!;
    const emitted = c.out.drain();
    for (const b of emitted) {
      c.ctx.metrics.rowsOut += b.length;
      await this.pushThrough(i + 1, b);
    }
  }

  /**
   * Before a task says it is idle: an operator that holds rows for a later watermark (a local
   * pre-aggregation) emits them now, as it does before a barrier. An idle task's watermark
   * stops, so what it held would otherwise wait until its input wakes up, while the tasks
   * downstream, leaving it out of their watermark, fire those windows without it.
   */
  protected async flushHeld(): Promise<void> {
    for (let i = 0; i < this.chain.length; i++) {
      const c = this.chain[i]!;
      if (c.op.prepareSnapshotPreBarrier !== undefined) {
        c.op.prepareSnapshotPreBarrier(c.out);
        await this.drainFrom(i);
      }
    }
  }

  protected async advanceWatermark(wm: number): Promise<void> {
    if (wm <= this.currentWatermark) return;
    this.currentWatermark = wm;
    // An operator that may still emit rows older than its input watermark (an interval join)
    // holds the watermark back for everything after it.
    let w = wm;
    for (let i = 0; i < this.chain.length; i++) {
      const c = this.chain[i]!;
      if (c.op.processWatermark !== undefined) {
        const r = c.op.processWatermark(w, c.out);
        if (r !== undefined) await r;
        await this.drainFrom(i);
      }
      if (c.op.outputWatermark !== undefined) w = c.op.outputWatermark(w);
    }
    await this.output.broadcast({ kind: 'watermark', ts: w });
  }

  /** The input ended without draining (stop with savepoint): pass the end on, nothing more. */
  protected async stopChain(): Promise<void> {
    this.finished = true;
    await this.output.broadcast({ kind: 'end', drain: false });
  }

  protected async finishChain(): Promise<void> {
    for (let i = 0; i < this.chain.length; i++) {
      const c = this.chain[i]!;
      if (c.op.finish !== undefined) {
        const r = c.op.finish(c.out);
        if (r !== undefined) await r;
        await this.drainFrom(i);
      }
    }
    this.finished = true;
    await this.output.broadcast({ kind: 'end', drain: true });
  }

  /** Snapshots every operator of the chain, acknowledges, forwards the barrier. */
  protected async checkpoint(checkpointId: number, savepoint: boolean, alignmentMs: number, extra?: (snaps: Map<string, OperatorSnapshot>) => void): Promise<void> {
    const snaps = new Map<string, OperatorSnapshot>();
    for (let i = 0; i < this.chain.length; i++) {
      const c = this.chain[i]!;
      if (c.op.prepareSnapshotPreBarrier !== undefined) {
        c.op.prepareSnapshotPreBarrier(c.out);
        await this.drainFrom(i);
      }
      if (c.op.snapshot !== undefined) {
        const s = await c.op.snapshot(checkpointId, savepoint);
        snaps.set(c.ctx.operatorId, s);
        // A snapshot may flush output (sinks); pass it on before the barrier.
        await this.drainFrom(i);
      }
    }
    extra?.(snaps);
    this.env.acknowledge(this.id, this.subtask, checkpointId, snaps, alignmentMs);
    await this.output.broadcast({ kind: 'barrier', checkpointId, savepoint });
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    for (const c of this.chain) {
      const r = c.op.notifyCheckpointComplete?.(checkpointId);
      if (r !== undefined) await r;
    }
  }

  async close(): Promise<void> {
    for (const c of this.chain) {
      try {
        await c.op.close?.();
      } catch {
        // closing after a failure must not hide the failure
      }
    }
  }
}

/** A task fed by channels: watermark merging and barrier alignment happen here. */
export class InputTask extends Task {
  readonly gate: InputGate;
  private readonly channelWatermark: number[];
  private readonly channelIdle: boolean[];
  private readonly ended: boolean[];
  /** Per input (plan edge): the minimum watermark over its channels, as last reported. */
  private readonly inputWatermark: number[];
  /** Checkpoint being aligned, and which channels delivered its barrier. */
  private aligning: { id: number; savepoint: boolean; seen: boolean[]; startedAt: number } | null = null;

  private drainAll = true;
  /** This task told its outputs it is idle (every input channel idle): Flink's WatermarkStatus.IDLE, passed on. */
  private idleAnnounced = false;

  constructor(
    id: string,
    subtask: number,
    chain: readonly ChainedOperator[],
    output: TaskOutput,
    env: TaskEnv,
    inputs: readonly InChannel[],
    /** The input (plan edge) each channel belongs to, for operators with several inputs. */
    private readonly channelInput: readonly number[] = inputs.map(() => 0),
    /** Channels from source subtasks with nothing to read: idle until they send something. */
    idleAtStart: readonly boolean[] = inputs.map(() => false),
  ) {
    super(id, subtask, chain, output, env);
    this.gate = new InputGate(inputs);
    this.channelWatermark = inputs.map(() => -Infinity);
    this.channelIdle = inputs.map((_, i) => idleAtStart[i] ?? false);
    this.ended = inputs.map(() => false);
    this.inputWatermark = [];
    for (const i of channelInput) this.inputWatermark[i] = -Infinity;
  }

  async run(): Promise<void> {
    const n = this.gate.channels.length;
    let open = n;
    // inputs idle from the start (source subtasks with nothing to read): so is this task
    await this.maybeAnnounceIdle();
    while (open > 0) {
      if (this.env.isCancelled()) throw new JobCancelled();
      const { channel, msg } = this.gate.poll() ?? (await this.gate.take());
      switch (msg.kind) {
        case 'data':
          this.channelIdle[channel] = false;
          this.idleAnnounced = false;
          await this.pushThrough(0, msg.batch, this.channelInput[channel]!);
          break;
        case 'watermark':
          this.channelIdle[channel] = false;
          this.idleAnnounced = false;
          if (msg.ts > this.channelWatermark[channel]!) {
            this.channelWatermark[channel] = msg.ts;
            this.reportInputWatermark(this.channelInput[channel]!);
            await this.advanceWatermark(this.combinedWatermark());
          }
          break;
        case 'idle':
          this.channelIdle[channel] = true;
          this.reportInputWatermark(this.channelInput[channel]!);
          await this.advanceWatermark(this.combinedWatermark());
          await this.maybeAnnounceIdle();
          break;
        case 'barrier':
          await this.onBarrier(channel, msg.checkpointId, msg.savepoint);
          break;
        case 'end':
          this.ended[channel] = true;
          if (!msg.drain) this.drainAll = false;
          open--;
          if (this.aligning !== null) await this.maybeCompleteAlignment();
          if (msg.drain) {
            this.channelWatermark[channel] = Infinity;
            this.reportInputWatermark(this.channelInput[channel]!);
            if (open > 0) await this.advanceWatermark(this.combinedWatermark());
          }
          break;
      }
    }
    if (!this.drainAll) {
      // stop with savepoint: windows stay open in the saved state
      await this.stopChain();
      return;
    }
    await this.advanceWatermark(Infinity);
    await this.finishChain();
  }

  /**
   * When every input channel that has not ended is idle, this task is idle too, and says so
   * downstream once (as Flink passes WatermarkStatus.IDLE on through every operator): a task
   * after the first one of a plan (a local pre-aggregation, a calc after an exchange) must not
   * hold back the watermark of the tasks it feeds while its own inputs are idle. Its next data or
   * watermark makes the downstream channel active again.
   */
  private async maybeAnnounceIdle(): Promise<void> {
    if (this.idleAnnounced || this.channelIdle.length === 0) return;
    let idle = 0;
    for (let i = 0; i < this.channelIdle.length; i++) {
      if (this.ended[i]) continue;
      if (!this.channelIdle[i]) return;
      idle++;
    }
    if (idle === 0) return;
    this.idleAnnounced = true;
    await this.flushHeld();
    await this.output.broadcast({ kind: 'idle' });
  }

  /**
   * Tells the first operator that input `input`'s watermark (minimum over its channels that
   * are neither ended nor idle; all idle -> the highest any of them reached) advanced, if it did.
   */
  private reportInputWatermark(input: number): void {
    const op = this.chain[0]?.op;
    if (op?.processInputWatermark === undefined) return;
    let min = Infinity;
    let max = -Infinity;
    let active = 0;
    for (let i = 0; i < this.channelWatermark.length; i++) {
      if (this.channelInput[i] !== input) continue;
      const w = this.channelWatermark[i]!;
      if (w > max) max = w;
      if (this.channelIdle[i] && !this.ended[i]) continue;
      active++;
      if (w < min) min = w;
    }
    // every channel idle: the highest watermark any of them reached (Flink's valve flushes it)
    if (active === 0) min = max;
    if (min <= this.inputWatermark[input]!) return;
    this.inputWatermark[input] = min;
    op.processInputWatermark(input, min);
  }

  /**
   * Minimum over inputs that are neither ended nor idle. When every channel is idle, the
   * highest watermark any channel reached: as Flink's StatusWatermarkValve does when its last
   * active channel goes idle, so a source that read everything it had and went quiet still lets
   * its windows fire, whichever channel happened to go idle last.
   */
  private combinedWatermark(): number {
    let min = Infinity;
    let max = -Infinity;
    let active = 0;
    for (let i = 0; i < this.channelWatermark.length; i++) {
      const w = this.channelWatermark[i]!;
      if (w > max) max = w;
      if (this.channelIdle[i] && !this.ended[i]) continue;
      active++;
      if (w < min) min = w;
    }
    return active === 0 ? Math.max(this.currentWatermark, max) : min;
  }

  private async onBarrier(channel: number, id: number, savepoint: boolean): Promise<void> {
    if (this.aligning === null || this.aligning.id < id) {
      this.aligning = { id, savepoint, seen: this.gate.channels.map(() => false), startedAt: performance.now() };
    } else if (this.aligning.id > id) {
      return; // a barrier of an abandoned checkpoint
    }
    this.aligning.seen[channel] = true;
    // EXACTLY_ONCE: hold this channel's later records until every input delivered the barrier.
    if (this.env.exactlyOnce) this.gate.block(channel);
    await this.maybeCompleteAlignment();
  }

  private async maybeCompleteAlignment(): Promise<void> {
    const a = this.aligning;
    if (a === null) return;
    for (let i = 0; i < a.seen.length; i++) if (!a.seen[i] && !this.ended[i]) return;
    this.aligning = null;
    const alignmentMs = performance.now() - a.startedAt;
    await this.checkpoint(a.id, a.savepoint, alignmentMs);
    this.gate.unblockAll();
  }

  cancel(): void {
    this.gate.cancel();
  }
}
