// A running job: the physical plan turned into tasks and channels.
//
// Chaining: a node joins its input's task when the edge is forward, the parallelism is the
// same, and the input feeds nothing else; everything else starts a new task. Each task has
// one subtask per degree of parallelism. Channels connect a task's subtasks to the next
// task's subtasks: 1:1 for forward, all-to-all for hash, all-to-one for single.
//
// Subtasks share nothing but channels, so they run as async loops on one thread, or spread
// over worker threads (cluster.ts): every thread builds the same graph and channel ids, and
// instantiates only its own subtasks, with remote channel ends to subtasks elsewhere.

import type { MiniBatch } from '../plan/mini-batch.js';
import { setSessionTimeZone } from '../common/time-zone.js';
import type { Batch, Column, Scalar } from '../common/batch.js';
import { WeirError, internalError } from '../common/errors.js';
import type { Schema } from '../plan/logical.js';
import type { PhysicalNode, PhysicalPlan } from '../plan/physical.js';
import { compileExpr, compileProjection } from '../expr/compile.js';
import type { BoundExpr } from '../expr/bound.js';
import { ALL_KEY_GROUPS, keyGroupRange } from '../state/key-groups.js';
import { operatorModule as op } from './operator-modules.js';
import { createLookupTable, createSinkConnector, createSourceConnector } from '../connectors/registry.js';
import type { SourceConnector, SourcePosition } from '../connectors/connector.js';
import { Channel, JobCancelled } from './channel.js';
import type { InChannel, OutChannel } from './channel.js';
import type { PortMux } from './remote.js';
import type { Operator, OperatorContext, OperatorMetrics, OperatorSnapshot } from './operator.js';
import { Collector, newMetrics } from './operator.js';
import type { ChainedOperator, OutputEdge, TaskEnv } from './task.js';
import { InputTask, Task, TaskOutput } from './task.js';
import { SourceTask } from './source-task.js';
import { watchMemory } from './memory-guard.js';
import type { GuardedOperator } from './memory-guard.js';
import type { BarrierKind } from './source-task.js';
import { StateWriter } from '../checkpoint/state-writer.js';
import type { StateHandle } from '../checkpoint/storage.js';
import type { ResultListener } from './operators/collect.js';
import type { SinkOperator } from './operators/sink.js';

export interface JobOptions {
  readonly jobId: string;
  /**
   * Which attempt of the job this is: 0, then 1, 2, ... for each automatic restart within the
   * process (job-runner.ts). Sinks name what they leave outside weir (prepared transactions)
   * by job id and attempt, so an attempt tells its own from a failed one's.
   */
  readonly attempt?: number;
  /** The checkpoint this attempt was restored from (undefined: started from the beginning). */
  readonly restoredCheckpointId?: number;
  /** Where state files go; set when checkpointing is on. */
  readonly checkpointDir?: string;
  readonly batchSize: number;
  /** Messages a channel holds before its producer waits. */
  readonly channelCapacity: number;
  readonly exactlyOnce: boolean;
  readonly idleTimeoutMs: number;
  /** Rate limit for sources that set none ('table.exec.source.rows-per-second'). */
  readonly defaultRowsPerSecond?: number;
  /** 'table.exec.state.ttl' in ms (0 = keep state forever); a STATE_TTL hint overrides it per operator. */
  readonly stateTtlMs?: number;
  /** Flink's mini-batch ('table.exec.mini-batch.*'): the updating group aggregate bundles its changes (plan/mini-batch.ts). */
  readonly miniBatch?: MiniBatch;
  /**
   * Incremental checkpoints ('state.backend.incremental'): operators that can write deltas
   * take a full snapshot at least every this many; 0 (or unset): every snapshot is full.
   */
  readonly incrementalFullEvery?: number;
  /** 'table.local-time-zone': set as the process's zone before operators are built (worker threads too). */
  readonly timeZone?: string;
  /** Receives the rows of the i-th `collect` root (a bare SELECT), in plan order. */
  readonly resultListener?: (collectIndex: number) => ResultListener;
}

/** State to start from: per operator, per old subtask snapshot. */
export interface RestoreState {
  readonly operators: ReadonlyMap<string, readonly OperatorSnapshot[]>;
}

