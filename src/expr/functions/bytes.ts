// ENCODE(s, charset) -> BYTES and DECODE(b, charset) -> STRING, as Flink's: the charsets are
// Java's standard ones Flink documents (US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE,
// UTF-16). A charset name that is not one of them is a query error when constant, NULL per
// row otherwise. Characters a charset cannot hold encode as '?', bytes it cannot read decode
// as U+FFFD (Java's String.getBytes / new String replacement rules).

import { T } from '../../common/types.js';
import { fixed } from './strings.js';

type Charset = 'ascii' | 'latin1' | 'utf8' | 'utf16be' | 'utf16le' | 'utf16';

function charsetOf(name: string): Charset | null {
  switch (name.trim().toUpperCase().replace(/_/g, '-')) {
    case 'US-ASCII':
    case 'ASCII':
      return 'ascii';
    case 'ISO-8859-1':
    case 'LATIN1':
      return 'latin1';
    case 'UTF-8':
    case 'UTF8':
      return 'utf8';
    case 'UTF-16BE':
      return 'utf16be';
    case 'UTF-16LE':
      return 'utf16le';
    case 'UTF-16':
      return 'utf16';
    default:
      return null;
  }
}

/** Bytes (as a binary string, common/bytes.ts) of text in a charset. */
export function encodeText(s: string, cs: Charset): string {
  switch (cs) {
    case 'utf8':
      return Buffer.from(s, 'utf8').toString('latin1');
    case 'ascii':
    case 'latin1': {
      const max = cs === 'ascii' ? 0x7f : 0xff;
      let out = '';
      for (const ch of s) {
        const c = ch.codePointAt(0)!;
        out += c <= max ? ch : '?';
      }
      return out;
    }
    default: {
      // UTF-16: Java writes a big-endian byte-order mark first
      const le = Buffer.from(s, 'utf16le');
      if (cs === 'utf16le') return le.toString('latin1');
      le.swap16();
      return (cs === 'utf16' ? '\xfe\xff' : '') + le.toString('latin1');
    }
  }
}

/** Text of bytes (a binary string) in a charset. */
export function decodeBytes(b: string, cs: Charset): string {
  switch (cs) {
    case 'utf8':
      return Buffer.from(b, 'latin1').toString('utf8');
    case 'latin1':
      return b;
    case 'ascii':
      return b.replace(/[\x80-\xff]/g, '\ufffd');
    default: {
      let bytes = Buffer.from(b, 'latin1');
      let little = cs === 'utf16le';
      if (cs === 'utf16' && bytes.length >= 2) {
        // a byte-order mark says which; without one Java reads big-endian
        if (bytes[0] === 0xfe && bytes[1] === 0xff) bytes = bytes.subarray(2);
        else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
          bytes = bytes.subarray(2);
          little = true;
        }
      }
      const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
      if (!little) even.swap16();
      return new TextDecoder('utf-16le').decode(even) + (bytes.length % 2 === 1 ? '\ufffd' : '');
    }
  }
}

function constCharset(fn: string, c: unknown): Charset | null | undefined {
  if (typeof c !== 'string') return undefined;
  const cs = charsetOf(c);
  if (cs === null) throw new Error(`${fn}: unsupported charset '${c}' (US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE, UTF-16)`);
  return cs;
}

fixed(
  'encode',
  ['ENCODE'],
  'ENCODE(s, charset): the bytes of s in the charset (UTF-8, ISO-8859-1, US-ASCII, UTF-16BE, UTF-16LE, UTF-16), a BYTES',
  'ss',
  T.BYTES,
  2,
  (a) => {
    const cs = charsetOf(a[1] as string);
    return cs === null ? null : encodeText(a[0] as string, cs);
  },
  (consts) => {
    const cs = constCharset('ENCODE', consts[1]);
    return cs === undefined || cs === null ? undefined : (a) => encodeText(a[0] as string, cs);
  },
);

fixed(
  'decode',
  ['DECODE'],
  'DECODE(b, charset): the text of the BYTES b in the charset (UTF-8, ISO-8859-1, US-ASCII, UTF-16BE, UTF-16LE, UTF-16)',
  'Bs',
  T.STRING,
  2,
  (a) => {
    const cs = charsetOf(a[1] as string);
    return cs === null ? null : decodeBytes(a[0] as string, cs);
  },
  (consts) => {
    const cs = constCharset('DECODE', consts[1]);
    return cs === undefined || cs === null ? undefined : (a) => decodeBytes(a[0] as string, cs);
  },
);
