// Checkpoint storage (DESIGN §5):
//
//   <dir>/chk-<n>/<operator-id>-<subtask>.state   one file per operator subtask
//   <dir>/chk-<n>/_metadata                       written last: the checkpoint is complete
//
// A state file is `WEIRSTAT`, a format version (u32), the msgpackr payload (`moreTypes`, so
// typed arrays other than Uint8Array survive), and a SHA-256 of everything before it. Files
// are written to a temporary name, fsynced, renamed, and the directory fsynced. `_metadata`
// (JSON) lists every file with its size and checksum, the plan fingerprint and the
// checkpoint's statistics. A checkpoint without `_metadata`, with a missing or short file, or
// with a checksum that does not match, is incomplete: restore skips it and says why.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { WeirError } from '../common/errors.js';
import type { OperatorSnapshot } from '../exec/operator.js';

const MAGIC = Buffer.from('WEIRSTAT');
export const STATE_VERSION = 1;
const HEADER = MAGIC.length + 4;
const HASH = 32;

// moreTypes: typed arrays other than Uint8Array round-trip (without it they are silently corrupted)
const packr = new Packr({ moreTypes: true });

/** Where a state file is and how to check it. */
export interface StateHandle {
  readonly operatorId: string;
  readonly subtask: number;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface OperatorStats {
  readonly operatorId: string;
  readonly bytes: number;
  readonly subtasks: number;
}

export interface CheckpointMetadata {
  readonly version: number;
  readonly checkpointId: number;
  readonly savepoint: boolean;
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

/** Verifies a whole state file: its trailer is the hash of what precedes it. */
function verifyFile(buf: Buffer, path: string, expected: string): void {
  if (buf.length < HEADER + HASH) throw new WeirError('checkpoint', `${path} is truncated`);
  const body = createHash('sha256').update(buf.subarray(0, buf.length - HASH)).digest('hex');
  if (body !== trailerChecksum(buf) || body !== expected) throw new WeirError('checkpoint', `${path} fails its checksum`);
}

/**
 * The parts of a state file (header, payload, trailer), written in sequence without
 * concatenating them (state can be tens of MB), and the file's checksum: the SHA-256 of
 * header and payload, which is also the trailer.
 */
export function encodeSnapshotParts(s: OperatorSnapshot): { parts: Buffer[]; bytes: number; sha256: string } {
  const payload = packr.pack({ keyed: [...s.keyed.entries()], operator: s.operator });
  const header = Buffer.allocUnsafe(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(STATE_VERSION, MAGIC.length);
  const digest = createHash('sha256').update(header).update(payload).digest();
  return { parts: [header, payload, digest], bytes: HEADER + payload.length + HASH, sha256: digest.toString('hex') };
}

export function encodeSnapshot(s: OperatorSnapshot): Buffer {
  return Buffer.concat(encodeSnapshotParts(s).parts);
}

/** The checksum a state file carries in its trailer (what StateHandle.sha256 records). */
export function trailerChecksum(buf: Buffer): string {
  return buf.subarray(buf.length - HASH).toString('hex');
}

/** Decodes a state file, checking magic, version and checksum; throws WeirError('checkpoint'). */
export function decodeSnapshot(buf: Buffer, file: string, checksumVerified = false): OperatorSnapshot {
  if (buf.length < HEADER + HASH || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new WeirError('checkpoint', `${file} is not a weir state file (or is truncated)`);
  const version = buf.readUInt32LE(MAGIC.length);
  if (version !== STATE_VERSION) throw new WeirError('checkpoint', `${file} has state format version ${version}; this weir reads version ${STATE_VERSION}`);
  if (!checksumVerified) {
    const body = buf.subarray(0, buf.length - HASH);
    const want = buf.subarray(buf.length - HASH);
    if (!createHash('sha256').update(body).digest().equals(want)) throw new WeirError('checkpoint', `${file} fails its checksum`);
  }
  const v = packr.unpack(buf.subarray(HEADER, buf.length - HASH)) as { keyed: [number, unknown[]][]; operator: unknown };
  return { keyed: new Map(v.keyed), operator: v.operator };
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

async function writeDurablyAsync(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, 'w');
  try {
    for (const p of parts) await fh.write(p);
    await fh.sync();
  } finally {
    await fh.close();
  }
  renameSync(tmp, path);
}

export function checkpointDirName(id: number): string {
  return `chk-${id}`;
}

export class CheckpointStorage {
  constructor(readonly dir: string) {}

  /** Encodes and durably writes one operator subtask's snapshot. */
  async writeState(checkpointId: number, operatorId: string, subtask: number, snapshot: OperatorSnapshot): Promise<StateHandle> {
    const chk = join(this.dir, checkpointDirName(checkpointId));
    mkdirSync(chk, { recursive: true });
    const name = `${operatorId}-${subtask}.state`;
    const enc = encodeSnapshotParts(snapshot);
    await writeDurablyAsync(join(chk, name), enc.parts);
    return { operatorId, subtask, file: name, bytes: enc.bytes, sha256: enc.sha256 };
  }

  /** Writes `_metadata` last: from now on the checkpoint is complete. */
  writeMetadata(meta: CheckpointMetadata): void {
    const chk = join(this.dir, checkpointDirName(meta.checkpointId));
    mkdirSync(chk, { recursive: true });
    fsyncDir(chk);
    writeDurably(join(chk, '_metadata'), JSON.stringify(meta, null, 2));
    fsyncDir(chk);
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

  /** Reads and validates a checkpoint's metadata and files; throws WeirError('checkpoint') saying what is wrong. */
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
    for (const h of meta.states) {
      const p = join(chk, h.file);
      if (!existsSync(p)) throw new WeirError('checkpoint', `${p} is missing`);
      const size = statSync(p).size;
      if (size !== h.bytes) throw new WeirError('checkpoint', `${p} has ${size} bytes, the metadata says ${h.bytes} (truncated or changed)`);
    }
    return meta;
  }

  /** Loads every state file of a checkpoint: operator id -> snapshots by subtask. */
  load(id: number): { meta: CheckpointMetadata; operators: Map<string, OperatorSnapshot[]> } {
    const meta = this.validate(id);
    const chk = join(this.dir, checkpointDirName(id));
    const operators = new Map<string, OperatorSnapshot[]>();
    for (const h of meta.states) {
      const p = join(chk, h.file);
      const buf = readFileSync(p);
      verifyFile(buf, p, h.sha256);
      const snap = decodeSnapshot(buf, p, true);
      let list = operators.get(h.operatorId);
      if (list === undefined) {
        list = [];
        operators.set(h.operatorId, list);
      }
      list[h.subtask] = snap;
    }
    return { meta, operators };
  }

  /**
   * The newest complete and intact checkpoint, and the newer ones skipped with the reason.
   * Checksums of every file are verified (the state is then loaded by the caller).
   */
  latest(): { id: number | undefined; skipped: { id: number; reason: string }[] } {
    const skipped: { id: number; reason: string }[] = [];
    const ids = this.ids().reverse();
    for (const id of ids) {
      try {
        const meta = this.validate(id);
        const chk = join(this.dir, checkpointDirName(id));
        for (const h of meta.states) {
          const p = join(chk, h.file);
          verifyFile(readFileSync(p), p, h.sha256);
        }
        return { id, skipped };
      } catch (e) {
        skipped.push({ id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    return { id: undefined, skipped };
  }

  /** Keeps the newest `retain` complete checkpoints; deletes older ones and older incomplete ones. */
  retain(retain: number, current: number): void {
    const complete = this.ids().filter((id) => existsSync(join(this.dir, checkpointDirName(id), '_metadata')));
    const keep = new Set(complete.slice(-retain));
    const oldestKept = Math.min(...keep);
    for (const id of this.ids()) {
      if (keep.has(id) || id >= current) continue;
      // incomplete checkpoints newer than the oldest kept may still be in progress elsewhere: only older ones go
      if (!complete.includes(id) && id > oldestKept) continue;
      rmSync(join(this.dir, checkpointDirName(id)), { recursive: true, force: true });
    }
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
