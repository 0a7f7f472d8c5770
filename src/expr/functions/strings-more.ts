// More string functions of Flink SQL (its SqlFunctionUtils and the *Function classes of
// flink-table-runtime): OVERLAY, TRANSLATE, REGEXP_COUNT / _EXTRACT_ALL / _INSTR / _SUBSTR,
// PRINTF, URL_ENCODE / URL_DECODE, PARSE_URL, ELT, JSON_QUOTE / JSON_UNQUOTE, TO_BASE64 /
// FROM_BASE64, STR_TO_MAP, IS_ALPHA / IS_DECIMAL / IS_DIGIT (BTRIM is TRIM's BOTH, strings.ts).
//
// Semantics, where Flink's differ from the obvious:
// - OVERLAY(s PLACING r FROM p [FOR n]): s unchanged when p <= 0 or p > CHAR_LENGTH(s); the
//   rest of s after the replaced part is kept only when p + n <= CHAR_LENGTH(s) and n > 0
//   (SqlFunctionUtils.overlay), so OVERLAY('abc' PLACING 'x' FROM 2 FOR 0) is 'ax'.
// - TRANSLATE(s, from, to): s as it is when s or from is NULL or empty; a NULL `to` is ''
//   (the characters of `from` are deleted); the first mapping of a repeated character wins.
// - REGEXP_COUNT / REGEXP_INSTR / REGEXP_SUBSTR give NULL for an invalid pattern;
//   REGEXP_INSTR counts UTF-16 units as Java's Matcher.start() does.
// - REGEXP_EXTRACT_ALL(s, regex [, group]): group 1 by default; an invalid pattern or a group
//   out of range fails the query, as Flink throws.
// - URL_DECODE: Java's URLDecoder ('+' is a space); a malformed escape gives NULL.
//   URL_ENCODE: Java's URLEncoder (space is '+', only A-Z a-z 0-9 . - * _ kept).
// - PARSE_URL(url, part [, key]): parts as java.net.URL gives them (no normalization: the
//   path of 'http://a.com' is ''); an unknown part or a malformed URL gives NULL.
// - STR_TO_MAP(s [, pairDelimiter, keyValueDelimiter]): both delimiters are Java regular
//   expressions; a pair without the key-value delimiter maps the pair to NULL; '' gives {}.
// - IS_ALPHA / IS_DECIMAL / IS_DIGIT of NULL are FALSE, not NULL.
// - FROM_BASE64 of text that is not Base64 gives NULL (Flink fails the query).

import type { Scalar } from '../../common/batch.js';
import { buildMap } from '../../common/composite.js';
import { formatScalar } from '../../common/display.js';
import type { DataType } from '../../common/types.js';
import { T, commonType, isIntegral, typeToString } from '../../common/types.js';
import { rowwiseNullable } from '../kernels.js';
import { javaDouble } from './json.js';
import { registerFunction } from '../registry.js';
import { roundHalfUp } from './math.js';
import { compileJavaRegex, fixed, hasAstral } from './strings.js';

function chars(s: string): string[] {
  return [...s];
}

// OVERLAY(s PLACING r FROM start [FOR length]), in characters (code points)
export function overlay(s: string, r: string, start: number, length?: number): string {
  if (!hasAstral(s) && !hasAstral(r)) {
    // one code unit per character (the common case): no array of characters
    const len = length ?? r.length;
    if (start <= 0 || start > s.length) return s;
    return start + len <= s.length && len > 0 ? s.slice(0, start - 1) + r + s.slice(start - 1 + len) : s.slice(0, start - 1) + r;
  }
  const cs = chars(s);
  const len = length ?? chars(r).length;
  if (start <= 0 || start > cs.length) return s;
  let out = cs.slice(0, start - 1).join('') + r;
  if (start + len <= cs.length && len > 0) out += cs.slice(start - 1 + len).join('');
  return out;
}
fixed('overlay', ['OVERLAY'], 'OVERLAY(s PLACING r FROM start [FOR length])', 'ssii', T.STRING, 3, (a) => overlay(a[0] as string, a[1] as string, a[2] as number, a.length > 3 ? (a[3] as number) : undefined));

// TRANSLATE(s, from, to): not strict (see the header)
let lastFrom: string | undefined;
let lastTo: string | undefined;
let lastMap = new Map<string, string>();

