// The `nexmark` source connector: the deterministic generator read in parallel through a
// SplitCursor (logical splits by event index, restorable at any parallelism).

import type { Batch, Column } from '../../common/batch.js';
import { allocValues, getScalar } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import { tableError } from '../table-errors.js';
import { physicalKind, typeToString } from '../../common/types.js';
import type { TableDef } from '../../catalog/catalog.js';
import { SplitCursor } from '../split-cursor.js';
import type { KindPattern } from '../split-cursor.js';
import type { ReaderOptions, SourceConnector, SourcePosition, SourceReader } from '../connector.js';
import type { NexmarkConfig, NexmarkTable } from './generator.js';
import { NEXMARK_COLUMNS, NEXMARK_TABLES, NexmarkGenerator, nexmarkConfigFromOptions } from './generator.js';

/**
 * Upstream Nexmark's single table (its ddl_gen.sql): `event_type INT` (0 person, 1 auction,
 * 2 bid) and one ROW column per kind, NULL for the other kinds, with upstream's camelCase
 * field names. Chosen when there is no 'nexmark.table' and the table declares event_type.
 */
export function isUpstreamNexmarkTable(table: TableDef): boolean {
  return table.options.get('nexmark.table') === undefined && table.columns.some((c) => c.kind === 'physical' && c.name.toLowerCase() === 'event_type');
}

const UPSTREAM_KINDS: readonly NexmarkTable[] = ['person', 'auction', 'bid'];

/** Generator column of an upstream field name: `emailAddress` -> email_address. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function validateUpstream(table: TableDef): void {
  for (const c of table.columns) {
    if (c.kind !== 'physical') continue;
    const name = c.name.toLowerCase();
    if (name === 'event_type') {
      if (c.type.kind !== 'INT' && c.type.kind !== 'BIGINT') throw new WeirError('plan', `table ${table.name}: nexmark column event_type is INT, declared ${typeToString(c.type)}`, { span: table.span, source: table.source });
      continue;
    }
    const kind = UPSTREAM_KINDS.find((k) => k === name);
    if (kind === undefined) throw new WeirError('plan', `table ${table.name}: upstream nexmark has no column '${c.name}'`, { hint: 'its columns are event_type, person, auction, bid', span: table.span, source: table.source });
    if (c.type.kind !== 'ROW') throw new WeirError('plan', `table ${table.name}: nexmark column ${c.name} is a ROW, declared ${typeToString(c.type)}`, { span: table.span, source: table.source });
    const cols = NEXMARK_COLUMNS[kind];
    for (const f of c.type.fields ?? []) {
      const g = cols.find((x) => x.name === snakeCase(f.name));
      if (g === undefined) throw new WeirError('plan', `table ${table.name}: nexmark ${kind} has no field '${f.name}'`, { hint: `its fields are ${cols.map((x) => x.name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())).join(', ')}`, span: table.span, source: table.source });
      if (g.type.kind !== f.type.kind) throw new WeirError('plan', `table ${table.name}: nexmark field ${c.name}.${f.name} is ${typeToString(g.type)}, declared ${typeToString(f.type)}`, { span: table.span, source: table.source });
    }
  }
  nexmarkConfigFromOptions(table.options);
}

export function nexmarkTableOf(table: TableDef): NexmarkTable {
  const t = table.options.get('nexmark.table');
  if (t === undefined) {
    throw new WeirError('plan', `table ${table.name}: the nexmark connector needs 'nexmark.table'`, { hint: "add 'nexmark.table' = 'bid' (or 'person', 'auction') to WITH (...)", span: table.span, source: table.source });
  }
  if (!(NEXMARK_TABLES as readonly string[]).includes(t)) {
    throw tableError(table, `table ${table.name}: 'nexmark.table' must be person, auction or bid, got '${t}'`);
  }
  return t as NexmarkTable;
}

/** Checks the table's columns against the generator's (names and types). */
export function validateNexmarkTable(table: TableDef): void {
  if (isUpstreamNexmarkTable(table)) return validateUpstream(table);
  const kind = nexmarkTableOf(table);
  const cols = NEXMARK_COLUMNS[kind];
  for (const c of table.columns) {
    if (c.kind !== 'physical') continue;
    const g = cols.find((x) => x.name === c.name.toLowerCase());
    if (g === undefined) {
      throw new WeirError('plan', `table ${table.name}: nexmark ${kind} has no column '${c.name}'`, { hint: `its columns are ${cols.map((x) => x.name).join(', ')}`, span: table.span, source: table.source });
    }
    if (g.type.kind !== c.type.kind) {
      throw new WeirError('plan', `table ${table.name}: nexmark column ${c.name} is ${typeToString(g.type)}, declared ${typeToString(c.type)}`, { span: table.span, source: table.source });
    }
  }
  nexmarkConfigFromOptions(table.options);
}

export function nexmarkSource(table: TableDef, maxParallelism: number, rowsPerSecond: number | undefined): SourceConnector {
  const config = nexmarkConfigFromOptions(table.options);
  if (isUpstreamNexmarkTable(table)) {
    return { bounded: Number.isFinite(config.eventsNum), updating: false, rowsPerSecond, createReader: (opts) => new UpstreamNexmarkReader(config, maxParallelism, opts) };
  }
  const kind = nexmarkTableOf(table);
  return {
    bounded: Number.isFinite(config.eventsNum),
    updating: false,
    rowsPerSecond,
    createReader: (opts) => new NexmarkReader(config, kind, maxParallelism, opts),
  };
}