export interface NodeMetrics {
  readonly node: PhysicalNode;
  readonly subtasks: readonly OperatorMetrics[];
}

/** Which thread runs subtask `subtask` of the chain headed by node `head`. */
export interface PlacementInfo {
  /** Worker threads (0 = everything on the main thread). */
  readonly workers: number;
  /** Chain heads whose subtasks run on the main thread (result collection). */
  readonly mainChains: readonly number[];
  /**
   * The main thread runs a share of every chain's subtasks too, as thread 0 of workers + 1
   * (subtask s on thread s mod (workers + 1)): one worker isolate fewer to start and warm up.
   */
  readonly mainShare?: boolean;
}

export function threadOf(p: PlacementInfo, head: number, subtask: number): number {
  if (p.workers === 0 || p.mainChains.includes(head)) return 0;
  if (p.mainShare === true) return subtask % (p.workers + 1);
  return 1 + (subtask % p.workers);
}

export interface ThreadContext {
  readonly thread: number;
  readonly placement: PlacementInfo;
  /** Ports to the other threads, by thread number. */
  readonly muxes: ReadonlyMap<number, PortMux>;
}

const SINGLE_THREAD: ThreadContext = { thread: 0, placement: { workers: 0, mainChains: [] }, muxes: new Map() };

/** The chains of a plan: head node id -> member nodes, head first. */
export function planChains(plan: PhysicalPlan): Map<number, PhysicalNode[]> {
  const nodes = plan.nodes;
  const consumers = new Map<number, number>();
  for (const n of nodes) for (const e of n.inputs) consumers.set(e.from, (consumers.get(e.from) ?? 0) + 1);
  const head = new Map<number, number>();
  for (const n of nodes) {
    const e = n.inputs.length === 1 ? n.inputs[0]! : undefined;
    const up = e === undefined ? undefined : nodes[e.from]!;
    const chainable = e !== undefined && up !== undefined && e.partitioning.kind === 'forward' && up.parallelism === n.parallelism && consumers.get(up.id) === 1 && n.spec.kind !== 'union';
    head.set(n.id, chainable ? head.get(up.id)! : n.id);
  }
  const chains = new Map<number, PhysicalNode[]>();
  for (const n of nodes) {
    const h = head.get(n.id)!;
    if (!chains.has(h)) chains.set(h, []);
    chains.get(h)!.push(n);
  }
  return chains;
}

/** What a job tells its checkpoint coordinator (directly, or through the main thread). */
export interface JobEvents {
  /** A task stored its state for a checkpoint. */
  onAck(taskId: string, checkpointId: number, handles: readonly StateHandle[], alignmentMs: number): void;
  /** A task could not snapshot or store its state. */
  onAckFailed(taskId: string, checkpointId: number, reason: string): void;
  /** A source read all its input. */
  onSourceExhausted(taskId: string): void;
}

/** Task ids of a plan, on every thread (the coordinator expects an ack from each). */
export function planTaskIds(plan: PhysicalPlan): { all: string[]; sources: string[] } {
  const all: string[] = [];
  const sources: string[] = [];
  for (const members of planChains(plan).values()) {
    const head = members[0]!;
    for (let s = 0; s < head.parallelism; s++) {
      const id = `${members.map((m) => m.name).join('>')}#${s}`;
      all.push(id);
      if (head.spec.kind === 'source' || head.spec.kind === 'values') sources.push(id);
    }
  }
  return { all, sources };
}

export class Job {
  readonly tasks: Task[] = [];
  readonly sourceTasks: SourceTask[] = [];
  private readonly metrics = new Map<number, OperatorMetrics[]>();
  private cancelled = false;
  private failure: unknown = undefined;
  events: JobEvents | null = null;
  private readonly storage: StateWriter | null;
  /** The final checkpoint or savepoint this thread's sources took, and its completion. */
  private terminalId = -1;
  private terminalDone: (() => void) | null = null;
  private readonly terminal: Promise<void>;
  private readonly channels: OutChannel[] = [];
  private readonly gates: InputTask[] = [];

