// DuckDB result values (as @duckdb/node-api's getRowsJS gives them) in weir's representation,
// so both sides of a comparison hold the same JS values: integers as numbers, TIMESTAMP as
// epoch milliseconds, DATE as days, and composites as composite.ts describes them (a STRUCT
// object becomes a ROW's field array, a LIST an array, a MAP's {key, value} entries a MapValue).

import type { Scalar } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { binaryOfBytes } from '../common/bytes.js';

export function duckToWeir(v: unknown, t: DataType | undefined): Scalar {
  return convert(v, t) as Scalar;
}

function convert(v: unknown, t: DataType | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (t !== undefined) {
    switch (t.kind) {
      case 'ROW': {
        const o = v as Record<string, unknown>;
        return (t.fields ?? []).map((f) => convert(o[f.name], f.type));
      }
      case 'ARRAY':
        return (v as unknown[]).map((x) => convert(x, t.element));
      case 'MULTISET':
        return convert(v, { kind: 'MAP', key: t.element, element: { kind: 'INT' } });
      case 'MAP': {
        const entries = v as { key: unknown; value: unknown }[];
        return { keys: entries.map((e) => convert(e.key, t.key)), values: entries.map((e) => convert(e.value, t.element)) };
      }
      case 'TIME':
        // DuckDB gives a TIME as microseconds of the day; weir carries milliseconds
        return Math.floor(Number(v) / 1000);
      case 'BYTES':
        // a BLOB (Uint8Array) as weir's binary string (common/bytes.ts)
        return v instanceof Uint8Array ? binaryOfBytes(v) : v;
      default:
        break;
    }
  }
  // an integer past 2^53 stays a bigint, so it can never match a rounded double (compare.ts)
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  if (v instanceof Date) return t?.kind === 'DATE' ? Math.floor(v.getTime() / 86_400_000) : v.getTime();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/**
 * A DuckDB result's rows in weir's representation; DECIMAL columns are read as their exact
 * text (getRowsJS would give doubles), and `decimalExact` marks them (compare.ts alignDecimals).
 */
export function duckRows(reader: { getRowsJS(): unknown; getRows(): unknown; columnTypes(): unknown[] }, types: readonly (DataType | undefined)[]): { rows: unknown[][]; decimalExact: boolean[] } {
  const decimalExact = reader.columnTypes().map((t, i) => String(t).startsWith('DECIMAL') && types[i]?.kind === 'DECIMAL');
  const js = reader.getRowsJS() as unknown[][];
  const raw = decimalExact.some((x) => x) ? (reader.getRows() as unknown[][]) : null;
  const rows = js.map((r, ri) => r.map((v, i) => (decimalExact[i] === true && v !== null && v !== undefined ? String(raw![ri]![i]) : duckToWeir(v, types[i]))));
  return { rows, decimalExact };
}