class NexmarkReader implements SourceReader {
  private readonly gen: NexmarkGenerator;
  private readonly cursor: SplitCursor;
  private idx: Float64Array = new Float64Array(0);
  private fast: boolean;
  private readonly own: KindPattern;
  private readonly listed: boolean;

  constructor(config: NexmarkConfig, kind: NexmarkTable, splits: number, opts: ReaderOptions) {
    this.gen = new NexmarkGenerator(
      config,
      kind,
      opts.columns.map((c) => c.name.toLowerCase()),
    );
    this.cursor = new SplitCursor(splits, opts.subtask, opts.parallelism, config.eventsNum, opts.restored);
    this.own = this.gen.kindPattern();
    // fillPeriodic visits only this table's events; the generator's own walk visits every event
    this.listed = this.cursor.listsCycle(this.own);
    this.fast = !this.listed && this.cursor.contiguous;
  }

  next(maxRows: number): Batch | null {
    const c = this.cursor;
    if (c.exhausted) return null;
    if (this.fast) {
      // Every event is this subtask's: generate straight from the cursor.
      const r = this.gen.generate(c.n, 1, maxRows, c.end);
      c.n = r.next;
      if (r.batch.length === 0 && c.exhausted) return null;
      return r.batch;
    }
    if (this.idx.length < maxRows) this.idx = new Float64Array(maxRows);
    const count = c.fillPeriodic(this.idx, maxRows, this.own);
    if (!this.listed && c.contiguous) this.fast = true;
    if (count === 0 && c.exhausted) return null;
    return this.gen.rowsAt(this.idx, count);
  }

  position(): SourcePosition {
    return this.cursor.position();
  }

  skipped(): number {
    return 0;
  }

  close(): void {}
}

/**
 * Reads upstream's single table: every event of the split, its kind as event_type and its
 * row in the kind's ROW column (fields in the declared order), the other ROW columns NULL.
 */
class UpstreamNexmarkReader implements SourceReader {
  private readonly cursor: SplitCursor;
  private readonly gens: NexmarkGenerator[];
  /** Per output column: -1 event_type, else the kind (0..2) whose ROW it holds. */
  private readonly outKinds: number[];
  /** Per output ROW column: generator column positions of its fields. */
  private readonly fieldCols: number[][];
  private idx: Float64Array = new Float64Array(0);
  private readonly byKind = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];

  constructor(
    config: NexmarkConfig,
    splits: number,
    private readonly opts: ReaderOptions,
  ) {
    this.gens = UPSTREAM_KINDS.map((k) => new NexmarkGenerator(config, k, NEXMARK_COLUMNS[k].map((c) => c.name)));
    this.outKinds = opts.columns.map((c) => (c.name.toLowerCase() === 'event_type' ? -1 : UPSTREAM_KINDS.indexOf(c.name.toLowerCase() as NexmarkTable)));
    this.fieldCols = opts.columns.map((c, i) => {
      const k = this.outKinds[i]!;
      if (k < 0) return [];
      const cols = NEXMARK_COLUMNS[UPSTREAM_KINDS[k]!];
      return (c.type.fields ?? []).map((f) => cols.findIndex((x) => x.name === snakeCase(f.name)));
    });
    this.cursor = new SplitCursor(splits, opts.subtask, opts.parallelism, config.eventsNum, opts.restored);
  }

  next(maxRows: number): Batch | null {
    const c = this.cursor;
    if (c.exhausted) return null;
    if (this.idx.length < maxRows) {
      this.idx = new Float64Array(maxRows);
      for (let k = 0; k < 3; k++) this.byKind[k] = new Float64Array(maxRows);
    }
    const count = c.fill(this.idx, maxRows, () => true);
    if (count === 0) return c.exhausted ? null : { length: 0, columns: this.opts.columns.map((col) => ({ type: col.type, values: allocValues(physicalKind(col.type), 0), nulls: null })), ops: null };
    // each kind's rows from its generator, then interleaved back in event order
    const kinds = new Uint8Array(count);
    const at = new Int32Array(count);
    const counts = [0, 0, 0];
    for (let i = 0; i < count; i++) {
      const n = this.idx[i]!;
      const k = UPSTREAM_KINDS.indexOf(this.gens[0]!.eventKind(n));
      kinds[i] = k;
      at[i] = counts[k]!;
      this.byKind[k]![counts[k]!++] = n;
    }
    const batches = this.gens.map((g, k) => (counts[k]! > 0 ? g.rowsAt(this.byKind[k]!, counts[k]!) : null));
    const columns: Column[] = this.opts.columns.map((col, ci) => {
      const ok = this.outKinds[ci]!;
      if (ok < 0) {
        const v = new Float64Array(count);
        for (let i = 0; i < count; i++) v[i] = kinds[i]!;
        return { type: col.type, values: v, nulls: null };
      }
      const values = new Array<unknown>(count).fill(null);
      const nulls = new Uint8Array(count);
      const b = batches[ok] ?? null;
      const fc = this.fieldCols[ci]!;
      for (let i = 0; i < count; i++) {
        if (kinds[i] !== ok || b === null) {
          nulls[i] = 1;
          continue;
        }
        const p = at[i]!;
        const row = new Array<unknown>(fc.length);
        for (let f = 0; f < fc.length; f++) row[f] = getScalar(b.columns[fc[f]!]!, p);
        values[i] = row;
      }
      return { type: col.type, values, nulls };
    });
    return { length: count, columns, ops: null };
  }

  position(): SourcePosition {
    return this.cursor.position();
  }

  skipped(): number {
    return 0;
  }

  close(): void {}
}
