// The state writer thread: encodes snapshots (msgpackr), checksums them and writes them
// durably, off the task threads. A task only copies its state into fresh typed arrays (the
// synchronous part of a checkpoint); the arrays are transferred here, not copied again.

import { parentPort } from 'node:worker_threads';
import { errorToWire } from '../common/errors.js';
import type { OperatorSnapshot } from '../exec/operator.js';
import { CheckpointStorage } from './storage.js';

export interface WriteRequest {
  readonly req: number;
  readonly dir: string;
  readonly checkpointId: number;
  readonly operatorId: string;
  readonly subtask: number;
  readonly snapshot: OperatorSnapshot;
}

const port = parentPort!;
port.on('message', (m: WriteRequest) => {
  new CheckpointStorage(m.dir).writeState(m.checkpointId, m.operatorId, m.subtask, m.snapshot).then(
    (handle) => port.postMessage({ req: m.req, handle }),
    (e: unknown) => port.postMessage({ req: m.req, error: errorToWire(e) }),
  );
});
