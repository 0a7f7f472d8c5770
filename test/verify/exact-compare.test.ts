// `weir verify`'s comparison holds integer columns to exact equality: a BIGINT off by one is
// a difference however large the value (the 1e-9 relative tolerance is for DOUBLE only), and
// a DuckDB integer beyond 2^53 is kept as a bigint so a rounded streamed double never equals it.
import { describe, expect, it } from 'vitest';
import { T } from '../../src/common/types.js';
import { compareMultisets, exactColumns, exactInteger, type Row } from '../../src/verify/compare.js';

describe('exact comparison of integer columns', () => {
  it('a BIGINT off by one at 1e12 is a mismatch; the same difference in a DOUBLE column is within tolerance', () => {
    const stream: Row[] = [['a', 1_000_000_000_001]];
    const duck: Row[] = [['a', 1_000_000_000_000]];
    const big = compareMultisets(stream, duck, exactColumns([T.STRING, T.BIGINT]));
    expect(big.equal).toBe(false);
    expect(big.onlyLeft).toEqual([['a', 1_000_000_000_001]]);
    expect(big.onlyRight).toEqual([['a', 1_000_000_000_000]]);
    expect(compareMultisets(stream, duck, exactColumns([T.STRING, T.DOUBLE])).equal).toBe(true);
  });

  it('a DuckDB BIGINT beyond 2^53 equals no double, not even its nearest one', () => {
    const duckValue = exactInteger(9007199254740993n);
    expect(typeof duckValue).toBe('bigint');
    // the double a rounding engine would have produced for 2^53 + 1
    const cmp = compareMultisets([[9007199254740992]], [[duckValue]], exactColumns([T.BIGINT]));
    expect(cmp.equal).toBe(false);
    // within the exact range a DuckDB integer is a plain number and equal values match
    expect(exactInteger(9007199254740991n)).toBe(9007199254740991);
    expect(compareMultisets([[9007199254740991]], [[exactInteger(9007199254740991n)]], exactColumns([T.BIGINT])).equal).toBe(true);
  });
});
