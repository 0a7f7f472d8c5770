// Connector contracts: how the runtime reads a source split and writes a sink.

import type { Batch, Column } from '../common/batch.js';
import type { SourceColumn } from '../plan/physical.js';
import type { Schema } from '../plan/logical.js';

/** A source reader's position, by split id: enough to resume exactly after the last batch. */
export type SourcePosition = Record<string, unknown>;

export interface SourceReader {
  /** The next batch of the requested columns, or null when this reader's splits are done. */
  next(maxRows: number): Promise<Batch | null> | Batch | null;
  /** Position after the last batch returned (for checkpoints). */
  position(): SourcePosition;
  /** Records skipped as unparseable so far (ignore-parse-errors). */
  skipped(): number;
  close(): void | Promise<void>;
  /** While true, checkpoint barriers wait (a CDC source reading its initial snapshot). */
  holdsBarriers?(): boolean;
  /** A checkpoint took position() (postgres-cdc remembers it to confirm on completion). */
  checkpointTaken?(checkpointId: number): void;
  /** Checkpoint `checkpointId` completed (postgres-cdc lets the slot forget older changes). */
  checkpointComplete?(checkpointId: number): void | Promise<void>;
}

export interface ReaderOptions {
  readonly subtask: number;
  readonly parallelism: number;
  /** Columns to produce, in this order (a subset of the table's physical columns). */
  readonly columns: readonly SourceColumn[];
  /** Positions restored from a checkpoint, merged over all old subtasks. */
  readonly restored: SourcePosition | undefined;
  /**
   * A partitioned filesystem source: true when a file with these partition values (one-row
   * columns, in PARTITIONED BY order) may hold rows the query keeps; false skips the file.
   */
  readonly partitionFilter?: (values: readonly Column[]) => boolean;
}

export interface SourceConnector {
  /** Ends on its own (files, a generator with events.num). */
  readonly bounded: boolean;
  /** Emits a changelog (debezium-json). */
  readonly updating: boolean;
  /** Total rows per second over all subtasks, when rate-limited. */
  readonly rowsPerSecond: number | undefined;
  createReader(opts: ReaderOptions): SourceReader | Promise<SourceReader>;
  /**
   * Subtask `subtask` of `parallelism` is assigned nothing to read when the job starts (a
   * single file read at parallelism 2). It starts idle, as Flink marks a source reader
   * without splits idle, so it does not hold back the watermark downstream.
   */
  startsIdle?(subtask: number, parallelism: number): boolean;
}

/** What a sink hands to a checkpoint on a barrier and gets back to commit. */
export type PendingCommit = unknown;

export interface SinkWriter {
  write(batch: Batch): void | Promise<void>;
  /** The sink's input watermark advanced (a partitioned filesystem sink commits partitions by it). */
  watermark?(wm: number): void;
  /** On a barrier: make everything written so far durable and return it as pending. */
  prepareCommit(checkpointId: number): Promise<PendingCommit>;
  /** The checkpoint completed: make pending output visible. Idempotent. */
  commit(pending: readonly PendingCommit[]): Promise<void>;
  /** End of a bounded input: write, make durable and commit everything. */
  finish(): Promise<void>;
  close(): Promise<void>;
}

export interface SinkOptions {
  readonly subtask: number;
  readonly parallelism: number;
  readonly schema: Schema;
  /** The input is a changelog. */
  readonly updating: boolean;
  /** Job identity, used to name output files uniquely per run. */
  readonly jobId: string;
  /** The attempt of the job (0, then one more per automatic restart in the same process). */
  readonly attempt?: number;
  /** The checkpoint this attempt was restored from, if any. */
  readonly restoredCheckpointId?: number;
  /** The sink operator's id in the plan (stable across runs of the same plan). */
  readonly operatorId?: string;
}

export interface SinkConnector {
  /** Can carry updates and deletes (debezium-json, print, blackhole). */
  readonly acceptsUpdates: boolean;
  /** Exactly-once through two-phase commit (filesystem); others are at-least-once. */
  readonly transactional: boolean;
  createWriter(opts: SinkOptions): SinkWriter | Promise<SinkWriter>;
}

/** A table read by key, row batch by row batch (a lookup join's right side). */
export interface LookupTable {
  /**
   * The rows of each key: `keys[i]` holds the key's values (physical form, one per lookup
   * column, never NULL) and `ids[i]` a string that identifies it. Returns rows (values of the
   * looked-up columns, as JS scalars) by key id; a key without rows may be absent.
   */
  lookup(keys: readonly (readonly unknown[])[], ids: readonly string[]): Promise<Map<string, readonly (readonly unknown[])[]>>;
  close(): Promise<void>;
}
