// Checkpoint storage (DESIGN §5):
//
//   <dir>/chk-<n>/<operator-id>-<subtask>.state   a full snapshot of one operator subtask
//   <dir>/chk-<n>/<operator-id>-<subtask>.delta   what changed since the previous checkpoint
//                                                 (incremental checkpoints)
//   <dir>/chk-<n>/_metadata                       written last: the checkpoint is complete
//
// State files are in the format of state-file.ts (streamed, xxHash64). Files are written to
// a temporary name, fsynced, renamed, and the directory fsynced. `_metadata` (JSON) lists, for
// every operator subtask, every file its state needs (`chain`: a full snapshot, then the
// deltas after it, each with its path relative to <dir>, size and checksum), so a checkpoint
// may refer to files of earlier checkpoints; a file is deleted only when no retained
// checkpoint refers to it. A checkpoint without `_metadata`, or with a missing, short or
// altered file anywhere in its chains, is unusable: restore skips it, names the file and why.
// Metadata of version 1 (weir before incremental checkpoints: `file` within the checkpoint's
// directory, a SHA-256) is still read.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import xxhash from 'xxhash-wasm';
import { WeirError } from '../common/errors.js';
import type { OperatorSnapshot } from '../exec/operator.js';
import { encodeState, readStateFile, writeStateFile } from './state-file.js';

export { decodeSnapshot, encodeSnapshot, STATE_VERSION } from './state-file.js';

export const METADATA_VERSION = 2;
const { create64 } = await xxhash();

/** One state file a checkpoint needs. */
export interface StateFile {
  /** Relative to the checkpoint directory (`chk-<n>/<name>`). */
  readonly path: string;
  readonly bytes: number;
  /** xxHash64 (hex), as in the file's trailer. */
  readonly checksum: string;
}

/** Where an operator subtask's state is and how to check it. */
export interface StateHandle {
  readonly operatorId: string;
  readonly subtask: number;
  /** This checkpoint's own file, within its chk-<n> directory. */
  readonly file: string;
  /** Size of this checkpoint's own file. */
  readonly bytes: number;
  /** Checksum of the own file: xxHash64 hex (metadata version 2). */
  readonly checksum?: string;
  /** SHA-256 of the file (metadata version 1). */
  readonly sha256?: string;
  /** The own file is a delta continuing the state of this checkpoint (set by the writer). */
  readonly deltaOf?: number;
  /** Every file to read, full snapshot first, then deltas in order (metadata version 2). */
  readonly chain?: readonly StateFile[];
}

export interface OperatorStats {
  readonly operatorId: string;
  /** Bytes this checkpoint wrote for the operator. */
  readonly bytes: number;
  readonly subtasks: number;
  /** Bytes of every file the operator's state needs (its own and earlier checkpoints'). */
  readonly referencedBytes?: number;
}

export interface CheckpointMetadata {
  readonly version: number;
  readonly checkpointId: number;
  readonly savepoint: boolean;
  /** Incremental: some state refers to files of earlier checkpoints. */
  readonly incremental?: boolean;
  /** The job's plan fingerprint; a restore into another plan is refused. */
  readonly fingerprint: string;
  readonly maxParallelism: number;
  readonly triggeredAt: number;
  readonly completedAt: number;
  readonly durationMs: number;
  /** Longest barrier alignment of any task. */
  readonly alignmentMs: number;
  readonly states: readonly StateHandle[];
  readonly operators: readonly OperatorStats[];
}

/** The files a handle needs, paths relative to the checkpoint directory. */
export function filesOf(meta: CheckpointMetadata, h: StateHandle): readonly StateFile[] {
  if (h.chain !== undefined) return h.chain;
  return [{ path: `${checkpointDirName(meta.checkpointId)}/${h.file}`, bytes: h.bytes, checksum: h.sha256 ?? h.checksum ?? '' }];
}

/** A file of format 1 carries a SHA-256 (64 hex digits), of format 2 an xxHash64 (16). */
function isSha256(f: StateFile): boolean {
  return f.checksum.length === 64;
}

