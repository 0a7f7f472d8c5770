// String functions, LIKE and IN lists.
//
// Semantics follow Flink SQL: positions are 1-based and count characters (code points);
// a NULL argument gives NULL unless stated otherwise; TRIM removes spaces only (not all
// whitespace) unless other characters are given; SUBSTRING takes a start <= 0 as Flink's
// substringSQL does (0 = from the first character, negative = counted from the end);
// SPLIT_INDEX splits on the whole separator keeping empty fields and is 0-based (an empty
// string has no fields, an empty separator splits on whitespace, as Flink's
// splitByWholeSeparatorPreserveAllTokens); REGEXP_EXTRACT returns NULL when nothing matches;
// REGEXP_REPLACE inserts its replacement literally (Flink quotes it with
// Matcher.quoteReplacement, so `$1` is the text `$1`, not a group).

import type { Scalar } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { T, commonType, isIntegral, isNumeric, typeToString } from '../../common/types.js';
import { rowwise, rowwiseNullable, unionNulls, type Kernel } from '../kernels.js';
import { registerFunction, type Signature } from '../registry.js';
import { isWideDecimal } from '../decimal.js';

type Arg = number | string;

function isStr(t: DataType | undefined): boolean {
  return t !== undefined && (t.kind === 'STRING' || t.kind === 'NULL');
}

function isInt(t: DataType | undefined): boolean {
  return t !== undefined && (isIntegral(t) || t.kind === 'NULL');
}

/** Declares a strict function over fixed argument kinds ('s' string, 'i' integer). */
export function fixed(name: string, sqlNames: string[], doc: string, params: string, ret: DataType, minArgs: number, f: (a: Arg[]) => Scalar, compile?: (consts: readonly (Scalar | undefined)[], sig: Signature) => ((a: Arg[]) => Scalar) | undefined, deterministic?: false): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    deterministic,
    resolve(args): Signature | string {
      if (args.length < minArgs || args.length > params.length) return `${minArgs === params.length ? minArgs : `${minArgs} to ${params.length}`} argument(s): ${doc}`;
      const out: DataType[] = [];
      for (let i = 0; i < args.length; i++) {
        const p = params[i];
        const a = args[i]!;
        // 'b': a STRING or BYTES (Calcite's STRING family), passed as it is; `compile` sees which
        if (p === 'b' && a.kind === 'BYTES') {
          out.push(T.BYTES);
          continue;
        }
        // 'B': BYTES only
        if (p === 'B') {
          if (a.kind !== 'BYTES' && a.kind !== 'NULL') return `${doc} (argument ${i + 1} must be BYTES, got ${typeToString(a)})`;
          out.push(T.BYTES);
          continue;
        }
        if ((p === 's' || p === 'b') && !isStr(a)) return `${doc} (argument ${i + 1} must be a STRING${p === 'b' ? ' or BYTES' : ''}, got ${typeToString(a)})`;
        if (p === 'i' && !isInt(a)) return `${doc} (argument ${i + 1} must be an integer, got ${typeToString(a)})`;
        out.push(p === 'i' ? T.INT : T.STRING);
      }
      return { args: out, ret };
    },
    kernel(sig, consts): Kernel {
      return rowwise(ret, compile?.(consts, sig) ?? f);
    },
  });
}

/** Code-point aware helpers (strings rarely hold astral characters: fast path first). */
export function hasAstral(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) return true;
  }
  return false;
}

function codePointLength(s: string): number {
  return hasAstral(s) ? [...s].length : s.length;
}

/**
 * SUBSTRING(s FROM start FOR len) as Flink's substringSQL: 1-based; a start of 0 means the
 * first character; a negative start counts from the end (-2 = the last two characters), and
 * one before the first character gives ''; a negative length gives NULL.
 */
export function sqlSubstring(s: string, start: number, len?: number): string | null {
  if (len !== undefined && len < 0) return null;
  if (s === '') return '';
  const chars = hasAstral(s) ? [...s] : null;
  const total = chars === null ? s.length : chars.length;
  let from: number; // 0-based, inclusive
  if (start > 0) {
    from = start - 1;
    if (from >= total) return '';
  } else if (start < 0) {
    from = total + start;
    if (from < 0) return '';
  } else from = 0;
  const to = len === undefined || total - from < len ? total : from + len; // exclusive
  return chars === null ? s.slice(from, to) : chars.slice(from, to).join('');
}

