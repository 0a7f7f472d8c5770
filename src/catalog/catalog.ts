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

/** `name TYPE METADATA [FROM 'key'] [VIRTUAL]`: a value the connector provides (src/connectors/metadata.ts). */
export interface MetadataColumnDef {
  readonly kind: 'metadata';
  readonly name: string;
  readonly type: DataType;
  /** The key as written after FROM; undefined: the column's name is the key. */
  readonly from: string | undefined;
  readonly virtual: boolean;
}

export type ColumnDef = PhysicalColumnDef | ComputedColumnDef | MetadataColumnDef;

/** The metadata key a metadata column reads. */
export function metadataKey(c: MetadataColumnDef): string {
  return c.from ?? c.name;
}

/**
 * The columns a source produces, in declaration order: the physical columns and the metadata
 * columns (a scan's inputs; without metadata columns, the physical columns alone).
 */
export function sourceColumns(table: TableDef): (PhysicalColumnDef | MetadataColumnDef)[] {
  return table.columns.filter((c): c is PhysicalColumnDef | MetadataColumnDef => c.kind !== 'computed');
}

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
  /** The catalog and database current when the view was created: its query's names are resolved there. */
  readonly scope?: { readonly catalog: string; readonly database: string };
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

/** A database of a catalog: its tables and views by lower-case name. */
export interface DatabaseDef {
  readonly name: string;
  readonly objects: Map<string, CatalogObject>;
  comment: string | undefined;
  readonly properties: Map<string, string>;
}

/** A catalog (Flink's `generic_in_memory` kind: databases held in the session). */
export interface CatalogDef {
  readonly name: string;
  readonly options: ReadonlyMap<string, string>;
  readonly databases: Map<string, DatabaseDef>;
  /** The database USE CATALOG makes current (Flink's `default-database` option). */
  readonly defaultDatabase: string;
}

/** Where an object lives: catalog and database names as declared, and the object's name. */
export interface ObjectPath {
  readonly catalog: string;
  readonly database: string;
  readonly name: string;
}

/** A name as written: `t`, `db.t` or `cat.db.t` (a string is one part). */
export type NameParts = string | readonly string[];

export const DEFAULT_CATALOG = 'default_catalog';
export const DEFAULT_DATABASE = 'default_database';

/**
 * The session's catalogs (Flink's CatalogManager): `default_catalog` with `default_database`,
 * and those made with CREATE CATALOG. A name of one part is resolved in the current catalog
 * and database (USE), `db.t` in the current catalog, `cat.db.t` as written. Names are matched
 * case-insensitively and shown as declared.
 */
export class Catalog {
  private readonly catalogs = new Map<string, CatalogDef>();
  private currentCatalogKey = DEFAULT_CATALOG;
  private currentDatabaseKey = DEFAULT_DATABASE;
  /** User-defined functions by lower-case name (a namespace apart from tables, as in Flink). */
  readonly functions = new Map<string, FunctionDef>();

  constructor() {
    this.createCatalog(DEFAULT_CATALOG, new Map([['type', 'generic_in_memory']]), DEFAULT_DATABASE);
  }

  get currentCatalog(): string {
    return this.catalogs.get(this.currentCatalogKey)!.name;
  }

  get currentDatabase(): string {
    return this.catalogs.get(this.currentCatalogKey)!.databases.get(this.currentDatabaseKey)?.name ?? this.currentDatabaseKey;
  }

  // -- catalogs and databases

  catalogNames(): string[] {
    return [...this.catalogs.values()].map((c) => c.name);
  }

  getCatalog(name: string): CatalogDef | undefined {
    return this.catalogs.get(name.toLowerCase());
  }

  createCatalog(name: string, options: ReadonlyMap<string, string>, defaultDatabase: string): void {
    this.catalogs.set(name.toLowerCase(), { name, options, defaultDatabase, databases: new Map([[defaultDatabase.toLowerCase(), { name: defaultDatabase, objects: new Map(), comment: undefined, properties: new Map() }]]) });
  }

  dropCatalog(name: string): void {
    this.catalogs.delete(name.toLowerCase());
  }

  useCatalog(name: string): void {
    const cat = this.catalogs.get(name.toLowerCase())!;
    if (this.currentCatalogKey === name.toLowerCase()) return;
    // as in Flink: the catalog's default database becomes current
    this.currentCatalogKey = name.toLowerCase();
    this.currentDatabaseKey = cat.defaultDatabase.toLowerCase();
  }

  /** Runs `fn` with another current catalog and database (a view's query, bound where it was created). */
  withCurrent<R>(catalog: string, database: string, fn: () => R): R {
    const saved = [this.currentCatalogKey, this.currentDatabaseKey] as const;
    this.currentCatalogKey = catalog.toLowerCase();
    this.currentDatabaseKey = database.toLowerCase();
    try {
      return fn();
    } finally {
      [this.currentCatalogKey, this.currentDatabaseKey] = saved;
    }
  }

