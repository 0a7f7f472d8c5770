// A job spread over worker threads, so a parallel job uses several cores. Subtask s of every
// chain runs on worker 1 + (s mod W), or, when the main thread takes a share (mainShare, the
// default placement: job-runner.ts workerThreadsFor), on thread s mod (W + 1), thread 0 being
// the main thread; chains that hand rows to the client (collect) run on the main thread. Every
// pair of threads shares one MessagePort (remote.ts multiplexes the channels over it with
// credit-based flow control). The main thread starts the workers, gathers their metrics, and
// fails the whole job on the first error.

import { loadedFunctionModules } from '../expr/udf.js';
import { MessageChannel } from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { keepWorker, takeWorker } from './worker-pool.js';
import type { MessagePort } from 'node:worker_threads';
import { WeirError, errorFromWire, internalError } from '../common/errors.js';
import type { PhysicalNode, PhysicalPlan } from '../plan/physical.js';
import type { JobEvents, JobOptions, PlacementInfo, RestoreState } from './job.js';
import type { BarrierKind } from './source-task.js';
import { errorToWire } from '../common/errors.js';
import { Job, planChains } from './job.js';
import { PortMux } from './remote.js';
import type { OperatorMetrics } from './operator.js';
import { newMetrics } from './operator.js';
import type { MetricsReport, ToMain, ToWorker } from './cluster-protocol.js';

export interface JobHandle {
  run(): Promise<void>;
  cancel(): void;
  /** Fails the job with this error (a checkpointing failure). */
  fail(error: Error): void;
  nodeMetrics(): { node: PhysicalNode; total: OperatorMetrics }[];
  sourceWatermark(): number;
  triggerCheckpoint(id: number, kind: BarrierKind): void;
  notifyCheckpointComplete(id: number): Promise<void>;
  events: JobEvents | null;
}

export class ClusterJob implements JobHandle {
  private readonly local: Job;
  private readonly workers: Worker[] = [];
  private readonly reports = new Map<number, MetricsReport>();
  private readonly placement: PlacementInfo;
  private cancelled = false;
  private started = false;
  private readonly inits: { thread: number; ports: [number, MessagePort][] }[] = [];
  private eventsSink: JobEvents | null = null;

  get events(): JobEvents | null {
    return this.eventsSink;
  }

  set events(e: JobEvents | null) {
    this.eventsSink = e;
    this.local.events = e;
  }

  constructor(
    readonly plan: PhysicalPlan,
    readonly options: JobOptions,
    workers: number,
    private readonly restore?: RestoreState,
    mainShare = false,
  ) {
    const mainChains = [...planChains(plan)].filter(([, members]) => members.some((m) => m.spec.kind === 'collect')).map(([h]) => h);
    this.placement = { workers, mainChains, mainShare };
    // one port per pair of threads
    const threads = workers + 1;
    const ports: MessagePort[][] = Array.from({ length: threads }, () => []);
    for (let a = 0; a < threads; a++) {
      for (let b = a + 1; b < threads; b++) {
        const ch = new MessageChannel();
        ports[a]![b] = ch.port1;
        ports[b]![a] = ch.port2;
      }
    }
    const mainMuxes = new Map<number, PortMux>();
    for (let b = 1; b < threads; b++) mainMuxes.set(b, new PortMux(ports[0]![b]!));
    this.local = new Job(plan, options, restore, { thread: 0, placement: this.placement, muxes: mainMuxes });
    for (let t = 1; t < threads; t++) {
      this.inits.push({ thread: t, ports: ports[t]!.map((p, peer) => [peer, p] as [number, MessagePort]).filter(([, p]) => p !== undefined) });
    }
  }