/** The character mapping of TRANSLATE (the last one is kept: `from` and `to` are usually constants). */
function translateMap(from: string, to: string): Map<string, string> {
  if (from === lastFrom && to === lastTo) return lastMap;
  const map = new Map<string, string>();
  const f = chars(from);
  const t = chars(to);
  for (let i = 0; i < f.length; i++) if (!map.has(f[i]!)) map.set(f[i]!, t[i] ?? '');
  lastFrom = from;
  lastTo = to;
  lastMap = map;
  return map;
}

export function translate(s: string | null, from: string | null, to: string | null): string | null {
  if (s === null || from === null || s === '' || from === '') return s;
  const map = translateMap(from, to ?? '');
  let out = '';
  for (const c of s) out += map.get(c) ?? c;
  return out;
}
registerFunction({
  name: 'translate',
  sqlNames: ['TRANSLATE'],
  doc: 'TRANSLATE(s, from, to)',
  resolve(args) {
    if (args.length !== 3) return '3 arguments: TRANSLATE(s, from, to)';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: [T.STRING, T.STRING, T.STRING], ret: T.STRING };
  },
  kernel() {
    return rowwiseNullable(T.STRING, (a) => translate(a[0] as string | null, a[1] as string | null, a[2] as string | null));
  },
});

// ---------------------------------------------------------------------------------------
// Regular expressions (Java syntax, compiled as strings.ts compiles them)

/** The pattern compiled for a search of every match (null when invalid). */
function globalRegex(pattern: string): RegExp | null {
  return compileJavaRegex(pattern, true);
}

/** Calls `f` for every match of r in s, Java's way: after an empty match, one unit on. */
function eachMatch(r: RegExp, s: string, f: (m: RegExpExecArray) => boolean | void): void {
  r.lastIndex = 0;
  for (;;) {
    const m = r.exec(s);
    if (m === null) return;
    if (f(m) === false) return;
    if (m[0] === '') r.lastIndex = m.index + 1;
    if (r.lastIndex > s.length) return;
  }
}

function regexpCount(s: string, p: string): number | null {
  const r = globalRegex(p);
  if (r === null) return null;
  let n = 0;
  eachMatch(r, s, () => {
    n++;
  });
  return n;
}
fixed('regexp_count', ['REGEXP_COUNT'], 'REGEXP_COUNT(s, regex)', 'ss', T.INT, 2, (a) => regexpCount(a[0] as string, a[1] as string));

function regexpInstr(s: string, p: string): number | null {
  const r = compileJavaRegex(p);
  if (r === null) return null;
  const m = r.exec(s);
  return m === null ? 0 : m.index + 1;
}
fixed('regexp_instr', ['REGEXP_INSTR'], 'REGEXP_INSTR(s, regex)', 'ss', T.INT, 2, (a) => regexpInstr(a[0] as string, a[1] as string));

function regexpSubstr(s: string, p: string): string | null {
  const r = compileJavaRegex(p);
  if (r === null) return null;
  const m = r.exec(s);
  return m === null ? null : m[0];
}
fixed('regexp_substr', ['REGEXP_SUBSTR'], 'REGEXP_SUBSTR(s, regex)', 'ss', T.STRING, 2, (a) => regexpSubstr(a[0] as string, a[1] as string));

/** Number of capture groups of a compiled pattern. */
function groupCount(r: RegExp): number {
  return new RegExp(`${r.source}|`, r.flags.replace('g', '')).exec('')!.length - 1;
}

function regexpExtractAll(s: string, p: string, group: number): (string | null)[] {
  const r = globalRegex(p);
  if (r === null) throw new Error(`REGEXP_EXTRACT_ALL: invalid regular expression '${p}'`);
  const count = groupCount(r);
  if (group < 0 || group > count) throw new Error(`REGEXP_EXTRACT_ALL: extract group index ${group} is out of range [0, ${count}]`);
  const out: (string | null)[] = [];
  eachMatch(r, s, (m) => {
    out.push(m[group] ?? null);
  });
  return out;
}
fixed('regexp_extract_all', ['REGEXP_EXTRACT_ALL'], 'REGEXP_EXTRACT_ALL(s, regex [, group]): ARRAY<STRING>', 'ssi', T.array(T.STRING), 2, (a) => regexpExtractAll(a[0] as string, a[1] as string, a.length > 2 ? (a[2] as number) : 1));

// ---------------------------------------------------------------------------------------
// URLs

