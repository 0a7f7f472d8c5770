// Finding and loading the checkpoint to restore from (`--restore latest|PATH`).
//
// `latest` takes the newest complete, intact checkpoint of the directory; newer ones that
// are incomplete (no _metadata) or corrupt (a missing, truncated or altered file) are
// skipped and named. A PATH may be a `chk-<n>` directory or a checkpoint directory. The plan
// must be the one the checkpoint was taken with (its fingerprint), unless the user allows
// dropping state the new plan has no operator for.

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { WeirError } from '../common/errors.js';
import type { OperatorSnapshot } from '../exec/operator.js';
import type { CheckpointMetadata } from './storage.js';
import { CheckpointStorage } from './storage.js';

export interface LoadedCheckpoint {
  readonly id: number;
  readonly dir: string;
  readonly meta: CheckpointMetadata;
  readonly operators: Map<string, OperatorSnapshot[]>;
  /** Newer checkpoints skipped, with the reason. */
  readonly skipped: readonly { readonly id: number; readonly reason: string }[];
}

export interface PlanIdentity {
  readonly fingerprint: string;
  readonly maxParallelism: number;
  readonly operatorIds: ReadonlySet<string>;
}

export function loadCheckpoint(target: string, checkpointDir: string, plan: PlanIdentity, allowNonRestoredState: boolean): LoadedCheckpoint {
  let storage: CheckpointStorage;
  let candidates: number[];
  const skipped: { id: number; reason: string }[] = [];
  if (target === 'latest') {
    storage = new CheckpointStorage(checkpointDir);
    candidates = storage.ids().reverse();
  } else {
    const path = resolve(target);
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new WeirError('checkpoint', `--restore ${target}: no such checkpoint directory`);
    const m = /^chk-(\d+)$/.exec(basename(path));
    if (m !== null) {
      storage = new CheckpointStorage(dirname(path));
      candidates = [Number(m[1])];
    } else {
      storage = new CheckpointStorage(path);
      candidates = storage.ids().reverse();
    }
  }
  // newest first; every file is read, checked and decoded once
  let loaded: { meta: CheckpointMetadata; operators: Map<string, OperatorSnapshot[]> } | undefined;
  let id = -1;
  for (const c of candidates) {
    try {
      loaded = storage.load(c);
      id = c;
      break;
    } catch (e) {
      if (target !== 'latest' && candidates.length === 1) throw e;
      skipped.push({ id: c, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  if (loaded === undefined) {
    const why = skipped.length > 0 ? `; skipped: ${skipped.map((s) => `chk-${s.id} (${s.reason})`).join('; ')}` : '';
    throw new WeirError('checkpoint', `no complete checkpoint in ${storage.dir} to restore from${why}`, { hint: 'run without --restore to start from the beginning' });
  }
  const { meta, operators } = loaded;
  if (meta.maxParallelism !== plan.maxParallelism) {
    throw new WeirError('checkpoint', `checkpoint chk-${id} has ${meta.maxParallelism} key groups, this job ${plan.maxParallelism}`, { hint: "keep 'pipeline.max-parallelism' as it was when the checkpoint was taken" });
  }
  if (meta.fingerprint !== plan.fingerprint) {
    const unknown = [...operators.keys()].filter((o) => !plan.operatorIds.has(o));
    if (!allowNonRestoredState) {
      throw new WeirError('checkpoint', `checkpoint chk-${id} was taken by a different query plan (fingerprint ${meta.fingerprint}, this plan ${plan.fingerprint})`, {
        hint: "restore it with the query it was taken with, or SET 'execution.savepoint.ignore-unclaimed-state' = 'true' to start this plan from it and drop state no operator claims",
      });
    }
    for (const o of unknown) operators.delete(o);
  }
  return { id, dir: storage.dir, meta, operators, skipped };
}
