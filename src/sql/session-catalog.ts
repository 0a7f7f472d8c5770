// Catalog and database statements (CREATE / DROP / ALTER DATABASE, CREATE / DROP CATALOG, USE,
// SHOW CATALOGS / DATABASES / CURRENT ..., SHOW TABLES FROM db) and ALTER TABLE's schema
// changes (ADD / MODIFY / DROP / RENAME a column, the watermark, the primary key), with Flink's
// rules and error wording. The session (src/sql/session.ts) dispatches to these.

import type { SourceText, Span } from '../common/errors.js';
import { bindError, notSupported, WeirError } from '../common/errors.js';
import { typeToString } from '../common/types.js';
import type { Catalog, ColumnDef, MetadataColumnDef, TableDef } from '../catalog/catalog.js';
import type * as ast from './ast.js';
import { parseScript } from './parse.js';

type Result = { readonly kind: 'ok'; readonly message: string } | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };

/** The parts of a name as written. */
export function partsOf(q: ast.QualifiedName): string[] {
  return q.parts.map((p) => p.value);
}

/** Fails unless the catalog and database a qualified object name points into exist. */
export function checkDatabase(catalog: Catalog, parts: readonly string[], span: Span): void {
  if (parts.length > 3) throw bindError(`'${parts.join('.')}' has too many parts: an object is named table, database.table or catalog.database.table`, span);
  if (parts.length === 1) return;
  const p = catalog.path(parts);
  if (catalog.getCatalog(p.catalog) === undefined) throw bindError(`Catalog ${p.catalog} does not exist.`, span, `known catalogs: ${catalog.catalogNames().sort().join(', ')}`);
  if (catalog.getDatabase(p.catalog, p.database) === undefined) throw bindError(`Database ${p.database} does not exist in Catalog ${catalog.getCatalog(p.catalog)!.name}.`, span, `CREATE DATABASE ${p.catalog}.${p.database} first`);
}

/** A database named `db` or `cat.db`: its catalog and database (names as written). */
function databaseOf(catalog: Catalog, name: ast.QualifiedName): { catalog: string; database: string } {
  const parts = partsOf(name);
  if (parts.length > 2) throw bindError(`'${parts.join('.')}' is not a database name: a database is named db or catalog.db`, name.span);
  const p = catalog.databasePath(parts);
  const cat = catalog.getCatalog(p.catalog);
  if (cat === undefined) throw bindError(`Catalog ${p.catalog} does not exist.`, name.span, `known catalogs: ${catalog.catalogNames().sort().join(', ')}`);
  return { catalog: cat.name, database: p.database };
}

