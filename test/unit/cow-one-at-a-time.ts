// Shared by the copy-on-write snapshot tests (cow-snapshot, cow-join): one copy-on-write
// capture per operator at a time.
import { expect } from 'vitest';
import type { OperatorSnapshot } from '../../src/exec/operator.js';
import { encodeSnapshot } from '../../src/checkpoint/state-file.js';

/**
 * A snapshot taken while the previous copy-on-write one is still being written is an ordinary
 * copy (which encodes to more than `minBytes`); once that one is abandoned, the next is
 * copy-on-write again.
 */
export function expectOneCaptureAtATime(snapshot: (checkpointId: number) => OperatorSnapshot, minBytes: number): void {
  const first = snapshot(1);
  expect(first.cow).toBeDefined();
  const second = snapshot(2);
  expect(second.cow).toBeUndefined();
  // (the ordinary one encodes as any snapshot does)
  expect(encodeSnapshot(second).length).toBeGreaterThan(minBytes);
  // abandoned: the operator stops keeping slots for it
  first.cow!.abort();
  expect(snapshot(3).cow).toBeDefined();
}