  async run(): Promise<void> {
    if (this.started) throw internalError('cluster job started twice');
    this.started = true;
    const { resultListener: _omit, ...options } = this.options;
    let failure: Error | undefined;
    const fail = (e: Error): void => {
      if (failure === undefined) failure = e;
      this.cancel();
    };
    const done = this.inits.map(
      (init) =>
        new Promise<void>((resolve) => {
          const w = takeWorker();
          this.workers.push(w);
          let finished = false;
          let failed = false;
          const onMessage = (m: ToMain): void => {
            if (m.type === 'ack') {
              this.eventsSink?.onAck(m.taskId, m.id, m.handles, m.alignmentMs);
              return;
            }
            if (m.type === 'ack-failed') {
              this.eventsSink?.onAckFailed(m.taskId, m.id, m.reason);
              return;
            }
            if (m.type === 'exhausted') {
              this.eventsSink?.onSourceExhausted(m.taskId);
              return;
            }
            this.reports.set(init.thread, m);
            if (m.type === 'metrics') return;
            if (m.type === 'error') {
              failed = true;
              fail(errorFromWire(m.error));
            }
            settle();
          };
          const onError = (e: Error): void => {
            failed = true;
            fail(e);
            settle();
          };
          const onExit = (code: number): void => {
            failed = true;
            if (!this.cancelled) fail(new WeirError('execution', `worker thread ${init.thread} stopped (exit code ${code}) while its subtasks ran`));
            settle();
          };
          const settle = (): void => {
            if (finished) return;
            finished = true;
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            // nothing more of this job goes to it (it may run another job next)
            const i = this.workers.indexOf(w);
            if (i >= 0) this.workers.splice(i, 1);
            // a worker whose job ended well runs the next job; any other is stopped
            if (failed || this.cancelled) void w.terminate();
            else keepWorker(w);
            resolve();
          };
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage({ type: 'start', init: { plan: this.plan, options, restore: this.restore, thread: init.thread, placement: this.placement, ports: init.ports, udfModules: loadedFunctionModules() } } satisfies ToWorker, init.ports.map(([, p]) => p));
        }),
    );
    const local = this.local.run().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
    await Promise.all([local, ...done]);
    if (failure !== undefined) throw failure;
  }

  triggerCheckpoint(id: number, kind: BarrierKind): void {
    this.local.triggerCheckpoint(id, kind);
    for (const w of this.workers) w.postMessage({ type: 'trigger', id, kind } satisfies ToWorker);
  }

  async notifyCheckpointComplete(id: number): Promise<void> {
    for (const w of this.workers) w.postMessage({ type: 'complete', id } satisfies ToWorker);
    await this.local.notifyCheckpointComplete(id);
  }

  fail(error: Error): void {
    this.local.fail(error);
    for (const w of this.workers) w.postMessage({ type: 'fail', error: errorToWire(error) } satisfies ToWorker);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.local.cancel();
    for (const w of this.workers) w.postMessage({ type: 'cancel' } satisfies ToWorker);
  }

  nodeMetrics(): { node: PhysicalNode; total: OperatorMetrics }[] {
    const totals = new Map<number, OperatorMetrics>();
    const add = (node: number, m: OperatorMetrics): void => {
      let t = totals.get(node);
      if (t === undefined) {
        t = newMetrics();
        totals.set(node, t);
      }
      t.rowsIn += m.rowsIn;
      t.rowsOut += m.rowsOut;
      t.lateDropped += m.lateDropped;
      t.skipped += m.skipped;
      t.stateExpired += m.stateExpired;
      t.passedThrough += m.passedThrough ?? 0;
    };
    for (const { node, total } of this.local.nodeMetrics()) add(node.id, total);
    for (const r of this.reports.values()) for (const [node, , m] of r.metrics) add(node, m);
    return this.plan.nodes.map((node) => ({ node, total: totals.get(node.id) ?? newMetrics() }));
  }

  sourceWatermark(): number {
    let w = this.local.sourceWatermark();
    for (const r of this.reports.values()) for (const x of r.sourceWatermarks) w = Math.min(w, x);
    return w;
  }
}