const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8'); // malformed bytes become U+FFFD, as Java's String(bytes, UTF_8)

/** The characters URLEncoder keeps: A-Z a-z 0-9 . - * _ (by code unit, 1 = kept). */
const URL_SAFE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-*_') URL_SAFE[c.charCodeAt(0)] = 1;
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => '%' + b.toString(16).toUpperCase().padStart(2, '0'));

/** Java's URLEncoder.encode(s, UTF-8). */
export function urlEncode(s: string): string {
  let out = '';
  let kept = 0; // s[kept, i) is copied as it is
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (URL_SAFE[c] === 1) continue;
    out += s.slice(kept, i);
    if (c === 32) out += '+';
    else if (c < 128) out += HEX_BYTE[c]!;
    else {
      // the UTF-8 bytes of the whole code point (a surrogate pair is one)
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of UTF8.encode(String.fromCodePoint(cp))) out += HEX_BYTE[b]!;
    }
    kept = i + 1;
  }
  return kept === 0 ? s : out + s.slice(kept);
}

/** Java's URLDecoder.decode(s, UTF-8); null when an escape is malformed. */
export function urlDecode(s: string): string | null {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i < s.length && s[i] === '%') {
        if (i + 2 >= s.length) return null; // an incomplete trailing escape
        const h = s.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(h)) return null;
        bytes.push(parseInt(h, 16));
        i += 3;
      }
      out += UTF8_DECODER.decode(new Uint8Array(bytes));
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
fixed('url_encode', ['URL_ENCODE'], 'URL_ENCODE(s)', 's', T.STRING, 1, (a) => urlEncode(a[0] as string));
fixed('url_decode', ['URL_DECODE'], 'URL_DECODE(s)', 's', T.STRING, 1, (a) => urlDecode(a[0] as string));

/** The protocols java.net.URL has handlers for (another one is a MalformedURLException). */
const URL_PROTOCOLS = new Set(['http', 'https', 'ftp', 'file', 'jar', 'mailto', 'jrt']);

interface JavaUrl {
  protocol: string;
  authority: string | null;
  userInfo: string | null;
  host: string;
  path: string;
  query: string | null;
  ref: string | null;
}

/** A URL split as java.net.URL(String) splits it; null when Java would call it malformed. */
export function parseJavaUrl(text: string): JavaUrl | null {
  let spec = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  if (/^url:/i.test(spec)) spec = spec.slice(4);
  const colon = spec.indexOf(':');
  if (colon <= 0) return null;
  const protocol = spec.slice(0, colon);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(protocol)) return null;
  const proto = protocol.toLowerCase();
  if (!URL_PROTOCOLS.has(proto)) return null;
  let rest = spec.slice(colon + 1);
  let ref: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    ref = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query: string | null = null;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let authority: string | null = null;
  let userInfo: string | null = null;
  let host = '';
  let path = rest;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const end = slash < 0 ? rest.length : slash;
    authority = rest.slice(2, end);
    path = rest.slice(end);
    host = authority;
    const at = authority.indexOf('@');
    if (at >= 0) {
      if (at !== authority.lastIndexOf('@')) host = '';
      else {
        userInfo = authority.slice(0, at);
        host = authority.slice(at + 1);
      }
    }
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      if (close < 0) return null;
      const after = host.slice(close + 1);
      if (after !== '' && !/^:\d*$/.test(after)) return null;
      host = host.slice(0, close + 1);
    } else {
      const c = host.indexOf(':');
      if (c >= 0) {
        if (!/^\d*$/.test(host.slice(c + 1))) return null;
        host = host.slice(0, c);
      }
    }
  }
  return { protocol: proto, authority, userInfo, host, path, query, ref };
}

export function parseUrl(url: string, part: string, key?: string): string | null {
  const u = parseJavaUrl(url);
  if (u === null) return null;
  if (key !== undefined) {
    if (part !== 'QUERY' || u.query === null) return null;
    for (const pair of u.query.split('&')) if (pair.startsWith(key + '=')) return pair.slice(key.length + 1);
    return null;
  }
  switch (part) {
    case 'HOST':
      return u.host;
    case 'PATH':
      return u.path;
    case 'QUERY':
      return u.query;
    case 'REF':
      return u.ref;
    case 'PROTOCOL':
      return u.protocol;
    case 'FILE':
      return u.query === null ? u.path : `${u.path}?${u.query}`;
    case 'AUTHORITY':
      return u.authority;
    case 'USERINFO':
      return u.userInfo;
    default:
      return null;
  }
}
fixed('parse_url', ['PARSE_URL'], 'PARSE_URL(url, part [, key])', 'sss', T.STRING, 2, (a) => parseUrl(a[0] as string, a[1] as string, a.length > 2 ? (a[2] as string) : undefined));