  useDatabase(catalog: string, database: string): void {
    this.currentCatalogKey = catalog.toLowerCase();
    this.currentDatabaseKey = database.toLowerCase();
  }

  isCurrentCatalog(name: string): boolean {
    return name.toLowerCase() === this.currentCatalogKey;
  }

  isCurrentDatabase(catalog: string, database: string): boolean {
    return catalog.toLowerCase() === this.currentCatalogKey && database.toLowerCase() === this.currentDatabaseKey;
  }

  /** The catalog and database names of a database path (`db` or `cat.db`), without checking they exist. */
  databasePath(parts: readonly string[]): { catalog: string; database: string } {
    if (parts.length === 1) return { catalog: this.currentCatalog, database: parts[0]! };
    return { catalog: parts[parts.length - 2]!, database: parts[parts.length - 1]! };
  }

  getDatabase(catalog: string, database: string): DatabaseDef | undefined {
    return this.catalogs.get(catalog.toLowerCase())?.databases.get(database.toLowerCase());
  }

  // -- tables and views

  /** The full path of a name as written (not checked to exist). */
  path(name: NameParts): ObjectPath {
    const parts = typeof name === 'string' ? [name] : name;
    const n = parts.length;
    const last = parts[n - 1]!;
    if (n === 1) return { catalog: this.currentCatalog, database: this.currentDatabase, name: last };
    if (n === 2) return { catalog: this.currentCatalog, database: parts[0]!, name: last };
    return { catalog: parts[n - 3]!, database: parts[n - 2]!, name: last };
  }

  private database(p: ObjectPath): DatabaseDef | undefined {
    return this.getDatabase(p.catalog, p.database);
  }

  has(name: NameParts): boolean {
    return this.get(name) !== undefined;
  }

  get(name: NameParts): CatalogObject | undefined {
    const p = this.path(name);
    return this.database(p)?.objects.get(p.name.toLowerCase());
  }

  /** Where the object of a name lives (names as declared), or undefined. */
  locate(name: NameParts): ObjectPath | undefined {
    const p = this.path(name);
    const db = this.database(p);
    const obj = db?.objects.get(p.name.toLowerCase());
    if (db === undefined || obj === undefined) return undefined;
    return { catalog: this.getCatalog(p.catalog)!.name, database: db.name, name: obj.name };
  }

  /** Looks a name up or fails with a did-you-mean hint. */
  resolve(name: NameParts, span: Span | undefined): CatalogObject {
    const obj = this.get(name);
    if (obj !== undefined) return obj;
    const p = this.path(name);
    const cat = this.getCatalog(p.catalog);
    if (cat === undefined) throw bindError(`catalog '${p.catalog}' not found`, span, `known catalogs: ${this.catalogNames().join(', ')}`);
    const db = cat.databases.get(p.database.toLowerCase());
    if (db === undefined) throw bindError(`database '${p.database}' not found in catalog '${cat.name}'`, span, `known databases: ${[...cat.databases.values()].map((d) => d.name).join(', ')}`);
    const names = [...db.objects.values()].map((o) => o.name);
    const guess = didYouMean(p.name, names);
    const where = typeof name !== 'string' && name.length > 1 ? ` in ${cat.name}.${db.name}` : '';
    throw bindError(`table or view '${p.name}' not found${where}`, span, guess !== undefined ? `did you mean '${guess}'?` : names.length === 0 ? 'no tables are defined yet: CREATE TABLE first' : `known: ${names.join(', ')}`);
  }

  /** Adds an object to the database of `at` (the current one by default). */
  add(obj: CatalogObject, at?: NameParts): void {
    const p = this.path(at ?? obj.name);
    const db = this.database(p);
    if (db === undefined) throw bindError(`database '${p.database}' not found in catalog '${p.catalog}'`, obj.span);
    db.objects.set(obj.name.toLowerCase(), obj);
  }

  drop(name: NameParts): boolean {
    const p = this.path(name);
    return this.database(p)?.objects.delete(p.name.toLowerCase()) ?? false;
  }

  /** Tables and views of the current database (or of `db`). */
  names(db?: DatabaseDef): string[] {
    return [...this.objectsOf(db)].map((o) => o.name);
  }

  private objectsOf(db?: DatabaseDef): IterableIterator<CatalogObject> {
    return (db ?? this.database(this.path('x')))?.objects.values() ?? [].values();
  }

  tables(db?: DatabaseDef): TableDef[] {
    return [...this.objectsOf(db)].filter((o): o is TableDef => o.kind === 'table');
  }

  views(db?: DatabaseDef): ViewDef[] {
    return [...this.objectsOf(db)].filter((o): o is ViewDef => o.kind === 'view');
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