/** SQL LIKE with `%` and `_` (SHOW ... LIKE). */
function likeMatcher(like: { pattern: string; not: boolean } | undefined): (s: string) => boolean {
  if (like === undefined) return () => true;
  const re = new RegExp(`^${[...like.pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's');
  return (s) => re.test(s) !== like.not;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** SHOW TABLES | VIEWS [FROM db] [LIKE], SHOW CATALOGS, SHOW DATABASES [FROM cat], SHOW CURRENT CATALOG | DATABASE. */
export function showCatalogObjects(catalog: Catalog, stmt: ast.Show): Result {
  const keep = likeMatcher(stmt.like);
  const list = (header: string, names: string[]): Result => ({ kind: 'table', header: [header], rows: names.filter(keep).sort(byCodeUnit).map((n) => [n]) });
  switch (stmt.what) {
    case 'tables':
    case 'views': {
      let db = undefined;
      if (stmt.scope !== undefined) {
        const p = databaseOf(catalog, stmt.scope);
        db = catalog.getDatabase(p.catalog, p.database);
        if (db === undefined) throw bindError(`Database ${p.database} does not exist in Catalog ${p.catalog}.`, stmt.scope.span);
      }
      return stmt.what === 'tables' ? list('table name', catalog.names(db)) : list('view name', catalog.views(db).map((v) => v.name));
    }
    case 'catalogs':
      return list('catalog name', catalog.catalogNames());
    case 'databases': {
      let name = catalog.currentCatalog;
      if (stmt.scope !== undefined) {
        if (stmt.scope.parts.length !== 1) throw bindError('SHOW DATABASES FROM takes a catalog name', stmt.scope.span);
        name = stmt.scope.parts[0]!.value;
      }
      const cat = catalog.getCatalog(name);
      if (cat === undefined) throw bindError(`Catalog ${name} does not exist.`, stmt.scope?.span ?? stmt.span);
      return list('database name', [...cat.databases.values()].map((d) => d.name));
    }
    case 'current-catalog':
      return { kind: 'table', header: ['current catalog name'], rows: [[catalog.currentCatalog]] };
    case 'current-database':
      return { kind: 'table', header: ['current database name'], rows: [[catalog.currentDatabase]] };
    default:
      throw bindError(`SHOW ${stmt.what} is not a catalog listing`, stmt.span);
  }
}

const IN_MEMORY = 'generic_in_memory';

/** CREATE CATALOG, CREATE DATABASE, ALTER DATABASE, USE [CATALOG]. */
export function catalogStatement(catalog: Catalog, stmt: ast.CreateCatalog | ast.CreateDatabase | ast.AlterDatabase | ast.Use): Result {
  switch (stmt.kind) {
    case 'create-catalog': {
      const name = stmt.name.value;
      if (catalog.getCatalog(name) !== undefined) {
        if (stmt.ifNotExists) return { kind: 'ok', message: `catalog ${name} already exists (kept)` };
        throw bindError(`Catalog ${name} already exists.`, stmt.name.span);
      }
      const options = new Map<string, string>();
      for (const o of stmt.options) {
        if (options.has(o.key)) throw bindError(`option '${o.key}' is given twice`, o.span);
        options.set(o.key, o.value);
      }
      const type = options.get('type');
      if (type === undefined) throw bindError(`Catalog options do not contain an option key 'type' for discovering a catalog.`, stmt.span, `CREATE CATALOG ${name} WITH ('type' = '${IN_MEMORY}')`);
      if (type !== IN_MEMORY) {
        const span = stmt.options.find((o) => o.key === 'type')!.span;
        throw new WeirError('not-supported', `catalog type '${type}' is not supported: weir has Flink's in-memory catalog only ('type' = '${IN_MEMORY}')`, { span, hint: `CREATE CATALOG ${name} WITH ('type' = '${IN_MEMORY}'), then CREATE TABLE in it with the connector options of each table` });
      }
      const supported = ['default-database', 'property-version', 'type'];
      const unknown = stmt.options.find((o) => !supported.includes(o.key));
      if (unknown !== undefined) throw bindError(`Unsupported options found for '${IN_MEMORY}': '${unknown.key}'`, unknown.span, `supported options: ${supported.join(', ')}`);
      const defaultDb = options.get('default-database') ?? 'default';
      if (defaultDb.trim() === '') throw bindError(`'default-database' must not be empty`, stmt.options.find((o) => o.key === 'default-database')!.span);
      catalog.createCatalog(name, options, defaultDb);
      return { kind: 'ok', message: `catalog ${name} created` };
    }
    case 'create-database': {
      const p = databaseOf(catalog, stmt.name);
      if (catalog.getDatabase(p.catalog, p.database) !== undefined) {
        if (stmt.ifNotExists) return { kind: 'ok', message: `database ${p.database} already exists (kept)` };
        throw bindError(`Database ${p.database} already exists in Catalog ${p.catalog}.`, stmt.name.span);
      }
      const cat = catalog.getCatalog(p.catalog)!;
      const properties = new Map<string, string>();
      for (const o of stmt.options) properties.set(o.key, o.value);
      cat.databases.set(p.database.toLowerCase(), { name: p.database, objects: new Map(), comment: stmt.comment, properties });
      return { kind: 'ok', message: `database ${p.database} created` };
    }
    case 'alter-database': {
      const p = databaseOf(catalog, stmt.name);
      const db = catalog.getDatabase(p.catalog, p.database);
      if (db === undefined) throw bindError(`Database ${p.database} does not exist in Catalog ${p.catalog}.`, stmt.name.span);
      for (const o of stmt.options) db.properties.set(o.key, o.value);
      return { kind: 'ok', message: `database ${db.name} altered` };
    }
    case 'use': {
      if (stmt.catalog !== undefined) {
        const cat = catalog.getCatalog(stmt.catalog.value);
        if (cat === undefined) throw bindError(`A catalog with name [${stmt.catalog.value}] does not exist.`, stmt.catalog.span, `SHOW CATALOGS lists them: ${catalog.catalogNames().sort(byCodeUnit).join(', ')}`);
        catalog.useCatalog(cat.name);
        return { kind: 'ok', message: `current catalog: ${cat.name}` };
      }
      const name = stmt.database!;
      const parts = partsOf(name);
      if (parts.length > 2) throw bindError(`'${parts.join('.')}' is not a database name: a database is named db or catalog.db`, name.span);
      const p = catalog.databasePath(parts);
      const cat = catalog.getCatalog(p.catalog);
      if (cat === undefined) throw bindError(`A catalog with name [${p.catalog}] does not exist.`, name.span);
      const db = cat.databases.get(p.database.toLowerCase());
      if (db === undefined) throw bindError(`A database with name [${p.database}] does not exist in the catalog: [${cat.name}].`, name.span, `SHOW DATABASES lists them: ${[...cat.databases.values()].map((d) => d.name).sort(byCodeUnit).join(', ')}`);
      catalog.useDatabase(cat.name, db.name);
      return { kind: 'ok', message: `current database: ${cat.name}.${db.name}` };
    }
  }
}

