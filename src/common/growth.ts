// How arrays indexed by slot grow (an operator's per-group state: keys, accumulators, counts).
//
// Doubling below 2^20 entries, by half above. Each growth allocates fresh memory and copies,
// and fresh memory is not free (every page first touched costs CPU, a lot on some VMs), so
// small arrays double (fewer growths, as before); at millions of groups the slack is what
// counts (issue 14: peak bytes per key): growing by half leaves at most a third of an array
// unused, where doubling leaves up to half.

const BIG = 1 << 20;

/** The new length of a per-slot array of length `len` that must hold index `need - 1`. */
export function grownLength(len: number, need: number): number {
  return Math.max(64, need, len < BIG ? len * 2 : Math.ceil(len * 1.5));
}