  constructor(
    readonly plan: PhysicalPlan,
    readonly options: JobOptions,
    private restore?: RestoreState,
    private readonly thread: ThreadContext = SINGLE_THREAD,
  ) {
    if (options.timeZone !== undefined) setSessionTimeZone(options.timeZone);
    this.storage = options.checkpointDir === undefined ? null : new StateWriter(options.checkpointDir);
    this.terminal = new Promise<void>((resolve) => {
      this.terminalDone = resolve;
    });
    this.build();
  }

  private env(): TaskEnv {
    return {
      isCancelled: () => this.cancelled,
      exactlyOnce: this.options.exactlyOnce,
      checkpointing: this.storage !== null,
      finalCheckpoint: this.storage !== null && this.plan.nodes.some((n) => n.spec.kind === 'sink'),
      acknowledge: (taskId, subtask, id, snaps, alignmentMs) => {
        void this.store(taskId, subtask, id, snaps, alignmentMs);
      },
      sourceExhausted: (taskId) => this.events?.onSourceExhausted(taskId),
    };
  }

  /** Writes a task's snapshots (asynchronously: the task goes on) and acknowledges. */
  private async store(taskId: string, subtask: number, id: number, snaps: ReadonlyMap<string, OperatorSnapshot>, alignmentMs: number): Promise<void> {
    if (this.storage === null) return;
    try {
      const handles: StateHandle[] = [];
      // encoded and written by the state writer thread; this task goes on meanwhile
      const writes = [...snaps].map(([operatorId, snap]) => this.storage!.write(id, operatorId, subtask, snap));
      handles.push(...(await Promise.all(writes)));
      this.events?.onAck(taskId, id, handles, alignmentMs);
    } catch (e) {
      this.events?.onAckFailed(taskId, id, e instanceof Error ? e.message : String(e));
    }
  }

  /** The coordinator's trigger: sources on this thread inject barrier `id`. */
  triggerCheckpoint(id: number, kind: BarrierKind): void {
    if (kind !== 'periodic') this.terminalId = id;
    for (const s of this.sourceTasks) s.triggerBarrier(id, kind);
  }

  /** Checkpoint `id` is complete: sinks commit. */
  async notifyCheckpointComplete(id: number): Promise<void> {
    for (const t of this.tasks) await t.notifyCheckpointComplete(id);
    if (id === this.terminalId) this.terminalDone?.();
  }

  /** Fails the job from outside (a checkpoint could not be taken often enough). */
  fail(error: Error): void {
    if (this.failure === undefined) this.failure = error;
    this.cancelAll();
  }

