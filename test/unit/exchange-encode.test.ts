// Batches crossing threads: a column whose arrays another column of the batch shares (a
// passed-through partial's SUM and MAX of one column) is gathered and sent once, and still
// arrives as two equal columns. A STRING column whose values repeat crosses as a dictionary.
import { describe, expect, it } from 'vitest';
import type { Batch, Column } from '../../src/common/batch.js';
import { batchToRows, takeBatch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { CHANNEL_DICT_MAX, CHANNEL_DICT_MAX_CHARS, ChannelDicts, ChannelMirrors, decodeMessage, encodeMessage } from '../../src/exec/remote.js';

const price: Column = { type: T.BIGINT, values: Float64Array.from([5, 6, 7, 8]), nulls: Uint8Array.from([0, 1, 0, 0]) };
const batch: Batch = { length: 4, columns: [{ type: T.BIGINT, values: Float64Array.from([1, 2, 3, 4]), nulls: null }, price, { ...price, type: T.BIGINT }], ops: null };

describe('exchange of batches with shared columns', () => {
  it('takeBatch gathers a shared column once', () => {
    const t = takeBatch(batch, Int32Array.from([3, 1]), 2);
    expect(t.columns[1]!.values).toBe(t.columns[2]!.values);
    expect(t.columns[1]!.nulls).toBe(t.columns[2]!.nulls);
    expect(batchToRows(t)).toEqual([[4, 8, 8], [2, null, null]]);
  });

  it('encodeMessage sends a shared array once, and both columns decode alike', () => {
    for (const b of [batch, takeBatch(batch, Int32Array.from([0, 1, 2, 3]), 4)]) {
      const transfer: ArrayBuffer[] = [];
      const wire = encodeMessage({ kind: 'data', batch: b }, transfer);
      expect(new Set(transfer).size).toBe(transfer.length);
      // first column's values, shared values, shared nulls
      expect(transfer.length).toBe(3);
      const back = structuredClone(wire, { transfer });
      const m = decodeMessage(back);
      if (m.kind !== 'data') throw new Error('not data');
      expect(batchToRows(m.batch)).toEqual([[1, 5, 5], [2, null, null], [3, 7, 7], [4, 8, 8]]);
    }
  });

  it('a STRING column with repeated values crosses as a dictionary and decodes to the same rows; unique values and short batches cross as they are', () => {
    const n = 300;
    const hot = ['Google', 'Facebook', 'Baidu', 'Apple'];
    const channel = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? hot[i % 4 === 0 ? (i / 4) % 4 : 1]! : i % 7 === 1 ? '' : `channel-${i % 50}`));
    const nulls = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 1 : 0));
    const unique = Array.from({ length: n }, (_, i) => `extra-${i}`);
    const strCol: Column = { type: T.STRING, values: channel, nulls };
    const b: Batch = { length: n, columns: [strCol, { type: T.STRING, values: unique, nulls: null }, { ...strCol, type: T.STRING }], ops: null };
    for (let round = 0; round < 2; round++) {
      const transfer: ArrayBuffer[] = [];
      const wire = encodeMessage({ kind: 'data', batch: b }, transfer);
      if (wire.kind !== 'data') throw new Error('not data');
      const dict = (wire.columns[0] as { dict?: unknown[] }).dict;
      expect(dict).toBeDefined();
      expect(new Set(dict).size).toBe(dict!.length);
      expect(dict!.length).toBe(new Set(channel).size);
      expect((wire.columns[1] as { dict?: unknown[] }).dict).toBeUndefined();
      const m = decodeMessage(structuredClone(wire, { transfer }));
      if (m.kind !== 'data') throw new Error('not data');
      expect(batchToRows(m.batch)).toEqual(batchToRows(b));
      expect(m.batch.columns[0]!.values).toBe(m.batch.columns[2]!.values);
    }
    const short: Batch = { length: 10, columns: [{ type: T.STRING, values: channel.slice(0, 10), nulls: null }], ops: null };
    const wire = encodeMessage({ kind: 'data', batch: short }, []);
    if (wire.kind !== 'data') throw new Error('not data');
    expect((wire.columns[0] as { dict?: unknown[] }).dict).toBeUndefined();
    const m = decodeMessage(structuredClone(wire));
    if (m.kind !== 'data') throw new Error('not data');
    expect(batchToRows(m.batch)).toEqual(batchToRows(short));
  });

  it('over one channel a repeated STRING value crosses once: later batches send only the values new to the channel, and decode to the same rows', () => {
    const n = 200;
    const dicts = new ChannelDicts();
    const mirrors = new ChannelMirrors();
    const hot = ['Google', 'Facebook', 'Baidu', 'Apple'];
    const seen = new Set<string>();
    let received: unknown[] | null = null;
    for (let round = 0; round < 4; round++) {
      // channel: hot values and 40 cold ones, 10 of them new in each round; a shared copy of the
      // column; unique values (sent as they are); nulls kept
      const channel = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? hot[i % 4]! : `channel-${(i % 40) + round * 10}`));
      const nulls = Uint8Array.from({ length: n }, (_, i) => (i % 13 === 5 ? 1 : 0));
      const col: Column = { type: T.STRING, values: channel, nulls };
      const unique = Array.from({ length: n }, (_, i) => `extra-${round}-${i}`);
      const b: Batch = { length: n, columns: [{ type: T.BIGINT, values: Float64Array.from({ length: n }, (_, i) => i), nulls: null }, col, { type: T.STRING, values: unique, nulls: null }, { ...col, type: T.STRING }], ops: null };
      const transfer: ArrayBuffer[] = [];
      const wire = encodeMessage({ kind: 'data', batch: b }, transfer, dicts);
      if (wire.kind !== 'data') throw new Error('not data');
      const w1 = wire.columns[1] as { added?: unknown[]; base?: number };
      const fresh = [...new Set(channel)].filter((v) => !seen.has(v));
      for (const v of fresh) seen.add(v);
      // only the values the channel has not carried yet, appended after the ones it has
      expect(new Set(w1.added)).toEqual(new Set(fresh));
      expect(w1.added!.length).toBe(fresh.length);
      expect(w1.base).toBe(seen.size - fresh.length);
      expect((wire.columns[2] as { added?: unknown[] }).added).toBeUndefined();
      const m = decodeMessage(structuredClone(wire, { transfer }), mirrors);
      if (m.kind !== 'data') throw new Error('not data');
      expect(batchToRows(m.batch)).toEqual(batchToRows(b));
      expect(m.batch.columns[1]!.values).toBe(m.batch.columns[3]!.values);
      // rows of different batches holding one value share the string received once
      if (received !== null) expect((m.batch.columns[1]!.values as unknown[])[0]).toBe(received[0]);
      received = m.batch.columns[1]!.values as unknown[];
    }
    // two hot values, 20 cold ones, then 5 new cold ones a round
    expect(seen.size).toBe(2 + 20 + 3 * 5);
    // a receiver that missed a batch is out of step: refused, never decoded to wrong values
    const b: Batch = { length: n, columns: [{ type: T.STRING, values: Array.from({ length: n }, (_, i) => `x${i % 30}`), nulls: null }], ops: null };
    const skipped = new ChannelDicts();
    encodeMessage({ kind: 'data', batch: b }, [], skipped);
    const b2: Batch = { length: n, columns: [{ type: T.STRING, values: Array.from({ length: n }, (_, i) => `x${(i % 30) + 5}`), nulls: null }], ops: null };
    const later = encodeMessage({ kind: 'data', batch: b2 }, [], skipped);
    expect(() => decodeMessage(structuredClone(later), new ChannelMirrors())).toThrow(/out of step/);
  });

  it('a channel dictionary that gave up on a batch takes its values back, and a full one starts over', () => {
    const n = 256;
    const dicts = new ChannelDicts();
    const mirrors = new ChannelMirrors();
    const send = (values: string[], check = true): { added?: unknown[]; base?: number } => {
      const b: Batch = { length: n, columns: [{ type: T.STRING, values, nulls: null }], ops: null };
      const wire = encodeMessage({ kind: 'data', batch: b }, [], dicts);
      if (wire.kind !== 'data') throw new Error('not data');
      const m = decodeMessage(structuredClone(wire), mirrors);
      if (m.kind !== 'data') throw new Error('not data');
      if (check) expect(m.batch.columns[0]!.values).toEqual(values);
      return wire.columns[0] as { added?: unknown[]; base?: number };
    };
    expect(send(Array.from({ length: n }, (_, i) => `a${i % 8}`)).added!.length).toBe(8);
    // repeats in the sampled rows, then values that are all new: given up, nothing added
    const mostlyNew = Array.from({ length: n }, (_, i) => (i < 32 ? `a${i % 8}` : `b${i}`));
    expect(send(mostlyNew).added).toBeUndefined();
    const next = send(Array.from({ length: n }, (_, i) => `a${i % 9}`));
    expect(next.base).toBe(8);
    expect(next.added).toEqual(['a8']);
    // fill the dictionary to its bound (128 rows of known values, 128 new ones a batch): the batch
    // that would pass it starts over at base 0, and the receiver with it
    let size = 9;
    let r = 0;
    for (; r < 1000; r++) {
      const values = Array.from({ length: n }, (_, i) => (i < 128 ? `a${i % 8}` : `f${r}-${i}`));
      const w = send(values, r % 50 === 0);
      if (w.base === 0) {
        expect(size + n).toBeGreaterThan(CHANNEL_DICT_MAX);
        expect(w.added!.length).toBe(8 + 128);
        expect(send(values).added).toEqual([]);
        break;
      }
      expect(w.base).toBe(size);
      size += w.added!.length;
    }
    expect(r).toBeLessThan(1000);
    expect(send(Array.from({ length: n }, (_, i) => `a${i % 8}`)).added).toEqual([]);
    // long values: the dictionary starts over once it holds more than CHANNEL_DICT_MAX_CHARS
    // characters, long before CHANNEL_DICT_MAX values
    const long = 'x'.repeat(20_000);
    let starts = 0;
    for (let b = 0; b < 40; b++) {
      const distinct = Array.from({ length: 8 }, (_, j) => `${long}${b}-${j}`);
      const w = send(Array.from({ length: n }, (_, i) => distinct[i % 8]!), false);
      if (w.base === 0) starts++;
    }
    expect(8 * 20_000 * 40).toBeGreaterThan(2 * CHANNEL_DICT_MAX_CHARS);
    expect(starts).toBeGreaterThanOrEqual(2);
  });
});
