// Sink: writes batches through a connector's writer. On a barrier it asks the writer to make
// its output durable and keeps what must be committed as operator state; when the
// checkpoint completes it commits (two-phase commit, DESIGN §5). On a restore it repeats the
// commit of the restored checkpoint's pending output (commit is idempotent).
// At the end of a bounded input it finishes: everything written is committed.

import type { Batch } from '../../common/batch.js';
import type { SinkWriter } from '../../connectors/connector.js';
import type { Operator, OperatorSnapshot } from '../operator.js';

export class SinkOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): the writers print a wide BIGINT exactly (String of a bigint). */
  readonly wideInts = true;
  /** Pending commits by checkpoint id, not yet known to be complete. */
  private readonly pending = new Map<number, unknown>();

  constructor(private readonly writer: SinkWriter) {}

  processBatch(batch: Batch): void | Promise<void> {
    return this.writer.write(batch);
  }

  processWatermark(wm: number): void {
    this.writer.watermark?.(wm);
  }

  async snapshot(checkpointId: number): Promise<OperatorSnapshot> {
    const p = await this.writer.prepareCommit(checkpointId);
    this.pending.set(checkpointId, p);
    // Everything not yet committed travels with the checkpoint, so a restore can finish it.
    return { keyed: new Map(), operator: { pending: [...this.pending.entries()] } };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const ready: unknown[] = [];
    for (const [id, p] of this.pending) {
      if (id <= checkpointId) {
        ready.push(p);
        this.pending.delete(id);
      }
    }
    if (ready.length > 0) await this.writer.commit(ready);
  }

  async restore(_keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): Promise<void> {
    const all: unknown[] = [];
    for (const s of operatorStates) {
      const pending = (s as { pending?: [number, unknown][] } | null)?.pending ?? [];
      for (const [, p] of pending) all.push(p);
    }
    if (all.length > 0) await this.writer.commit(all);
  }

  async finish(): Promise<void> {
    await this.writer.finish();
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