  private build(): void {
    const nodes = this.plan.nodes;
    const ctx = this.thread;
    const where = (head: number, subtask: number): number => threadOf(ctx.placement, head, subtask);
    const chains = planChains(this.plan);
    const headOf = new Map<number, number>();
    for (const [h, members] of chains) for (const m of members) headOf.set(m.id, h);
    const inputsOf = new Map<number, InChannel[][]>(); // head id -> per subtask input channels
    const inputIndexOf = new Map<number, number[][]>(); // head id -> per subtask: each channel's input (edge) index
    const idleAtStartOf = new Map<number, boolean[][]>(); // head id -> per subtask: each channel starts idle
    const outputsOf = new Map<number, OutputEdge[][]>(); // head id -> per subtask output edges
    for (const [h, members] of chains) {
      const p = members[0]!.parallelism;
      inputsOf.set(h, Array.from({ length: p }, () => []));
      inputIndexOf.set(h, Array.from({ length: p }, () => []));
      idleAtStartOf.set(h, Array.from({ length: p }, () => []));
      outputsOf.set(h, Array.from({ length: p }, () => []));
    }
    // Channel ids are assigned in the same order on every thread.
    let nextId = 0;
    const cap = this.options.channelCapacity;
    /** The channel from producer subtask i to consumer subtask j: both ends as this thread sees them. */
    const connect = (upHead: number, i: number, h: number, j: number): { out: OutChannel | null; in: InChannel | null } => {
      const id = nextId++;
      const pt = where(upHead, i);
      const ct = where(h, j);
      if (pt === ctx.thread && ct === ctx.thread) {
        const c = new Channel(cap);
        this.channels.push(c);
        return { out: c, in: c };
      }
      if (pt === ctx.thread) {
        // a thread hop has latency: give remote channels a larger window of credits
        const snd = ctx.muxes.get(ct)!.sender(id, cap * 4);
        this.channels.push(snd);
        return { out: snd, in: null };
      }
      // credits go back in batches of a quarter of the remote window (remote.ts)
      if (ct === ctx.thread) return { out: null, in: ctx.muxes.get(pt)!.receiver(id, Math.max(1, cap)) };
      return { out: null, in: null };
    };
    // A source subtask assigned no input starts idle, as Flink marks a source reader without
    // splits idle: it must not hold back the watermark of the tasks it feeds. Known here, before
    // anything runs, so whether a row is late never depends on which channel speaks first.
    const idleSourceSubtasks = new Map<number, boolean[]>();
    const startsIdle = (head: number, subtask: number): boolean => {
      const n = nodes[head]!;
      if (n.spec.kind !== 'source') return false;
      let flags = idleSourceSubtasks.get(head);
      if (flags === undefined) {
        const connector = createSourceConnector(n.spec.table, this.plan.maxParallelism);
        flags = Array.from({ length: n.parallelism }, (_, s) => connector.startsIdle?.(s, n.parallelism) ?? false);
        idleSourceSubtasks.set(head, flags);
      }
      return flags[subtask] ?? false;
    };
    const addInput = (h: number, j: number, c: InChannel, edgeIndex: number, upHead: number, i: number): void => {
      inputsOf.get(h)![j]!.push(c);
      inputIndexOf.get(h)![j]!.push(edgeIndex);
      idleAtStartOf.get(h)![j]!.push(startsIdle(upHead, i));
    };
    for (const [h, members] of chains) {
      const headNode = members[0]!;
      for (let edgeIndex = 0; edgeIndex < headNode.inputs.length; edgeIndex++) {
        const e = headNode.inputs[edgeIndex]!;
        const upHead = headOf.get(e.from)!;
        const up = nodes[e.from]!;
        const pu = up.parallelism;
        const pd = headNode.parallelism;
        const outs = outputsOf.get(upHead)!;
        const edge = (channels: OutChannel[]): OutputEdge => ({ partitioning: e.partitioning, channels, maxParallelism: this.plan.maxParallelism });
        switch (e.partitioning.kind) {
          case 'forward': {
            if (pu !== pd) throw internalError(`forward edge between parallelism ${pu} and ${pd}`);
            for (let i = 0; i < pu; i++) {
              const c = connect(upHead, i, h, i);
              if (c.in !== null) addInput(h, i, c.in, edgeIndex, upHead, i);
              if (c.out !== null) outs[i]!.push(edge([c.out]));
            }
            break;
          }
          case 'single': {
            for (let i = 0; i < pu; i++) {
              const c = connect(upHead, i, h, 0);
              if (c.in !== null) addInput(h, 0, c.in, edgeIndex, upHead, i);
              if (c.out !== null) outs[i]!.push(edge([c.out]));
            }
            break;
          }
          case 'hash': {
            for (let i = 0; i < pu; i++) {
              const row: OutChannel[] = [];
              for (let j = 0; j < pd; j++) {
                const c = connect(upHead, i, h, j);
                if (c.in !== null) addInput(h, j, c.in, edgeIndex, upHead, i);
                if (c.out !== null) row.push(c.out);
              }
              if (row.length === pd) outs[i]!.push(edge(row));
            }
            break;
          }
        }
      }
    }
    const env = this.env();
    for (const [h, members] of chains) {
      const headNode = members[0]!;
      const p = headNode.parallelism;
      for (let s = 0; s < p; s++) {
        if (where(h, s) !== ctx.thread) continue;
        const taskId = `${members.map((m) => m.name).join('>')}#${s}`;
        const isSource = headNode.spec.kind === 'source' || headNode.spec.kind === 'values';
        const opNodes = isSource ? members.slice(1) : members;
        const chain: ChainedOperator[] = opNodes.map((n) => this.chained(n, s));
        const output = new TaskOutput(outputsOf.get(h)![s]!);
        if (isSource) {
          const sctx = this.context(headNode, s);
          const spec = this.sourceSpec(headNode, s);
          const task = new SourceTask(taskId, sctx, spec, chain, output, env);
          // A restored source starts from the lowest watermark its predecessors had reached:
          // at another parallelism it may take over splits of a subtask that was behind, whose
          // rows must not turn late.
          const restored = this.restore?.operators.get(headNode.name);
          if (restored !== undefined && restored.length > 0) {
            let min = Infinity;
            for (const r of restored) min = Math.min(min, (r?.operator as { watermark?: number } | null)?.watermark ?? -Infinity);
            task.restoreWatermark(min);
          }
          this.sourceTasks.push(task);
          this.tasks.push(task);
        } else {
          const task = new InputTask(taskId, s, chain, output, env, inputsOf.get(h)![s]!, inputIndexOf.get(h)![s]!, idleAtStartOf.get(h)![s]!);
          this.gates.push(task);
          this.tasks.push(task);
        }
      }
    }
  }

