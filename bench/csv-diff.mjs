// CSV decoder differential check: decodes random inputs (edge values of every type, quotes,
// NULLs, CR LF, a BOM, trailing delimiters, wrong field counts) with two builds' CsvDecoders
// at random chunkings, batch sizes 1-4096, with and without ignore-parse-errors and a header
// line, and compares every batch, offset, line, skip log and error message.
//
//   node bench/csv-diff.mjs <before dist> <after dist> [seed] [inputs]
import { resolve } from 'node:path';
const [beforeArg, afterArg, seedArg = '1', inputsArg = '3000'] = process.argv.slice(2);
const A = await import(`${resolve(beforeArg)}/src/connectors/formats/csv.js`);
const B = await import(`${resolve(afterArg)}/src/connectors/formats/csv.js`);
let seed = Number(seedArg);
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const T = (kind, extra = {}) => ({ kind, nullable: true, ...extra });
const TYPES = [T('BIGINT'), T('INT'), T('STRING'), T('TIMESTAMP', { precision: 3 }), T('DOUBLE'), T('DATE'), T('BOOLEAN'), T('DECIMAL', { precision: 10, scale: 2 })];
const vals = {
  BIGINT: ['0', '1', '-7', '123456789012345', '1234567890123456', '9007199254740993', '+4', ' 5', '5 ', 'abc', '', '""', '"5"', '-', '99999999999999999999', '00012', '-0'],
  INT: ['0', '2', '-8', '999999999', '1000000000', '2147483647', '2147483648', '-2147483648', 'x', '', '"3"', '+1', '1.5'],
  STRING: ['x', 'Google', 'channel-1684', '', '""', '"a,b"', '"q""uote"', '"multi\nline"', 'a"b', ' sp ', '"x"y'],
  TIMESTAMP: ['2015-07-15 00:00:00.000', '2015-07-15 00:00:01.250', '2016-02-29 23:59:59', '2016-02-29T01:02:03.004', '2015-02-29 00:00:00.000', '2015-07-15 24:00:00.000', '2015-07-15 00:60:00.000', '2015-13-01 00:00:00.000', '1969-12-31 23:59:59.999', '2015-07-15 00:00:00.0', '2015-07-15 00:00:00.12345', '2015-07-15', '', '"2015-07-15 00:00:00"', '2015-07-15 00:00:00.000Z', ' 2015-07-15 00:00:00 ', '0000-01-01 00:00:00', '2015/07/15 00:00:00'],
  DOUBLE: ['1.5', '-2', 'NaN', 'x', '', '1e10', '"2"', ' 3 '],
  DATE: ['2015-07-15', '2015-02-29', 'x', ''],
  BOOLEAN: ['true', 'FALSE', '1', ''],
  DECIMAL: ['1.25', '-3', '123456789.123', 'x', ''],
};
const ser = (v) => typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v;
function run(M, cols, proj, opts, bytes, cuts, maxRows) {
  const out = [];
  const dec = new M.CsvDecoder(cols, proj, opts, 'f.csv');
  try {
    let prev = 0;
    const drain = () => { for (;;) { const b = dec.decode(maxRows); if (b === null) break; out.push(JSON.stringify({ len: b.batch.length, end: b.endOffset, line: b.endLine, cols: b.batch.columns.map((c) => ({ v: Array.from(c.values, ser), n: c.nulls ? Array.from(c.nulls) : null })) })); } };
    for (const c of [...cuts, bytes.length]) { if (c < prev) continue; dec.push(Uint8Array.from(bytes.subarray(prev, c)), prev); drain(); prev = c; }
    dec.finish(); drain();
  } catch (e) { out.push('ERR ' + e.message + ' ' + (e.hint ?? '')); }
  out.push(JSON.stringify({ off: dec.offset, line: dec.line, skipped: dec.skippedRecords, s: dec.skipped }));
  return out.join('\n');
}
let cases = 0, diffs = 0;
const N = Number(inputsArg);
for (let i = 0; i < N; i++) {
  const ncols = 1 + Math.floor(rnd() * 5);
  const cols = Array.from({ length: ncols }, (_, k) => ({ name: `c${k}`, type: rnd() < 0.6 ? pick(TYPES.slice(0, 4)) : pick(TYPES) }));
  const proj = [];
  for (let k = 0; k < ncols; k++) if (rnd() < 0.6) proj.push(k);
  if (rnd() < 0.5) proj.reverse();
  const nrec = 1 + Math.floor(rnd() * 12);
  const lines = [];
  for (let r = 0; r < nrec; r++) {
    const f = cols.map((c) => (rnd() < 0.75 ? vals[c.type.kind][Math.min(Math.floor(rnd() * 3), vals[c.type.kind].length - 1)] : pick(vals[c.type.kind])));
    let line = f.join(',');
    const x = rnd();
    if (x < 0.03) line += ',';
    else if (x < 0.05) line = f.slice(1).join(',');
    else if (x < 0.07) line = '';
    lines.push(line + (rnd() < 0.05 ? '\r' : ''));
  }
  let text = lines.join('\n') + (rnd() < 0.8 ? '\n' : '');
  if (rnd() < 0.05) text = '\ufeff' + text;
  const bytes = Buffer.from(text);
  for (const ignore of [false, true]) for (const firstLine of rnd() < 0.2 ? [false, true] : [false]) {
    const opts = { ignoreParseErrors: ignore, ignoreFirstLine: firstLine };
    for (let t = 0; t < 3; t++) {
      const cuts = t === 0 ? [] : Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => Math.floor(rnd() * bytes.length)).sort((a, b) => a - b);
      const maxRows = pick([1, 2, 3, 4096]);
      cases++;
      const a = run(A, cols, proj, opts, bytes, cuts, maxRows);
      const b = run(B, cols, proj, opts, bytes, cuts, maxRows);
      if (a !== b) { if (diffs++ < 3) console.log('DIFF', JSON.stringify({ cols: cols.map((c) => c.type.kind), proj, opts, text, cuts, maxRows }), '\nA:', a, '\nB:', b); }
    }
  }
}
console.log(JSON.stringify({ cases, diffs }));
