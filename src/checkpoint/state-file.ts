// The state file format, version 2: written and read as a stream, block by block, with no
// copy of the whole state and no limit on its size (`readFileSync` refuses files over 2 GiB;
// this never reads a file whole).
//
//   'WEIRSTAT'  u32 version (2)
//   frames:     u64 length, then that many bytes
//                 frame 0: the skeleton (msgpackr): the snapshot with every large typed
//                          array and every long plain array replaced by a placeholder
//                 then, placeholder by placeholder (depth-first, the order of the skeleton):
//                   a typed array: its raw bytes (little-endian, this machine's order), in
//                                  frames of at most 64 MiB
//                   a plain array: msgpackr-packed slices of 16,384 elements, one per frame
//   trailer:    u64 xxHash64 of everything before it
//
// The reader allocates each typed array at its final size and reads its bytes straight into
// it; the checksum is computed while reading (a file that fails it is never handed on).
// Version 1 files (one msgpackr payload and a SHA-256 trailer, weir before incremental
// checkpoints) are still read, from memory: they were written whole, so they are under 2 GiB
// in practice; a larger one is refused with the reason.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs';
import xxhash from 'xxhash-wasm';
import { WeirError, internalError } from '../common/errors.js';
import { COW, isCowPlaceholder } from './cow.js';
import { BIG_ARRAY, SLICE, isPackedArray, packedLength, packr } from './packed-array.js';
import { PACKED_COLUMN } from './cow-records.js';
import type { OperatorSnapshot } from '../exec/operator.js';

export const MAGIC = Buffer.from('WEIRSTAT');
export const STATE_VERSION = 2;
const HEADER = MAGIC.length + 4;
const TRAILER = 8;
const V1_HASH = 32;
/** Typed arrays at least this long (bytes) get frames of their own. */
const BIG_TYPED = 4096;
const MAX_FRAME = 64 << 20;
/** Pieces hashed and read at a time (small enough that the hash reads what was just read from cache). */
const PIECE = 1 << 20;
const MAX_READ_V1 = 0x7fffffff;

const { create64 } = await xxhash();

const TA = '\u0000weir-typed';
const ARR = '\u0000weir-array';
const MAP = '\u0000weir-map';

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray | BigInt64Array | BigUint64Array;
const CTORS: Record<string, new (n: number) => TypedArray> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
};

function isPlainObject(v: object): boolean {
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** The skeleton of `v`: large arrays replaced by placeholders, themselves pushed to `big`. */
function extract(v: unknown, big: unknown[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (isCowPlaceholder(v)) {
    // a key group's entries encoded on demand (cow-records.ts): written as a plain array of them
    if (v.t === PACKED_COLUMN) {
      big.push(v);
      return { [ARR]: v.n };
    }
    // a column of a copy-on-write snapshot: written as the typed array it stands for
    if (CTORS[v.t] === undefined) throw internalError(`copy-on-write column of type ${v.t}`);
    big.push(v);
    return { [TA]: v.t, n: v.n };
  }
  if (isPackedArray(v)) {
    // a long plain array packed at the barrier (packed-array.ts): written as those slices
    big.push(v);
    return { [ARR]: packedLength(v) };
  }
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView || v.byteLength < BIG_TYPED || CTORS[v.constructor.name] === undefined) return v;
    big.push(v);
    return { [TA]: v.constructor.name, n: (v as TypedArray).length };
  }
  if (Array.isArray(v)) {
    if (v.length >= BIG_ARRAY) {
      big.push(v);
      return { [ARR]: v.length };
    }
    return v.map((x) => extract(x, big));
  }
  if (v instanceof Map) return { [MAP]: [...v.entries()].map(([k, x]) => [k, extract(x, big)]) };
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = extract(x, big);
  return out;
}

/** Where encoded bytes go, in order. */
export interface ByteSink {
  write(bytes: Uint8Array): void;
}

/** Frames into a sink, hashed and counted as they go. */
class FrameWriter {
  private readonly hash = create64();
  bytes = 0;
  constructor(private readonly sink: ByteSink) {}

  put(b: Uint8Array): void {
    for (let off = 0; off < b.length; off += PIECE) this.hash.update(b.subarray(off, Math.min(b.length, off + PIECE)));
    this.sink.write(b);
    this.bytes += b.length;
  }

