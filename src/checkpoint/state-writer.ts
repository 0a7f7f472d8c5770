// Hands snapshots to the state writer thread (writer-thread.ts) and returns their handles.

import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { errorFromWire, internalError } from '../common/errors.js';
import type { WireError } from '../common/errors.js';
import type { OperatorSnapshot } from '../exec/operator.js';
import type { StateHandle } from './storage.js';
import type { BlockMessage, WriteRequest, WriteReply } from './writer-thread.js';
import type { CowSource } from './cow.js';
import { dropFreeBuffers, isSnapshotBuffer, recycle } from '../common/snapshot-buffers.js';

function writerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'writer-thread.js');
  const dist = join(dirname(here), '..', '..', 'dist', 'src', 'checkpoint', 'writer-thread.js');
  if (!existsSync(dist)) throw internalError(`writer thread not built: ${dist} (run npm run build)`);
  return dist;
}

/**
 * Typed arrays a snapshot owns whole (or a pooled snapshot buffer, common/snapshot-buffers.ts,
 * of which the view may cover a prefix): they can move to the writer without a copy.
 */
function transferables(v: unknown, out: ArrayBuffer[], seen: Set<ArrayBufferLike>, depth = 0): void {
  if (depth > 8 || v === null || typeof v !== 'object') return;
  if (ArrayBuffer.isView(v)) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && !seen.has(b) && b.byteLength > 4096 && ((v.byteOffset === 0 && v.byteLength === b.byteLength) || isSnapshotBuffer(b))) {
      seen.add(b);
      out.push(b);
    }
    return;
  }
  if (v instanceof Map) {
    for (const x of v.values()) transferables(x, out, seen, depth + 1);
    return;
  }
  if (Array.isArray(v)) {
    // long arrays of plain values hold no typed arrays worth looking for
    if (v.length > 64 && typeof v[0] !== 'object') return;
    for (const x of v) transferables(x, out, seen, depth + 1);
    return;
  }
  for (const x of Object.values(v)) transferables(x, out, seen, depth + 1);
}

export class StateWriter {
  private worker: Worker | null = null;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (h: StateHandle) => void; reject: (e: Error) => void; checkpointId: number; cow?: CowSource }>();

  constructor(private readonly dir: string) {}

  private ensure(): Worker {
    if (this.worker !== null) return this.worker;
    const w = new Worker(writerScript());
    w.on('message', (m: WriteReply) => {
      const p = this.pending.get(m.req);
      // a copy-on-write snapshot: the writer asks for a column, or hands a block's buffer back
      if (m.want !== undefined) {
        for (const col of m.want) p?.cow?.want(col);
        return;
      }
      if (m.back !== undefined) {
        p?.cow?.returned(m.back);
        return;
      }
      // (a write that failed leaves its copy-on-write capture nothing more to send)
      p?.cow?.abort();
      // the snapshot's buffers come back once written: the next snapshot copies into them
      if (m.buffers !== undefined) recycle(m.buffers, p?.checkpointId);
      if (p === undefined) return;
      this.pending.delete(m.req);
      if (m.error !== undefined) p.reject(errorFromWire(m.error));
      else p.resolve(m.handle!);
    });
    w.on('error', (e) => {
      for (const p of this.pending.values()) {
        p.cow?.abort();
        p.reject(e);
      }
      this.pending.clear();
    });
    w.unref();
    this.worker = w;
    return w;
  }

  /**
   * Writes one operator subtask's snapshot. The snapshot's whole typed arrays are
   * transferred: the caller must not use them afterwards (they are fresh copies of state). They
   * come back once the file is written, to be reused by later snapshots (recycle).
   */
  write(checkpointId: number, operatorId: string, subtask: number, snapshot: OperatorSnapshot): Promise<StateHandle> {
    const w = this.ensure();
    const req = this.next++;
    const transfer: ArrayBuffer[] = [];
    transferables(snapshot.keyed, transfer, new Set());
    // a copy-on-write snapshot goes without its capture: the writer asks for its columns
    const { cow, ...plain } = snapshot;
    return new Promise<StateHandle>((resolve, reject) => {
      this.pending.set(req, { resolve, reject, checkpointId, ...(cow !== undefined ? { cow } : {}) });
      cow?.start((col, buffer, bytes, items) => w.postMessage({ block: { req, col, buffer, bytes, ...(items !== undefined ? { items } : {}) } } satisfies BlockMessage, [buffer]));
      w.postMessage({ req, dir: this.dir, checkpointId, operatorId, subtask, snapshot: plain, buffers: transfer, ...(cow !== undefined ? { cow: true as const } : {}) } satisfies WriteRequest, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    // copy-on-write captures still sending stop: their operators need not keep logging
    for (const p of this.pending.values()) p.cow?.abort();
    if (w !== null) await w.terminate();
    // the job's state is gone: so are the buffers its snapshots were copied into
    dropFreeBuffers();
  }
}