/** Bytes this checkpoint wrote, and bytes of every file it needs. */
export function checkpointSizes(meta: CheckpointMetadata): { own: number; referenced: number } {
  let own = 0;
  let referenced = 0;
  for (const h of meta.states) {
    own += h.bytes;
    for (const f of filesOf(meta, h)) referenced += f.bytes;
  }
  return { own, referenced };
}

/** Streams a whole file through the checksum of its format; compares with the trailer and `expected`. */
function verifyFile(path: string, expected: string, bytes: number, v1: boolean): void {
  const fd = openSync(path, 'r');
  try {
    const tail = v1 ? 32 : 8;
    if (bytes < 12 + tail) throw new WeirError('checkpoint', `${path} is truncated`);
    const h = v1 ? createHash('sha256') : null;
    const x = v1 ? null : create64();
    const piece = Buffer.allocUnsafe(Math.min(8 << 20, bytes));
    let pos = 0;
    const body = bytes - tail;
    while (pos < body) {
      const want = Math.min(piece.length, body - pos);
      const n = readSync(fd, piece, 0, want, pos);
      if (n === 0) throw new WeirError('checkpoint', `${path} is truncated`);
      if (h !== null) h.update(piece.subarray(0, n));
      else x!.update(piece.subarray(0, n));
      pos += n;
    }
    const trailer = Buffer.allocUnsafe(tail);
    readSync(fd, trailer, 0, tail, body);
    const actual = h !== null ? h.digest('hex') : x!.digest().toString(16).padStart(16, '0');
    const recorded = v1 ? trailer.toString('hex') : trailer.readBigUInt64LE(0).toString(16).padStart(16, '0');
    if (actual !== recorded || actual !== expected) throw new WeirError('checkpoint', `${path} fails its checksum`);
  } finally {
    closeSync(fd);
  }
}

/** The in-memory encoding of a snapshot (sizes in benchmarks). */
export function encodeSnapshotParts(s: OperatorSnapshot): { parts: Buffer[]; bytes: number; checksum: string } {
  const parts: Buffer[] = [];
  const r = encodeState(s, { write: (b) => parts.push(Buffer.from(b)) });
  return { parts, ...r };
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems do not support fsync on directories
  }
}

/** fsyncDir off the calling thread (libuv's pool). */
async function fsyncDirAsync(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // some file systems do not support fsync on directories
  } finally {
    await fh?.close();
  }
}