  /** A frame: its length, then the bytes. */
  frame(b: Uint8Array): void {
    const h = Buffer.allocUnsafe(8);
    h.writeUInt32LE(b.length % 0x100000000, 0);
    h.writeUInt32LE(Math.floor(b.length / 0x100000000), 4);
    this.put(h);
    this.put(b);
  }

  /** The header and the skeleton frame; returns the large arrays (or columns of a copy-on-write snapshot) to write next, in order. */
  begin(s: OperatorSnapshot): unknown[] {
    const header = Buffer.allocUnsafe(HEADER);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(STATE_VERSION, MAGIC.length);
    this.put(header);
    const big: unknown[] = [];
    this.frame(packr().pack(extract({ keyed: s.keyed, operator: s.operator }, big)));
    return big;
  }

  /** A large array's frames: a plain array in packed slices, a typed array's raw bytes. */
  array(b: unknown): void {
    if (isPackedArray(b)) {
      for (const slice of b.slices) this.frame(slice);
      return;
    }
    if (Array.isArray(b)) {
      for (let i = 0; i < b.length; i += SLICE) this.frame(packr().pack(b.slice(i, i + SLICE)));
      return;
    }
    const t = b as TypedArray;
    const raw = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
    for (let off = 0; off < raw.length; off += MAX_FRAME) this.frame(raw.subarray(off, Math.min(raw.length, off + MAX_FRAME)));
  }

  /** The trailer (the checksum of everything before it); returns the byte count and the checksum. */
  end(): { bytes: number; checksum: string } {
    const digest = this.hash.digest();
    const trailer = Buffer.allocUnsafe(TRAILER);
    trailer.writeBigUInt64LE(digest);
    this.sink.write(trailer);
    this.bytes += TRAILER;
    return { bytes: this.bytes, checksum: hex(digest) };
  }
}

/**
 * Encodes a snapshot frame by frame into `sink`; returns the byte count and the checksum
 * (xxHash64, hex). Nothing but the skeleton and one slice at a time is ever copied.
 */
export function encodeState(s: OperatorSnapshot, sink: ByteSink): { bytes: number; checksum: string } {
  const w = new FrameWriter(sink);
  for (const b of w.begin(s)) {
    if (isCowPlaceholder(b)) throw internalError('a copy-on-write snapshot is written by the state writer only');
    w.array(b);
  }
  return w.end();
}

function hex(d: bigint): string {
  return d.toString(16).padStart(16, '0');
}

/** A file sink of `fd`. */
function fileSink(fd: number): ByteSink {
  return {
    write(b) {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    },
  };
}