  private context(n: PhysicalNode, subtask: number): OperatorContext {
    let list = this.metrics.get(n.id);
    if (list === undefined) {
      list = [];
      this.metrics.set(n.id, list);
    }
    const m = newMetrics();
    list[subtask] = m;
    return {
      operatorId: n.name,
      subtask,
      parallelism: n.parallelism,
      maxParallelism: this.plan.maxParallelism,
      keyGroups: keyGroupRange(subtask, n.parallelism, this.plan.maxParallelism),
      metrics: m,
      // every snapshot goes to the state writer (store), which takes copy-on-write ones
      ...(this.storage !== null ? { cowSnapshots: true } : {}),
    };
  }

  private chained(n: PhysicalNode, subtask: number): ChainedOperator {
    return { op: this.createOperator(n, subtask), ctx: this.context(n, subtask), out: new Collector() };
  }

  private inputSchema(n: PhysicalNode): Schema {
    const e = n.inputs[0];
    return e === undefined ? [] : this.plan.nodes[e.from]!.schema;
  }

  private createOperator(n: PhysicalNode, subtask: number): Operator {
    const s = n.spec;
    const types = this.inputSchema(n).map((f) => f.type);
    const outTypes = n.schema.map((f) => f.type);
    switch (s.kind) {
      case 'calc':
        return new (op('calc').CalcOperator)(s.predicate, s.projection);
      case 'unnest':
        return new (op('unnest').UnnestOperator)(s.exprs, s.ordinality, s.outer, outTypes, this.inputSchema(n).length);
      case 'correlate':
        return new (op('correlate').CorrelateOperator)(s.name, s.fn, s.args, s.joinType === 'left', outTypes.slice(types.length));
      case 'window-tvf':
        if (s.window.kind === 'session') throw internalError('session TVF without aggregation');
        return new (op('windowTvf').WindowTvfOperator)(s.window, s.timeIndex);
      case 'window-aggregate':
        if (s.window.kind === 'session') return new (op('sessionWindowAggregate').SessionWindowAggregateOperator)(s.window.gap, s.timeIndex, types, s.keys, s.aggs, outTypes, this.options.batchSize, s.window.zone, s.inputUpdating === true, this.options.incrementalFullEvery ?? 0);
        return new (op('windowAggregate').WindowAggregateOperator)(s.window, s.timeIndex, types, s.keys, s.aggs, outTypes, this.options.batchSize, s.phase, s.inputUpdating === true, this.options.incrementalFullEvery ?? 0);
      case 'local-group-aggregate':
        return new (op('localGroupAggregate').LocalGroupAggregateOperator)(types, s.keys, s.aggs, outTypes, s.adaptive, s.unshuffled === true);
      case 'group-aggregate':
        return new (op('groupAggregate').GroupAggregateOperator)(types, s.keys, s.aggs, s.inputUpdating, outTypes, this.options.batchSize, s.stateTtlMs ?? this.options.stateTtlMs ?? 0, this.options.incrementalFullEvery ?? 0, this.options.miniBatch);
      case 'join': {
        const leftTypes = this.plan.nodes[n.inputs[0]!.from]!.schema.map((f) => f.type);
        const rightTypes = this.plan.nodes[n.inputs[1]!.from]!.schema.map((f) => f.type);
        switch (s.strategy.kind) {
          case 'regular':
            return new (op('regularJoin').RegularJoinOperator)(s, leftTypes, rightTypes, outTypes, this.options.batchSize, s.leftTtlMs ?? this.options.stateTtlMs ?? 0, s.rightTtlMs ?? this.options.stateTtlMs ?? 0, this.options.incrementalFullEvery ?? 0);
          case 'interval':
            return op('intervalJoin').createIntervalJoinOperator(s, leftTypes, rightTypes, outTypes, this.options.batchSize, this.options.incrementalFullEvery ?? 0);
          case 'window':
            return op('windowJoin').createWindowJoinOperator(s, leftTypes, rightTypes, outTypes, this.options.batchSize, this.options.incrementalFullEvery ?? 0);
          case 'temporal':
            return op('temporalJoin').createTemporalJoinOperator(s, leftTypes, rightTypes, outTypes, this.options.batchSize, this.options.incrementalFullEvery ?? 0);
          case 'lookup':
            throw internalError('a lookup join planned as a two-input join');
        }
      }
      case 'file-lookup-join': {
        const table = s.lookup.table;
        return new (op('fileLookupJoin').FileLookupJoinOperator)(s, types, n.schema.slice(types.length).map((f) => f.type), this.options.batchSize, () => createSourceConnector(table, this.plan.maxParallelism));
      }
      case 'lookup-join': {
        const spec = s;
        return new (op('lookupJoin').LookupJoinOperator)(
          () => createLookupTable(spec.table, spec.columns, spec.rightKeys),
          types,
          spec.columns.map((c) => c.type),
          spec.leftKeys,
          spec.joinType === 'left',
          spec.condition,
        );
      }
      case 'rank':
        return new (op('rank').RankOperator)(s, types, outTypes, this.options.batchSize, this.options.incrementalFullEvery ?? 0);
      case 'over-aggregate':
        if (s.inputUpdating) return new (op('updatingOverAggregate').UpdatingOverAggregateOperator)(types, s.partitionKeys, s.timeIndex, s.frame, s.calls, outTypes, this.options.batchSize, this.options.incrementalFullEvery ?? 0);
        return new (op('overAggregate').OverAggregateOperator)(types, s.partitionKeys, s.timeIndex, s.frame, s.calls, outTypes, this.options.batchSize, this.options.incrementalFullEvery ?? 0);
      case 'temporal-sort':
        return new (op('temporalSort').TemporalSortOperator)(types, s.keys, this.options.batchSize);
      case 'match-recognize':
        return new (op('matchRecognize').MatchRecognizeOperator)(types, s.partitionKeys, s.timeIndex, s.orderKeys, s.spec, outTypes, this.options.batchSize);
      case 'limit':
        return new (op('limit').LimitOperator)(s.offset, s.fetch);
      case 'union':
        return new (op('union').UnionOperator)();
      case 'sink': {
        const connector = createSinkConnector(s.table);
        const Sink = op('sink').SinkOperator;
        return new LazySinkOperator(async () => new Sink(await connector.createWriter({ subtask, parallelism: n.parallelism, schema: n.schema, updating: n.updating, jobId: this.options.jobId, attempt: this.options.attempt ?? 0, restoredCheckpointId: this.options.restoredCheckpointId, operatorId: n.name })));
      }
      case 'collect': {
        const l = this.options.resultListener;
        if (l === undefined) throw internalError('collect without a result listener');
        const index = this.plan.nodes.filter((x) => x.spec.kind === 'collect').indexOf(n);
        return new (op('collect').CollectOperator)(l(index));
      }
      case 'source':
      case 'values':
        throw internalError('source as a chained operator');
    }
  }

