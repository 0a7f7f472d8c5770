// State files are written and read as streams, with no size limit (readFileSync refuses
// files over 2 GiB). `npm test` restores a file of 80 MiB (several frames); `npm run
// test:large` sets WEIR_STATE_FILE_BYTES to 2.1 GiB and restores a file larger than 2 GiB
// (about 3 s on idle cores and 2.1 GB of memory for the array it rebuilds, too much for
// every run of the suite).
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { Packr } from 'msgpackr';
import { readStateFile } from '../../src/checkpoint/state-file.js';

const SIZE = Number(process.env.WEIR_STATE_FILE_BYTES ?? 80 * 2 ** 20);

describe('state files of any size', () => {
  // Built directly, sparse (holes read as zeros), in format 2: a skeleton with one Uint8Array
  // of SIZE bytes, its bytes in 64 MiB frames, a few marked bytes (around 2^31 when the file
  // is that large), the xxHash64 trailer.
  it(`a state file of ${SIZE} bytes is restored, with its bytes at their offsets`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-big-'));
    const path = join(dir, 'big.state');
    const n = SIZE;
    const marks = [...new Set([0, Math.floor(n / 3), ...(n > 2 ** 31 + 12345 ? [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 12345] : []), n - 1])].sort((a, b) => a - b);
    const packr = new Packr({ moreTypes: true });
    const skeleton = packr.pack({ keyed: { '\u0000weir-map': [[-1, [{ '\u0000weir-typed': 'Uint8Array', n }]]] }, operator: { note: 'big' } });
    const { create64 } = await xxhash();
    const hash = create64();
    const fd = openSync(path, 'w');
    let pos = 0;
    const put = (b: Uint8Array): void => {
      writeSync(fd, b, 0, b.length, pos);
      hash.update(b);
      pos += b.length;
    };
    const u64 = (v: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeUInt32LE(v % 2 ** 32, 0);
      b.writeUInt32LE(Math.floor(v / 2 ** 32), 4);
      return b;
    };
    const header = Buffer.alloc(12);
    header.write('WEIRSTAT');
    header.writeUInt32LE(2, 8);
    put(header);
    put(u64(skeleton.length));
    put(skeleton);
    const FRAME = 64 << 20;
    const zeros = new Uint8Array(8 << 20);
    const mark = new Uint8Array(1);
    for (let off = 0; off < n; off += FRAME) {
      const len = Math.min(FRAME, n - off);
      put(u64(len));
      // the frame's bytes: zeros (left as a hole) except the marked ones, hashed piece by piece
      const start = pos;
      for (let p = 0; p < len; p += zeros.length) {
        const piece = Math.min(zeros.length, len - p);
        const inPiece = marks.filter((m) => m >= off + p && m < off + p + piece);
        if (inPiece.length === 0) hash.update(zeros.subarray(0, piece));
        else {
          const b = new Uint8Array(piece);
          for (const m of inPiece) b[m - off - p] = 1 + (marks.indexOf(m) % 250);
          hash.update(b);
          for (const m of inPiece) {
            mark[0] = b[m - off - p]!;
            writeSync(fd, mark, 0, 1, start + (m - off));
          }
        }
      }
      pos += len;
    }
    ftruncateSync(fd, pos);
    const trailer = Buffer.alloc(8);
    trailer.writeBigUInt64LE(hash.digest());
    writeSync(fd, trailer, 0, 8, pos);
    closeSync(fd);

    const back = readStateFile(path);
    const arr = back.keyed.get(-1)![0] as Uint8Array;
    expect(arr).toBeInstanceOf(Uint8Array);
    expect(arr.length).toBe(n);
    expect(marks.map((m) => arr[m])).toEqual(marks.map((_, i) => 1 + i));
    expect(arr[n - 2]).toBe(0);
    if (n > 2 ** 31) expect(arr[2 ** 31 + 1]).toBe(0);
    expect(back.operator).toEqual({ note: 'big' });
    rmSync(dir, { recursive: true });
  }, 60_000);
});