/** Writes a snapshot to `path` (a new file), fsynced; returns its size and checksum. */
export function writeStateFile(path: string, s: OperatorSnapshot): { bytes: number; checksum: string } {
  const fd = openSync(path, 'w');
  try {
    const r = encodeState(s, fileSink(fd));
    fsyncSync(fd);
    return r;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a copy-on-write snapshot (checkpoint/cow.ts) to `path`: as writeStateFile, except that
 * each column placeholder's bytes come from `column(index, bytes, frame)`, which hands them to
 * `frame` in order (each call one frame) and resolves once it has handed over `bytes` bytes
 * (or, given `frames`, that many frames: a key group's entries encoded on demand, cow-records.ts).
 * The file is the same as an eager snapshot's: a typed array of frames.
 */
export async function writeStateFileStreamed(
  path: string,
  s: OperatorSnapshot,
  column: (index: number, bytes: number, frame: (b: Uint8Array) => void, frames?: number) => Promise<void>,
  /** Told first, once, the columns in the order they will be asked for. */
  order?: (indexes: number[]) => void,
): Promise<{ bytes: number; checksum: string }> {
  const fd = openSync(path, 'w');
  try {
    const w = new FrameWriter(fileSink(fd));
    const big = w.begin(s);
    order?.(big.filter(isCowPlaceholder).map((b) => b[COW]));
    for (const b of big) {
      if (!isCowPlaceholder(b)) {
        w.array(b);
        continue;
      }
      if (b.t === PACKED_COLUMN) {
        // a plain array's packed slices (cow-records.ts), one frame each
        const frames = Math.ceil(b.n / SLICE);
        let k = 0;
        await column(
          b[COW],
          0,
          (chunk) => {
            if (chunk.length === 0 || ++k > frames) throw internalError(`copy-on-write entries ${b[COW]}: frame ${k} of ${frames}`);
            w.frame(chunk);
          },
          frames,
        );
        if (k !== frames) throw internalError(`copy-on-write entries ${b[COW]}: ${k} frames of ${frames}`);
        continue;
      }
      const bytes = b.n * CTORS[b.t]!.prototype.BYTES_PER_ELEMENT;
      let got = 0;
      await column(b[COW], bytes, (chunk) => {
        if (chunk.length === 0 || got + chunk.length > bytes) throw internalError(`copy-on-write column ${b[COW]}: ${got + chunk.length} bytes of ${bytes}`);
        got += chunk.length;
        w.frame(chunk);
      });
      if (got !== bytes) throw internalError(`copy-on-write column ${b[COW]}: ${got} bytes of ${bytes}`);
    }
    const r = w.end();
    fsyncSync(fd);
    return r;
  } finally {
    closeSync(fd);
  }
}

/** A snapshot encoded in memory (small states, tests). */
export function encodeSnapshot(s: OperatorSnapshot): Buffer {
  const parts: Buffer[] = [];
  encodeState(s, { write: (b) => parts.push(Buffer.from(b)) });
  return Buffer.concat(parts);
}

/** Sequential reads of a state file's bytes. */
interface ByteSource {
  readonly size: number;
  /** Fills `into` completely from the current position, or throws at the end. */
  read(into: Uint8Array): void;
}

class BufferSource implements ByteSource {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get size(): number {
    return this.buf.length;
  }
  read(into: Uint8Array): void {
    if (this.pos + into.length > this.buf.length) throw new RangeError('end of file');
    into.set(this.buf.subarray(this.pos, this.pos + into.length));
    this.pos += into.length;
  }
}

class FileSource implements ByteSource {
  private pos = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}
  read(into: Uint8Array): void {
    let off = 0;
    while (off < into.length) {
      const n = readSync(this.fd, into, off, Math.min(into.length - off, 1 << 30), this.pos);
      if (n === 0) throw new RangeError('end of file');
      off += n;
      this.pos += n;
    }
  }
}

/** Decodes a version 2 state from `src` (positioned after the header), checking the checksum. */
function decodeV2(src: ByteSource, file: string, header: Uint8Array): OperatorSnapshot {
  const hash = create64();
  hash.update(header);
  let consumed = HEADER;
  const bodyEnd = src.size - TRAILER;
  const readHashed = (into: Uint8Array): void => {
    if (consumed + into.length > bodyEnd) throw new WeirError('checkpoint', `${file} fails its checksum (a frame runs past the end: truncated or altered)`);
    for (let off = 0; off < into.length; off += PIECE) {
      const piece = into.subarray(off, Math.min(into.length, off + PIECE));
      src.read(piece);
      hash.update(piece);
    }
    consumed += into.length;
  };
  const lenBuf = Buffer.allocUnsafe(8);
  const frameLength = (): number => {
    readHashed(lenBuf);
    return lenBuf.readUInt32LE(0) + lenBuf.readUInt32LE(4) * 0x100000000;
  };
  const frame = (): Buffer => {
    const b = Buffer.allocUnsafe(frameLength());
    readHashed(b);
    return b;
  };
  const unpack = (b: Buffer, what: string): unknown => {
    try {
      return packr().unpack(b);
    } catch {
      throw new WeirError('checkpoint', `${file} fails its checksum (${what} does not decode)`);
    }
  };
  const revive = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) return v.map(revive);
    const o = v as Record<string, unknown>;
    if (typeof o[TA] === 'string') {
      const Ctor = CTORS[o[TA]];
      if (Ctor === undefined) throw new WeirError('checkpoint', `${file} fails its checksum (unknown array type)`);
      const t = new Ctor(o.n as number);
      const raw = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
      for (let off = 0; off < raw.length; ) {
        const len = frameLength();
        if (len === 0 || off + len > raw.length) throw new WeirError('checkpoint', `${file} fails its checksum (a frame has the wrong length)`);
        readHashed(raw.subarray(off, off + len));
        off += len;
      }
      return t;
    }
    if (typeof o[ARR] === 'number') {
      const n = o[ARR];
      const out: unknown[] = new Array<unknown>(n);
      for (let i = 0; i < n; ) {
        const slice = unpack(frame(), 'an array slice') as unknown[];
        if (!Array.isArray(slice) || slice.length === 0 || i + slice.length > n) throw new WeirError('checkpoint', `${file} fails its checksum (an array slice has the wrong length)`);
        for (let j = 0; j < slice.length; j++) out[i + j] = slice[j];
        i += slice.length;
      }
      return out;
    }
    if (Array.isArray(o[MAP])) return new Map((o[MAP] as [unknown, unknown][]).map(([k, x]) => [k, revive(x)]));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = revive(x);
    return out;
  };
  let value: { keyed: Map<number, unknown[]>; operator: unknown };
  try {
    value = revive(unpack(frame(), 'the skeleton')) as typeof value;
  } catch (e) {
    if (e instanceof RangeError) throw new WeirError('checkpoint', `${file} is truncated`);
    throw e;
  }
  if (consumed !== bodyEnd) throw new WeirError('checkpoint', `${file} fails its checksum (${bodyEnd - consumed} bytes after the last frame)`);
  const trailer = Buffer.allocUnsafe(TRAILER);
  src.read(trailer);
  if (trailer.readBigUInt64LE(0) !== hash.digest()) throw new WeirError('checkpoint', `${file} fails its checksum`);
  if (!(value.keyed instanceof Map)) throw new WeirError('checkpoint', `${file} fails its checksum (no keyed state)`);
  return { keyed: value.keyed, operator: value.operator };
}

