// The number tokens of JSON text, outside its strings, for readers that must see a number's
// digits before a double rounds them (JSON.parse, DuckDB's JSON reader).

/**
 * `text` with each number token for which `replace` returns a string put in its place (the
 * others left as they are); `text` itself when nothing is replaced. A token is a maximal run
 * of `-`, digits, `.`, `e`, `E` and `+` starting with `-` or a digit, outside strings.
 */
export function rewriteJsonNumbers(text: string, replace: (token: string) => string | undefined): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c !== 45 /* - */ && !(c >= 48 && c <= 57)) continue;
    let j = i + 1;
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
    }
    const r = replace(text.slice(i, j));
    if (r !== undefined) {
      out += text.slice(from, i) + r;
      from = j;
    }
    i = j - 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