  private sourceSpec(n: PhysicalNode, subtask: number) {
    const s = n.spec;
    let connector: SourceConnector;
    let project: ((b: Batch) => Batch) | null = null;
    let watermark = null;
    let rowtimeOutput: number | undefined;
    if (s.kind === 'values') {
      const rows = s.rows;
      const schema = n.schema;
      connector = valuesConnector(rows, schema);
    } else if (s.kind === 'source') {
      connector = createSourceConnector(s.table, this.plan.maxParallelism);
      if (connector.rowsPerSecond === undefined && this.options.defaultRowsPerSecond !== undefined) connector = { ...connector, rowsPerSecond: this.options.defaultRowsPerSecond };
      const identity = s.outputs.length === s.read.length && s.outputs.every((e, i) => e.kind === 'input' && e.index === i);
      if (!identity) project = compileProjection(s.outputs);
      // a processing-time job: the source's watermark is the clock, not its WATERMARK clause
      if (s.watermark !== undefined && this.plan.timeDomain !== 'processing') {
        watermark = compileExpr(s.watermark);
        const rt = n.schema.findIndex((f) => f.rowtime);
        rowtimeOutput = rt >= 0 ? rt : undefined;
      }
    } else throw internalError('not a source');
    const restoredPositions = this.restoredPositions(n.name);
    return {
      connector,
      readerOptions: {
        subtask,
        parallelism: n.parallelism,
        columns: s.kind === 'source' ? s.read : n.schema.map((f) => ({ name: f.name, type: f.type, nullable: true })),
        restored: restoredPositions,
        ...(s.kind === 'source' && s.partitionFilter !== undefined ? { partitionFilter: partitionFilterOf(s.partitionFilter) } : {}),
      },
      project,
      watermark,
      rowtimeOutput,
      processingTime: this.plan.timeDomain === 'processing',
      batchSize: this.options.batchSize,
      idleTimeoutMs: this.options.idleTimeoutMs,
    };
  }

