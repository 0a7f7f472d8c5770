// weir's (and Flink's) integer overflow in DuckDB SQL (common/int64.ts): DuckDB raises an
// error where Java wraps (`Overflow in addition of INT64`) and sums BIGINT into a HUGEINT, so
// integer + - * / and unary minus, and SUM/AVG of integers, are computed in HUGEINT (128 bits,
// room for any product of two 64-bit values) and reduced modulo 2^32 (INT) or 2^64 (BIGINT)
// into the signed range, as a Java int or long would be.

/** `h` (a HUGEINT expression, used once) wrapped into a Java int (bits 32) or long (bits 64). */
export function duckWrap(h: string, bits: 32 | 64): string {
  if (bits === 32) return `CAST(((((${h}) + 2147483648) % 4294967296 + 4294967296) % 4294967296) - 2147483648 AS INTEGER)`;
  return `CAST(((((${h}) + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616) - 9223372036854775808 AS BIGINT)`;
}

/** `x` as a HUGEINT. */
export function duckHuge(x: string): string {
  return `CAST(${x} AS HUGEINT)`;
}

/**
 * Java's truncating division of a long sum (wrapped) by a count: AVG of an integer type, as
 * Flink computes it. `sum` and `count` are aggregate calls (DuckDB computes each once).
 */
export function duckAvgOfSum(sumOfHuge: string, count: string, resultType: 'INTEGER' | 'BIGINT'): string {
  const s = `CAST(${duckWrap(sumOfHuge, 64)} AS HUGEINT)`;
  // (s - s % c) // c is exact whichever way DuckDB's // rounds
  return `CAST((${s} - ${s} % ${count}) // ${count} AS ${resultType})`;
}
