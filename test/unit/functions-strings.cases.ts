// The cases of test/unit/functions-strings.test.ts (Flink's string, hash, math and conditional
// functions added together: src/expr/functions/strings-more.ts, hashes.ts, conditionals.ts and
// the end of math.ts). Each `expect` was worked out by hand from Flink's documentation and its
// source (SqlFunctionUtils, the *Function classes of flink-table-runtime, Java's library
// behaviour they call), not from weir's output. functions.test.ts's coverage check counts them.

import type { Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { BoundExpr } from '../../src/expr/bound.js';
import type { Case } from './function-harness.js';

const INF = Number.POSITIVE_INFINITY;

/** E() has no arguments, so the binder folds it to a constant: its call is built directly. */
export const E_CALL: BoundExpr = { kind: 'call', fn: 'e', args: [], type: T.DOUBLE };

/** Nondeterministic functions (weir-only checks in the test file). */
export const STRING_FUNCTION_SQL = ['RAND()', 'RAND(42)', 'RAND_INTEGER(10)', 'RAND_INTEGER(42, 10)', 'UUID()'];

const URL = 'http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1';
const parts = (u: string, ps: string[]): Scalar[][] => ps.map((p) => [u, p]);

export const STRING_FUNCTION_CASES: readonly Case[] = [
  // overlay: the documented examples; s as is for a start outside 1..length; the tail only when start + n <= length and n > 0
  {
    sql: 'OVERLAY(s PLACING r FROM p FOR n)',
    cols: 's STRING, r STRING, p INT, n INT',
    rows: [
      ['This is an old string', ' new', 10, 5],
      ['xxxxxtest', 'xxxx', 6, 2],
      ['abcdef', 'xy', 0, 1],
      ['abcdef', 'xy', 7, 1],
      ['abcdef', 'xy', 6, 1],
      ['abcdef', 'xy', 2, 0],
      ['abcdef', 'xy', 2, -1],
      ['héllo', 'E', 2, 1],
      ['a😀bc', 'X', 2, 1], // weir counts characters (Java's String would count UTF-16 units)
      [null, 'x', 1, 1],
      ['abc', null, 1, 1],
      ['abc', 'x', null, 1],
      ['abc', 'x', 1, null],
    ],
    expect: ['This is a new string', 'xxxxxxxxxst', 'abcdef', 'abcdef', 'abcdexy', 'axy', 'axy', 'hEllo', 'aXbc', null, null, null, null],
  },
  { sql: 'OVERLAY(s PLACING r FROM p)', cols: 's STRING, r STRING, p INT', rows: [['xxxxxtest', 'xxxx', 6], ['abc', '', 2], ['abc', 'XY', 3], ['abc', 'XY', 1]], expect: ['xxxxxxxxx', 'a', 'abXY', 'XYc'] },
  // translate: NULL or empty s or from: s as is; a NULL to deletes; the first mapping of a repeated character wins
  {
    sql: 'TRANSLATE(s, f, t)',
    cols: 's STRING, f STRING, t STRING',
    rows: [['abcabc', 'ab', 'x'], ['hello', 'el', 'ip'], ['abc', null, 'x'], ['abc', 'ab', null], [null, 'a', 'b'], ['', 'a', 'b'], ['abc', '', 'x'], ['aaa', 'aa', 'xy']],
    expect: ['xcxc', 'hippo', 'abc', 'c', null, '', 'abc', 'xxx'],
  },
  // trim_both as BTRIM: spaces only by default
  { sql: 'BTRIM(s)', cols: 's STRING', rows: [['  a b  '], ['\ta '], [null], ['   ']], expect: ['a b', '\ta', null, ''] },
  { sql: 'BTRIM(s, c)', cols: 's STRING, c STRING', rows: [['xxaxx', 'x'], ['abcba', 'ab'], [null, 'x'], ['a', null]], expect: ['a', 'c', null, null] },
  // regexp_count, regexp_extract_all (group 1 by default), regexp_instr (1-based, 0 when none), regexp_substr (NULL when none)
  { sql: "REGEXP_COUNT(s, 'ab')", cols: 's STRING', rows: [['ababab'], ['xyz'], [null], ['']], expect: [3, 0, null, 0] },
  { sql: "REGEXP_COUNT(s, '[0-9]+')", cols: 's STRING', rows: [['a1b22c333'], ['0']], expect: [3, 1] },
  { sql: 'REGEXP_COUNT(s, p)', cols: 's STRING, p STRING', rows: [['abc', '('], ['aaa', 'a'], ['aa', 'a*']], expect: [null, 3, 2], weirOnly: 'pattern of a column' },
  { sql: "REGEXP_EXTRACT_ALL(s, '([a-z])(\\d)')", cols: 's STRING', rows: [['a1b2c3'], ['xyz'], [null]], expect: [['a', 'b', 'c'], [], null] as unknown as Scalar[] },
  { sql: "REGEXP_EXTRACT_ALL(s, '([a-z])(\\d)', 2)", cols: 's STRING', rows: [['a1b2c3'], ['x9']], expect: [['1', '2', '3'], ['9']] as unknown as Scalar[] },
  { sql: "REGEXP_EXTRACT_ALL(s, '([a-z])(\\d)', 0)", cols: 's STRING', rows: [['a1b2c3']], expect: [['a1', 'b2', 'c3']] as unknown as Scalar[] },
  { sql: "REGEXP_INSTR(s, 'o')", cols: 's STRING', rows: [['hello world'], ['abc'], [null], ['o']], expect: [5, 0, null, 1] },
  { sql: "REGEXP_INSTR(s, '\\bw')", cols: 's STRING', rows: [['hello world'], ['w'], ['aw w']], expect: [7, 1, 4] },
  { sql: 'REGEXP_INSTR(s, p)', cols: 's STRING, p STRING', rows: [['abc', '['], ['abc', 'c']], expect: [null, 3], weirOnly: 'pattern of a column' },
  { sql: "REGEXP_SUBSTR(s, 'o.')", cols: 's STRING', rows: [['hello world'], ['abc'], [null]], expect: ['o ', null, null] },
  { sql: "REGEXP_SUBSTR(s, '[0-9]+')", cols: 's STRING', rows: [['ab12cd345'], ['no']], expect: ['12', null] },
  // url_encode / url_decode: Java's URLEncoder / URLDecoder (UTF-8); a malformed escape decodes to NULL
  {
    sql: 'URL_ENCODE(s)',
    cols: 's STRING',
    rows: [['a b&c=d/é~*'], ['https://flink.apache.org/'], [''], [null], ['A-z_0.9'], ['😀x']],
    expect: ['a+b%26c%3Dd%2F%C3%A9%7E*', 'https%3A%2F%2Fflink.apache.org%2F', '', null, 'A-z_0.9', '%F0%9F%98%80x'],
  },
  {
    sql: 'URL_DECODE(s)',
    cols: 's STRING',
    rows: [['a+b%26c%3Dd%2F%C3%A9'], ['%2'], ['%zz'], ['100%'], ['plain'], [null], ['%2B%41']],
    expect: ['a b&c=d/é', null, null, null, 'plain', null, '+A'],
  },
  // parse_url: java.net.URL's parts
  {
    sql: 'PARSE_URL(u, p)',
    cols: 'u STRING, p STRING',
    rows: [
      ...parts(URL, ['HOST', 'PATH', 'QUERY', 'REF', 'PROTOCOL', 'FILE', 'AUTHORITY', 'USERINFO', 'host']),
      ...parts('http://user:pw@host.com:8080/a?x=1', ['USERINFO', 'HOST', 'AUTHORITY', 'PATH', 'REF']),
      ['http://facebook.com', 'PATH'],
      ['not a url', 'HOST'],
      [null, 'HOST'],
      [URL, null],
    ],
    expect: ['facebook.com', '/path1/p.php', 'k1=v1&k2=v2', 'Ref1', 'http', '/path1/p.php?k1=v1&k2=v2', 'facebook.com', null, null, 'user:pw', 'host.com', 'user:pw@host.com:8080', '/a', null, '', null, null, null],
    weirOnly: 'java.net.URL',
  },
  { sql: "PARSE_URL(u, 'QUERY', k)", cols: 'u STRING, k STRING', rows: [[URL, 'k1'], [URL, 'k2'], [URL, 'k3'], [URL, null]], expect: ['v1', 'v2', null, null], weirOnly: 'java.net.URL' },
  { sql: "PARSE_URL(u, 'HOST', 'k1')", cols: 'u STRING', rows: [[URL]], expect: [null], weirOnly: 'java.net.URL' },
  // elt: from 1, NULL out of range
  { sql: 'ELT(i, a, b)', cols: 'i INT, a STRING, b STRING', rows: [[1, 'x', 'y'], [2, 'x', 'y'], [3, 'x', 'y'], [0, 'x', 'y'], [-1, 'x', 'y'], [null, 'x', 'y'], [1, null, 'y']], expect: ['x', 'y', null, null, null, null, null] },
  { sql: 'ELT(i, x, 2)', cols: 'i BIGINT, x DOUBLE', rows: [[1, 1.5], [2, 1.5]], expect: [1.5, 2] },
  // json_quote: escapes " \ / \b \f \n \r \t and every character above 127 as \u00XX (lower-case hex)
  { sql: 'JSON_QUOTE(s)', cols: 's STRING', rows: [['a"b\\c/d'], ['é'], ['line\nnext'], [''], [null]], expect: ['"a\\"b\\\\c\\/d"', '"\\u00e9"', '"line\\nnext"', '""', null], weirOnly: 'Flink escapes / and non-ASCII' },
  // json_unquote: a quoted JSON string's text; anything else (valid JSON or not) as it is
  { sql: 'JSON_UNQUOTE(s)', cols: 's STRING', rows: [['"abc"'], ['"a\\"b"'], ['"\\u00e9"'], ['[1,2]'], ['abc'], ['"abc'], ['123'], [null]], expect: ['abc', 'a"b', 'é', '[1,2]', 'abc', '"abc', '123', null] },
  // to_base64 / from_base64 of the UTF-8 bytes; Java's decoder accepts a last unit without padding
  { sql: 'TO_BASE64(s)', cols: 's STRING', rows: [['hello world'], [''], ['é'], [null]], expect: ['aGVsbG8gd29ybGQ=', '', 'w6k=', null] },
  { sql: 'FROM_BASE64(s)', cols: 's STRING', rows: [['aGVsbG8gd29ybGQ='], ['w6k='], ['YQ'], ['@@'], [''], [null], ['YQ=']], expect: ['hello world', 'é', 'a', null, '', null, null] },
  // str_to_map: regex delimiters; a pair without '=' maps to NULL; trailing empty pairs dropped (Java's split)
  { sql: "STR_TO_MAP(s)['b']", cols: 's STRING', rows: [['a=1,b=2'], ['a=1'], [null]], expect: ['2', null, null], weirOnly: 'MAP of Java regex splits' },
  { sql: 'CARDINALITY(STR_TO_MAP(s))', cols: 's STRING', rows: [['a=1,b=2,c'], [''], ['a=1,,b=2,'], ['a=1,a=2']], expect: [3, 0, 3, 1], weirOnly: 'MAP of Java regex splits' },
  { sql: "STR_TO_MAP(s)['a']", cols: 's STRING', rows: [['a=1=2'], ['a=2,a=3'], ['a,b=1']], expect: ['1=2', '3', null], weirOnly: 'MAP of Java regex splits' },
  { sql: "STR_TO_MAP(s, ';', ':')['k']", cols: 's STRING', rows: [['k:v;x:y'], ['x:y']], expect: ['v', null], weirOnly: 'MAP of Java regex splits' },
  { sql: "STR_TO_MAP(s, '[;|]', '=')['b']", cols: 's STRING', rows: [['a=1|b=2'], ['a=1;b=3']], expect: ['2', '3'], weirOnly: 'MAP of Java regex splits' },
  // is_alpha / is_digit / is_decimal: FALSE for NULL and ''
  { sql: 'IS_ALPHA(s)', cols: 's STRING', rows: [['abc'], ['ab1'], [''], [null], ['éß'], ['a b']], expect: [true, false, false, false, true, false] },
  { sql: 'IS_DIGIT(s)', cols: 's STRING', rows: [['123'], ['12.3'], [''], [null], ['-1'], ['٣']], expect: [true, false, false, false, false, true] },
  {
    sql: 'IS_DECIMAL(s)',
    cols: 's STRING',
    rows: [['123'], ['-1.5'], ['1e5'], ['1.5E-3'], ['abc'], [''], [null], ['1.'], ['.5'], ['NaN'], [' 12 '], ['1,000'], ['0x1p3'], ['1d'], ['+7'], ['1e']],
    expect: [true, true, true, true, false, false, false, true, true, true, true, false, true, true, true, false],
  },
  // md5, sha1, sha224, sha256, sha384, sha512, sha2: lower-case hex of the UTF-8 bytes (FIPS 180 test vectors for 'abc')
  { sql: 'MD5(s)', cols: 's STRING', rows: [[''], ['a'], [null]], expect: ['d41d8cd98f00b204e9800998ecf8427e', '0cc175b9c0f1b6a831c399e269772661', null] },
  { sql: 'SHA1(s)', cols: 's STRING', rows: [['abc'], [null]], expect: ['a9993e364706816aba3e25717850c26c9cd0d89d', null] },
  { sql: 'SHA256(s)', cols: 's STRING', rows: [['abc'], ['']], expect: ['ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'] },
  { sql: "SHA2(s, 256)", cols: 's STRING', rows: [['abc'], [null]], expect: ['ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', null] },
  { sql: 'SHA224(s)', cols: 's STRING', rows: [['abc']], expect: ['23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'], weirOnly: 'DuckDB has no SHA-224' },
  { sql: 'SHA384(s)', cols: 's STRING', rows: [['abc']], expect: ['cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'], weirOnly: 'DuckDB has no SHA-384' },
  {
    sql: 'SHA512(s)',
    cols: 's STRING',
    rows: [['abc']],
    expect: ['ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
    weirOnly: 'DuckDB has no SHA-512',
  },
  { sql: 'SHA2(s, b)', cols: 's STRING, b INT', rows: [['abc', 224], ['abc', 100], ['abc', null]], expect: ['23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7', null, null], weirOnly: 'bit length of a column' },
  // cot, sinh, cosh, tanh (doubles; Java's Math)
  { sql: 'COT(x)', cols: 'x DOUBLE', rows: [[1], [0], [null], [-1]], expect: [0.6420926159343306, INF, null, -0.6420926159343306] },
  { sql: 'SINH(x)', cols: 'x DOUBLE', rows: [[1], [0], [null]], expect: [1.1752011936438014, 0, null] },
  { sql: 'COSH(a)', cols: 'a INT', rows: [[1], [0], [null]], expect: [1.5430806348152437, 1, null] },
  { sql: 'TANH(x)', cols: 'x DOUBLE', rows: [[1], [-1], [null]], expect: [0.7615941559557649, -0.7615941559557649, null] },
  // bin, hex: Long.toBinaryString / Long.toHexString (upper case); HEX of a string: its UTF-8 bytes
  { sql: 'BIN(a)', cols: 'a INT', rows: [[4], [12], [0], [-1], [null]], expect: ['100', '1100', '0', '1'.repeat(64), null] },
  { sql: 'BIN(b)', cols: 'b BIGINT', rows: [[-2], [1099511627776]], expect: ['1'.repeat(63) + '0', '1' + '0'.repeat(40)] },
  { sql: 'HEX(a)', cols: 'a INT', rows: [[20], [100], [-1], [0], [null]], expect: ['14', '64', 'FFFFFFFFFFFFFFFF', '0', null] },
  { sql: 'HEX(s)', cols: 's STRING', rows: [['hello,world'], [''], ['é'], [null]], expect: ['68656C6C6F2C776F726C64', '', 'C3A9', null] },
  // greatest, least: NULL if any argument is NULL
  { sql: 'GREATEST(a, b, c)', cols: 'a INT, b INT, c INT', rows: [[1, 2, 3], [3, null, 1], [-1, -2, -3], [5, 5, 5]], expect: [3, null, -1, 5] },
  { sql: 'LEAST(a, b, c)', cols: 'a INT, b INT, c INT', rows: [[1, 2, 3], [3, null, 1], [-1, -2, -3]], expect: [1, null, -3] },
  { sql: 'GREATEST(s, t)', cols: 's STRING, t STRING', rows: [['apple', 'banana'], ['b', 'B'], ['\uffff', '😀'], [null, 'a']], expect: ['banana', 'b', '😀', null] },
  { sql: 'LEAST(x, a)', cols: 'x DOUBLE, a INT', rows: [[1.5, 2], [2.5, 2], [null, 1]], expect: [1.5, 2, null] },
  { sql: 'GREATEST(d, e)', cols: 'd DATE, e DATE', rows: [['2020-01-01', '2019-12-31'], ['2020-01-01', null]], expect: ['2020-01-01', null] },
];

/** PRINTF (java.util.Formatter, Locale.US): weir-only, hand-worked. */
export const PRINTF_CASES: readonly Case[] = [
  { sql: "PRINTF('%s-%d', s, a)", cols: 's STRING, a INT', rows: [['x', 42], [null, null]], expect: ['x-42', 'null-null'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%5.2f|%-5s|%05d', x, s, a)", cols: 'x DOUBLE, s STRING, a INT', rows: [[3.14159, 'ab', 42], [-1.005, '', -7]], expect: [' 3.14|ab   |00042', '-1.01|     |-0007'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%x %X %o', a, a, a)", cols: 'a INT', rows: [[255], [-1]], expect: ['ff FF 377', 'ffffffff FFFFFFFF 37777777777'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%,d|%+d|%(d', b, b, b)", cols: 'b BIGINT', rows: [[1234567], [-5]], expect: ['1,234,567|+1234567|1234567', '-5|-5|(5)'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%e|%.0f|%.3f', x, x, x)", cols: 'x DOUBLE', rows: [[12345.678], [2.5], [1.0005]], expect: ['1.234568e+04|12346|12345.678', '2.500000e+00|3|2.500', '1.000500e+00|1|1.001'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%g|%g', x, y)", cols: 'x DOUBLE, y DOUBLE', rows: [[0.0001234, 123456789]], expect: ['0.000123400|1.23457e+08'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%b %c %% %2$s %1$s%n', p, a)", cols: 'p BOOLEAN, a INT', rows: [[true, 65], [null, 97]], expect: ['true A % 65 true\n', 'false a % 97 null\n'], weirOnly: 'Formatter' },
  { sql: "PRINTF('%s', x)", cols: 'x DOUBLE', rows: [[1], [1e10], [0.5]], expect: ['1.0', '1.0E10', '0.5'], weirOnly: 'Formatter' },
  { sql: 'PRINTF(f, a)', cols: 'f STRING, a INT', rows: [[null, 1], ['%d%%', 5], ['no spec', 1]], expect: [null, '5%', 'no spec'], weirOnly: 'Formatter' },
];