/** Removes the characters (code points) of `chars` from the ends of s. */
function trimChars(s: string, chars: string, leading: boolean, trailing: boolean): string {
  if (hasAstral(chars) || hasAstral(s)) {
    const set = new Set(chars);
    const cs = [...s];
    let a = 0;
    let b = cs.length;
    if (leading) while (a < b && set.has(cs[a]!)) a++;
    if (trailing) while (b > a && set.has(cs[b - 1]!)) b--;
    return cs.slice(a, b).join('');
  }
  let a = 0;
  let b = s.length;
  if (leading) while (a < b && chars.includes(s[a]!)) a++;
  if (trailing) while (b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

fixed('upper', ['UPPER', 'UCASE'], 'UPPER(s)', 's', T.STRING, 1, (a) => (a[0] as string).toUpperCase());
fixed('lower', ['LOWER', 'LCASE'], 'LOWER(s)', 's', T.STRING, 1, (a) => (a[0] as string).toLowerCase());
fixed('char_length', ['CHAR_LENGTH', 'CHARACTER_LENGTH', 'LENGTH'], 'CHAR_LENGTH(s)', 's', T.INT, 1, (a) => codePointLength(a[0] as string));
fixed('trim_both', ['BTRIM'], 'TRIM(BOTH chars FROM s) / BTRIM(s [, chars])', 'ss', T.STRING, 1, (a) => trimChars(a[0] as string, a.length > 1 ? (a[1] as string) : ' ', true, true));
fixed('trim_leading', ['LTRIM'], 'LTRIM(s)', 'ss', T.STRING, 1, (a) => trimChars(a[0] as string, a.length > 1 ? (a[1] as string) : ' ', true, false));
fixed('trim_trailing', ['RTRIM'], 'RTRIM(s)', 'ss', T.STRING, 1, (a) => trimChars(a[0] as string, a.length > 1 ? (a[1] as string) : ' ', false, true));
fixed('substring', ['SUBSTRING', 'SUBSTR'], 'SUBSTRING(s, start [, length])', 'sii', T.STRING, 2, (a) => sqlSubstring(a[0] as string, a[1] as number, a.length > 2 ? (a[2] as number) : undefined));
fixed('left', ['LEFT'], 'LEFT(s, n)', 'si', T.STRING, 2, (a) => {
  const n = a[1] as number;
  return n <= 0 ? '' : sqlSubstring(a[0] as string, 1, n);
});
fixed('right', ['RIGHT'], 'RIGHT(s, n)', 'si', T.STRING, 2, (a) => {
  const s = a[0] as string;
  const n = a[1] as number;
  if (n <= 0) return '';
  const len = codePointLength(s);
  return n >= len ? s : sqlSubstring(s, len - n + 1);
});
// REPLACE is Java's String.replace: an empty search string matches before every character
// and at the end ('abc' -> '-a-b-c-'); weir inserts at character (code point) boundaries.
fixed('replace', ['REPLACE'], 'REPLACE(s, search, replacement)', 'sss', T.STRING, 3, (a) => {
  const s = a[0] as string;
  const search = a[1] as string;
  const rep = a[2] as string;
  if (search === '') return rep + [...s].join(rep) + (s === '' ? '' : rep);
  return s.split(search).join(rep);
});
fixed('reverse', ['REVERSE'], 'REVERSE(s)', 's', T.STRING, 1, (a) => [...(a[0] as string)].reverse().join(''));
fixed('repeat', ['REPEAT'], 'REPEAT(s, n)', 'si', T.STRING, 2, (a) => ((a[1] as number) <= 0 ? '' : (a[0] as string).repeat(a[1] as number)));
fixed('initcap', ['INITCAP'], 'INITCAP(s)', 's', T.STRING, 1, (a) => (a[0] as string).toLowerCase().replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()));
fixed('ascii', ['ASCII'], 'ASCII(s)', 's', T.INT, 1, (a) => {
  const s = a[0] as string;
  return s.length === 0 ? 0 : (s.codePointAt(0) ?? 0);
});
// CHR(n): the character n modulo 256; '' for a negative n (Flink's SqlFunctionUtils.chr).
fixed('chr', ['CHR'], 'CHR(n)', 'i', T.STRING, 1, (a) => ((a[0] as number) < 0 ? '' : String.fromCodePoint((a[0] as number) % 256)));
// LOCATE(needle, s, from) searches from character `from` (Flink's SqlFunctionUtils.position:
// BinaryStringData.indexOf(needle, from - 1) + 1): an empty needle is 1 whatever `from`, a
// `from` below 1 searches from the start, one past the end finds nothing.
fixed('position', ['POSITION', 'LOCATE', 'INSTR_POS'], 'POSITION(needle IN s) / LOCATE(needle, s [, from])', 'ssi', T.INT, 2, (a) => {
  const needle = a[0] as string;
  const s = a[1] as string;
  if (needle === '') return 1;
  let start = 0;
  const from = a.length > 2 ? (a[2] as number) : 1;
  if (from > 1) {
    // the UTF-16 index of code point from - 1
    for (let cp = 0; cp < from - 1; cp++) {
      if (start >= s.length) return 0;
      start += (s.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
    }
  }
  const idx = s.indexOf(needle, start);
  return idx < 0 ? 0 : codePointLength(s.slice(0, idx)) + 1;
});
fixed('instr', ['INSTR'], 'INSTR(s, needle)', 'ss', T.INT, 2, (a) => {
  const s = a[0] as string;
  const idx = s.indexOf(a[1] as string);
  return idx < 0 ? 0 : codePointLength(s.slice(0, idx)) + 1;
});

/** LPAD/RPAD as Flink: NULL for a negative length or an empty pad (even when s is long enough). */
function pad(left: boolean) {
  return (a: Arg[]): Scalar => {
    const s = [...(a[0] as string)];
    const len = a[1] as number;
    const p = [...(a[2] as string)];
    if (len < 0 || p.length === 0) return null;
    if (s.length >= len) return s.slice(0, len).join('');
    const fill: string[] = [];
    while (fill.length < len - s.length) fill.push(p[fill.length % p.length]!);
    return left ? fill.join('') + s.join('') : s.join('') + fill.join('');
  };
}
fixed('lpad', ['LPAD'], 'LPAD(s, length, pad)', 'sis', T.STRING, 3, pad(true));
fixed('rpad', ['RPAD'], 'RPAD(s, length, pad)', 'sis', T.STRING, 3, pad(false));

/** Java's Character.isWhitespace (what commons-lang splits on for an empty separator). */
const JAVA_WHITESPACE = /[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/;

/**
 * SPLIT_INDEX(s, separator, index): 0-based field of s split on the whole separator, empty
 * fields kept (commons-lang splitByWholeSeparatorPreserveAllTokens, which Flink calls): an
 * empty s has no fields (NULL), an empty separator splits on each whitespace character.
 */
fixed('split_index', ['SPLIT_INDEX'], 'SPLIT_INDEX(s, separator, index)', 'ssi', T.STRING, 3, (a) => {
  const s = a[0] as string;
  const sep = a[1] as string;
  const idx = a[2] as number;
  if (idx < 0 || s === '') return null;
  const parts = sep === '' ? s.split(JAVA_WHITESPACE) : s.split(sep);
  return idx < parts.length ? parts[idx]! : null;
});

// Regular expressions: Java syntax is close to JavaScript's for the common subset. A pattern
// is compiled in Unicode mode when JavaScript accepts it there (so `.` and classes match
// whole code points and `\p{L}` works, as in Java), else in legacy mode; leading inline
// flags `(?i)`, `(?m)`, `(?s)` (Java syntax JavaScript lacks) become RegExp flags. A pattern
// that JavaScript cannot compile is a query error when constant, and per row gives NULL
// (FALSE for REGEXP), as Flink's catch-all does.
const regexCache = new Map<string, RegExp | null>();
export function compileJavaRegex(pattern: string, global = false): RegExp | null {
  const key = (global ? 'g' : '') + '/' + pattern;
  let r = regexCache.get(key);
  if (r === undefined) {
    let body = pattern;
    let flags = global ? 'g' : '';
    const m = /^\(\?([ims]+)\)/.exec(body);
    if (m !== null) {
      body = body.slice(m[0].length);
      for (const f of new Set(m[1]!)) flags += f;
    }
    r = null;
    for (const u of ['u', '']) {
      try {
        r = new RegExp(body, flags + u);
        break;
      } catch {
        // try the next mode
      }
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, r);
  }
  return r;
}
const regex = (pattern: string, global = false): RegExp | null => compileJavaRegex(pattern, global);

function constRegex(consts: readonly (Scalar | undefined)[], i: number): RegExp | null | undefined {
  const p = consts[i];
  if (typeof p !== 'string') return undefined;
  const r = regex(p);
  if (r === null) throw new Error(`invalid regular expression '${p}'`);
  return r;
}

function regexpExtract(s: string, r: RegExp | null, group: number): Scalar {
  if (r === null || group < 0) return null;
  const m = r.exec(s);
  if (m === null) return null;
  if (group >= m.length) return null;
  return m[group] ?? null;
}

fixed('regexp_extract', ['REGEXP_EXTRACT'], 'REGEXP_EXTRACT(s, regex [, group])', 'ssi', T.STRING, 2, (a) => regexpExtract(a[0] as string, regex(a[1] as string), a.length > 2 ? (a[2] as number) : 0), (consts) => {
  const r = constRegex(consts, 1);
  if (r === undefined) return undefined;
  return (a) => regexpExtract(a[0] as string, r, a.length > 2 ? (a[2] as number) : 0);
});

// REGEXP(s, regex): does some substring match? An empty regex is FALSE, as in Flink's regExp.
fixed('regexp', ['REGEXP'], 'REGEXP(s, regex)', 'ss', T.BOOLEAN, 2, (a) => {
  const p = a[1] as string;
  if (p === '') return false;
  const r = regex(p);
  return r === null ? false : r.test(a[0] as string);
}, (consts) => {
  if (consts[1] === '') return () => false;
  const r = constRegex(consts, 1);
  if (r === undefined) return undefined;
  return (a) => r!.test(a[0] as string);
});

// REGEXP_REPLACE(s, regex, replacement): every match replaced by the replacement text as is.
fixed('regexp_replace', ['REGEXP_REPLACE'], 'REGEXP_REPLACE(s, regex, replacement)', 'sss', T.STRING, 3, (a) => {
  const r = regex(a[1] as string, true);
  const rep = a[2] as string;
  return r === null ? null : (a[0] as string).replace(r, () => rep);
}, (consts) => {
  if (typeof consts[1] !== 'string') return undefined;
  const r = regex(consts[1], true);
  if (r === null) throw new Error(`invalid regular expression '${consts[1]}'`);
  return (a) => {
    const rep = a[2] as string;
    return (a[0] as string).replace(r, () => rep);
  };
});

// CONCAT(a, b, ...) and `||`: NULL if any argument is NULL. CONCAT_WS skips NULL values.
registerFunction({
  name: 'concat',
  sqlNames: ['CONCAT'],
  doc: 'CONCAT(s1, s2, ...) / s1 || s2',
  resolve(args) {
    if (args.length < 1) return 'at least one argument';
    // BYTES || BYTES is BYTES (binary strings concatenate as text does, common/bytes.ts)
    if (args.some((a) => a.kind === 'BYTES') && args.every((a) => a.kind === 'BYTES' || a.kind === 'NULL')) return { args: args.map(() => T.BYTES), ret: T.BYTES };
    for (const a of args) if (!isStr(a)) return `STRING arguments (or all BYTES), got ${typeToString(a)} (CAST it to STRING)`;
    return { args: args.map(() => T.STRING), ret: T.STRING };
  },
  kernel(sig) {
    const ret = sig.ret;
    return (args, n) => {
      const out = new Array<string>(n);
      const k = args.length;
      for (let i = 0; i < n; i++) {
        let s = '';
        for (let j = 0; j < k; j++) s += (args[j]!.values as string[])[i]!;
        out[i] = s;
      }
      return { type: ret, values: out, nulls: unionNulls(args, n) };
    };
  },
});

registerFunction({
  name: 'concat_ws',
  sqlNames: ['CONCAT_WS'],
  doc: 'CONCAT_WS(separator, s1, s2, ...)',
  resolve(args) {
    if (args.length < 2) return 'a separator and at least one string';
    for (const a of args) if (!isStr(a)) return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => T.STRING), ret: T.STRING };
  },
  kernel() {
    return rowwiseNullable(T.STRING, (a) => {
      if (a[0] === null) return null;
      const parts: string[] = [];
      for (let j = 1; j < a.length; j++) if (a[j] !== null) parts.push(a[j] as string);
      return parts.join(a[0] as string);
    });
  },
});

// ---------------------------------------------------------------------------------------
// LIKE

/** Translates a SQL LIKE pattern to an anchored regular expression. */
export function likeToRegExp(pattern: string, escape: string | undefined): RegExp {
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== undefined && c === escape) {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error(`LIKE pattern '${pattern}' ends with the escape character`);
      src += next.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
      i++;
    } else if (c === '%') src += '[\\s\\S]*';
    else if (c === '_') src += '[\\s\\S]';
    else src += c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(src + '$', 'u');
}