  private restoredPositions(operatorId: string): SourcePosition | undefined {
    const snaps = this.restore?.operators.get(operatorId);
    if (snaps === undefined) return undefined;
    const merged: SourcePosition = {};
    for (const s of snaps) Object.assign(merged, (s.operator as { position?: SourcePosition } | null)?.position ?? {});
    return merged;
  }

  /** Opens operators, restoring state where a restore was requested. */
  async open(): Promise<void> {
    for (const t of this.tasks) {
      await t.open();
      if (this.restore === undefined) continue;
      for (const c of t.chain) {
        const snaps = this.restore.operators.get(c.ctx.operatorId);
        if (snaps === undefined || c.op.restore === undefined) continue;
        const keyed = new Map<number, unknown[]>();
        for (const s of snaps) {
          if (s === undefined) continue;
          for (const [kg, entries] of s.keyed) {
            // entries of one key group go to its owner; column blocks spanning every key
            // group (ALL_KEY_GROUPS) go to every subtask, which keeps its own rows
            if (kg !== ALL_KEY_GROUPS && (kg < c.ctx.keyGroups.start || kg >= c.ctx.keyGroups.end)) continue;
            const list = keyed.get(kg);
            if (list === undefined) keyed.set(kg, [...entries]);
            else list.push(...entries);
          }
        }
        // Operator (unkeyed) state: a sink's pending files go to one new subtask each (round
        // robin) so each is committed once; other operators see every old subtask's state.
        const node = this.plan.nodes.find((n) => n.name === c.ctx.operatorId)!;
        const states = node.spec.kind === 'sink' ? snaps.filter((_, i) => i % c.ctx.parallelism === c.ctx.subtask) : snaps;
        await c.op.restore(keyed, states.map((s) => s?.operator ?? null));
      }
    }
    // the decoded checkpoint (as large as the state) is not needed once restored: let it go
    this.restore = undefined;
  }