// ---------------------------------------------------------------------------------------
// ELT(index, e1, e2, ...): the index-th value (from 1); NULL when out of range or NULL

registerFunction({
  name: 'elt',
  sqlNames: ['ELT'],
  doc: 'ELT(index, value1, value2, ...)',
  wideInts: true,
  resolve(args) {
    if (args.length < 2) return 'an index and at least one value: ELT(index, value1, ...)';
    const idx = args[0]!;
    if (!isIntegral(idx) && idx.kind !== 'NULL') return `an integer index, got ${typeToString(idx)}`;
    let t: DataType = T.NULL;
    for (const a of args.slice(1)) {
      const c = commonType(t, a);
      if (c === null) return `values of one type, got ${typeToString(t)} and ${typeToString(a)}`;
      t = c;
    }
    if (t.kind === 'NULL') t = T.STRING;
    return { args: [T.BIGINT, ...args.slice(1).map(() => t)], ret: t };
  },
  kernel(sig) {
    return rowwiseNullable(sig.ret, (a) => {
      const i = a[0];
      if (i === null) return null;
      const k = Number(i);
      return k >= 1 && k < a.length ? a[k]! : null;
    });
  },
});

// ---------------------------------------------------------------------------------------
// JSON_QUOTE, JSON_UNQUOTE

export function jsonQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '/') out += '\\/';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code > 127) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += c;
  }
  return out + '"';
}

/** The string a quoted JSON string stands for; any other text (valid JSON or not) as it is. */
export function jsonUnquote(s: string): string {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return s;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : s;
  } catch {
    return s;
  }
}
fixed('json_quote', ['JSON_QUOTE'], 'JSON_QUOTE(s)', 's', T.STRING, 1, (a) => jsonQuote(a[0] as string));
fixed('json_unquote', ['JSON_UNQUOTE'], 'JSON_UNQUOTE(s)', 's', T.STRING, 1, (a) => jsonUnquote(a[0] as string));

// ---------------------------------------------------------------------------------------
// TO_BASE64, FROM_BASE64 (of the UTF-8 bytes; Java's basic Base64 alphabet, padding required
// only as Java's decoder requires it)

// TO_BASE64 of BYTES encodes the bytes themselves (binary strings, common/bytes.ts)
fixed('to_base64', ['TO_BASE64'], 'TO_BASE64(s)', 'b', T.STRING, 1, (a) => Buffer.from(a[0] as string, 'utf8').toString('base64'), (_c, sig) =>
  sig.args[0]!.kind === 'BYTES' ? (a) => Buffer.from(a[0] as string, 'latin1').toString('base64') : undefined,
);

export function fromBase64(s: string): string | null {
  // Java's Base64.getDecoder(): only the basic alphabet, '=' padding at the end (optional)
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  const body = s.replace(/=+$/, '');
  const pad = s.length - body.length;
  if (body.length % 4 === 1) return null;
  if (pad > 0 && (body.length + pad) % 4 !== 0) return null;
  return UTF8_DECODER.decode(Buffer.from(body, 'base64'));
}
fixed('from_base64', ['FROM_BASE64'], 'FROM_BASE64(s)', 's', T.STRING, 1, (a) => fromBase64(a[0] as string));

// ---------------------------------------------------------------------------------------
// STR_TO_MAP(s [, pairDelimiter, keyValueDelimiter]): MAP<STRING, STRING>

