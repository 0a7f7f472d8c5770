// The coordinator's I/O edge: feeds it time and the job's events, and carries out what it
// decides — trigger barriers, write `_metadata` (then, and only then, tell sinks to commit),
// discard aborted checkpoints, keep the newest N, fail the job after too many failures.
// Retention's deletes run off the task thread (libuv's pool), after the checkpoint completed,
// one retention at a time; a delete that fails is reported in the stats and the checkpoints
// kept stay intact. `_metadata` and its fsyncs stay synchronous (see complete).

import { WeirError } from '../common/errors.js';
import type { JobEvents } from '../exec/job.js';
import type { JobHandle } from '../exec/cluster.js';
import type { CoordinatorConfig, CoordinatorState, Decision } from './coordinator.js';
import { initialState, onAck, onCompleted, onSourceExhausted, onStopRequested, onTaskFailure, onTick } from './coordinator.js';
import type { CheckpointMetadata, CheckpointStorage, OperatorStats, StateHandle } from './storage.js';
import { METADATA_VERSION, checkpointDirName } from './storage.js';

export interface CheckpointRecord {
  readonly id: number;
  readonly kind: string;
  readonly triggeredAt: number;
  readonly durationMs: number;
  readonly alignmentMs: number;
  /** Bytes this checkpoint wrote. */
  readonly bytes: number;
  /** Bytes of every file it needs (with incremental checkpoints, files of earlier ones too). */
  readonly referencedBytes: number;
}

export interface CheckpointStats {
  completed: number;
  failed: number;
  last: CheckpointRecord | undefined;
  lastFailure: string | undefined;
  /** Retention could not delete an old checkpoint's file (the checkpoints kept are intact). */
  cleanupFailure?: string;
}

export class CheckpointRunner implements JobEvents {
  private state: CoordinatorState;
  private timer: NodeJS.Timeout | undefined;
  /** The newest checkpoint completed in this run: deltas continue its chains. */
  private lastCompleted: CheckpointMetadata | undefined;
  /** Retention's deletes, one after the other, off the task thread. */
  private cleanup: Promise<void> = Promise.resolve();
  readonly stats: CheckpointStats = { completed: 0, failed: 0, last: undefined, lastFailure: undefined };

  constructor(
    private readonly job: JobHandle,
    private readonly storage: CheckpointStorage,
    private readonly cfg: CoordinatorConfig,
    private readonly info: { readonly fingerprint: string; readonly maxParallelism: number; readonly tasks: readonly string[]; readonly sources: readonly string[] },
    private readonly retained: number,
    firstId: number,
    /** Called when a checkpoint completes or fails (progress display, logs). */
    private readonly onChange?: (stats: CheckpointStats) => void,
  ) {
    this.state = initialState(firstId, Date.now());
    job.events = this;
  }

