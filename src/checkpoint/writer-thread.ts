// The state writer thread: encodes snapshots (msgpackr), checksums them and writes them
// durably, off the task threads. A task only copies its state into fresh typed arrays (the
// synchronous part of a checkpoint); the arrays are transferred here, not copied again. A
// copy-on-write snapshot (cow.ts) comes without its columns: this thread asks for them in the
// file's order (`want`), writes its blocks as they arrive and hands each block's buffer back (`back`).

import { parentPort } from 'node:worker_threads';
import { renameSync } from 'node:fs';
import { errorToWire } from '../common/errors.js';
import type { WireError } from '../common/errors.js';
import type { StateHandle } from './storage.js';
import type { OperatorSnapshot } from '../exec/operator.js';
import { CheckpointStorage } from './storage.js';
import { writeStateFileStreamed } from './state-file.js';

export interface WriteRequest {
  readonly req: number;
  readonly dir: string;
  readonly checkpointId: number;
  readonly operatorId: string;
  readonly subtask: number;
  readonly snapshot: OperatorSnapshot;
  /** The buffers transferred with the snapshot: handed back when the file is written. */
  readonly buffers?: readonly ArrayBuffer[];
  /** A copy-on-write snapshot: its columns come as BlockMessages, asked for by `want`. */
  readonly cow?: true;
}

/** One block of a copy-on-write snapshot's column: `bytes` bytes at the start of `buffer`. */
export interface BlockMessage {
  readonly block: { readonly req: number; readonly col: number; readonly buffer: ArrayBuffer; readonly bytes: number };
}

export interface WriteReply {
  readonly req: number;
  readonly handle?: StateHandle;
  readonly error?: WireError;
  readonly buffers?: ArrayBuffer[];
  /** A copy-on-write snapshot: send these columns, in this order. */
  readonly want?: number[];
  /** A copy-on-write snapshot: a block's buffer, written. */
  readonly back?: ArrayBuffer;
}

/** Per copy-on-write write: blocks arrived and not yet written, and who waits for the next. */
const streams = new Map<number, { queue: BlockMessage['block'][]; wake: (() => void) | null }>();

const port = parentPort!;
port.on('message', (m: WriteRequest | BlockMessage) => {
  if ('block' in m) {
    const s = streams.get(m.block.req);
    if (s === undefined) return;
    s.queue.push(m.block);
    s.wake?.();
    return;
  }
  const buffers = [...(m.buffers ?? [])];
  const written = m.cow === true ? writeStreamed(m) : new CheckpointStorage(m.dir).writeState(m.checkpointId, m.operatorId, m.subtask, m.snapshot);
  // the snapshot's buffers go back (moved, not copied) once written, to be filled again
  written.then(
    (handle) => port.postMessage({ req: m.req, handle, buffers } satisfies WriteReply, buffers),
    (e: unknown) => port.postMessage({ req: m.req, error: errorToWire(e), buffers } satisfies WriteReply, buffers),
  );
});

/** Writes a copy-on-write snapshot (as CheckpointStorage.writeState), its columns block by block. */
async function writeStreamed(m: WriteRequest): Promise<StateHandle> {
  const s = { queue: [] as BlockMessage['block'][], wake: null as (() => void) | null };
  streams.set(m.req, s);
  try {
    const { path, tmp, name } = new CheckpointStorage(m.dir).statePath(m.checkpointId, m.operatorId, m.subtask, false);
    const enc = await writeStateFileStreamed(
      tmp,
      m.snapshot,
      async (col, bytes, frame, frames) => {
        // (entries encoded on demand, cow-records.ts: `frames` frames, one block each)
        for (let got = 0, k = 0; frames !== undefined ? k < frames : got < bytes; k++) {
          while (s.queue.length === 0) await new Promise<void>((r) => (s.wake = r));
          s.wake = null;
          const b = s.queue.shift()!;
          if (b.col !== col) throw new Error(`copy-on-write snapshot: block of column ${b.col} while writing column ${col}`);
          frame(new Uint8Array(b.buffer, 0, b.bytes));
          got += b.bytes;
          port.postMessage({ req: m.req, back: b.buffer } satisfies WriteReply, [b.buffer]);
        }
      },
      // every column at once, in the file's order: the blocks come without a pause between columns
      (order) => port.postMessage({ req: m.req, want: order } satisfies WriteReply),
    );
    renameSync(tmp, path);
    return { operatorId: m.operatorId, subtask: m.subtask, file: name, bytes: enc.bytes, checksum: enc.checksum };
  } finally {
    streams.delete(m.req);
  }
}