  /** Runs every task to completion; the first failure cancels the rest and is thrown. */
  async run(): Promise<void> {
    // state that outgrows the heap fails the job with a message, not a V8 crash
    const guarded = (): GuardedOperator[] =>
      this.tasks.flatMap((t) => t.chain.filter((c) => c.op.stateEntries !== undefined).map((c) => ({ operatorId: c.ctx.operatorId, subtask: c.ctx.subtask, entries: () => c.op.stateEntries!() })));
    const stopGuard = watchMemory(guarded, (e) => this.fail(e));
    try {
      await this.open();
      await Promise.all(
        this.tasks.map((t) =>
          t.run().catch((e: unknown) => {
            if (!(e instanceof JobCancelled) || this.failure === undefined) {
              if (this.failure === undefined && !(e instanceof JobCancelled && this.cancelled)) this.failure = e;
            }
            this.cancelAll();
          }),
        ),
      );
      // With checkpoints the job ends with a final checkpoint (or a savepoint): its sinks
      // commit when it completes, so wait for that before closing them.
      if (this.storage !== null && this.failure === undefined && !this.cancelled && this.terminalId >= 0) await this.terminalOrCancel();
    } finally {
      stopGuard();
      for (const t of this.tasks) await t.close();
      await this.storage?.close();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private terminalOrCancel(): Promise<void> {
    return new Promise<void>((resolve) => {
      void this.terminal.then(resolve);
      this.onCancel = resolve;
    });
  }

  private onCancel: (() => void) | null = null;

  /** Stops every task (used on failure and by Ctrl-C in the REPL). */
  cancel(): void {
    this.cancelAll();
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  private cancelAll(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.onCancel?.();
    for (const m of this.thread.muxes.values()) m.cancelAll();
    for (const c of this.channels) c.cancel();
    for (const g of this.gates) g.cancel();
    for (const s of this.sourceTasks) s.requestStop();
  }

  /** Metrics of this thread's subtasks: node id -> per subtask (sparse). */
  rawMetrics(): ReadonlyMap<number, readonly OperatorMetrics[]> {
    return this.metrics;
  }

  /** Metrics per plan node, summed over subtasks. */
  nodeMetrics(): { node: PhysicalNode; total: OperatorMetrics }[] {
    return this.plan.nodes.map((node) => {
      const total = newMetrics();
      for (const m of this.metrics.get(node.id) ?? []) {
        if (m === undefined) continue;
        total.rowsIn += m.rowsIn;
        total.rowsOut += m.rowsOut;
        total.lateDropped += m.lateDropped;
        total.skipped += m.skipped;
        total.stateExpired += m.stateExpired;
        total.passedThrough += m.passedThrough ?? 0;
      }
      return { node, total };
    });
  }

  /** The smallest watermark over the source subtasks (for progress display). */
  sourceWatermark(): number {
    let w = Infinity;
    for (const s of this.sourceTasks) if (!s.finished) w = Math.min(w, s.currentWatermark);
    return w;
  }
}

/** A sink whose writer is created asynchronously when the operator opens. */
/** A partition filter as a test on one file's partition values (NULL counts as false, as in WHERE). */
function partitionFilterOf(e: BoundExpr): (values: readonly Column[]) => boolean {
  const test = compileExpr(e);
  return (values) => {
    const r = test({ length: 1, columns: values, ops: null });
    return (r.nulls === null || r.nulls[0] !== 1) && r.values[0] === 1;
  };
}

class LazySinkOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): see SinkOperator. */
  readonly wideInts = true;
  private inner: SinkOperator | null = null;
  constructor(private readonly make: () => Promise<SinkOperator>) {}
  async open(): Promise<void> {
    this.inner = await this.make();
  }
  processBatch(batch: Batch): void | Promise<void> {
    return this.inner!.processBatch(batch);
  }
  processWatermark(wm: number): void {
    this.inner!.processWatermark(wm);
  }
  snapshot(id: number): Promise<OperatorSnapshot> {
    return this.inner!.snapshot(id);
  }
  notifyCheckpointComplete(id: number): Promise<void> {
    return this.inner!.notifyCheckpointComplete(id);
  }
  restore(keyed: Map<number, unknown[]>, states: readonly unknown[]): Promise<void> {
    return this.inner!.restore(keyed, states);
  }
  finish(): Promise<void> {
    return this.inner!.finish();
  }
  async close(): Promise<void> {
    await this.inner?.close();
  }
}

/** VALUES as a bounded one-batch source (subtask 0 only). */
function valuesConnector(rows: readonly (readonly Scalar[])[], schema: Schema): SourceConnector {
  return {
    bounded: true,
    updating: false,
    rowsPerSecond: undefined,
    createReader: (opts) => {
      let done = opts.subtask !== 0;
      return {
        next: () => {
          if (done) return null;
          done = true;
          const columns: Column[] = schema.map((f, ci) => {
            const vals = rows.map((r) => r[ci] ?? null);
            return columnOf(f.type, vals);
          });
          return { length: rows.length, columns, ops: null };
        },
        position: () => ({ values: done }),
        skipped: () => 0,
        close: () => undefined,
      };
    },
  };
}

import { columnFromScalars } from '../common/batch.js';
import type { DataType } from '../common/types.js';
function columnOf(t: DataType, vals: readonly Scalar[]): Column {
  return columnFromScalars(t, vals);
}

export { WeirError };
