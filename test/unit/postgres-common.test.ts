// The PostgreSQL connectors' shared pieces without a server: exact decoding (a value weir
// cannot carry exactly is an error, never rounded), jdbc urls, Flink's masking of sensitive
// options, and the lookup cache's eviction and expiry.
import { describe, expect, it } from 'vitest';
import { decimalFromText, parseJdbcUrl, textDecoder, timestampFromText, typeMismatch, valueEncoder } from '../../src/connectors/postgres/common.js';
import { isSensitiveKey, maskOptions, maskSqlSecrets } from '../../src/common/secrets.js';
import { LookupCache } from '../../src/connectors/postgres/jdbc-lookup.js';
import { T } from '../../src/common/types.js';

describe('PostgreSQL values in weir', () => {
  it('numeric: exact or an error', () => {
    expect(decimalFromText('123.4500', 10, 4)).toBe(123.45);
    expect(decimalFromText('-0.01', 10, 2)).toBe(-0.01);
    expect(() => decimalFromText('1.005', 10, 2)).toThrow(/more than 2 fraction digits.*rounded/);
    expect(() => decimalFromText('123456789', 10, 2)).toThrow(/does not fit DECIMAL\(10, 2\)/);
    expect(() => decimalFromText('1234567890123456', 38, 0)).toThrow(/16 significant digits/);
    expect(() => decimalFromText('NaN', 10, 2)).toThrow(/not a finite number/);
  });
  it('int8 beyond 2^53-1 is a bigint (exact, common/int64.ts) and sub-millisecond timestamps are refused', () => {
    expect(textDecoder(T.BIGINT)('9007199254740991')).toBe(9007199254740991);
    expect(textDecoder(T.BIGINT)('9007199254740993')).toBe(9007199254740993n);
    expect(textDecoder(T.BIGINT)('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(() => textDecoder(T.INT)('9007199254740993')).toThrow(/out of range for INT/);
    expect(valueEncoder(T.BIGINT)(9223372036854775807n)).toBe('9223372036854775807');
    expect(timestampFromText('2024-03-01 12:00:00.123', false)).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123));
    expect(timestampFromText('2024-03-01 12:00:00.5+02', true)).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 500));
    expect(timestampFromText('2024-03-01 12:00:00.123000', false)).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123));
    expect(() => timestampFromText('2024-03-01 12:00:00.123456', false)).toThrow(/sub-millisecond/);
    expect(textDecoder(T.DATE)('1970-01-03')).toBe(2);
    expect(valueEncoder(T.TIMESTAMP_LTZ)(Date.UTC(2024, 0, 2, 3, 4, 5, 6))).toBe('2024-01-02 03:04:05.006+00');
  });
  it('types: a write may widen, never narrow', () => {
    expect(typeMismatch(T.INT, 'int8', 'bigint', 'write')).toBeUndefined();
    expect(typeMismatch(T.DOUBLE, 'int4', 'integer', 'write')).toMatch(/declared DOUBLE, but the PostgreSQL column is integer/);
    expect(typeMismatch(T.STRING, 'jsonb', 'jsonb', 'read')).toBeUndefined();
    // bytea is BYTES (branch types): not readable as a STRING; timetz has no weir type
    expect(typeMismatch(T.STRING, 'bytea', 'bytea', 'read')).toMatch(/declared STRING, but the PostgreSQL column is bytea \(BYTES in weir\)/);
    expect(typeMismatch(T.BYTES, 'bytea', 'bytea', 'read')).toBeUndefined();
    expect(typeMismatch(T.STRING, 'timetz', 'time with time zone', 'read')).toMatch(/not supported/);
  });
  it('jdbc urls', () => {
    expect(parseJdbcUrl('jdbc:postgresql://db.example:6543/shop')).toEqual({ host: 'db.example', port: 6543, database: 'shop' });
    expect(parseJdbcUrl('jdbc:postgresql://localhost/shop?user=a&password=b')).toEqual({ host: 'localhost', port: 5432, database: 'shop', user: 'a', password: 'b' });
    expect(() => parseJdbcUrl('jdbc:mysql://x/y?password=hunter2')).toThrow(/got 'jdbc:mysql:\/\/x\/y\?password=\*\*\*\*\*\*'/);
  });
});

describe('sensitive options, masked as Flink masks them', () => {
  it('keys with password, secret, token ...', () => {
    expect(['password', 'PASSWORD', 'ssl.key.password', 'secret-key', 'auth.token'].every(isSensitiveKey)).toBe(true);
    expect(['username', 'url', 'table-name'].some(isSensitiveKey)).toBe(false);
    const m = maskOptions(new Map([['password', 'x'], ['url', 'jdbc:postgresql://h/db?user=u&password=p'], ['username', 'u']]));
    expect([...m]).toEqual([['password', '******'], ['url', 'jdbc:postgresql://h/db?user=u&password=******'], ['username', 'u']]);
    expect(maskSqlSecrets(`WITH ('username' = 'u', 'password' = 'it''s')`)).toBe(`WITH ('username' = 'u', 'password' = '******')`);
  });
});

describe('lookup cache', () => {
  it('evicts the least recently used key, expires after write and access, caches missing keys when asked', () => {
    let now = 0;
    const c = new LookupCache({ maxRows: 2, expireAfterWrite: 1000, expireAfterAccess: 300, cacheMissing: false }, () => now);
    c.put('a', [[1]]);
    c.put('b', [[2]]);
    expect(c.get('a')).toEqual([[1]]); // a is now the most recent
    c.put('c', [[3]]);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toEqual([[1]]);
    c.put('missing', []);
    expect(c.get('missing')).toBeUndefined();
    now = 400; // c unread for 400 ms > expire-after-access
    expect(c.get('c')).toBeUndefined();
    expect(c.get('a')).toBeUndefined(); // last read at 0
    const w = new LookupCache({ maxRows: 10, expireAfterWrite: 1000, expireAfterAccess: 0, cacheMissing: true }, () => now);
    w.put('m', []);
    expect(w.get('m')).toEqual([]);
    now = 1400;
    expect(w.get('m')).toBeUndefined();
  });
});

describe('numeric into a DECIMAL wider than 15 digits', () => {
  it('is exact text at the column scale, never rounded', async () => {
    const { wideDecimalFromText, textDecoder } = await import('../../src/connectors/postgres/common.js');
    const { T: Types } = await import('../../src/common/types.js');
    const t = Types.decimal(30, 4);
    expect(wideDecimalFromText('123456789012345678901234.5', t)).toBe('123456789012345678901234.5000');
    expect(wideDecimalFromText('-0.0001', t)).toBe('-0.0001');
    expect(textDecoder(t)('98765432109876543210.1234')).toBe('98765432109876543210.1234');
    expect(() => wideDecimalFromText('1.00001', t)).toThrow(/fraction digits/);
    expect(() => wideDecimalFromText('1234567890123456789012345678.0', t)).toThrow(/does not fit/);
  });
});
