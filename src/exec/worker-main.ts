// A worker thread of cluster jobs: for each job it is given, builds the job graph, runs its own
// subtasks, talks to the other threads through ports, and reports metrics, completion or
// failure to the main thread (cluster.ts). A worker runs one job at a time; after a job that
// ended well the main thread keeps it for the next one, so a parallel job does not pay for a
// thread start and a module load (about 200 ms) each time.

import { parentPort } from 'node:worker_threads';
import { errorFromWire, errorToWire } from '../common/errors.js';
import { setSessionTimeZone } from '../common/time-zone.js';
import { Job } from './job.js';
import { loadPlanModules } from './operator-modules.js';
import { PortMux } from './remote.js';
import type { ToMain, ToWorker, WorkerInit } from './cluster-protocol.js';
import { metricsReport } from './cluster-protocol.js';

const port = parentPort!;
const post = (m: ToMain): void => port.postMessage(m);
/** The job running now (null between jobs). */
let current: Job | null = null;
/** Messages for a job still being built (its function modules loading), handed to it once built. */
let early: ToWorker[] | null = null;

port.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    early = [];
    void begin(m.init);
    return;
  }
  if (early !== null) {
    early.push(m);
    return;
  }
  if (current !== null) deliver(current, m);
  // else: a message for a job that already ended
});

function deliver(job: Job, m: ToWorker): void {
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
}

// The job is built once the modules it needs are imported in this thread: the user-defined
// functions' (the operators compile calls to them when they are built) and the operators'.
async function begin(init: WorkerInit): Promise<void> {
  if (init.udfModules.length > 0) {
    try {
      const { loadFunctionModule } = await import('../expr/udf.js');
      for (const m of init.udfModules) await loadFunctionModule(m);
    } catch (e) {
      early = null;
      for (const [, p] of init.ports) p.close();
      post({ type: 'error', error: errorToWire(e), metrics: [], sourceWatermarks: [] });
      return;
    }
  }
  try {
    await loadPlanModules(init.plan);
  } catch (e) {
    early = null;
    for (const [, p] of init.ports) p.close();
    post({ type: 'error', error: errorToWire(e), metrics: [], sourceWatermarks: [] });
    return;
  }
  start(init);
}

function start(init: WorkerInit): void {
  // a job without a zone runs in UTC, as in a new thread, whatever the previous job set
  if (init.options.timeZone === undefined) setSessionTimeZone('UTC');
  const muxes = new Map(init.ports.map(([peer, p]) => [peer, new PortMux(p)]));
  let job: Job;
  try {
    job = new Job(init.plan, init.options, init.restore, { thread: init.thread, placement: init.placement, muxes });
  } catch (e) {
    early = null;
    for (const m of muxes.values()) m.close();
    post({ type: 'error', error: errorToWire(e), metrics: [], sourceWatermarks: [] });
    return;
  }
  current = job;
  job.events = {
    onAck: (taskId, id, handles, alignmentMs) => post({ type: 'ack', taskId, id, handles, alignmentMs }),
    onAckFailed: (taskId, id, reason) => post({ type: 'ack-failed', taskId, id, reason }),
    onSourceExhausted: (taskId) => post({ type: 'exhausted', taskId }),
  };

  // what came while the job was being built (checkpoint triggers, a cancel)
  const queued = early ?? [];
  early = null;
  for (const m of queued) deliver(job, m);

  const timer = setInterval(() => post({ type: 'metrics', ...metricsReport(job) }), 200);
  // the last report goes out after the ports are closed, so the worker is free when it arrives
  const end = (m: ToMain): void => {
    clearInterval(timer);
    for (const x of muxes.values()) x.close();
    current = null;
    post(m);
  };
  job.run().then(
    () => end({ type: 'done', ...metricsReport(job) }),
    (e: unknown) => end({ type: 'error', error: errorToWire(e), ...metricsReport(job) }),
  );
}
