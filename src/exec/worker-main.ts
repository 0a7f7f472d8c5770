// A worker thread of a cluster job: builds the job graph, runs its own subtasks, talks to
// the other threads through ports, and reports metrics, completion or failure to the main
// thread (cluster.ts).

import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { errorFromWire, errorToWire } from '../common/errors.js';
import type { PhysicalPlan } from '../plan/physical.js';
import type { JobOptions, PlacementInfo, RestoreState } from './job.js';
import { Job } from './job.js';
import { PortMux } from './remote.js';
import type { ToMain, ToWorker } from './cluster-protocol.js';
import { metricsReport } from './cluster-protocol.js';

interface WorkerInit {
  readonly plan: PhysicalPlan;
  readonly options: JobOptions;
  readonly restore: RestoreState | undefined;
  readonly thread: number;
  readonly placement: PlacementInfo;
  readonly ports: readonly [number, MessagePort][];
  /** The user-defined function modules of the job (src/expr/udf.ts), imported before the job is built. */
  readonly udfModules: readonly string[];
}

const init = workerData as WorkerInit;
const port = parentPort!;
// The job is built at once, or, when it calls user-defined functions, once their modules are
// imported in this thread (the operators compile calls to them when they are built).
function start(): void {
  const muxes = new Map(init.ports.map(([peer, p]) => [peer, new PortMux(p)]));
  const job = new Job(init.plan, init.options, init.restore, { thread: init.thread, placement: init.placement, muxes });
  const post = (m: ToMain): void => port.postMessage(m);

  job.events = {
    onAck: (taskId, id, handles, alignmentMs) => post({ type: 'ack', taskId, id, handles, alignmentMs }),
    onAckFailed: (taskId, id, reason) => post({ type: 'ack-failed', taskId, id, reason }),
    onSourceExhausted: (taskId) => post({ type: 'exhausted', taskId }),
  };

  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'cancel':
        job.cancel();
        break;
      case 'trigger':
        job.triggerCheckpoint(m.id, m.kind);
        break;
      case 'complete':
        void job.notifyCheckpointComplete(m.id).catch((e: unknown) => job.fail(e instanceof Error ? e : new Error(String(e))));
        break;
      case 'fail':
        job.fail(errorFromWire(m.error));
        break;
    }
  });

  const timer = setInterval(() => post({ type: 'metrics', ...metricsReport(job) }), 200);

  job.run().then(
    () => {
      clearInterval(timer);
      post({ type: 'done', ...metricsReport(job) });
      for (const m of muxes.values()) m.close();
      port.close();
    },
    (e: unknown) => {
      clearInterval(timer);
      post({ type: 'error', error: errorToWire(e), ...metricsReport(job) });
      for (const m of muxes.values()) m.close();
      port.close();
    },
  );
}

if (init.udfModules.length === 0) start();
else {
  void import('../expr/udf.js')
    .then(async ({ loadFunctionModule }) => {
      for (const m of init.udfModules) await loadFunctionModule(m);
    })
    .then(start, (e: unknown) => port.postMessage({ type: 'error', error: errorToWire(e), metrics: [], sourceWatermarks: [] } satisfies ToMain));
}
