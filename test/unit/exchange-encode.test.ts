// Batches crossing threads: a column whose arrays another column of the batch shares (a
// passed-through partial's SUM and MAX of one column) is gathered and sent once, and still
// arrives as two equal columns.
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
});
