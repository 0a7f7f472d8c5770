// How the shell shows values and results: one table style (box drawing, numbers right-
// aligned), one NULL spelling (`NULL`), widths in terminal columns (a CJK character or an
// emoji takes two, counted by string-width, not by UTF-16 code units), and the formats of
// finished results (`\mode table|csv|json|markdown`, `\x` expanded records).
//
// No function here cuts a value: a value wider than the screen makes its line wider (the
// terminal wraps it), or the caller shows fewer columns or records instead.

import { createRequire } from 'node:module';
import type { Batch } from '../../common/batch.js';
import { formatCell } from '../../common/display.js';
import type { DataType } from '../../common/types.js';
import type { Schema } from '../../plan/logical.js';

/** The shell's one spelling of SQL NULL (in tables, rows and markdown). */
export const NULL_TEXT = 'NULL';

/** Formats of finished results, as DuckDB's `.mode`. */
export type OutputFormat = 'table' | 'csv' | 'json' | 'markdown';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json', 'markdown'];

/** `\x`: records instead of a table; `auto` when the table is wider than the screen. */
export type Expanded = 'off' | 'on' | 'auto';

/** A cell's text, or null for SQL NULL. */
export type Cell = string | null;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

type StringWidth = (s: string) => number;

/**
 * string-width, loaded when the first text that is not printable ASCII is measured: with its
 * Unicode tables it cost ~15-30 ms of every start (issue 13: start-up). It is an ES module;
 * where Node cannot require one synchronously (before 20.19) it is imported at load as before.
 */
let stringWidth: StringWidth | undefined = (process.features as { require_module?: boolean }).require_module === true ? undefined : (await import('string-width')).default;

/** Columns a text takes on a terminal. */
export function displayWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  stringWidth ??= (createRequire(import.meta.url)('string-width') as { default: StringWidth }).default;
  return stringWidth(s);
}

export function padEnd(s: string, w: number): string {
  const d = w - displayWidth(s);
  return d > 0 ? s + ' '.repeat(d) : s;
}

export function padStart(s: string, w: number): string {
  const d = w - displayWidth(s);
  return d > 0 ? ' '.repeat(d) + s : s;
}

/** `1 row`, `2 rows`, `1,000 rows`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Numbers are right-aligned, and written bare in JSON. */
export function isNumeric(t: DataType): boolean {
  switch (t.kind) {
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
      return true;
    default:
      return false;
  }
}

/** Row i of a batch as cells. */
export function cellsOf(batch: Batch, i: number): Cell[] {
  return batch.columns.map((c) => (c.nulls !== null && c.nulls[i] === 1 ? null : formatCell(c, i)));
}

export function cellText(c: Cell): string {
  return c === null ? NULL_TEXT : c;
}

// -----------------------------------------------------------------------------------------
// The table style

export interface BoxLayout {
  readonly widths: readonly number[];
  readonly right: readonly boolean[];
}

/** Widths that hold every header and cell whole. */
export function layoutOf(header: readonly string[], rows: readonly (readonly Cell[])[], right: readonly boolean[]): BoxLayout {
  const widths = header.map((h) => displayWidth(h));
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, displayWidth(cellText(r[i] ?? null)));
  return { widths, right };
}

export function boxWidth(widths: readonly number[]): number {
  return widths.reduce((a, w) => a + w + 3, 1);
}

export function boxRule(widths: readonly number[], where: 'top' | 'middle' | 'bottom'): string {
  const [l, m, r] = where === 'top' ? ['┌', '┬', '┐'] : where === 'middle' ? ['├', '┼', '┤'] : ['└', '┴', '┘'];
  return `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
}

/** One line of cells (the header when `header`: aligned as its column). */
export function boxLine(cells: readonly string[], layout: BoxLayout): string {
  return `│ ${cells.map((c, i) => (layout.right[i] ? padStart(c, layout.widths[i]!) : padEnd(c, layout.widths[i]!))).join(' │ ')} │`;
}

/** A whole table in the shell's style. */
export function renderBox(header: readonly string[], rows: readonly (readonly Cell[])[], right: readonly boolean[] = header.map(() => false)): string[] {
  const layout = layoutOf(header, rows, right);
  const out = [boxRule(layout.widths, 'top'), boxLine(header, layout), boxRule(layout.widths, 'middle')];
  for (const r of rows) out.push(boxLine(r.map(cellText), layout));
  out.push(boxRule(layout.widths, 'bottom'));
  return out;
}

/** psql's expanded display: one block per record, a column per line. */
export function renderExpanded(header: readonly string[], rows: readonly (readonly Cell[])[], firstRecord = 1): string[] {
  const w = Math.max(0, ...header.map(displayWidth));
  const out: string[] = [];
  rows.forEach((r, k) => {
    out.push(`-[ RECORD ${firstRecord + k} ]${'-'.repeat(Math.max(2, w + 2))}`);
    for (let i = 0; i < header.length; i++) out.push(`${padEnd(header[i]!, w)} │ ${cellText(r[i] ?? null)}`);
  });
  return out;
}

// -----------------------------------------------------------------------------------------
// Finished results

/** A finished result in a format, ending with a newline; the table format ends with its row count. */
export function formatResult(format: OutputFormat, schema: Schema, rows: readonly (readonly Cell[])[], opts: { expanded: Expanded; screenWidth: number }): string {
  const header = schema.map((f) => f.name);
  switch (format) {
    case 'csv':
      return [header.map(csvField), ...rows.map((r) => r.map((c) => (c === null ? '' : csvField(c))))].map((l) => `${l.join(',')}\n`).join('');
    case 'json': {
      const numeric = schema.map((f) => isNumeric(f.type) || f.type.kind === 'BOOLEAN');
      const objects = rows.map((r) => `{${header.map((h, i) => `${JSON.stringify(h)}:${jsonValue(r[i] ?? null, numeric[i]!)}`).join(',')}}`);
      return `[${objects.join(',\n')}]\n`;
    }
    case 'markdown': {
      const right = schema.map((f) => isNumeric(f.type));
      const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
      const layout = layoutOf(header.map(esc), rows.map((r) => r.map((c) => esc(cellText(c)))), right);
      const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (right[i] ? padStart(c, layout.widths[i]!) : padEnd(c, layout.widths[i]!))).join(' | ')} |`;
      const rule = `|${layout.widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
      return [line(header.map(esc)), rule, ...rows.map((r) => line(r.map((c) => esc(cellText(c)))))].map((l) => `${l}\n`).join('');
    }
    case 'table': {
      const right = schema.map((f) => isNumeric(f.type));
      const box = renderBox(header, rows, right);
      const expanded = opts.expanded === 'on' || (opts.expanded === 'auto' && displayWidth(box[0]!) > opts.screenWidth);
      const lines = expanded ? renderExpanded(header, rows) : box;
      return `${lines.join('\n')}${lines.length > 0 ? '\n' : ''}${plural(rows.length, 'row')}\n`;
    }
  }
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

function jsonValue(c: Cell, bare: boolean): string {
  if (c === null) return 'null';
  if (bare && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(c)) return c;
  if (bare && (c === 'true' || c === 'false')) return c;
  return JSON.stringify(c);
}
