// The state writer thread: encodes snapshots (msgpackr), checksums them and writes them
// durably, off the task threads. A task only copies its state into fresh typed arrays (the
// synchronous part of a checkpoint); the arrays are transferred here, not copied again.

import { parentPort } from 'node:worker_threads';
import { errorToWire } from '../common/errors.js';
import type { WireError } from '../common/errors.js';
import type { StateHandle } from './storage.js';
import type { OperatorSnapshot } from '../exec/operator.js';
import { CheckpointStorage } from './storage.js';

export interface WriteRequest {
  readonly req: number;
  readonly dir: string;
  readonly checkpointId: number;
  readonly operatorId: string;
  readonly subtask: number;
  readonly snapshot: OperatorSnapshot;
  /** The buffers transferred with the snapshot: handed back when the file is written. */
  readonly buffers?: readonly ArrayBuffer[];
}

export interface WriteReply {
  readonly req: number;
  readonly handle?: StateHandle;
  readonly error?: WireError;
  readonly buffers?: ArrayBuffer[];
}

const port = parentPort!;
port.on('message', (m: WriteRequest) => {
  const buffers = [...(m.buffers ?? [])];
  // the snapshot's buffers go back (moved, not copied) once written, to be filled again
  new CheckpointStorage(m.dir).writeState(m.checkpointId, m.operatorId, m.subtask, m.snapshot).then(
    (handle) => port.postMessage({ req: m.req, handle, buffers } satisfies WriteReply, buffers),
    (e: unknown) => port.postMessage({ req: m.req, error: errorToWire(e), buffers } satisfies WriteReply, buffers),
  );
});
