// The catalog: tables (with their connector options, computed columns and watermark), views,
// and the session's options (SET). Table and view names are matched case-insensitively and
// shown as declared.

import type { Span, SourceText } from '../common/errors.js';
import { bindError, didYouMean } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import type * as ast from '../sql/ast.js';

export interface PhysicalColumnDef {
  readonly kind: 'physical';
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
}

export interface ComputedColumnDef {
  readonly kind: 'computed';
  readonly name: string;
  /** Bound when the table is scanned (it may reference other columns by name). */
  readonly expr: ast.Expr;
  /** Type found when the table was created. */
  readonly type: DataType;
}

export type ColumnDef = PhysicalColumnDef | ComputedColumnDef;

export interface TableDef {
  readonly kind: 'table';
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly watermark: { readonly column: string; readonly expr: ast.Expr } | undefined;
  readonly primaryKey: readonly string[] | undefined;
  /** `PARTITIONED BY (...)` columns (physical columns), outermost directory first. */
  readonly partitionKeys?: readonly string[];
  /** Where each partition column was named in PARTITIONED BY, for errors about it. */
  readonly partitionKeySpans?: readonly Span[];
  /** Connector options, keys as written (Flink's names are lower case). */
  readonly options: ReadonlyMap<string, string>;
  /** Where each option was written (`'key' = 'value'`), for errors about it. */
  readonly optionSpans?: ReadonlyMap<string, Span>;
  readonly source: SourceText;
  readonly span: Span;
}

export interface ViewDef {
  readonly kind: 'view';
  readonly name: string;
  readonly query: ast.Query;
  readonly columnAliases: readonly string[] | undefined;
  /** Output columns, found when the view was created (for DESCRIBE and completion). */
  readonly columns: readonly { readonly name: string; readonly type: DataType; readonly rowtime?: boolean; readonly proctime?: boolean }[];
  readonly source: SourceText;
  readonly span: Span;
}

export type CatalogObject = TableDef | ViewDef;

/** A user-defined function of the session (CREATE FUNCTION ... LANGUAGE JAVASCRIPT). */
export interface FunctionDef {
  readonly name: string;
  /** The module text as written in CREATE FUNCTION, and the import specifier it resolved to. */
  readonly module: string;
  readonly specifier: string;
  readonly kind: 'scalar' | 'aggregate' | 'table';
  readonly temporary: boolean;
  readonly system: boolean;
}

export class Catalog {
  private readonly objects = new Map<string, CatalogObject>();
  /** User-defined functions by lower-case name (a namespace apart from tables, as in Flink). */
  readonly functions = new Map<string, FunctionDef>();

  has(name: string): boolean {
    return this.objects.has(name.toLowerCase());
  }

  get(name: string): CatalogObject | undefined {
    return this.objects.get(name.toLowerCase());
  }

  /** Looks a name up or fails with a did-you-mean hint. */
  resolve(name: string, span: Span | undefined): CatalogObject {
    const obj = this.get(name);
    if (obj !== undefined) return obj;
    const guess = didYouMean(name, this.names());
    throw bindError(`table or view '${name}' not found`, span, guess !== undefined ? `did you mean '${guess}'?` : this.objects.size === 0 ? 'no tables are defined yet: CREATE TABLE first' : `known: ${this.names().join(', ')}`);
  }

  add(obj: CatalogObject): void {
    this.objects.set(obj.name.toLowerCase(), obj);
  }

  drop(name: string): boolean {
    return this.objects.delete(name.toLowerCase());
  }

  names(): string[] {
    return [...this.objects.values()].map((o) => o.name);
  }

  tables(): TableDef[] {
    return [...this.objects.values()].filter((o): o is TableDef => o.kind === 'table');
  }

  views(): ViewDef[] {
    return [...this.objects.values()].filter((o): o is ViewDef => o.kind === 'view');
  }
}

/** Options a session knows, with defaults (Flink's names). */
export const DEFAULT_OPTIONS: Readonly<Record<string, string>> = {
  'parallelism.default': '1',
  'pipeline.max-parallelism': '128',
  'execution.checkpointing.interval': '5s',
  'execution.checkpointing.mode': 'EXACTLY_ONCE',
  'execution.checkpointing.timeout': '10min',
  'execution.checkpointing.min-pause': '0ms',
  'execution.checkpointing.tolerable-failed-checkpoints': '0',
  'state.checkpoints.dir': '',
  'state.checkpoints.num-retained': '3',
  'table.exec.source.idle-timeout': '0ms',
  /** Idle state retention of regular joins and updating aggregates (Flink's key; 0 = forever). */
  'table.exec.state.ttl': '0 ms',
  'execution.batch-size': '4096',
  'execution.worker-threads': 'auto',
  'sql-client.execution.result-mode': 'table',
  'sql-client.execution.max-table-result.rows': '1000000',
  'table.dml-sync': 'false',
  /** Common sub-plan reuse (src/plan/reuse.ts), Flink's keys and defaults. */
  'table.optimizer.reuse-sub-plan-enabled': 'true',
  'table.optimizer.reuse-source-enabled': 'true',
  /** Two-phase window aggregation (src/plan/physical.ts): AUTO = a local phase that adapts at run time. */
  'table.optimizer.agg-phase-strategy': 'AUTO',
  /** The session time zone of TIMESTAMP_LTZ values (src/common/time-zone.ts); 'default' = this machine's. */
  'table.local-time-zone': 'default',
};

/** Options weir reads that have no default value (for completion and docs). */
export const OPTIONS_WITHOUT_DEFAULT: readonly string[] = ['table.exec.source.rows-per-second', 'execution.savepoint.ignore-unclaimed-state', 'execution.savepoint.path'];

export class SessionOptions {
  private readonly values = new Map<string, string>();

  get(key: string): string | undefined {
    return this.values.get(key) ?? DEFAULT_OPTIONS[key];
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  reset(key?: string): void {
    if (key === undefined) this.values.clear();
    else this.values.delete(key);
  }

  /** Every option with a value: defaults overlaid with what was SET. */
  entries(): [string, string][] {
    const all = new Map<string, string>(Object.entries(DEFAULT_OPTIONS));
    for (const [k, v] of this.values) all.set(k, v);
    return [...all.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  copy(): SessionOptions {
    const c = new SessionOptions();
    for (const [k, v] of this.values) c.values.set(k, v);
    return c;
  }
}

/**
 * Parses a duration as Flink writes them: `5s`, `500 ms`, `10min`, `1 h`, `2d`, or a bare
 * number of milliseconds. Returns milliseconds, or NaN when the text is not a duration.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (m === null) return NaN;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const scale: Record<string, number> = {
    '': 1,
    ms: 1,
    milli: 1,
    millis: 1,
    millisecond: 1,
    milliseconds: 1,
    s: 1000,
    sec: 1000,
    secs: 1000,
    second: 1000,
    seconds: 1000,
    m: 60_000,
    min: 60_000,
    mins: 60_000,
    minute: 60_000,
    minutes: 60_000,
    h: 3_600_000,
    hour: 3_600_000,
    hours: 3_600_000,
    d: 86_400_000,
    day: 86_400_000,
    days: 86_400_000,
  };
  const f = scale[unit];
  return f === undefined ? NaN : n * f;
}
