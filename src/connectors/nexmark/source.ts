// The `nexmark` source connector: the deterministic generator read in parallel through a
// SplitCursor (logical splits by event index, restorable at any parallelism).

import type { Batch } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import { tableError } from '../table-errors.js';
import { typeToString } from '../../common/types.js';
import type { TableDef } from '../../catalog/catalog.js';
import { SplitCursor } from '../split-cursor.js';
import type { ReaderOptions, SourceConnector, SourcePosition, SourceReader } from '../connector.js';
import type { NexmarkConfig, NexmarkTable } from './generator.js';
import { NEXMARK_COLUMNS, NEXMARK_TABLES, NexmarkGenerator, nexmarkConfigFromOptions } from './generator.js';

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
  const kind = nexmarkTableOf(table);
  const config = nexmarkConfigFromOptions(table.options);
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
  private readonly own: (n: number) => boolean;

  constructor(config: NexmarkConfig, kind: NexmarkTable, splits: number, opts: ReaderOptions) {
    this.gen = new NexmarkGenerator(
      config,
      kind,
      opts.columns.map((c) => c.name.toLowerCase()),
    );
    this.cursor = new SplitCursor(splits, opts.subtask, opts.parallelism, config.eventsNum, opts.restored);
    this.fast = this.cursor.contiguous;
    this.own = (n) => this.gen.isOwnKind(n);
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
    const count = c.fill(this.idx, maxRows, this.own);
    if (!this.fast && c.contiguous) this.fast = true;
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