  start(): void {
    const every = Math.max(10, Math.min(100, this.cfg.intervalMs > 0 ? this.cfg.intervalMs / 4 : 100));
    this.timer = setInterval(() => this.tick(), every);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves once the deletes retention has started are done (the job's end waits for it). */
  settled(): Promise<void> {
    return this.cleanup;
  }

  /** Stop with a savepoint (SIGINT/SIGTERM, STOP JOB). */
  requestStop(): void {
    this.state = onStopRequested(this.state);
    this.tick();
  }

  tick(): void {
    const [s, decisions] = onTick(this.state, Date.now(), this.cfg, this.info.sources);
    this.state = s;
    this.apply(decisions);
  }

  onAck(taskId: string, checkpointId: number, handles: CheckpointMetadata['states'], alignmentMs: number): void {
    const [s, decisions] = onAck(this.state, checkpointId, { taskId, handles, alignmentMs }, this.info.tasks);
    this.state = s;
    this.apply(decisions);
  }

  onAckFailed(taskId: string, checkpointId: number, reason: string): void {
    const [s, decisions] = onTaskFailure(this.state, checkpointId, Date.now(), this.cfg, `task ${taskId}: ${reason}`);
    this.state = s;
    this.apply(decisions);
  }

  onSourceExhausted(taskId: string): void {
    this.state = onSourceExhausted(this.state, taskId);
    this.tick();
  }

  private apply(decisions: readonly Decision[]): void {
    for (const d of decisions) {
      switch (d.kind) {
        case 'trigger':
          this.job.triggerCheckpoint(d.id, d.checkpoint);
          break;
        case 'complete':
          void this.complete(d);
          break;
        case 'abort':
          this.stats.failed++;
          this.stats.lastFailure = d.reason;
          this.storage.discard(d.id);
          this.onChange?.(this.stats);
          break;
        case 'fail-job':
          this.job.fail(new WeirError('checkpoint', d.reason));
          break;
      }
    }
  }

  private async complete(d: Extract<Decision, { kind: 'complete' }>): Promise<void> {
    const c = d.checkpoint;
    let states: StateHandle[];
    try {
      states = this.chains(c.id, [...c.acks.values()].flatMap((a) => a.handles));
    } catch (e) {
      const [s, decisions] = onTaskFailure(this.state, c.id, Date.now(), this.cfg, e instanceof Error ? e.message : String(e));
      this.state = s;
      this.apply(decisions);
      return;
    }
    const byOp = new Map<string, OperatorStats>();
    let referencedBytes = 0;
    for (const h of states) {
      const o = byOp.get(h.operatorId) ?? { operatorId: h.operatorId, bytes: 0, subtasks: 0, referencedBytes: 0 };
      const refs = h.chain!.reduce((a, f) => a + f.bytes, 0);
      referencedBytes += refs;
      byOp.set(h.operatorId, { ...o, bytes: o.bytes + h.bytes, subtasks: o.subtasks + 1, referencedBytes: (o.referencedBytes ?? 0) + refs });
    }
    const now = Date.now();
    const meta: CheckpointMetadata = {
      version: METADATA_VERSION,
      checkpointId: c.id,
      savepoint: c.kind === 'savepoint',
      incremental: states.some((h) => h.chain!.length > 1),
      fingerprint: this.info.fingerprint,
      maxParallelism: this.info.maxParallelism,
      triggeredAt: c.triggeredAt,
      completedAt: now,
      durationMs: now - c.triggeredAt,
      alignmentMs: d.alignmentMs,
      states,
      operators: [...byOp.values()],
    };
    try {
      // Written and made durable here, synchronously: while an await on the disk was pending
      // the job could fail and restart from the previous checkpoint, and this one's sinks would
      // then commit rows the restart writes again (a duplicate seen in the restart tests).
      this.storage.writeMetadata(meta);
    } catch (e) {
      const [s, decisions] = onTaskFailure(this.state, c.id, Date.now(), this.cfg, `writing _metadata: ${e instanceof Error ? e.message : String(e)}`);
      this.state = s;
      this.apply(decisions);
      return;
    }
    // The checkpoint is complete: only now may sinks make their output visible.
    this.state = onCompleted(this.state, c.id, now);
    this.lastCompleted = meta;
    this.stats.completed++;
    this.stats.last = { id: c.id, kind: c.kind, triggeredAt: c.triggeredAt, durationMs: meta.durationMs, alignmentMs: d.alignmentMs, bytes: states.reduce((a, h) => a + h.bytes, 0), referencedBytes };
    this.onChange?.(this.stats);
    try {
      await this.job.notifyCheckpointComplete(c.id);
    } catch (e) {
      this.job.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.cleanup = this.cleanup
      .then(() => this.storage.retainAsync(this.retained, c.id))
      .catch((e: unknown) => {
        this.stats.cleanupFailure = e instanceof Error ? e.message : String(e);
        this.onChange?.(this.stats);
      });
  }

  /**
   * Every handle with its chain of files: a full snapshot's is its own file; a delta's is the
   * chain the same operator subtask had in the checkpoint it continues (which must be the
   * newest completed one), then its own file. Throws when a delta has nothing to continue.
   */
  private chains(id: number, handles: readonly StateHandle[]): StateHandle[] {
    const own = (h: StateHandle) => ({ path: `${checkpointDirName(id)}/${h.file}`, bytes: h.bytes, checksum: h.checksum ?? '' });
    return handles.map((h) => {
      if (h.deltaOf === undefined) return { ...h, chain: [own(h)] };
      const prev = this.lastCompleted;
      const base = prev !== undefined && prev.checkpointId === h.deltaOf ? prev.states.find((b) => b.operatorId === h.operatorId && b.subtask === h.subtask) : undefined;
      if (base?.chain === undefined) throw new Error(`the state of ${h.operatorId}-${h.subtask} is a delta of checkpoint ${h.deltaOf}, which is not the latest completed one`);
      return { ...h, chain: [...base.chain, own(h)] };
    });
  }
}
