// Hash functions of Flink SQL: MD5, SHA1, SHA224, SHA256, SHA384, SHA512 and SHA2(s, bits)
// of the UTF-8 bytes of a string, or of a BYTES value's bytes (Calcite's STRING family takes
// both), as lower-case hex text (node:crypto). NULL in, NULL out.
// SHA2's bit length is 224, 256, 384 or 512: another constant is a query error; another
// value of a column gives NULL (Flink fails the query: no MessageDigest 'SHA-<n>').

import { createHash } from 'node:crypto';
import { T } from '../../common/types.js';
import { fixed } from './strings.js';
import type { Signature } from '../registry.js';

export function hashHex(algorithm: string, s: string, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  return createHash(algorithm).update(s, encoding).digest('hex');
}

/** BYTES are binary strings (common/bytes.ts): hashed as latin1, one byte per char. */
const ofBytes = (sig: Signature): boolean => sig.args[0]!.kind === 'BYTES';

for (const [name, algorithm] of [
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha224', 'sha224'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha512', 'sha512'],
] as const) {
  const sql = name.toUpperCase();
  fixed(name, [sql], `${sql}(s): the ${algorithm.toUpperCase()} hash of s, hex`, 'b', T.STRING, 1, (a) => hashHex(algorithm, a[0] as string), (_c, sig) =>
    ofBytes(sig) ? (a) => hashHex(algorithm, a[0] as string, 'latin1') : undefined,
  );
}

const SHA2_BITS = new Set([224, 256, 384, 512]);

fixed(
  'sha2',
  ['SHA2'],
  'SHA2(s, bits): the SHA-2 hash of s (bits 224, 256, 384 or 512), hex',
  'bi',
  T.STRING,
  2,
  (a) => (SHA2_BITS.has(a[1] as number) ? hashHex(`sha${a[1]}`, a[0] as string) : null),
  (consts, sig) => {
    const bits = consts[1];
    const encoding = ofBytes(sig) ? 'latin1' : 'utf8';
    if (typeof bits !== 'number') return encoding === 'utf8' ? undefined : (a) => (SHA2_BITS.has(a[1] as number) ? hashHex(`sha${a[1]}`, a[0] as string, encoding) : null);
    if (!SHA2_BITS.has(bits)) throw new Error(`SHA2: the bit length must be 224, 256, 384 or 512, got ${bits}`);
    const algorithm = `sha${bits}`;
    return (a) => hashHex(algorithm, a[0] as string, encoding);
  },
);
