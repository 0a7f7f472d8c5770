// The REPL's background jobs: each INSERT INTO (or statement set) runs as a job of its own
// while the prompt stays available. SHOW JOBS lists them; STOP JOB 'id' stops one with a
// savepoint, from which `SET 'execution.savepoint.path'` and the same INSERT resume it.

import { randomBytes } from 'node:crypto';
import type { RunningJob, JobSummary } from '../../exec/job-runner.js';
import { formatCount } from '../../exec/job-runner.js';

export type JobStatus = 'RUNNING' | 'STOPPING' | 'FINISHED' | 'STOPPED' | 'FAILED' | 'CANCELED';

export class BackgroundJob {
  status: JobStatus = 'RUNNING';
  summary: JobSummary | undefined;
  error: unknown;
  readonly startedAt = new Date();
  endedAt: Date | undefined;
  /** Resolves when the job has ended, however it ended. */
  readonly done: Promise<void>;

  constructor(
    readonly id: string,
    /** The statement as typed, on one line. */
    readonly statement: string,
    readonly running: RunningJob,
    readonly checkpointDir: string,
    onEnd: (job: BackgroundJob) => void,
  ) {
    this.done = running.run().then(
      (s) => {
        this.summary = s;
        this.status = this.status === 'STOPPING' ? 'STOPPED' : this.running.cancelled ? 'CANCELED' : 'FINISHED';
        this.endedAt = new Date();
        onEnd(this);
      },
      (e: unknown) => {
        this.error = e;
        this.status = 'FAILED';
        this.endedAt = new Date();
        onEnd(this);
      },
    );
  }

  get active(): boolean {
    return this.status === 'RUNNING' || this.status === 'STOPPING';
  }

  /** Stops with a savepoint (checkpointing is always on for background jobs). */
  stop(): void {
    if (!this.active) return;
    this.status = 'STOPPING';
    this.running.stop();
  }

  /** The checkpoint the job ended with, when it took one. */
  get lastCheckpoint(): string | undefined {
    const last = this.running.runner?.stats.last;
    return last === undefined ? undefined : `${this.checkpointDir}/chk-${last.id}`;
  }
}

export class JobRegistry {
  readonly jobs: BackgroundJob[] = [];

  static newId(): string {
    return randomBytes(4).toString('hex');
  }

  add(job: BackgroundJob): void {
    this.jobs.push(job);
  }

  get(id: string): BackgroundJob | undefined {
    return this.jobs.find((j) => j.id === id);
  }

  active(): BackgroundJob[] {
    return this.jobs.filter((j) => j.active);
  }

  /** SHOW JOBS: one row per job of the session, oldest first. */
  table(): { header: string[]; rows: string[][] } {
    const header = ['job id', 'status', 'started', 'rows read', 'rows written', 'last checkpoint', 'statement'];
    const rows = this.jobs.map((j) => {
      const s = j.summary ?? j.running.summary();
      const stmt = j.statement.length > 40 ? `${j.statement.slice(0, 37)}...` : j.statement;
      return [j.id, j.status, j.startedAt.toTimeString().slice(0, 8), formatCount(s.rowsRead), formatCount(s.rowsWritten), j.lastCheckpoint ?? '', stmt];
    });
    return { header, rows };
  }
}