function decodeV1(buf: Buffer, file: string): OperatorSnapshot {
  if (buf.length < HEADER + V1_HASH) throw new WeirError('checkpoint', `${file} is truncated`);
  const body = buf.subarray(0, buf.length - V1_HASH);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - V1_HASH))) throw new WeirError('checkpoint', `${file} fails its checksum`);
  const v = packr().unpack(buf.subarray(HEADER, buf.length - V1_HASH)) as { keyed: [number, unknown[]][]; operator: unknown };
  return { keyed: new Map(v.keyed), operator: v.operator };
}

function decodeFrom(src: ByteSource, file: string, readAll: () => Buffer): OperatorSnapshot {
  if (src.size < HEADER + TRAILER) throw new WeirError('checkpoint', `${file} is not a weir state file (or is truncated)`);
  const header = Buffer.allocUnsafe(HEADER);
  src.read(header);
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new WeirError('checkpoint', `${file} is not a weir state file (or is truncated)`);
  const version = header.readUInt32LE(MAGIC.length);
  if (version === 1) {
    if (src.size > MAX_READ_V1) throw new WeirError('checkpoint', `${file} is a state file of format version 1 larger than 2 GiB, which weir cannot read`, { hint: 'take a new checkpoint with this weir (format 2 has no size limit)' });
    return decodeV1(readAll(), file);
  }
  if (version !== STATE_VERSION) throw new WeirError('checkpoint', `${file} has state format version ${version}; this weir reads versions 1 and ${STATE_VERSION}`);
  return decodeV2(src, file, header);
}

/** Decodes a state file held in memory, checking magic, version and checksum. */
export function decodeSnapshot(buf: Buffer, file: string): OperatorSnapshot {
  return decodeFrom(new BufferSource(buf), file, () => buf);
}

/** Reads and decodes a state file as a stream (any size), checking magic, version and checksum. */
export function readStateFile(path: string): OperatorSnapshot {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return decodeFrom(new FileSource(fd, size), path, () => {
      const b = Buffer.allocUnsafe(size);
      new FileSource(fd, size).read(b);
      return b;
    });
  } finally {
    closeSync(fd);
  }
}

/** The checksum recorded in a state file's trailer (hex; version 2 files). */
export function fileChecksum(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const t = Buffer.allocUnsafe(TRAILER);
    readSync(fd, t, 0, TRAILER, Math.max(0, size - TRAILER));
    return hex(t.readBigUInt64LE(0));
  } finally {
    closeSync(fd);
  }
}
