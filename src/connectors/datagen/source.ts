// The `datagen` source: rows generated from the declared schema, deterministically: every
// value is a function of (seed, row number, column), so runs repeat and restores resume
// exactly. Bounded by 'number-of-rows'; read in parallel through a SplitCursor.
//
// Per column `c` (Flink's option names where Flink has one):
//   fields.c.kind      random (default) | sequence
//   fields.c.min/max   numeric range (random); defaults 0..1000 for integers, 0..1 for DOUBLE
//   fields.c.start/end sequence range (sequence kind; rows beyond `end` wrap around)
//   fields.c.length    STRING length (default 10)
//   fields.c.null-rate fraction of NULLs (default 0)
// TIMESTAMP columns count up from 'fields.c.start' (default 2020-01-01 00:00:00) by
// 'fields.c.step' (default 1s) per row, so watermarks on them advance; DATE columns by days.

import { canonicalDecimalText } from '../../expr/decimal.js';
import type { Batch, Column } from '../../common/batch.js';
import { tableError } from '../table-errors.js';
import type { DataType } from '../../common/types.js';
import { physicalKind, typeToString } from '../../common/types.js';
import { parseTimestamp } from '../../common/time.js';
import type { TableDef } from '../../catalog/catalog.js';
import { parseDuration } from '../../catalog/catalog.js';
import type { ReaderOptions, SourceConnector, SourcePosition, SourceReader } from '../connector.js';
import { SplitCursor } from '../split-cursor.js';

export const DATAGEN_OPTIONS = ['number-of-rows', 'seed'];

const SPLITS = 128;

interface FieldGen {
  readonly type: DataType;
  readonly kind: 'random' | 'sequence';
  readonly min: number;
  readonly max: number;
  readonly start: number;
  readonly end: number;
  readonly length: number;
  readonly nullRate: number;
  readonly step: number;
}

function fail(table: TableDef, message: string): never {
  throw tableError(table, `table ${table.name}: ${message}`);
}