registerFunction({
  name: 'like',
  sqlNames: [],
  doc: 's LIKE pattern [ESCAPE c]',
  resolve(args) {
    if (args.length < 2 || args.length > 3) return 'a string and a pattern';
    for (const a of args) if (!isStr(a)) return `STRING operands, got ${typeToString(a)}`;
    return { args: args.map(() => T.STRING), ret: T.BOOLEAN };
  },
  kernel(_sig, consts) {
    const p = consts[1];
    const e = consts[2];
    if (typeof p === 'string' && (consts.length < 3 || typeof e === 'string')) {
      const r = likeToRegExp(p, e as string | undefined);
      // Fast paths for the common shapes 'abc%', '%abc', '%abc%' without wildcards inside.
      const body = p.replace(/^%|%$/g, '');
      if (e === undefined && !/[%_]/.test(body)) {
        const starts = !p.startsWith('%') && p.endsWith('%') && p.length > 1;
        const ends = p.startsWith('%') && !p.endsWith('%');
        const contains = p.startsWith('%') && p.endsWith('%') && p.length > 1;
        const f = starts ? (s: string) => s.startsWith(body) : ends ? (s: string) => s.endsWith(body) : contains ? (s: string) => s.includes(body) : p.includes('%') ? (s: string) => r.test(s) : (s: string) => s === body;
        return rowwise(T.BOOLEAN, (a) => f(a[0] as string));
      }
      return rowwise(T.BOOLEAN, (a) => r.test(a[0] as string));
    }
    return rowwise(T.BOOLEAN, (a) => likeToRegExp(a[1] as string, a[2] as string | undefined).test(a[0] as string));
  },
});