/** Java's String.split(regex, limit): no leading '' for a zero-width match at 0, trailing ''s dropped when limit = 0. */
export function javaSplit(s: string, r: RegExp, limit = 0): string[] {
  const out: string[] = [];
  let index = 0;
  let found = false;
  eachMatch(r, s, (m) => {
    if (limit > 0 && out.length >= limit - 1) return false;
    if (index === 0 && m.index === 0 && m[0] === '') return true;
    out.push(s.slice(index, m.index));
    index = m.index + m[0].length;
    found = true;
    return true;
  });
  if (!found) return [s];
  out.push(s.slice(index));
  if (limit === 0) while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

export function strToMap(s: string, pairDelim = ',', kvDelim = '='): ReturnType<typeof buildMap> {
  if (s === '') return buildMap([], []);
  const pr = globalRegex(pairDelim);
  const kr = globalRegex(kvDelim);
  if (pr === null || kr === null) throw new Error(`STR_TO_MAP: invalid delimiter '${pr === null ? pairDelim : kvDelim}' (a Java regular expression)`);
  const keys: string[] = [];
  const values: (string | null)[] = [];
  for (const pair of javaSplit(s, pr)) {
    const kv = javaSplit(pair, kr, 2);
    if (kv.length < 2) {
      keys.push(pair);
      values.push(null);
    } else {
      keys.push(kv[0]!);
      values.push(kv[1]!);
    }
  }
  return buildMap(keys, values);
}
fixed('str_to_map', ['STR_TO_MAP'], 'STR_TO_MAP(s [, pairDelimiter, keyValueDelimiter]): MAP<STRING, STRING>', 'sss', T.map(T.STRING, T.STRING), 1, (a) => strToMap(a[0] as string, a.length > 1 ? (a[1] as string) : ',', a.length > 2 ? (a[2] as string) : '=') as unknown as Scalar);

// ---------------------------------------------------------------------------------------
// IS_ALPHA, IS_DECIMAL, IS_DIGIT: BOOLEAN, FALSE for NULL and '' (SqlFunctionUtils)

const JAVA_DOUBLE = /^[\u0000-\u0020]*[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)|(0[xX]([0-9A-Fa-f]+\.?|[0-9A-Fa-f]*\.[0-9A-Fa-f]+)[pP][+-]?\d+[fFdD]?))[\u0000-\u0020]*$/;

export function isDecimalText(s: string): boolean {
  // Integer.parseInt / Long.parseLong (any Unicode decimal digits) or Double.parseDouble
  return s !== '' && (/^[+-]?\p{Nd}+$/u.test(s) ? /^[+-]?\p{Nd}{1,19}$/u.test(s) || JAVA_DOUBLE.test(s) : JAVA_DOUBLE.test(s));
}

/** StringUtils.isAlpha / isNumeric: every UTF-16 unit a letter (digit); '' is FALSE. */
export function isAlphaText(s: string): boolean {
  return s !== '' && /^[\p{L}]+$/u.test(s) && !/[\ud800-\udfff]/.test(s);
}
export function isDigitText(s: string): boolean {
  return s !== '' && /^[\p{Nd}]+$/u.test(s) && !/[\ud800-\udfff]/.test(s);
}

function predicate(name: string, sql: string, f: (s: string) => boolean): void {
  registerFunction({
    name,
    sqlNames: [sql],
    doc: `${sql}(s): BOOLEAN, FALSE for NULL`,
    resolve(args) {
      if (args.length !== 1 || (args[0]!.kind !== 'STRING' && args[0]!.kind !== 'NULL')) return `one STRING argument: ${sql}(s)`;
      return { args: [T.STRING], ret: T.BOOLEAN };
    },
    kernel() {
      return rowwiseNullable(T.BOOLEAN, (a) => a[0] !== null && f(a[0] as string));
    },
  });
}
predicate('is_alpha', 'IS_ALPHA', isAlphaText);
predicate('is_decimal', 'IS_DECIMAL', isDecimalText);
predicate('is_digit', 'IS_DIGIT', isDigitText);

// ---------------------------------------------------------------------------------------
// PRINTF(format, args...): java.util.Formatter (Locale.US) for the conversions
// %s %S %b %B %c %C %d %o %x %X %e %E %f %g %G %h %H %% %n, with argument indexes (1$, <),
// flags - # + space 0 , ( and width / precision; a NULL argument prints as 'null' (%b: false).
// An argument of the wrong kind for its conversion, or a missing one, fails the query as in
// Flink (IllegalFormatConversionException, MissingFormatArgumentException).

interface FmtArg {
  readonly v: Scalar;
  readonly t: DataType;
}

const SPEC = /%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g;

function formatError(msg: string): Error {
  return new Error(`PRINTF: ${msg}`);
}