function fieldGen(table: TableDef, name: string, type: DataType): FieldGen {
  const opt = (k: string): string | undefined => table.options.get(`fields.${name}.${k}`);
  const num = (k: string, d: number): number => {
    const v = opt(k);
    if (v === undefined) return d;
    const x = (type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ') && (k === 'start' || k === 'min' || k === 'max') ? parseTimestamp(v) : Number(v);
    if (!Number.isFinite(x)) fail(table, `'fields.${name}.${k}' must be a number${type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ' ? ' or timestamp' : ''}, got '${v}'`);
    return x;
  };
  // no generator for these yet: a clear error rather than numbers or text of the wrong kind
  if (type.kind === 'TIME' || type.kind === 'BYTES') fail(table, `column ${name} of type ${typeToString(type)}: datagen does not generate ${type.kind} values yet`);
  const kind = opt('kind') ?? 'random';
  if (kind !== 'random' && kind !== 'sequence') fail(table, `'fields.${name}.kind' must be random or sequence, got '${kind}'`);
  const isTime = type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ' || type.kind === 'DATE';
  const stepText = opt('step');
  const step = stepText === undefined ? (type.kind === 'DATE' ? 1 : 1000) : type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ' ? parseDuration(stepText) : Number(stepText);
  if (!Number.isFinite(step)) fail(table, `'fields.${name}.step' must be a duration, got '${stepText}'`);
  const g: FieldGen = {
    type,
    kind: isTime ? 'sequence' : kind,
    min: num('min', type.kind === 'DOUBLE' || type.kind === 'DECIMAL' ? 0 : 0),
    max: num('max', type.kind === 'DOUBLE' || type.kind === 'DECIMAL' ? 1 : 1000),
    start: num('start', type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ' ? parseTimestamp('2020-01-01 00:00:00') : type.kind === 'DATE' ? 18262 : 0),
    end: num('end', Infinity),
    length: num('length', 10),
    nullRate: num('null-rate', 0),
    step,
  };
  if (g.min > g.max) fail(table, `'fields.${name}.min' is above 'fields.${name}.max'`);
  if (g.nullRate < 0 || g.nullRate > 1) fail(table, `'fields.${name}.null-rate' must be between 0 and 1`);
  return g;
}

export function validateDatagenTable(table: TableDef): void {
  const rows = table.options.get('number-of-rows');
  if (rows !== undefined && !(Number.isSafeInteger(Number(rows)) && Number(rows) >= 0)) fail(table, `'number-of-rows' must be a whole number, got '${rows}'`);
  const names = new Set(table.columns.filter((c) => c.kind === 'physical').map((c) => c.name));
  for (const key of table.options.keys()) {
    const m = /^fields\.(.+)\.([a-z-]+)$/.exec(key);
    if (key.startsWith('fields.') && (m === null || !names.has(m[1]!))) fail(table, `option '${key}' names no column of the table`);
    if (m !== null && !['kind', 'min', 'max', 'start', 'end', 'length', 'null-rate', 'step'].includes(m[2]!)) fail(table, `unknown datagen field option '${m[2]}' in '${key}'`);
  }
  for (const c of table.columns) {
    if (c.kind !== 'physical') continue;
    if (c.type.kind === 'INTERVAL_DAY_TIME' || c.type.kind === 'INTERVAL_YEAR_MONTH') fail(table, `datagen cannot generate ${typeToString(c.type)}`);
    fieldGen(table, c.name, c.type);
  }
}

/** 32-bit mix of (seed, row, column) -> [0, 1). */
function unit(seed: number, row: number, col: number, salt: number): number {
  let h = Math.imul((row % 4294967296) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.floor(row / 4294967296) + col * 0x27d4eb2f + salt, 0xc2b2ae35) ^ seed;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function datagenSource(table: TableDef, rowsPerSecond: number | undefined): SourceConnector {
  const rowsOpt = table.options.get('number-of-rows');
  const end = rowsOpt === undefined ? Infinity : Number(rowsOpt);
  const seed = Number(table.options.get('seed') ?? 42) | 0;
  const gens = new Map<string, FieldGen>();
  for (const c of table.columns) if (c.kind === 'physical') gens.set(c.name.toLowerCase(), fieldGen(table, c.name, c.type));
  return {
    bounded: Number.isFinite(end),
    updating: false,
    rowsPerSecond,
    createReader: (opts: ReaderOptions): SourceReader => {
      const cursor = new SplitCursor(SPLITS, opts.subtask, opts.parallelism, end, opts.restored);
      let idx = new Float64Array(0);
      const cols = opts.columns.map((c) => {
        const g = gens.get(c.name.toLowerCase())!;
        const colNo = table.columns.findIndex((x) => x.name.toLowerCase() === c.name.toLowerCase());
        return { g, colNo };
      });
      return {
        next(maxRows: number): Batch | null {
          if (cursor.exhausted) return null;
          if (idx.length < maxRows) idx = new Float64Array(maxRows);
          const n = cursor.fill(idx, maxRows, () => true);
          if (n === 0 && cursor.exhausted) return null;
          const columns: Column[] = cols.map(({ g, colNo }) => generateColumn(g, idx, n, seed, colNo));
          return { length: n, columns, ops: null };
        },
        position: (): SourcePosition => cursor.position(),
        skipped: () => 0,
        close: () => undefined,
      };
    },
  };
}

function generateColumn(g: FieldGen, rows: Float64Array, n: number, seed: number, col: number): Column {
  const kind = physicalKind(g.type);
  let nulls: Uint8Array | null = null;
  if (g.nullRate > 0) {
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (unit(seed, rows[i]!, col, 7) < g.nullRate) nulls[i] = 1;
  }
  if (kind === 'str' && g.type.kind === 'DECIMAL') {
    // a wide DECIMAL: the same numbers as a narrow one, as canonical text (expr/decimal.ts)
    const out = new Array<string>(n);
    const scale = g.type.scale ?? 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const x = g.kind === 'sequence' ? seqValue(g, r) : g.min + unit(seed, r, col, 1) * (g.max - g.min);
      out[i] = canonicalDecimalText(x.toFixed(Math.min(scale, 100)), g.type) ?? '0';
    }
    return { type: g.type, values: out, nulls };
  }
  if (kind === 'str') {
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      if (g.kind === 'sequence') {
        out[i] = String(seqValue(g, rows[i]!));
        continue;
      }
      let s = '';
      for (let k = 0; k < g.length; k++) s += ALNUM[Math.floor(unit(seed, rows[i]!, col, 100 + k) * ALNUM.length)];
      out[i] = s;
    }
    return { type: g.type, values: out, nulls };
  }
  if (kind === 'bool') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = unit(seed, rows[i]!, col, 1) < 0.5 ? 1 : 0;
    return { type: g.type, values: out, nulls };
  }
  const out = new Float64Array(n);
  const integral = g.type.kind === 'INT' || g.type.kind === 'BIGINT';
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (g.type.kind === 'TIMESTAMP' || g.type.kind === 'TIMESTAMP_LTZ' || g.type.kind === 'DATE') out[i] = g.start + r * g.step;
    else if (g.kind === 'sequence') out[i] = seqValue(g, r);
    else {
      const u = unit(seed, r, col, 1);
      if (integral) out[i] = Math.floor(g.min + u * (g.max - g.min + 1));
      else if (g.type.kind === 'DECIMAL') out[i] = Number((g.min + u * (g.max - g.min)).toFixed(g.type.scale ?? 0));
      else out[i] = g.min + u * (g.max - g.min);
    }
  }
  return { type: g.type, values: out, nulls };
}

function seqValue(g: FieldGen, row: number): number {
  if (!Number.isFinite(g.end)) return g.start + row;
  const span = g.end - g.start + 1;
  return g.start + (row % span);
}
