// KeyIndex (open addressing for numeric group keys) against a JS Map as the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MapKey } from '../../src/exec/operators/group-keys.js';
import { KeyIndex } from '../../src/exec/operators/key-index.js';

// Map keys compare as SameValueZero, which is what KeyIndex promises.
const key = fc.oneof(
  fc.integer({ min: -40, max: 40 }),
  fc.constantFrom<MapKey>(0, -0, NaN, Infinity, -Infinity, 1.5, -1.5, 2 ** 53, 1437000000000, null, '', 'a', '0', 'NaN'),
  fc.double(),
  fc.string({ maxLength: 3 }),
);
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, slot: fc.nat({ max: 1000 }) }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('get' as const), key }),
);

describe('KeyIndex', () => {
  it('behaves like a Map over random set/delete/get sequences (incl. -0, NaN, null, strings)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const index = new KeyIndex(2);
        const model = new Map<MapKey, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            index.set(o.key, o.slot);
            model.set(o.key, o.slot);
          } else if (o.kind === 'delete') {
            index.delete(o.key);
            model.delete(o.key);
          } else {
            expect(index.get(o.key)).toBe(model.get(o.key) ?? -1);
          }
        }
        expect(index.size).toBe(model.size);
        for (const [k, v] of model) expect(index.get(k)).toBe(v);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('keeps every key through growth and deletion of most of them (probe runs stay intact)', () => {
    const index = new KeyIndex();
    const n = 200_000;
    // keys that collide often in the low bits: multiples of 1024, and timestamps in ms
    const keyOf = (i: number): number => (i % 2 === 0 ? i * 1024 : 1437000000000 + i * 1000);
    for (let i = 0; i < n; i++) index.set(keyOf(i), i);
    expect(index.size).toBe(n);
    for (let i = 0; i < n; i += 3) index.delete(keyOf(i));
    for (let i = 0; i < n; i++) expect(index.get(keyOf(i))).toBe(i % 3 === 0 ? -1 : i);
    for (let i = 0; i < n; i += 3) index.set(keyOf(i), n + i);
    for (let i = 0; i < n; i++) expect(index.get(keyOf(i))).toBe(i % 3 === 0 ? n + i : i);
    expect(index.get(-1)).toBe(-1);
  });
});
