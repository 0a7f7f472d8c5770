// The block and slice sizes of copy-on-write snapshots and packed arrays (cow.ts,
// packed-array.ts) are tens of thousands of rows, so a test of a state spanning several
// blocks feeds hundreds of thousands of rows through an operator. WEIR_TEST_STATE_SHIFT
// (0..8, read once when these modules load) divides them by a power of two, so that the
// copy-on-write unit tests (test/unit/cow-*.test.ts) cover the same multi-block paths with
// states 16 times smaller. Unset, as for every user, the sizes are the ones documented.

const shift = ((): number => {
  const v = Number(process.env.WEIR_TEST_STATE_SHIFT ?? 0);
  return Number.isInteger(v) && v > 0 && v <= 8 ? v : 0;
})();

/** `size` (a power of two) divided by 2^WEIR_TEST_STATE_SHIFT; `size` unless a test set it. */
export function stateSize(size: number): number {
  return size >> shift;
}
