// The checkpoint coordinator (DESIGN §5). Its decisions are pure functions over facts — the
// time, the acknowledgements that arrived, which sources are exhausted, whether a stop was
// requested — returning what to do next; the runner (runner.ts) does the I/O. One checkpoint
// is in flight at a time.
//
//   trigger    every `interval` (and not sooner than `minPause` after the last one ended);
//              a final checkpoint as soon as every source is exhausted (bounded input);
//              a savepoint when a stop is requested
//   complete   when every task acknowledged: write _metadata, then tell the sinks to commit
//   fail       when the timeout passes first; more than `tolerable` failures in a row fail
//              the job (a failed final checkpoint or savepoint is retried the same way)

import type { StateHandle } from './storage.js';

export interface CoordinatorConfig {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly minPauseMs: number;
  readonly tolerableFailures: number;
}

export type CheckpointKind = 'periodic' | 'final' | 'savepoint';

export interface Ack {
  readonly taskId: string;
  readonly handles: readonly StateHandle[];
  readonly alignmentMs: number;
}

export interface InFlight {
  readonly id: number;
  readonly kind: CheckpointKind;
  readonly triggeredAt: number;
  readonly acks: ReadonlyMap<string, Ack>;
}

export interface CoordinatorState {
  readonly nextId: number;
  readonly inFlight: InFlight | null;
  /** When the last checkpoint ended (completed or failed); -Infinity before the first. */
  readonly lastEndedAt: number;
  /** When the last checkpoint was triggered (the job's start before the first). */
  readonly lastTriggeredAt: number;
  readonly consecutiveFailures: number;
  readonly exhausted: ReadonlySet<string>;
  readonly stopRequested: boolean;
  /** A final checkpoint or savepoint completed: the job may end. */
  readonly finished: boolean;
  readonly completed: number;
  readonly failed: number;
}

export type Decision =
  | { readonly kind: 'trigger'; readonly id: number; readonly checkpoint: CheckpointKind }
  | { readonly kind: 'complete'; readonly checkpoint: InFlight; readonly alignmentMs: number }
  | { readonly kind: 'abort'; readonly id: number; readonly reason: string }
  | { readonly kind: 'fail-job'; readonly reason: string };

export function initialState(nextId: number, now: number): CoordinatorState {
  return { nextId, inFlight: null, lastEndedAt: -Infinity, lastTriggeredAt: now, consecutiveFailures: 0, exhausted: new Set(), stopRequested: false, finished: false, completed: 0, failed: 0 };
}

/** What to do at time `now`, given every task (`tasks`) and source task (`sources`). */
export function onTick(s: CoordinatorState, now: number, cfg: CoordinatorConfig, sources: readonly string[]): [CoordinatorState, Decision[]] {
  if (s.finished) return [s, []];
  if (s.inFlight !== null) {
    if (now - s.inFlight.triggeredAt > cfg.timeoutMs) return fail(s, now, cfg, `checkpoint ${s.inFlight.id} timed out after ${cfg.timeoutMs} ms`);
    return [s, []];
  }
  const allExhausted = sources.length > 0 && sources.every((t) => s.exhausted.has(t));
  let kind: CheckpointKind | null = null;
  if (s.stopRequested) kind = 'savepoint';
  else if (allExhausted) kind = 'final';
  else if (cfg.intervalMs > 0 && now - s.lastTriggeredAt >= cfg.intervalMs && now - s.lastEndedAt >= cfg.minPauseMs) {
    // periodic: `interval` after the previous trigger (or the start), and never sooner than
    // `minPause` after the previous checkpoint ended
    kind = 'periodic';
  }
  if (kind === null) return [s, []];
  const inFlight: InFlight = { id: s.nextId, kind, triggeredAt: now, acks: new Map() };
  return [{ ...s, nextId: s.nextId + 1, inFlight, lastTriggeredAt: now }, [{ kind: 'trigger', id: inFlight.id, checkpoint: kind }]];
}

/** A task acknowledged checkpoint `id` with its state files. */
export function onAck(s: CoordinatorState, id: number, ack: Ack, tasks: readonly string[]): [CoordinatorState, Decision[]] {
  const f = s.inFlight;
  if (f === null || f.id !== id) return [s, []]; // late ack of an aborted checkpoint
  const acks = new Map(f.acks);
  acks.set(ack.taskId, ack);
  const inFlight = { ...f, acks };
  if (!tasks.every((t) => acks.has(t))) return [{ ...s, inFlight }, []];
  let alignmentMs = 0;
  for (const a of acks.values()) alignmentMs = Math.max(alignmentMs, a.alignmentMs);
  return [{ ...s, inFlight }, [{ kind: 'complete', checkpoint: inFlight, alignmentMs }]];
}

/** The runner wrote _metadata: the checkpoint is complete. */
export function onCompleted(s: CoordinatorState, id: number, now: number): CoordinatorState {
  const f = s.inFlight;
  if (f === null || f.id !== id) return s;
  const finished = f.kind !== 'periodic';
  return { ...s, inFlight: null, lastEndedAt: now, consecutiveFailures: 0, finished, completed: s.completed + 1 };
}

/** A task could not snapshot or write its state for checkpoint `id`. */
export function onTaskFailure(s: CoordinatorState, id: number, now: number, cfg: CoordinatorConfig, reason: string): [CoordinatorState, Decision[]] {
  if (s.inFlight === null || s.inFlight.id !== id) return [s, []];
  return fail(s, now, cfg, reason);
}

function fail(s: CoordinatorState, now: number, cfg: CoordinatorConfig, reason: string): [CoordinatorState, Decision[]] {
  const f = s.inFlight!;
  const failures = s.consecutiveFailures + 1;
  const next: CoordinatorState = { ...s, inFlight: null, lastEndedAt: now, consecutiveFailures: failures, failed: s.failed + 1 };
  const out: Decision[] = [{ kind: 'abort', id: f.id, reason }];
  if (failures > cfg.tolerableFailures) out.push({ kind: 'fail-job', reason: `${failures} checkpoint${failures === 1 ? '' : 's'} failed in a row (execution.checkpointing.tolerable-failed-checkpoints = ${cfg.tolerableFailures}); last: ${reason}` });
  return [next, out];
}

export function onSourceExhausted(s: CoordinatorState, taskId: string): CoordinatorState {
  if (s.exhausted.has(taskId)) return s;
  const exhausted = new Set(s.exhausted);
  exhausted.add(taskId);
  return { ...s, exhausted };
}

export function onStopRequested(s: CoordinatorState): CoordinatorState {
  return { ...s, stopRequested: true };
}