/** writeDurably off the calling thread: the write, fsync and rename run in libuv's pool. */
export async function writeDurablyAsync(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Writes bytes durably: temp file, fsync, rename. */
export function writeDurably(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function checkpointDirName(id: number): string {
  return `chk-${id}`;
}

export class CheckpointStorage {
  constructor(readonly dir: string) {}

  /**
   * Encodes and durably writes one operator subtask's snapshot, block by block (no copy of
   * the whole state). A snapshot with `deltaOf` is a delta: its handle says which checkpoint
   * it continues, and the runner appends it to that checkpoint's chain.
   */
  /** Where an operator subtask's state file goes (its checkpoint's directory made): its name, path, and a temporary path to write first. */
  statePath(checkpointId: number, operatorId: string, subtask: number, delta: boolean): { name: string; path: string; tmp: string } {
    const chk = join(this.dir, checkpointDirName(checkpointId));
    mkdirSync(chk, { recursive: true });
    const name = `${operatorId}-${subtask}.${delta ? 'delta' : 'state'}`;
    const path = join(chk, name);
    return { name, path, tmp: `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}` };
  }

  async writeState(checkpointId: number, operatorId: string, subtask: number, snapshot: OperatorSnapshot): Promise<StateHandle> {
    const delta = snapshot.deltaOf !== undefined;
    const { name, path, tmp } = this.statePath(checkpointId, operatorId, subtask, delta);
    const enc = writeStateFile(tmp, snapshot);
    renameSync(tmp, path);
    return { operatorId, subtask, file: name, bytes: enc.bytes, checksum: enc.checksum, ...(delta ? { deltaOf: snapshot.deltaOf } : {}) };
  }

  /** Writes `_metadata` last: from now on the checkpoint is complete. */
  writeMetadata(meta: CheckpointMetadata): void {
    const chk = join(this.dir, checkpointDirName(meta.checkpointId));
    mkdirSync(chk, { recursive: true });
    fsyncDir(chk);
    writeDurably(join(chk, '_metadata'), JSON.stringify(meta, null, 2));
    fsyncDir(chk);
  }

  /**
   * writeMetadata off the calling thread (the fsyncs of `_metadata` and of its directory wait on
   * the disk): the checkpoint is complete when the promise resolves, and not before.
   */
  async writeMetadataAsync(meta: CheckpointMetadata): Promise<void> {
    const chk = join(this.dir, checkpointDirName(meta.checkpointId));
    await mkdir(chk, { recursive: true });
    await fsyncDirAsync(chk);
    await writeDurablyAsync(join(chk, '_metadata'), JSON.stringify(meta, null, 2));
    await fsyncDirAsync(chk);
  }

  /** Checkpoint ids present in the directory (complete or not), ascending. */
  ids(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((n) => /^chk-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** Reads a checkpoint's metadata, or undefined when it has none (incomplete or dropped). */
  metadata(id: number): CheckpointMetadata | undefined {
    const metaPath = join(this.dir, checkpointDirName(id), '_metadata');
    if (!existsSync(metaPath)) return undefined;
    try {
      return JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMetadata;
    } catch {
      return undefined;
    }
  }

  /**
   * Reads and validates a checkpoint's metadata and that every file it needs (in any chain)
   * is there with its size; throws WeirError('checkpoint') naming the file and saying why.
   */
  validate(id: number): CheckpointMetadata {
    const chk = join(this.dir, checkpointDirName(id));
    const metaPath = join(chk, '_metadata');
    if (!existsSync(metaPath)) throw new WeirError('checkpoint', `${chk} has no _metadata (the checkpoint did not complete)`);
    let meta: CheckpointMetadata;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMetadata;
    } catch {
      throw new WeirError('checkpoint', `${metaPath} is not readable JSON`);
    }
    if (meta.checkpointId !== id || !Array.isArray(meta.states)) throw new WeirError('checkpoint', `${metaPath} does not describe checkpoint ${id}`);
    if (typeof meta.version !== 'number' || meta.version > METADATA_VERSION) {
      throw new WeirError('checkpoint', `${metaPath} has metadata version ${String(meta.version)}; this weir reads versions 1 and ${METADATA_VERSION}`, { hint: 'restore it with the weir that took it' });
    }
    for (const h of meta.states) {
      for (const f of filesOf(meta, h)) {
        const p = join(this.dir, f.path);
        const which = f.path.startsWith(`${checkpointDirName(id)}/`) ? '' : ` (a file of an earlier checkpoint chk-${id} refers to)`;
        if (!existsSync(p)) throw new WeirError('checkpoint', `${p} is missing${which}`);
        const size = statSync(p).size;
        if (size !== f.bytes) throw new WeirError('checkpoint', `${p} has ${size} bytes, the metadata says ${f.bytes} (truncated or changed)${which}`);
      }
    }
    return meta;
  }

  /**
   * Loads every state file of a checkpoint: operator id -> snapshots by subtask. A chain (a
   * full snapshot and deltas) becomes one snapshot whose keyed entries are the base's, then
   * each delta's, in order (the operator's restore applies them in that order); its operator
   * state is the newest file's.
   */
  load(id: number): { meta: CheckpointMetadata; operators: Map<string, OperatorSnapshot[]> } {
    const meta = this.validate(id);
    const operators = new Map<string, OperatorSnapshot[]>();
    for (const h of meta.states) {
      let merged: OperatorSnapshot | undefined;
      for (const f of filesOf(meta, h)) {
        const p = join(this.dir, f.path);
        const snap = readChecked(p, f, isSha256(f), id);
        if (merged === undefined) merged = { keyed: snap.keyed, operator: snap.operator };
        else {
          for (const [kg, entries] of snap.keyed) {
            const list = merged.keyed.get(kg);
            if (list === undefined) merged.keyed.set(kg, entries);
            else for (const e of entries) list.push(e);
          }
          merged = { keyed: merged.keyed, operator: snap.operator };
        }
      }
      let list = operators.get(h.operatorId);
      if (list === undefined) {
        list = [];
        operators.set(h.operatorId, list);
      }
      list[h.subtask] = merged!;
    }
    return { meta, operators };
  }

  /**
   * The newest complete and intact checkpoint, and the newer ones skipped with the reason.
   * Checksums of every file of every chain are verified (the state is then loaded by the caller).
   */
  latest(): { id: number | undefined; skipped: { id: number; reason: string }[] } {
    const skipped: { id: number; reason: string }[] = [];
    const ids = this.ids().reverse();
    for (const id of ids) {
      try {
        const meta = this.validate(id);
        for (const h of meta.states) for (const f of filesOf(meta, h)) verifyFile(join(this.dir, f.path), f.checksum, f.bytes, isSha256(f));
        return { id, skipped };
      } catch (e) {
        skipped.push({ id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    return { id: undefined, skipped };
  }

  /**
   * Keeps the newest `retain` complete checkpoints. Of older ones (and older incomplete ones)
   * every file no kept checkpoint refers to is deleted, and the directory when nothing in it is
   * referred to; a dropped checkpoint whose files later checkpoints still need loses its
   * `_metadata` (it can no longer be restored by itself) and keeps those files.
   */
  retain(retain: number, current: number): void {
    for (const p of this.dropList(retain, current)) rmSync(p, { recursive: true, force: true });
  }

  /**
   * retain, with the deletes off the calling thread (removing a large state file waits on the
   * file system): the paths are chosen first, then removed in order (a dropped checkpoint's
   * `_metadata` before its other files). A delete that fails rejects, naming the path; the
   * checkpoints kept are untouched either way.
   */
  async retainAsync(retain: number, current: number): Promise<void> {
    for (const p of this.dropList(retain, current)) {
      try {
        await rm(p, { recursive: true, force: true });
      } catch (e) {
        throw new WeirError('checkpoint', `retention could not delete ${p}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** What retain deletes, in order. */
  private dropList(retain: number, current: number): string[] {
    const out: string[] = [];
    const complete = this.ids().filter((id) => existsSync(join(this.dir, checkpointDirName(id), '_metadata')));
    const keep = new Set(complete.slice(-retain));
    const oldestKept = Math.min(...keep);
    const referenced = new Set<string>();
    for (const id of keep) {
      const meta = this.metadata(id);
      if (meta === undefined) continue;
      for (const h of meta.states) for (const f of filesOf(meta, h)) referenced.add(f.path);
    }
    for (const id of this.ids()) {
      if (keep.has(id) || id >= current) continue;
      // incomplete checkpoints newer than the oldest kept may still be in progress elsewhere: only older ones go
      if (!complete.includes(id) && id > oldestKept) continue;
      const name = checkpointDirName(id);
      const chk = join(this.dir, name);
      const files = readdirSync(chk);
      if (!files.some((f) => referenced.has(`${name}/${f}`))) {
        out.push(chk);
        continue;
      }
      // _metadata first: from then on the directory is not a checkpoint
      out.push(join(chk, '_metadata'));
      for (const f of files) if (f !== '_metadata' && !referenced.has(`${name}/${f}`)) out.push(join(chk, f));
    }
    return out;
  }

  /** Removes a failed checkpoint's directory. */
  discard(id: number): void {
    rmSync(join(this.dir, checkpointDirName(id)), { recursive: true, force: true });
  }

  /** The next checkpoint id: one past every id present. */
  nextId(): number {
    const ids = this.ids();
    return ids.length === 0 ? 1 : ids[ids.length - 1]! + 1;
  }
}

/** Reads one file of a chain, after checking that its trailer is the checksum the metadata recorded. */
function readChecked(p: string, f: StateFile, v1: boolean, id: number): OperatorSnapshot {
  const fd = openSync(p, 'r');
  let recorded: string;
  try {
    const tail = Buffer.allocUnsafe(v1 ? 32 : 8);
    readSync(fd, tail, 0, tail.length, Math.max(0, f.bytes - tail.length));
    recorded = v1 ? tail.toString('hex') : tail.readBigUInt64LE(0).toString(16).padStart(16, '0');
  } finally {
    closeSync(fd);
  }
  if (recorded !== f.checksum) throw new WeirError('checkpoint', `${p} fails its checksum (not the file chk-${id} recorded)`);
  return readStateFile(p);
}
