// Partitioned directories of the filesystem connector, as Flink lays them out: a row of a
// table `PARTITIONED BY (dt, hm)` lives in `<path>/dt=<value>/hm=<value>/`, the files hold
// the other columns only. A value is escaped as Flink's PartitionPathUtils does (`%XX`, upper
// hex, for control characters and `"#%'*/:=?\{[]^` and DEL); a NULL or empty value is
// written as 'partition.default-name' and read back as NULL.
//
// Also here: the 'path' option as a local path ('file:///tmp/x' URIs), and the partition time
// that the 'partition-time' commit trigger compares with the watermark.

import { fileURLToPath } from 'node:url';
import type { TableDef } from '../../catalog/catalog.js';
import { getScalar, type Column } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { scalarText, valueKindOf } from '../formats/text-values.js';
import { tableError } from '../table-errors.js';

export const DEFAULT_PARTITION_NAME = '__DEFAULT_PARTITION__';

/**
 * The local path a table's 'path' names. `file:///tmp/x` and `file:/tmp/x` are the local path
 * `/tmp/x`; other URI schemes (hdfs://, s3://, ...) are an error: weir reads and writes the
 * local file system only.
 */
export function filesystemPath(table: TableDef): string {
  const raw = table.options.get('path');
  if (raw === undefined) throw tableError(table, `table ${table.name}: the filesystem connector needs a 'path'`, "add 'path' = 'data/bids.csv' (a file or a directory)");
  return localPath(raw, (message, hint) => tableError(table, `table ${table.name}: ${message}`, hint, 'path'));
}

export function localPath(raw: string, error: (message: string, hint: string) => Error): string {
  // a scheme is two or more characters, so a Windows drive letter (C:\...) is not one
  const m = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(raw);
  if (m === null) return raw;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'file') {
    throw error(`'path' uses the scheme '${scheme}:', which weir cannot read or write: weir works on the local file system only`, "use a local path ('/data/out' or 'file:///data/out'), or copy the files to local disk first");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw error(`'path' = '${raw}' is not a valid file URI`, "write 'file:///absolute/path' or a plain path");
  }
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    throw error(`'path' = '${raw}' names the host '${url.hostname}'; weir works on the local file system only`, "write 'file:///absolute/path' (three slashes)");
  }
  if (url.search !== '' || url.hash !== '') throw error(`'path' = '${raw}' has a query or fragment, which a file path cannot have`, "write 'file:///absolute/path'");
  return fileURLToPath(url);
}

// ---------------------------------------------------------------------------------------
// Escaping

const ESCAPED = new Uint8Array(128);
for (let c = 1; c < 32; c++) ESCAPED[c] = 1;
for (const ch of '"#%\'*/:=?\\{[]^') ESCAPED[ch.charCodeAt(0)] = 1;
ESCAPED[0x7f] = 1;

export function escapePartitionName(text: string): string {
  let out: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && ESCAPED[c] === 1) {
      out ??= text.slice(0, i);
      out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
    } else if (out !== undefined) out += text[i];
  }
  return out ?? text;
}

export function unescapePartitionName(text: string): string {
  if (!text.includes('%')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%' && i + 2 < text.length && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += c;
  }
  return out;
}

/** `k=v` directory names of a relative file path, unescaped, outermost first. */
export function partitionSpecOf(relativePath: string): Map<string, string> {
  const spec = new Map<string, string>();
  const parts = relativePath.split(/[\\/]/);
  parts.pop(); // the file name
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0 || eq === p.length - 1) continue;
    spec.set(unescapePartitionName(p.slice(0, eq)), unescapePartitionName(p.slice(eq + 1)));
  }
  return spec;
}

/**
 * The text of a partition value, as the text formats write it (a TIMESTAMP as
 * `2024-01-02 10:00:00.000`), or undefined for NULL.
 */
export function partitionValueText(col: Column, row: number): string | undefined {
  const v = getScalar(col, row);
  if (v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // composite partition columns are refused at CREATE TABLE
  if (typeof v === 'object') throw new Error(`internal error: a ${col.type.kind} value as a partition value`);
  return scalarTextOf(col.type, v);
}

function scalarTextOf(type: DataType, v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  return scalarText(valueKindOf(type, ''), type, v);
}

/** The relative directory of a row's partition: `dt=2024-01-02/hm=10%3A00`. */
export function partitionDirectory(keys: readonly string[], values: readonly (string | undefined)[], defaultName: string): string {
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    if (i > 0) out += '/';
    out += `${escapePartitionName(keys[i]!)}=${v === undefined || v === '' ? escapePartitionName(defaultName) : escapePartitionName(v)}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Partition time ('sink.partition-commit.trigger' = 'partition-time')

/**
 * The partition's time as epoch milliseconds (the partition values read as a TIMESTAMP in
 * UTC, as the watermark of a TIMESTAMP(3) column is), or undefined when the values do not
 * make a time. Without 'partition.time-extractor.timestamp-pattern' the first partition value
 * is the time; with it, `$key` in the pattern is replaced by that key's value.
 */
export function partitionTime(keys: readonly string[], values: readonly string[], pattern: string | undefined, formatter: string | undefined): number | undefined {
  let text: string;
  if (pattern === undefined) text = values[0] ?? '';
  else {
    text = pattern;
    // longest keys first, so `$dt` is not taken for `$d` followed by 't'
    const order = keys.map((k, i) => [k, i] as const).sort((a, b) => b[0].length - a[0].length);
    for (const [k, i] of order) text = text.split(`$${k}`).join(values[i] ?? '');
  }
  return formatter === undefined ? parseDefaultTime(text) : parseWithFormatter(text, formatter);
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  if (back.getUTCDate() !== d) return undefined;
  return t;
}

/** `yyyy-M-d[ H:m:s[.fraction]]`, one- or two-digit fields, as Flink's default extractor. */
function parseDefaultTime(text: string): number | undefined {
  const m = /^(\d{1,10})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (m === null) return undefined;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7].padEnd(3, '0').slice(0, 3)));
  return utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
}

const FORMAT_FIELDS: Record<string, string> = { yyyy: 'y', MM: 'M', dd: 'd', HH: 'H', mm: 'm', ss: 's', SSS: 'S' };

/** Checks a 'partition.time-extractor.timestamp-formatter' pattern; returns an error text. */
export function checkFormatter(pattern: string): string | undefined {
  const rest = pattern.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, '');
  const letter = /[A-Za-z]/.exec(rest);
  if (letter !== null) return `the pattern letter '${letter[0]}' is not supported (weir understands yyyy, MM, dd, HH, mm, ss and SSS)`;
  if (!pattern.includes('yyyy') || !pattern.includes('MM') || !pattern.includes('dd')) return 'the pattern needs yyyy, MM and dd';
  return undefined;
}

/** Java-style fixed-width pattern (yyyy MM dd HH mm ss SSS and literals). */
function parseWithFormatter(text: string, pattern: string): number | undefined {
  let re = '^';
  const order: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const tok = ['yyyy', 'SSS', 'MM', 'dd', 'HH', 'mm', 'ss'].find((t) => pattern.startsWith(t, i));
    if (tok !== undefined) {
      re += `(\\d{${tok.length}})`;
      order.push(FORMAT_FIELDS[tok]!);
      i += tok.length;
    } else {
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  const m = new RegExp(`${re}$`).exec(text);
  if (m === null) return undefined;
  const f: Record<string, number> = { y: 0, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  order.forEach((k, i) => (f[k] = Number(m[i + 1])));
  return utc(f.y!, f.M!, f.d!, f.H!, f.m!, f.s!, f.S!);
}
