// BYTES / BINARY(n) / VARBINARY(n) values. A value is carried as a "binary string": one
// UTF-16 code unit per byte, each 0..255 (see common/types.ts). Keys, comparisons (unsigned
// byte order, as Flink compares byte[]), `||` and SUBSTRING then reuse the string paths, and
// state snapshots carry them as strings. These helpers convert at the edges.

/** The binary string of bytes. */
export function binaryOfBytes(b: Uint8Array): string {
  let s = '';
  // chunks keep String.fromCharCode's argument count bounded
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 8192)));
  return s;
}

/** The bytes of a binary string. */
export function bytesOfBinary(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** UTF-8 encoding of text, as a binary string (CAST(s AS BYTES), ENCODE(s, 'UTF-8')). */
export function binaryOfText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Text of UTF-8 bytes (CAST(b AS STRING), DECODE(b, 'UTF-8')); bad sequences become U+FFFD as Java's decoder does. */
export function textOfBinary(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** Lower-case hex digits of the bytes. */
export function hexOfBinary(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

/** The bytes of hex digits (an even count of 0-9, a-f, A-F), or null. */
export function binaryOfHex(hex: string): string | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('latin1');
}

/** How Flink's SQL client and print sink show bytes: `x'0aff'`. */
export function displayBinary(s: string): string {
  return `x'${hexOfBinary(s)}'`;
}

/** Base64 of the bytes (the JSON and CSV formats write BYTES so, as Flink's). */
export function base64OfBinary(s: string): string {
  return Buffer.from(s, 'latin1').toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of standard Base64 text (padded), or null when it is not Base64. */
export function binaryOfBase64(text: string): string | null {
  if (!BASE64.test(text)) return null;
  return Buffer.from(text, 'base64').toString('latin1');
}