// ---------------------------------------------------------------------------------------
// IN (constant list). The binder folds non-constant lists into ORs of equalities.

registerFunction({
  name: 'in_list',
  sqlNames: [],
  doc: 'x IN (v1, v2, ...)',
  wideInts: true, // a BIGINT beyond ±(2^53-1) is one bigint, in the set and in the column
  resolve(args) {
    if (args.length < 2) return 'a value and a list';
    let t: DataType | null = args[0]!;
    for (const a of args.slice(1)) {
      t = commonType(t, a);
      if (t === null) return `list values of the operand's type, got ${typeToString(a)} in a list for ${typeToString(args[0]!)}`;
    }
    const u = t.kind === 'NULL' ? T.INT : t;
    return { args: args.map(() => u), ret: T.BOOLEAN };
  },
  kernel(sig, consts) {
    const values = new Set<Scalar>();
    let hasNull = false;
    for (let i = 1; i < consts.length; i++) {
      const c = consts[i];
      if (c === undefined) throw new Error('IN list values must be constants here');
      if (c === null) hasNull = true;
      else values.add(typeof c === 'boolean' ? (c ? 1 : 0) : typeof c === 'bigint' ? c : isWideDecimal(sig.args[0]!) ? String(c) : isNumeric(sig.args[0]!) || sig.args[0]!.kind !== 'STRING' ? Number(c) : c);
    }
    return (args, n) => {
      const x = args[0]!;
      const xv = x.values;
      const out = new Uint8Array(n);
      let nulls: Uint8Array | null = x.nulls === null ? null : x.nulls.slice(0, n);
      for (let i = 0; i < n; i++) {
        if (nulls !== null && nulls[i] === 1) continue;
        if (values.has(xv[i] as Scalar)) out[i] = 1;
        else if (hasNull) {
          nulls ??= new Uint8Array(n);
          nulls[i] = 1;
        }
      }
      return { type: T.BOOLEAN, values: out, nulls };
    };
  },
});