/** DROP CATALOG [IF EXISTS] c, DROP DATABASE [IF EXISTS] [cat.]db [RESTRICT | CASCADE]. */
export function dropCatalogOrDatabase(catalog: Catalog, stmt: ast.Drop): Result {
  if (stmt.object === 'catalog') {
    if (stmt.name.parts.length !== 1) throw bindError('a catalog name has one part', stmt.name.span);
    const name = stmt.name.parts[0]!.value;
    const cat = catalog.getCatalog(name);
    if (cat === undefined) {
      if (stmt.ifExists) return { kind: 'ok', message: `catalog ${name} does not exist (nothing dropped)` };
      throw bindError(`Catalog ${name} does not exist.`, stmt.name.span);
    }
    if (catalog.isCurrentCatalog(name)) throw bindError('Cannot drop a catalog which is currently in use.', stmt.name.span, 'USE CATALOG another one first');
    catalog.dropCatalog(name);
    return { kind: 'ok', message: `catalog ${cat.name} dropped` };
  }
  const p = databaseOf(catalog, stmt.name);
  const db = catalog.getDatabase(p.catalog, p.database);
  if (db === undefined) {
    if (stmt.ifExists) return { kind: 'ok', message: `database ${p.database} does not exist (nothing dropped)` };
    throw bindError(`Database ${p.database} does not exist in Catalog ${p.catalog}.`, stmt.name.span);
  }
  if (catalog.isCurrentDatabase(p.catalog, p.database)) throw bindError('Cannot drop a database which is currently in use.', stmt.name.span, 'USE another database first');
  if (db.objects.size > 0 && stmt.cascade !== true) throw bindError(`Database ${db.name} in catalog ${p.catalog} is not empty.`, stmt.name.span, `drop its tables and views first, or write DROP DATABASE ${db.name} CASCADE`);
  catalog.getCatalog(p.catalog)!.databases.delete(p.database.toLowerCase());
  return { kind: 'ok', message: `database ${db.name} dropped` };
}

// ---------------------------------------------------------------------------------------
// ALTER TABLE ... ADD / MODIFY / DROP / RENAME col TO

const quote = (s: string): string => '`' + s.replaceAll('`', '``') + '`';
const sq = (v: string): string => `'${v.replaceAll("'", "''")}'`;
const lower = (s: string): string => s.toLowerCase();

/** A column of a table as DDL text (names backquoted, expressions as written). */
export function columnText(c: ColumnDef, source: SourceText): string {
  if (c.kind === 'computed') return `${quote(c.name)} AS ${source.text.slice(c.expr.span.start, c.expr.span.end)}`;
  if (c.kind === 'metadata') return `${quote(c.name)} ${typeToString(c.type)}${metadataText(c)}`;
  return `${quote(c.name)} ${typeToString(c.type)}${c.nullable ? '' : ' NOT NULL'}`;
}

/** ` METADATA [FROM 'key'] [VIRTUAL]` as Flink prints it (FROM only when it was written). */
export function metadataText(c: MetadataColumnDef): string {
  return ` METADATA${c.from !== undefined ? ` FROM ${sq(c.from)}` : ''}${c.virtual ? ' VIRTUAL' : ''}`;
}

