// Batches crossing threads: a column whose arrays another column of the batch shares (a
// passed-through partial's SUM and MAX of one column) is gathered and sent once, and still
// arrives as two equal columns. A STRING column whose values repeat crosses as a dictionary.
import { describe, expect, it } from 'vitest';
import type { Batch, Column } from '../../src/common/batch.js';
import { batchToRows, takeBatch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { decodeMessage, encodeMessage } from '../../src/exec/remote.js';

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
});
