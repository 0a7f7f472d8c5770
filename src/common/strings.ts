// Ordering of strings.

/**
 * Orders strings by code point, which is the order of their UTF-8 bytes (Flink compares
 * BinaryStringData byte by byte; DuckDB does too). JavaScript's `<` compares UTF-16 code
 * units, which differs when a character above U+FFFF meets one in U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800-DFFF) encode code points above FFFF: move them above E000-FFFF.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Orders names with their digit runs compared as numbers, so `part-0-9` comes before
 * `part-0-10` (the order a writer numbered its files in). Other characters compare by code
 * unit; digit runs equal in value fall back to the shorter (fewer leading zeros) first.
 */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    const xd = x >= 48 && x <= 57;
    const yd = y >= 48 && y <= 57;
    if (xd && yd) {
      let ie = i;
      while (ie < a.length && a.charCodeAt(ie) >= 48 && a.charCodeAt(ie) <= 57) ie++;
      let je = j;
      while (je < b.length && b.charCodeAt(je) >= 48 && b.charCodeAt(je) <= 57) je++;
      // compare the runs without leading zeros: longer is larger, then digit by digit
      let is = i;
      while (is < ie - 1 && a.charCodeAt(is) === 48) is++;
      let js = j;
      while (js < je - 1 && b.charCodeAt(js) === 48) js++;
      if (ie - is !== je - js) return ie - is - (je - js);
      for (let k = 0; k < ie - is; k++) {
        const d = a.charCodeAt(is + k) - b.charCodeAt(js + k);
        if (d !== 0) return d;
      }
      if (ie - i !== je - j) return ie - i - (je - j);
      i = ie;
      j = je;
      continue;
    }
    if (x !== y) return x - y;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}