/** Column names an expression reads (unqualified or qualified: the last part). */
function referencedColumns(e: unknown, out: Set<string>): Set<string> {
  if (e === null || typeof e !== 'object') return out;
  if (Array.isArray(e)) {
    for (const x of e) referencedColumns(x, out);
    return out;
  }
  const o = e as { kind?: unknown; parts?: readonly ast.Ident[] };
  if (o.kind === 'column' && Array.isArray(o.parts) && o.parts.length > 0) out.add(lower(o.parts[0]!.value));
  for (const [k, v] of Object.entries(o)) if (k !== 'span' && k !== 'parts') referencedColumns(v, out);
  return out;
}

interface Line {
  name: string;
  text: string;
  computed: boolean;
  /** Columns the computed expression reads. */
  refs: Set<string>;
}

/**
 * The table after an ALTER TABLE schema change, as CREATE TABLE text: the current table's
 * columns, watermark, key, partitions and options with the change applied, checked with
 * Flink's rules (messages as Flink words them). The caller creates it as a new table.
 */
export function alterTableSchema(table: TableDef, path: readonly string[], stmt: ast.AlterTable, source: SourceText): string {
  const action = stmt.action;
  const lines: Line[] = table.columns.map((c) => ({ name: c.name, text: columnText(c, table.source), computed: c.kind === 'computed', refs: c.kind === 'computed' ? referencedColumns(c.expr, new Set()) : new Set() }));
  let watermark: { column: string; text: string; refs: Set<string> } | undefined =
    table.watermark === undefined ? undefined : { column: table.watermark.column, text: table.source.text.slice(table.watermark.expr.span.start, table.watermark.expr.span.end), refs: referencedColumns(table.watermark.expr, new Set([lower(table.watermark.column)])) };
  let primaryKey: string[] | undefined = table.primaryKey === undefined ? undefined : [...table.primaryKey];
  const partitions = table.partitionKeys ?? [];
  const own = (sp: Span): string => source.text.slice(sp.start, sp.end);
  const index = (n: string): number => lines.findIndex((l) => lower(l.name) === lower(n));

  /** Flink's checks before a column is dropped or renamed. */
  const checkReferences = (id: ast.Ident, dropping: ReadonlySet<string>): void => {
    const n = id.value;
    if (index(n) < 0) throw bindError(`The column \`${n}\` does not exist in the base table.`, id.span);
    const users = lines.filter((l) => l.computed && l.refs.has(lower(n)) && !dropping.has(lower(l.name))).map((l) => quote(l.name)).sort();
    if (users.length > 0) throw bindError(`The column ${quote(n)} is referenced by computed column ${users.join(', ')}.`, id.span);
    if (partitions.some((p) => lower(p) === lower(n))) throw bindError(`The column \`${n}\` is used as the partition keys.`, id.span);
    if (watermark !== undefined && watermark.refs.has(lower(n))) throw bindError(`The column \`${n}\` is referenced by watermark expression.`, id.span);
  };

  switch (action.kind) {
    case 'add':
    case 'modify': {
      const adding = action.kind === 'add';
      let keySeen = false;
      for (const comp of action.components) {
        const el = comp.element;
        if (el.kind === 'watermark') {
          if (adding && watermark !== undefined) throw bindError(`The base table has already defined the watermark strategy \`${watermark.column}\` AS ${watermark.text}. You might want to drop it before adding a new one.`, el.watermark.span);
          if (!adding && watermark === undefined) throw bindError('The base table does not define any watermark. You might want to add a new one.', el.watermark.span);
          watermark = { column: el.watermark.column.value, text: own(el.watermark.expr.span), refs: referencedColumns(el.watermark.expr, new Set([lower(el.watermark.column.value)])) };
          continue;
        }
        const key = el.kind === 'primary-key' ? el.columns.map((c) => c.value) : el.primaryKey !== undefined ? [el.primaryKey.value] : undefined;
        if (key !== undefined) {
          const span = el.kind === 'primary-key' ? el.span : el.column.span;
          if (keySeen) throw bindError('Duplicate primary key definition', span);
          keySeen = true;
          if (adding && primaryKey !== undefined) throw bindError(`The base table has already defined the primary key constraint [${primaryKey.map(quote).join(', ')}]. You might want to drop it before adding a new one.`, span);
          if (!adding && primaryKey === undefined) throw bindError('The base table does not define any primary key constraint. You might want to add a new one.', span);
          primaryKey = key;
        }
        if (el.kind === 'primary-key') continue;
        const col = el.column;
        const name = col.name.value;
        const at = index(name);
        const line: Line = { name, text: own(col.span), computed: col.kind === 'computed', refs: col.kind === 'computed' ? referencedColumns(col.expr, new Set()) : new Set() };
        // a column-level PRIMARY KEY is kept in the key, not in the column's text
        if (el.primaryKey !== undefined && col.kind === 'physical') line.text = `${quote(name)} ${own(col.type.span)}${col.notNull ? ' NOT NULL' : ''}`;
        if (adding && at >= 0) throw bindError(`Try to add a column \`${name}\` which already exists in the table.`, col.name.span);
        if (!adding && at < 0) throw bindError(`Try to modify a column \`${name}\` which does not exist in the table.`, col.name.span);
        let pos = adding ? lines.length : at;
        if (!adding) lines.splice(at, 1);
        if (comp.position?.kind === 'first') pos = 0;
        else if (comp.position?.kind === 'after') {
          const ref = index(comp.position.column.value);
          if (ref < 0) throw bindError(`Referenced column \`${comp.position.column.value}\` by 'AFTER' does not exist in the table.`, comp.position.column.span);
          pos = ref + 1;
        }
        lines.splice(pos, 0, line);
      }
      break;
    }
    case 'drop-columns': {
      const dropping = new Set<string>();
      for (const c of action.columns) {
        if (dropping.has(lower(c.value))) throw bindError(`Duplicate column \`${c.value}\`.`, c.span);
        dropping.add(lower(c.value));
      }
      for (const c of action.columns) {
        checkReferences(c, dropping);
        if (primaryKey?.some((k) => lower(k) === lower(c.value))) throw bindError(`The column ${quote(c.value)} is used as the primary key.`, c.span);
      }
      for (const c of action.columns) lines.splice(index(c.value), 1);
      break;
    }
    case 'drop-primary-key':
      if (primaryKey === undefined) throw bindError('The base table does not define any primary key.', action.span);
      primaryKey = undefined;
      break;
    case 'drop-watermark':
      if (watermark === undefined) throw bindError('The base table does not define any watermark strategy.', action.span);
      watermark = undefined;
      break;
    case 'rename-column': {
      checkReferences(action.from, new Set());
      const to = action.to.value;
      if (index(to) >= 0) throw bindError(`The column \`${to}\` already existed in table schema.`, action.to.span);
      const i = index(action.from.value);
      const old = table.columns.find((c) => lower(c.name) === lower(action.from.value))!;
      lines[i] = { ...lines[i]!, name: to, text: columnText({ ...old, name: to }, table.source) };
      if (primaryKey !== undefined) primaryKey = primaryKey.map((k) => (lower(k) === lower(action.from.value) ? to : k));
      break;
    }
    default:
      throw notSupported(`ALTER TABLE ${action.kind}`, stmt.span);
  }
  const elements = [...lines.map((l) => l.text), ...(watermark !== undefined ? [`WATERMARK FOR ${quote(watermark.column)} AS ${watermark.text}`] : []), ...(primaryKey !== undefined ? [`PRIMARY KEY (${primaryKey.map(quote).join(', ')}) NOT ENFORCED`] : [])];
  const partitioned = partitions.length > 0 ? `\nPARTITIONED BY (${partitions.map(quote).join(', ')})` : '';
  const options = table.options.size > 0 ? ` WITH (\n  ${[...table.options].map(([k, v]) => `${sq(k)} = ${sq(v)}`).join(',\n  ')}\n)` : '';
  return `CREATE TABLE ${path.map(quote).join('.')} (\n  ${elements.join(',\n  ')}\n)${partitioned}${options}`;
}

/** Parses a CREATE TABLE text made by alterTableSchema or LIKE. */
export function parseCreateTable(text: string, name: string): { stmt: ast.CreateTable; source: SourceText } {
  const source: SourceText = { name, text };
  const [stmt] = parseScript(source);
  return { stmt: stmt as ast.CreateTable, source };
}
