// s [NOT] SIMILAR TO pattern: the whole string matches the SQL regular expression (Flink:
// Calcite's SqlFunctions.similar over Like.sqlToRegexSimilar). % is any sequence, _ any one
// character; | * + ? {m,n} ( ) [ ] are regular-expression operators; every other character
// (. $ \ included) stands for itself. ESCAPE is not supported (the binder says so).

import { T, typeToString } from '../../common/types.js';
import { rowwise } from '../kernels.js';
import { registerFunction } from '../registry.js';

/** The JavaScript (and RE2) regular-expression body of a SIMILAR TO pattern. */
export function similarToRegexBody(pattern: string): string {
  let out = '';
  let inBracket = false;
  for (const ch of pattern) {
    if (inBracket) {
      if (ch === ']') inBracket = false;
      out += ch === '\\' ? '\\\\' : ch;
    } else if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else if (ch === '[') {
      inBracket = true;
      out += ch;
    } else if (ch === '.' || ch === '$' || ch === '\\' || ch === '/') out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function similarToRegExp(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${similarToRegexBody(pattern)})$`);
  } catch {
    throw new Error(`invalid SIMILAR TO pattern '${pattern}'`);
  }
}

registerFunction({
  name: 'similar_to',
  sqlNames: [],
  doc: 's SIMILAR TO pattern: the whole string matches the SQL regular expression',
  resolve(args) {
    if (args.length !== 2) return 'a string and a pattern';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING operands, got ${typeToString(a)}`;
    return { args: [T.STRING, T.STRING], ret: T.BOOLEAN };
  },
  kernel(_sig, consts) {
    const p = consts[1];
    if (typeof p === 'string') {
      const r = similarToRegExp(p); // an invalid pattern is a bind error
      return rowwise(T.BOOLEAN, (a) => r.test(a[0] as string));
    }
    const cache = new Map<string, RegExp | null>();
    return rowwise(T.BOOLEAN, (a) => {
      const text = a[1] as string;
      let r = cache.get(text);
      if (r === undefined) {
        try {
          r = similarToRegExp(text);
        } catch {
          r = null;
        }
        if (cache.size > 1000) cache.clear();
        cache.set(text, r);
      }
      return r === null ? null : r.test(a[0] as string);
    });
  },
});