function group3(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Sign, grouping, padding and parentheses of a number's digits, as Formatter does. */
function finishNumber(neg: boolean, body: string, flags: string, width: number, upper = false): string {
  let b = body;
  if (flags.includes(',')) {
    const dot = b.indexOf('.');
    b = dot < 0 ? group3(b) : group3(b.slice(0, dot)) + b.slice(dot);
  }
  let prefix = '';
  let suffix = '';
  if (neg) {
    if (flags.includes('(')) {
      prefix = '(';
      suffix = ')';
    } else prefix = '-';
  } else if (flags.includes('+')) prefix = '+';
  else if (flags.includes(' ')) prefix = ' ';
  let out = prefix + b + suffix;
  if (flags.includes('0') && out.length < width) out = prefix + '0'.repeat(width - out.length) + b + suffix;
  if (upper) out = out.toUpperCase();
  return out;
}

function pad(s: string, flags: string, width: number): string {
  if (s.length >= width) return s;
  return flags.includes('-') ? s + ' '.repeat(width - s.length) : ' '.repeat(width - s.length) + s;
}

/** The text of x in %e form with `prec` digits after the point (Java: HALF_UP on the shortest decimal). */
function sciText(x: number, prec: number): string {
  if (x === 0) return `${(0).toFixed(prec)}e+00`;
  let e = Math.floor(Math.log10(x));
  let m = roundHalfUp(x / 10 ** e, prec);
  if (m >= 10) {
    e += 1;
    m = roundHalfUp(x / 10 ** e, prec);
  } else if (m < 1) {
    e -= 1;
    m = roundHalfUp(x / 10 ** e, prec);
  }
  return `${m.toFixed(prec)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function formatOne(conv: string, flags: string, width: number, prec: number | undefined, arg: FmtArg | undefined): string {
  const lower = conv.toLowerCase();
  const upper = conv !== lower;
  if (arg === undefined) throw formatError(`Format specifier '%${conv}' has no argument`);
  const { v, t } = arg;
  const isNull = v === null;
  switch (lower) {
    case 'b': {
      let s = isNull ? 'false' : t.kind === 'BOOLEAN' ? (v === true || v === 1 ? 'true' : 'false') : 'true';
      if (prec !== undefined) s = s.slice(0, prec);
      return pad(upper ? s.toUpperCase() : s, flags, width);
    }
    case 's':
    case 'h': {
      let s = isNull ? 'null' : lower === 'h' ? javaHashHex(v, t) : t.kind === 'DOUBLE' && Number.isFinite(v) ? javaDouble(v as number) : formatScalar(v as number | string, t);
      if (prec !== undefined) s = s.slice(0, prec);
      return pad(upper ? s.toUpperCase() : s, flags, width);
    }
    case 'c': {
      if (isNull) return pad('null', flags, width);
      if (!isIntegral(t)) throw formatError(`%${conv} != ${typeToString(t)}`);
      const s = String.fromCodePoint(Number(v));
      return pad(upper ? s.toUpperCase() : s, flags, width);
    }
    case 'd':
    case 'o':
    case 'x': {
      if (isNull) return pad('null', flags, width);
      if (!isIntegral(t)) throw formatError(`%${conv} != ${typeToString(t)}`);
      const n = BigInt(v as number | bigint);
      if (lower === 'd') return pad(finishNumber(n < 0n, (n < 0n ? -n : n).toString(), flags, width), flags, width);
      // %o and %x of a negative value: its two's complement at the width of the type
      const bits = t.kind === 'BIGINT' ? 64 : 32;
      const u = n < 0n ? BigInt.asUintN(bits, n) : n;
      let body = u.toString(lower === 'o' ? 8 : 16);
      if (flags.includes('#')) body = (lower === 'o' ? '0' : '0x') + body;
      if (flags.includes('0') && body.length < width) body = body.startsWith('0x') ? '0x' + '0'.repeat(width - body.length) + body.slice(2) : '0'.repeat(width - body.length) + body;
      return pad(upper ? body.toUpperCase() : body, flags, width);
    }
    case 'e':
    case 'f':
    case 'g': {
      if (isNull) return pad('null', flags, width);
      if (isIntegral(t) || t.kind === 'BOOLEAN' || t.kind === 'STRING') throw formatError(`%${conv} != ${typeToString(t)}`);
      const x = Number(v);
      if (Number.isNaN(x) || !Number.isFinite(x)) {
        const s = Number.isNaN(x) ? 'NaN' : x > 0 ? (flags.includes('+') ? '+Infinity' : 'Infinity') : flags.includes('(') ? '(Infinity)' : '-Infinity';
        return pad(upper ? s.toUpperCase() : s, flags, width);
      }
      const neg = x < 0 || Object.is(x, -0);
      const ax = Math.abs(x);
      let body: string;
      if (lower === 'f') {
        const p = prec ?? 6;
        body = roundHalfUp(ax, p).toFixed(p);
      } else if (lower === 'e') body = sciText(ax, prec ?? 6);
      else {
        // %g: precision p (0 is 1); fixed when 10^-4 <= the rounded value < 10^p, else scientific
        const p = prec === undefined ? 6 : prec === 0 ? 1 : prec;
        const r = ax === 0 ? 0 : Number(sciText(ax, p - 1));
        if (ax !== 0 && (r < 1e-4 || r >= 10 ** p)) body = sciText(ax, p - 1);
        else {
          const e = r === 0 ? 0 : Math.floor(Math.log10(r));
          const digits = Math.max(0, p - 1 - e);
          body = roundHalfUp(ax, digits).toFixed(digits);
        }
      }
      return pad(finishNumber(neg, body, flags, width, upper), flags, width);
    }
    default:
      throw formatError(`unknown conversion '%${conv}'`);
  }
}

/** Java's Integer.toHexString(arg.hashCode()) for the types weir has (strings: String.hashCode). */
function javaHashHex(v: Scalar, t: DataType): string {
  let h = 0;
  if (typeof v === 'string') for (let i = 0; i < v.length; i++) h = (Math.imul(31, h) + v.charCodeAt(i)) | 0;
  else if (t.kind === 'BOOLEAN') h = v === true || v === 1 ? 1231 : 1237;
  else if (t.kind === 'INT') h = Number(v) | 0;
  else if (t.kind === 'BIGINT') {
    const n = BigInt.asUintN(64, BigInt(v as number | bigint));
    h = Number(BigInt.asIntN(32, (n ^ (n >> 32n)) & 0xffffffffn));
  } else throw formatError(`%h of ${typeToString(t)} is not supported by weir`);
  return (h >>> 0).toString(16);
}

export function printf(format: string, args: readonly FmtArg[]): string {
  let out = '';
  let last = 0;
  let ordinary = 0;
  let previous: FmtArg | undefined;
  SPEC.lastIndex = 0;
  for (let m = SPEC.exec(format); m !== null; m = SPEC.exec(format)) {
    const between = format.slice(last, m.index);
    if (between.includes('%')) throw formatError(`unknown format conversion in '${format}'`);
    out += between;
    last = m.index + m[0].length;
    const [, index, flags = '', w, p, conv] = m as unknown as [string, string | undefined, string | undefined, string | undefined, string | undefined, string];
    const width = w === undefined ? -1 : Number(w);
    const prec = p === undefined ? undefined : Number(p.slice(1));
    if (conv === '%') {
      out += pad('%', flags, width);
      continue;
    }
    if (conv === 'n') {
      out += '\n';
      continue;
    }
    let arg: FmtArg | undefined;
    if (index === '<') arg = previous;
    else if (index !== undefined) arg = args[Number(index.slice(0, -1)) - 1];
    else arg = args[ordinary++];
    if (arg === undefined) throw formatError(`Format specifier '${m[0]}' has no argument`);
    previous = arg;
    out += formatOne(conv, flags, width, prec, arg);
  }
  const tail = format.slice(last);
  if (tail.includes('%')) throw formatError(`unknown format conversion in '${format}'`);
  return out + tail;
}

registerFunction({
  name: 'printf',
  sqlNames: ['PRINTF'],
  doc: 'PRINTF(format, value, ...): java.util.Formatter',
  wideInts: true,
  resolve(args) {
    if (args.length < 1) return 'a format and values: PRINTF(format, value, ...)';
    if (args[0]!.kind !== 'STRING' && args[0]!.kind !== 'NULL') return `a STRING format, got ${typeToString(args[0]!)}`;
    return { args: [T.STRING, ...args.slice(1).map((a) => (a.kind === 'NULL' ? T.STRING : a))], ret: T.STRING };
  },
  kernel(sig) {
    const types = sig.args.slice(1);
    return rowwiseNullable(T.STRING, (a) => {
      if (a[0] === null) return null;
      const args: FmtArg[] = [];
      for (let i = 1; i < a.length; i++) args.push({ v: a[i] as Scalar, t: types[i - 1]! });
      return printf(a[0] as string, args);
    });
  },
});
