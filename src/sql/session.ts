// A SQL session: the catalog and options, and what each statement does. DDL and SET change
// the session; a query or INSERT becomes a logical plan for the caller (CLI, REPL, verify)
// to plan physically and run. Statement results are data; the caller renders them.

import { miniBatchFrom } from '../plan/mini-batch.js';
import type { SourceText, Span } from '../common/errors.js';
import { parseDuration } from '../catalog/catalog.js';
import { WeirError, assertNever, bindError, notSupported, planError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, physicalKind, typeToString } from '../common/types.js';
import type { ColumnDef, TableDef } from '../catalog/catalog.js';
import { Catalog, SessionOptions } from '../catalog/catalog.js';
import { alterTableSchema, columnText, metadataText, catalogStatement, checkDatabase, dropCatalogOrDatabase, parseCreateTable, partsOf, showCatalogObjects } from './session-catalog.js';
import { checkSessionOption } from '../catalog/session-options.js';
import { setSessionTimeZone } from '../common/time-zone.js';
import type { LogicalPlan, SinkNode } from '../plan/logical.js';
import { explainLogical, isUpdating } from '../plan/logical.js';
import { pruneColumns } from '../plan/prune.js';
import type { PhysicalPlan } from '../plan/physical.js';
import { aggPhaseFrom, buildPhysicalPlan, explainPhysical } from '../plan/physical.js';
import type { ReuseOptions } from '../plan/reuse.js';
import { explainWithReuse, mergeScans, reuseOptionsFrom } from '../plan/reuse.js';
import { loadConnectorModules, sinkInfo, validateTable } from '../connectors/registry.js';
import { maskOptions } from '../common/secrets.js';
import { allFunctions, functionBySqlName } from '../expr/registry.js';
import { loadFunctionModule, moduleLocation, udfDefinition } from '../expr/udf.js';
import { AGGREGATE_NAMES } from '../expr/aggregate-types.js';
import type * as ast from './ast.js';
import { Binder, isProctimeCall } from './binder.js';
import { resolveTypeName } from './literals.js';
import { parseScript } from './parse.js';

export type StatementResult =
  /** `notice`: something the user should know although the statement succeeded. */
  | { readonly kind: 'ok'; readonly message: string; readonly notice?: string }
  | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'explain'; readonly text: string }
  /** A bare SELECT: run it and show the rows. */
  | { readonly kind: 'query'; readonly plan: LogicalPlan; readonly statement: ast.Statement; readonly source: SourceText }
  /**
   * INSERT INTO or a statement set: run these sinks as one job. From CREATE TABLE ... AS
   * SELECT, `ddl` is a CREATE TABLE statement that makes the same table (for scripts that
   * replay a session's DDL), and `query` is the inserted query.
   */
  | { readonly kind: 'insert'; readonly sinks: readonly SinkNode[]; readonly source: SourceText; readonly ddl?: string; readonly query?: ast.Query }
  | { readonly kind: 'show-jobs' }
  | { readonly kind: 'stop-job'; readonly jobId: string; readonly withSavepoint: boolean };

export class Session {
  readonly catalog = new Catalog();
  readonly options = new SessionOptions();

  /** Parses a script and runs each statement in order; results in order. */
  executeScript(source: SourceText): { statement: ast.Statement; result: StatementResult }[] {
    const stmts = parseScript(source);
    return stmts.map((statement) => ({ statement, result: this.execute(statement, source) }));
  }

  execute(stmt: ast.Statement, source: SourceText): StatementResult {
    try {
      // TIMESTAMP_LTZ values are cast, shown and windowed in the session zone (process state:
      // common/time-zone.ts); a SET or --set changed since the last statement takes effect here.
      this.applyTimeZone();
      const result = this.executeInner(stmt, source);
      if (stmt.kind === 'set' || stmt.kind === 'reset') this.applyTimeZone();
      return result;
    } catch (e) {
      if (e instanceof WeirError) e.withSource(source);
      throw e;
    }
  }

  private executeInner(stmt: ast.Statement, source: SourceText): StatementResult {
    switch (stmt.kind) {
      case 'create-table':
        return this.createTable(stmt, source);
      case 'create-view':
        return this.createView(stmt, source);
      case 'create-function':
        return this.createFunction(stmt);
      case 'drop': {
        if (stmt.object === 'function') return this.dropFunction(stmt);
        if (stmt.object === 'catalog' || stmt.object === 'database') return dropCatalogOrDatabase(this.catalog, stmt);
        const path = partsOf(stmt.name);
        const name = path[path.length - 1]!;
        const obj = this.catalog.get(path);
        if (obj === undefined) {
          if (stmt.ifExists) return { kind: 'ok', message: `${stmt.object} ${name} does not exist (nothing dropped)` };
          this.catalog.resolve(path, stmt.name.span);
        } else if (obj.kind !== stmt.object) {
          throw bindError(`${obj.name} is a ${obj.kind}, not a ${stmt.object}`, stmt.name.span, `use DROP ${obj.kind.toUpperCase()} ${obj.name}`);
        }
        this.catalog.drop(path);
        return { kind: 'ok', message: `${stmt.object} ${obj?.name ?? name} dropped` };
      }
      case 'create-catalog':
      case 'create-database':
      case 'alter-database':
      case 'use':
        return catalogStatement(this.catalog, stmt);
      case 'alter-view':
        return this.alterView(stmt, source);
      case 'set': {
        if (stmt.key === undefined) return { kind: 'table', header: ['key', 'value'], rows: this.options.entries() };
        const { notice } = checkSessionOption(stmt.key, stmt.value, stmt.span);
        if (stmt.value === undefined) return { kind: 'table', header: ['key', 'value'], rows: [[stmt.key, this.options.get(stmt.key) ?? '(not set)']] };
        this.options.set(stmt.key, stmt.value);
        return { kind: 'ok', message: `${stmt.key} = ${stmt.value}${notice === undefined ? '' : ` (${notice})`}`, notice };
      }
      case 'reset':
        if (stmt.key !== undefined) checkSessionOption(stmt.key, undefined, stmt.span);
        this.options.reset(stmt.key);
        return { kind: 'ok', message: stmt.key === undefined ? 'all options reset' : `${stmt.key} reset` };
      case 'show':
        switch (stmt.what) {
          case 'tables':
          case 'views':
          case 'catalogs':
          case 'databases':
          case 'current-catalog':
          case 'current-database':
            return showCatalogObjects(this.catalog, stmt);
          case 'functions': {
            const user = [...this.catalog.functions.values()].map((f) => [f.name, `${f.kind} function from '${f.module}' (user-defined)`]);
            const rows = [...allFunctions().flatMap((f) => f.sqlNames.map((n) => [n, f.doc])), ...[...AGGREGATE_NAMES].map((n) => [n, `${n}(...) aggregate`]), ...user];
            return { kind: 'table', header: ['function', 'usage'], rows: rows.sort((a, b) => a[0]!.localeCompare(b[0]!)) };
          }
          case 'user-functions': {
            const rows = [...this.catalog.functions.values()].map((f) => [f.name]).sort((a, b) => a[0]!.localeCompare(b[0]!));
            return { kind: 'table', header: ['function name'], rows };
          }
          case 'jobs':
            return { kind: 'show-jobs' };
          case 'create-table':
          case 'create-view':
            return { kind: 'explain', text: this.showCreate(stmt) };
        }
        return assertNever(stmt.what, 'SHOW');
      case 'describe':
        return this.describe(stmt);
      case 'explain':
        return { kind: 'explain', text: this.explain(stmt.statement, source, { changelogMode: stmt.changelogMode }) };
      case 'query':
        return { kind: 'query', plan: this.bindQuery(stmt.query, source), statement: stmt, source };
      case 'insert':
        return { kind: 'insert', sinks: [this.bindInsert(stmt, source)], source };
      case 'statement-set':
        if (stmt.inserts.length === 0) throw bindError('a statement set needs at least one INSERT', stmt.span);
        return { kind: 'insert', sinks: stmt.inserts.map((i) => this.bindInsert(i, source)), source };
      case 'stop-job':
        return { kind: 'stop-job', jobId: stmt.jobId, withSavepoint: stmt.withSavepoint };
      case 'alter-table':
        return this.alterTable(stmt, source);
      default:
        return assertNever(stmt, 'statement');
    }
  }

  /** Makes the session's 'table.local-time-zone' the process's zone (common/time-zone.ts). */
  applyTimeZone(): void {
    setSessionTimeZone(this.options.get('table.local-time-zone') ?? 'default');
  }

  /**
   * Imports the JavaScript modules the script's CREATE FUNCTION statements name, and the
   * connectors its CREATE TABLE and ALTER TABLE statements name (dynamic import is
   * asynchronous; the statements themselves then run synchronously). Call before
   * executeScript / execute. A module that fails to load is reported by its statement.
   */
  async loadFunctionModules(source: SourceText, statements?: readonly ast.Statement[]): Promise<void> {
    let stmts: readonly ast.Statement[];
    try {
      stmts = statements ?? parseScript(source);
    } catch {
      return; // the parse error is reported when the script runs
    }
    const connectors: string[] = [];
    for (const st of stmts) {
      const options = st.kind === 'create-table' ? st.options : st.kind === 'alter-table' && st.action.kind === 'set' ? st.action.options : [];
      for (const o of options) if (o.key === 'connector') connectors.push(o.value);
    }
    await loadConnectorModules(connectors);
    for (const st of stmts) {
      if (st.kind !== 'create-function' || !isJavaScript(st)) continue;
      const loc = moduleLocation(st.module);
      if (loc.specifier !== undefined) await loadFunctionModule(loc.specifier);
    }
  }

  private createFunction(stmt: ast.CreateFunction): StatementResult {
    const name = stmt.name.parts[stmt.name.parts.length - 1]!.value;
    checkDatabase(this.catalog, partsOf(stmt.name), stmt.name.span);
    const form = `CREATE FUNCTION ${name} AS 'path/to/${name}.js' LANGUAGE JAVASCRIPT`;
    const lang = stmt.language?.value;
    if (lang !== undefined && lang !== 'JAVASCRIPT' && lang !== 'JS') {
      throw new WeirError('not-supported', `LANGUAGE ${lang} is not supported: weir runs user-defined functions written in JavaScript`, { span: stmt.language!.span, hint: `write the function as an ES module and create it with ${form}` });
    }
    if (!isJavaScript(stmt)) {
      throw new WeirError('not-supported', `'${stmt.module}' looks like a Java class name, but weir runs user-defined functions written in JavaScript`, { span: stmt.moduleSpan, hint: `write the function as an ES module (.js or .mjs) and create it with ${form}` });
    }
    const upper = name.toUpperCase();
    if (functionBySqlName(upper) !== undefined || AGGREGATE_NAMES.has(upper) || BUILT_IN_FORMS.has(upper)) {
      throw bindError(`${name} is a built-in function`, stmt.name.span, 'give the user-defined function another name');
    }
    if (this.catalog.functions.has(name.toLowerCase())) {
      if (stmt.ifNotExists) return { kind: 'ok', message: `function ${name} already exists (kept)` };
      throw bindError(`function '${name}' already exists`, stmt.name.span, `DROP FUNCTION ${name} first, or write CREATE FUNCTION IF NOT EXISTS`);
    }
    const loc = moduleLocation(stmt.module);
    if (loc.specifier === undefined) {
      throw bindError(`function module not found: ${loc.path}`, stmt.moduleSpan, `a relative path is resolved against the working directory (${process.cwd()}), as a table's 'path' is`);
    }
    const def = udfDefinition(loc.specifier, name, stmt.moduleSpan);
    this.catalog.functions.set(name.toLowerCase(), { name, module: stmt.module, specifier: loc.specifier, kind: def.kind, temporary: stmt.temporary, system: stmt.system });
    return { kind: 'ok', message: `${def.kind} function ${name} created` };
  }

  private dropFunction(stmt: ast.Drop): StatementResult {
    const name = stmt.name.parts[stmt.name.parts.length - 1]!.value;
    checkDatabase(this.catalog, partsOf(stmt.name), stmt.name.span);
    if (!this.catalog.functions.delete(name.toLowerCase())) {
      if (stmt.ifExists) return { kind: 'ok', message: `function ${name} does not exist (nothing dropped)` };
      throw bindError(`function '${name}' not found`, stmt.name.span, 'SHOW USER FUNCTIONS lists the functions created in this session');
    }
    return { kind: 'ok', message: `function ${name} dropped` };
  }

  bindQuery(q: ast.Query, source: SourceText): LogicalPlan {
    return new Binder(this.catalog, source).bindQuery(q);
  }

  bindInsert(ins: ast.Insert, source: SourceText): SinkNode {
    const sink = new Binder(this.catalog, source).bindInsert(ins);
    const info = sinkInfo(sink.table);
    if (isUpdating(sink.input) && !info.acceptsUpdates && info.connector === 'jdbc') {
      throw planError(
        `INSERT INTO ${sink.table.name} produces an updating result, but the jdbc table ${sink.table.name} has no PRIMARY KEY, so its sink can only append rows`,
        ins.span,
        `declare the key the result is updated by, as Flink's jdbc sink needs for upserts: CREATE TABLE ${sink.table.name} (..., PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'jdbc', ...)`,
      );
    }
    if (isUpdating(sink.input) && !info.acceptsUpdates) {
      throw planError(
        `INSERT INTO ${sink.table.name} produces an updating result, but the ${info.connector} sink${info.format ? ` with format '${info.format}'` : ''} can only append rows`,
        ins.span,
        "a GROUP BY without a window emits updates and retractions as results change; write it to a 'debezium-json' filesystem table or the print connector, or aggregate over a window (TUMBLE, HOP, CUMULATE, SESSION), whose results are final when emitted",
      );
    }
    return sink;
  }

  /** Physical plan for one job: sinks, plus queries whose rows go to the client. */
  physicalPlan(sinks: readonly LogicalPlan[], queries: readonly LogicalPlan[], parallelism?: number): PhysicalPlan {
    const p = parallelism ?? Number(this.options.get('parallelism.default') ?? '1');
    const maxP = Number(this.options.get('pipeline.max-parallelism') ?? '128');
    const reuse = reuseOptionsFrom((k) => this.options.get(k));
    const optimized = this.optimize([...sinks, ...queries], reuse);
    const roots = optimized.map((plan, i) => ({ plan, collect: i >= sinks.length }));
    const plan = buildPhysicalPlan(roots, { parallelism: p, maxParallelism: maxP, reuse, aggPhase: aggPhaseFrom((k) => this.options.get(k)) });
    // Flink's mini-batch checks (plan/mini-batch.ts): they fail the query, as in Flink
    miniBatchFrom((k) => this.options.get(k), plan.nodes.some((n) => n.spec.kind === 'group-aggregate'));
    return plan;
  }

  /** Column pruning, then (source reuse) one scan per table for every query of the job. */
  private optimize(roots: readonly LogicalPlan[], reuse: ReuseOptions): LogicalPlan[] {
    return mergeScans(roots.map(pruneColumns), reuse);
  }

  explain(stmt: ast.Statement, source: SourceText, opts: { readonly changelogMode?: boolean } = {}): string {
    let roots: LogicalPlan[];
    let collect = false;
    switch (stmt.kind) {
      case 'query':
        roots = [this.bindQuery(stmt.query, source)];
        collect = true;
        break;
      case 'insert':
        roots = [this.bindInsert(stmt, source)];
        break;
      case 'statement-set':
        roots = stmt.inserts.map((i) => this.bindInsert(i, source));
        break;
      default:
        throw notSupported(`EXPLAIN of ${stmt.kind} statements`, stmt.span, 'EXPLAIN a SELECT, an INSERT or a statement set');
    }
    const logical = roots.map((r) => explainLogical(r)).join('\n\n');
    const physical = explainPhysical(collect ? this.physicalPlan([], roots) : this.physicalPlan(roots, []), opts);
    const reuse = reuseOptionsFrom((k) => this.options.get(k));
    return `== Logical Plan ==\n${logical}\n\n== Optimized Logical Plan (columns pruned) ==\n${explainWithReuse(this.optimize(roots, reuse), reuse)}\n\n== Physical Plan ==\n${physical}`;
  }

  /**
   * SHOW CREATE TABLE / VIEW in Flink's form: the identifier in the default catalog and
   * database, one column per line with backticks, then the watermark, the primary key and the
   * options (a view: its column names, then AS and its query). Expressions are printed as
   * they were written.
   */
  private showCreate(stmt: ast.Show): string {
    const path = partsOf(stmt.name!);
    const obj = this.catalog.resolve(path, stmt.name!.span);
    const quote = (s: string): string => '`' + s.replaceAll('`', '``') + '`';
    const at = this.catalog.locate(path)!;
    const id = `${quote(at.catalog)}.${quote(at.database)}.${quote(obj.name)}`;
    const text = (span: Span, source: SourceText): string => source.text.slice(span.start, span.end);
    if (stmt.what === 'create-table') {
      if (obj.kind !== 'table') throw bindError(`SHOW CREATE TABLE is only for tables, but ${obj.name} is a view`, stmt.name!.span, `use SHOW CREATE VIEW ${obj.name}`);
      const lines = obj.columns.map((c) => `  ${columnText(c, obj.source)}`);
      if (obj.watermark !== undefined) lines.push(`  WATERMARK FOR ${quote(obj.watermark.column)} AS ${text(obj.watermark.expr.span, obj.source)}`);
      if (obj.primaryKey !== undefined) lines.push(`  PRIMARY KEY (${obj.primaryKey.map(quote).join(', ')}) NOT ENFORCED`);
      // sensitive options ('password', ...) are masked as Flink masks them
      const options = [...maskOptions(obj.options)].map(([k, v]) => `  '${k.replaceAll("'", "''")}' = '${v.replaceAll("'", "''")}'`);
      return `CREATE TABLE ${id} (\n${lines.join(',\n')}\n)${options.length > 0 ? `\nWITH (\n${options.join(',\n')}\n)` : ''}`;
    }
    if (obj.kind !== 'view') throw bindError(`SHOW CREATE VIEW is only for views, but ${obj.name} is a table`, stmt.name!.span, `use SHOW CREATE TABLE ${obj.name}`);
    return `CREATE VIEW ${id} (\n${obj.columns.map((c) => `  ${quote(c.name)}`).join(',\n')}\n)\nAS ${text(obj.query.span, obj.source)}`;
  }

  private describe(stmt: ast.Describe): StatementResult {
    const obj = this.catalog.resolve(partsOf(stmt.name), stmt.name.span);
    if (obj.kind === 'view') {
      // a view keeps its query's time attribute: it is still a rowtime column for windows
      return { kind: 'table', header: ['name', 'type', 'null', 'key', 'extras', 'watermark'], rows: obj.columns.map((c) => [c.name, typeToString(c.type) + (c.rowtime === true ? ' *ROWTIME*' : c.proctime === true ? ' *PROCTIME*' : ''), c.proctime === true ? 'FALSE' : 'TRUE', '', '', '']) };
    }
    const wm = obj.watermark;
    return {
      kind: 'table',
      header: ['name', 'type', 'null', 'key', 'extras', 'watermark'],
      rows: obj.columns.map((c) => {
        const isWm = wm !== undefined && wm.column.toLowerCase() === c.name.toLowerCase();
        const extras = c.kind === 'computed' ? `AS ${obj.source.text.slice(c.expr.span.start, c.expr.span.end)}` : c.kind === 'metadata' ? metadataText(c).trimStart() : '';
        const proc = c.kind === 'computed' && isProctimeCall(c.expr);
        return [
          c.name,
          typeToString(c.type) + (isWm ? ' *ROWTIME*' : proc ? ' *PROCTIME*' : ''),
          (c.kind === 'physical' && !c.nullable) || proc ? 'FALSE' : 'TRUE',
          obj.primaryKey?.some((k) => k.toLowerCase() === c.name.toLowerCase()) ? 'PRI' : '',
          extras,
          isWm ? obj.source.text.slice(wm.expr.span.start, wm.expr.span.end) : '',
        ];
      }),
    };
  }

  private createTable(stmt: ast.CreateTable, source: SourceText): StatementResult {
    const path = partsOf(stmt.name);
    const name = path[path.length - 1]!;
    checkDatabase(this.catalog, path, stmt.name.span);
    if (stmt.asQuery !== undefined) return this.createTableAs(stmt, stmt.asQuery, name, source);
    if (this.catalog.has(path)) {
      if (stmt.ifNotExists) return { kind: 'ok', message: `table ${name} already exists (kept)` };
      throw bindError(`table or view '${name}' already exists`, stmt.name.span, `DROP TABLE ${name} first, or write CREATE TABLE IF NOT EXISTS`);
    }
    if (stmt.like !== undefined) return this.createTableLike(stmt, stmt.like, name, source);
    if (!stmt.hasColumnList) throw bindError(`CREATE TABLE ${name} needs a column list, LIKE another table, or AS SELECT`, stmt.span, `CREATE TABLE ${name} (id BIGINT, ...) WITH (...), or CREATE TABLE ${name} WITH (...) AS SELECT ...`);
    const columns: ColumnDef[] = [];
    const seen = new Set<string>();
    for (const el of stmt.columns) {
      const lower = el.name.value.toLowerCase();
      if (seen.has(lower)) throw bindError(`column '${el.name.value}' is declared twice`, el.name.span);
      seen.add(lower);
      switch (el.kind) {
        case 'physical':
          columns.push({ kind: 'physical', name: el.name.value, type: resolveTypeName(el.type), nullable: !el.notNull });
          break;
        case 'computed':
          // typed below, once the physical columns are known
          columns.push({ kind: 'computed', name: el.name.value, expr: el.expr, type: T.NULL });
          break;
        case 'metadata':
          columns.push({ kind: 'metadata', name: el.name.value, type: resolveTypeName(el.type), from: el.from, virtual: el.virtual });
          break;
      }
    }
    if (!columns.some((c) => c.kind === 'physical')) throw bindError(`table ${name} needs at least one physical column`, stmt.span);
    const options = new Map<string, string>();
    const optionSpans = new Map<string, Span>();
    for (const o of stmt.options) {
      if (options.has(o.key)) throw bindError(`option '${o.key}' is given twice`, o.span);
      options.set(o.key, o.value);
      optionSpans.set(o.key, o.span);
    }
    if (stmt.primaryKey !== undefined) {
      for (const k of stmt.primaryKey) {
        const col = columns.find((c) => c.name.toLowerCase() === k.value.toLowerCase());
        if (col === undefined) throw bindError(`PRIMARY KEY column '${k.value}' is not a column of ${name}`, k.span);
        if (col.kind !== 'physical') throw bindError(`Invalid primary key 'PK_${k.value}'. Column '${col.name}' is not a physical column.`, k.span);
      }
    }
    const partitionKeys: string[] = [];
    for (const k of stmt.partitionKeys ?? []) {
      const col = columns.find((c) => c.name.toLowerCase() === k.value.toLowerCase());
      if (col === undefined) throw bindError(`PARTITIONED BY column '${k.value}' is not a column of ${name}`, k.span);
      if (col.kind !== 'physical') throw bindError(`PARTITIONED BY column '${k.value}' is a computed column; a partition column must be a physical column`, k.span);
      if (partitionKeys.includes(col.name)) throw bindError(`PARTITIONED BY names column '${k.value}' twice`, k.span);
      if (physicalKind(col.type) === 'obj') throw bindError(`PARTITIONED BY column '${k.value}' is ${typeToString(col.type)}; a partition column must be of an atomic type (its value names a directory)`, k.span);
      partitionKeys.push(col.name);
    }
    if (partitionKeys.length > 0 && !columns.some((c) => c.kind === 'physical' && !partitionKeys.includes(c.name))) {
      throw bindError(`table ${name}: every physical column is a partition column; the files need at least one other column`, stmt.span);
    }
    if (stmt.watermark !== undefined) {
      const wcol = stmt.watermark.column;
      const col = columns.find((c) => c.name.toLowerCase() === wcol.value.toLowerCase());
      if (col === undefined) throw bindError(`WATERMARK column '${wcol.value}' is not a column of ${name}`, wcol.span);
    }
    let table: TableDef = {
      kind: 'table',
      name,
      columns,
      watermark: stmt.watermark === undefined ? undefined : { column: stmt.watermark.column.value, expr: stmt.watermark.expr },
      primaryKey: stmt.primaryKey?.map((k) => k.value),
      ...(partitionKeys.length > 0 ? { partitionKeys, partitionKeySpans: stmt.partitionKeys!.map((k) => k.span) } : {}),
      options,
      optionSpans,
      source,
      span: stmt.span,
    };
    // Type the computed columns and check the watermark by binding a scan of the table.
    const scan = new Binder(this.catalog, source).bindScan(table);
    table = { ...table, columns: columns.map((c, i) => (c.kind === 'computed' ? { ...c, type: scan.schema[i]!.type } : c)) };
    if (table.watermark !== undefined) {
      const rt = scan.schema.find((f) => f.rowtime)!;
      if (rt.type.kind !== 'TIMESTAMP' && rt.type.kind !== 'TIMESTAMP_LTZ') throw bindError(`WATERMARK column '${rt.name}' must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), it is ${typeToString(rt.type)}`, stmt.watermark!.column.span);
    }
    validateTable(table);
    this.catalog.add(table, path);
    return { kind: 'ok', message: `table ${name} created` };
  }

  /**
   * CREATE TABLE t WITH (...) AS SELECT (Flink's CTAS): the table gets the query's columns (names,
   * types, nullability; no watermark, no key) and the statement is an INSERT of the query into
   * it. With IF NOT EXISTS and an existing table, creating is skipped and the rows are inserted
   * into the existing table (as Flink does). The table stays only if the INSERT binds.
   */
  private createTableAs(stmt: ast.CreateTable, query: ast.Query, name: string, source: SourceText): StatementResult {
    const insert: ast.Insert = { kind: 'insert', table: stmt.name, overwrite: false, columns: undefined, query, span: stmt.span };
    const path = partsOf(stmt.name);
    const existing = this.catalog.get(path);
    if (existing !== undefined) {
      if (!stmt.ifNotExists) throw bindError(`table or view '${name}' already exists`, stmt.name.span, `DROP TABLE ${name} first, or write CREATE TABLE IF NOT EXISTS ... AS SELECT to insert into it`);
      return { kind: 'insert', sinks: [this.bindInsert(insert, source)], source, query };
    }
    const plan = this.bindQuery(query, source);
    if (stmt.hasColumnList) return this.createTableAsWithColumns(stmt, query, plan, source);
    const seen = new Set<string>();
    const columns: ColumnDef[] = plan.schema.map((f) => {
      const lower = f.name.toLowerCase();
      if (seen.has(lower)) throw bindError(`the query gives two columns named '${f.name}'; a table needs distinct column names`, query.span, 'name the columns with AS in the SELECT');
      seen.add(lower);
      if (/^EXPR\$\d+$/.test(f.name)) throw bindError(`the query's column ${f.name} has no name`, query.span, 'name every computed column with AS in the SELECT');
      return { kind: 'physical', name: f.name, type: f.type, nullable: f.nullable };
    });
    const { options, optionSpans } = this.optionsOf(stmt.options);
    const table: TableDef = { kind: 'table', name, columns, watermark: undefined, primaryKey: undefined, options, optionSpans, source, span: stmt.span };
    validateTable(table);
    this.catalog.add(table, path);
    try {
      return { kind: 'insert', sinks: [this.bindInsert(insert, source)], source, ddl: tableDdl(table), query };
    } catch (e) {
      this.catalog.drop(path);
      throw e;
    }
  }

  /**
   * CTAS with a column list (Flink 2.0, FLIP-463): a declared column named as a query column
   * redefines it (its type; the query's value is cast as INSERT casts it) and keeps the
   * query's order; the other declared columns (new physical, computed and metadata columns)
   * come first. A watermark and a primary key may be declared. The new physical columns are
   * NULL in the inserted rows.
   */
  private createTableAsWithColumns(stmt: ast.CreateTable, query: ast.Query, plan: LogicalPlan, source: SourceText): StatementResult {
    const quote = (n: string): string => '`' + n.replaceAll('`', '``') + '`';
    const sq = (v: string): string => `'${v.replaceAll("'", "''")}'`;
    const own = (sp: Span): string => source.text.slice(sp.start, sp.end);
    const seen = new Set<string>();
    for (const f of plan.schema) {
      if (seen.has(f.name.toLowerCase())) throw bindError(`the query gives two columns named '${f.name}'; a table needs distinct column names`, query.span, 'name the columns with AS in the SELECT');
      seen.add(f.name.toLowerCase());
      if (/^EXPR\$\d+$/.test(f.name)) throw bindError(`the query's column ${f.name} has no name`, query.span, 'name every computed column with AS in the SELECT');
    }
    const declared = new Map(stmt.columns.map((c) => [c.name.value.toLowerCase(), c]));
    for (const c of stmt.columns) {
      if (seen.has(c.name.value.toLowerCase()) && c.kind !== 'physical') throw bindError(`column '${c.name.value}' is a column of the query; it can be redefined only as a physical column`, c.span);
    }
    const fresh = stmt.columns.filter((c) => !seen.has(c.name.value.toLowerCase())).map((c) => own(c.span));
    const fromQuery = plan.schema.map((f) => {
      const d = declared.get(f.name.toLowerCase());
      return d !== undefined ? own(d.span) : `${quote(f.name)} ${typeToString(f.type)}${f.nullable ? '' : ' NOT NULL'}`;
    });
    const elements = [...fresh, ...fromQuery, ...(stmt.watermark !== undefined ? [own(stmt.watermark.span)] : []), ...(stmt.primaryKey !== undefined ? [`PRIMARY KEY (${stmt.primaryKey.map((k) => quote(k.value)).join(', ')}) NOT ENFORCED`] : [])];
    const { options } = this.optionsOf(stmt.options);
    const path = partsOf(stmt.name);
    const text = `CREATE TABLE ${path.map(quote).join('.')} (\n  ${elements.join(',\n  ')}\n)${options.size > 0 ? ` WITH (\n  ${[...options].map(([k, v]) => `${sq(k)} = ${sq(v)}`).join(',\n  ')}\n)` : ''}`;
    const { stmt: created, source: merged } = parseCreateTable(text, `${source.name} (CREATE TABLE ${path[path.length - 1]} AS SELECT, the table)`);
    try {
      this.createTable(created, merged);
    } catch (e) {
      if (e instanceof WeirError) throw new WeirError(e.kind, `${e.message} (in the table CREATE TABLE ... AS SELECT makes:\n${text})`, { span: stmt.span, hint: e.hint, source });
      throw e;
    }
    const columns = plan.schema.map((f) => ({ value: f.name, quoted: true, span: query.span }));
    const insert: ast.Insert = { kind: 'insert', table: stmt.name, overwrite: false, columns, query, span: stmt.span };
    try {
      return { kind: 'insert', sinks: [this.bindInsert(insert, source)], source, ddl: text, query };
    } catch (e) {
      this.catalog.drop(path);
      throw e;
    }
  }

  private optionsOf(list: readonly ast.TableOption[]): { options: Map<string, string>; optionSpans: Map<string, Span> } {
    const options = new Map<string, string>();
    const optionSpans = new Map<string, Span>();
    for (const o of list) {
      if (options.has(o.key)) throw bindError(`option '${o.key}' is given twice`, o.span);
      options.set(o.key, o.value);
      optionSpans.set(o.key, o.span);
    }
    return { options, optionSpans };
  }

  /**
   * CREATE TABLE t (...) WITH (...) LIKE s (options), with Flink's semantics: s's physical
   * columns always come first, then t's; computed columns (GENERATED), the watermark
   * (WATERMARKS), the primary key (CONSTRAINTS) and the connector options (OPTIONS) are each
   * INCLUDING (taken; a clash with t's is an error), EXCLUDING (left out) or OVERWRITING (taken,
   * t's wins a clash). `INCLUDING | EXCLUDING ALL` sets every feature; a later option for one
   * feature overrides it. No options mean INCLUDING ALL OVERWRITING OPTIONS. PARTITIONS and
   * METADATA are accepted; weir tables have neither yet. The merged table is written out as a
   * plain CREATE TABLE and created as one (errors in it point at this statement).
   */
  private createTableLike(stmt: ast.CreateTable, like: ast.LikeClause, name: string, source: SourceText): StatementResult {
    const base = this.catalog.resolve(partsOf(like.source), like.source.span);
    if (base.kind !== 'table') throw bindError(`LIKE needs a table, but ${base.name} is a view`, like.source.span);
    type Strategy = ast.LikeStrategy;
    const strategy: Record<Exclude<ast.LikeFeature, 'ALL'>, Strategy> = { CONSTRAINTS: 'INCLUDING', GENERATED: 'INCLUDING', OPTIONS: 'OVERWRITING', WATERMARKS: 'INCLUDING', PARTITIONS: 'INCLUDING', METADATA: 'INCLUDING' };
    const seenFeature = new Set<string>();
    for (const o of like.options) {
      if (seenFeature.has(o.feature)) throw bindError(`each LIKE option feature can be given only once: ${o.feature} is given twice`, o.span);
      seenFeature.add(o.feature);
      if (o.strategy === 'OVERWRITING' && (o.feature === 'ALL' || o.feature === 'CONSTRAINTS' || o.feature === 'PARTITIONS')) {
        throw bindError(`OVERWRITING ${o.feature} is not allowed`, o.span, `${o.feature} takes INCLUDING or EXCLUDING`);
      }
    }
    const all = like.options.find((o) => o.feature === 'ALL');
    if (all !== undefined) for (const k of Object.keys(strategy) as (keyof typeof strategy)[]) strategy[k] = all.strategy;
    for (const o of like.options) if (o.feature !== 'ALL') strategy[o.feature] = o.strategy;

    const quote = (n: string): string => '`' + n.replaceAll('`', '``') + '`';
    const baseText = (e: ast.Expr): string => base.source.text.slice(e.span.start, e.span.end);
    const ownText = (sp: Span): string => source.text.slice(sp.start, sp.end);
    const lines: { name: string; text: string; kind: ColumnDef['kind'] }[] = [];
    for (const c of base.columns) {
      if (c.kind === 'physical') lines.push({ name: c.name, text: columnText(c, base.source), kind: c.kind });
      else if (c.kind === 'computed' && strategy.GENERATED !== 'EXCLUDING') lines.push({ name: c.name, text: `${quote(c.name)} AS ${baseText(c.expr)}`, kind: c.kind });
      else if (c.kind === 'metadata' && strategy.METADATA !== 'EXCLUDING') lines.push({ name: c.name, text: columnText(c, base.source), kind: c.kind });
    }
    for (const el of stmt.columns) {
      const i = lines.findIndex((l) => l.name.toLowerCase() === el.name.value.toLowerCase());
      if (i >= 0) {
        const had = lines[i]!.kind;
        if (el.kind === had && ((had === 'computed' && strategy.GENERATED === 'OVERWRITING') || (had === 'metadata' && strategy.METADATA === 'OVERWRITING'))) {
          lines[i] = { name: el.name.value, text: ownText(el.span), kind: el.kind };
          continue;
        }
        const hint =
          had === 'computed'
            ? 'rename it, or write OVERWRITING GENERATED (for a computed column) or EXCLUDING GENERATED'
            : had === 'metadata'
              ? 'rename it, or write OVERWRITING METADATA (for a metadata column) or EXCLUDING METADATA'
              : 'rename it: the physical columns of the LIKE table are always included';
        throw bindError(`a column named '${el.name.value}' already exists in the LIKE table ${base.name}`, el.name.span, hint);
      }
      lines.push({ name: el.name.value, text: ownText(el.span), kind: el.kind });
    }
    let watermark: string | undefined;
    if (base.watermark !== undefined && strategy.WATERMARKS !== 'EXCLUDING') watermark = `WATERMARK FOR ${quote(base.watermark.column)} AS ${baseText(base.watermark.expr)}`;
    if (stmt.watermark !== undefined) {
      if (watermark !== undefined && strategy.WATERMARKS === 'INCLUDING') {
        throw bindError(`the LIKE table ${base.name} already has a watermark (on ${base.watermark!.column})`, stmt.watermark.span, 'write OVERWRITING WATERMARKS or EXCLUDING WATERMARKS in the LIKE options');
      }
      watermark = ownText(stmt.watermark.span);
    }
    let primaryKey: readonly string[] | undefined = strategy.CONSTRAINTS === 'INCLUDING' ? base.primaryKey : undefined;
    if (stmt.primaryKey !== undefined) {
      if (primaryKey !== undefined) throw bindError(`the LIKE table ${base.name} already has a primary key`, stmt.primaryKey[0]!.span, 'write EXCLUDING CONSTRAINTS in the LIKE options');
      primaryKey = stmt.primaryKey.map((k) => k.value);
    }
    const own = this.optionsOf(stmt.options).options;
    const options = new Map<string, string>();
    if (strategy.OPTIONS !== 'EXCLUDING') for (const [k, v] of base.options) options.set(k, v);
    for (const o of stmt.options) {
      if (strategy.OPTIONS === 'INCLUDING' && base.options.has(o.key)) {
        throw bindError(`the LIKE table ${base.name} already has option '${o.key}' ('${base.options.get(o.key)}')`, o.span, 'write OVERWRITING OPTIONS (the default) or EXCLUDING OPTIONS in the LIKE options');
      }
      options.set(o.key, own.get(o.key)!);
    }
    const sq = (v: string): string => `'${v.replaceAll("'", "''")}'`;
    const elements = [...lines.map((l) => l.text), ...(watermark !== undefined ? [watermark] : []), ...(primaryKey !== undefined ? [`PRIMARY KEY (${primaryKey.map(quote).join(', ')}) NOT ENFORCED`] : [])];
    const text = `CREATE TABLE ${partsOf(stmt.name).map(quote).join('.')} (\n  ${elements.join(',\n  ')}\n)${options.size > 0 ? ` WITH (\n  ${[...options].map(([k, v]) => `${sq(k)} = ${sq(v)}`).join(',\n  ')}\n)` : ''}`;
    const merged: SourceText = { name: `${source.name} (CREATE TABLE ${name} LIKE ${base.name}, merged)`, text };
    try {
      const [created] = parseScript(merged);
      return this.createTable(created as ast.CreateTable, merged);
    } catch (e) {
      if (e instanceof WeirError) throw new WeirError(e.kind, `${e.message} (in the table merged from LIKE ${base.name}:\n${text})`, { span: stmt.span, hint: e.hint, source });
      throw e;
    }
  }

  /**
   * ALTER TABLE t SET ('k' = 'v', ...) / RESET ('k', ...) / RENAME TO u. The changed options are
   * checked as CREATE TABLE checks them (errors point at this statement); a table read by a
   * running job keeps the options it started with.
   */
  private alterTable(stmt: ast.AlterTable, source: SourceText): StatementResult {
    const path = partsOf(stmt.name);
    const name = path[path.length - 1]!;
    const obj = this.catalog.get(path);
    if (obj === undefined) {
      if (stmt.ifExists) return { kind: 'ok', message: `table ${name} does not exist (nothing altered)` };
      this.catalog.resolve(path, stmt.name.span);
      throw bindError(`table '${name}' not found`, stmt.name.span);
    }
    if (obj.kind !== 'table') throw bindError(`${obj.name} is a view, not a table`, stmt.name.span, 'use ALTER VIEW');
    const action = stmt.action;
    if (action.kind === 'rename') {
      const toPath = partsOf(action.to);
      const to = toPath[toPath.length - 1]!;
      checkDatabase(this.catalog, toPath, action.to.span);
      if (this.catalog.has(toPath)) throw bindError(`table or view '${to}' already exists`, action.to.span);
      this.catalog.drop(path);
      this.catalog.add({ ...obj, name: to }, toPath);
      return { kind: 'ok', message: `table ${obj.name} renamed to ${to}` };
    }
    if (action.kind !== 'set' && action.kind !== 'reset') return this.alterTableSchema(obj, path, stmt, source);
    const options = new Map(obj.options);
    const spans = new Map<string, Span>();
    if (action.kind === 'set') {
      const { options: set, optionSpans } = this.optionsOf(action.options);
      for (const [k, v] of set) {
        options.set(k, v);
        spans.set(k, optionSpans.get(k)!);
      }
    } else {
      for (const { key, span } of action.keys) {
        if (key === 'connector') throw bindError(`option 'connector' cannot be reset`, span, 'a table needs its connector; SET it to another one instead');
        options.delete(key);
      }
    }
    // checked as a table whose option positions are those of this statement
    validateTable({ ...obj, options, optionSpans: spans, source, span: stmt.span });
    const kept = new Map([...(obj.optionSpans ?? new Map<string, Span>())].filter(([k]) => options.has(k) && !spans.has(k)));
    this.catalog.add({ ...obj, options, optionSpans: kept }, path);
    const what = action.kind === 'set' ? `set ${action.options.map((o) => `'${o.key}'`).join(', ')}` : `reset ${action.keys.map((k) => `'${k.key}'`).join(', ')}`;
    return { kind: 'ok', message: `table ${obj.name} altered: ${what}` };
  }

  /**
   * ALTER TABLE ... ADD / MODIFY / DROP / RENAME col TO: the changed table is written out as a
   * CREATE TABLE and created in place of the old one (which stays if that fails); errors in the
   * new definition point at this statement.
   */
  private alterTableSchema(table: TableDef, path: readonly string[], stmt: ast.AlterTable, source: SourceText): StatementResult {
    const at = this.catalog.locate(path)!;
    const text = alterTableSchema(table, [at.catalog, at.database, table.name], stmt, source);
    const { stmt: created, source: merged } = parseCreateTable(text, `${source.name} (ALTER TABLE ${table.name}, the table as altered)`);
    this.catalog.drop(path);
    try {
      this.createTable(created, merged);
    } catch (e) {
      this.catalog.add(table, path);
      if (e instanceof WeirError) throw new WeirError(e.kind, `${e.message} (in the table as altered:\n${text})`, { span: stmt.span, hint: e.hint, source });
      throw e;
    }
    return { kind: 'ok', message: `table ${table.name} altered` };
  }

  private createView(stmt: ast.CreateView, source: SourceText): StatementResult {
    const path = partsOf(stmt.name);
    const name = path[path.length - 1]!;
    checkDatabase(this.catalog, path, stmt.name.span);
    if (this.catalog.has(path)) {
      if (stmt.ifNotExists) return { kind: 'ok', message: `view ${name} already exists (kept)` };
      throw bindError(`table or view '${name}' already exists`, stmt.name.span, `DROP VIEW ${name} first`);
    }
    const plan = this.bindQuery(stmt.query, source);
    const aliases = stmt.columns?.map((c) => c.value);
    if (aliases !== undefined && aliases.length !== plan.schema.length) throw bindError(`view ${name} names ${aliases.length} columns but its query has ${plan.schema.length}`, stmt.span);
    const columns = plan.schema.map((f, i): { name: string; type: DataType; rowtime: boolean; proctime: boolean } => ({ name: aliases?.[i] ?? f.name, type: f.type, rowtime: f.rowtime, proctime: f.proctime === true }));
    this.catalog.add({ kind: 'view', name, query: stmt.query, columnAliases: aliases, columns, ...this.viewScope(), source, span: stmt.span }, path);
    return { kind: 'ok', message: `view ${name} created` };
  }

  /** Where a view's query is resolved: the catalog and database current when it is created. */
  private viewScope(): { scope: { catalog: string; database: string } } {
    return { scope: { catalog: this.catalog.currentCatalog, database: this.catalog.currentDatabase } };
  }

  /** ALTER VIEW v RENAME TO w / ALTER VIEW v AS query. */
  private alterView(stmt: ast.AlterView, source: SourceText): StatementResult {
    const path = partsOf(stmt.name);
    const obj = this.catalog.resolve(path, stmt.name.span);
    if (obj.kind !== 'view') throw bindError(`${obj.name} is a table, not a view`, stmt.name.span, 'use ALTER TABLE');
    if (stmt.action.kind === 'rename') {
      const toPath = partsOf(stmt.action.to);
      const to = toPath[toPath.length - 1]!;
      checkDatabase(this.catalog, toPath, stmt.action.to.span);
      if (this.catalog.has(toPath)) throw bindError(`table or view '${to}' already exists`, stmt.action.to.span);
      this.catalog.drop(path);
      this.catalog.add({ ...obj, name: to }, toPath);
      return { kind: 'ok', message: `view ${obj.name} renamed to ${to}` };
    }
    const query = stmt.action.query;
    const plan = this.bindQuery(query, source);
    const aliases = obj.columnAliases;
    if (aliases !== undefined && aliases.length !== plan.schema.length) throw bindError(`view ${obj.name} names ${aliases.length} columns but the new query has ${plan.schema.length}`, query.span);
    const columns = plan.schema.map((f, i) => ({ name: aliases?.[i] ?? f.name, type: f.type, rowtime: f.rowtime, proctime: f.proctime === true }));
    this.catalog.add({ kind: 'view', name: obj.name, query, columnAliases: aliases, columns, ...this.viewScope(), source, span: stmt.span }, path);
    return { kind: 'ok', message: `view ${obj.name} altered` };
  }
}


/** A CREATE TABLE statement that makes `table` (physical columns and options only: CTAS tables). */
export function tableDdl(table: TableDef): string {
  const quote = (n: string): string => '`' + n.replaceAll('`', '``') + '`';
  const sq = (v: string): string => `'${v.replaceAll("'", "''")}'`;
  const cols = table.columns.map((c) => `${quote(c.name)} ${typeToString(c.type)}${c.kind === 'physical' && !c.nullable ? ' NOT NULL' : ''}`);
  const options = [...table.options].map(([k, v]) => `${sq(k)} = ${sq(v)}`);
  return `CREATE TABLE ${quote(table.name)} (${cols.join(', ')})${options.length > 0 ? ` WITH (${options.join(', ')})` : ''}`;
}

/**
 * `weir run` and `weir verify` run a file's INSERTs and SELECTs as one job, in one session
 * zone (TIMESTAMP_LTZ values are cast when bound and shown when the job runs). A SET or RESET
 * of 'table.local-time-zone' after the first of them would mix two zones in one job, so it
 * is an error with the way out (set the zone once, before the queries).
 */
export function checkOneTimeZone(statements: readonly ast.Statement[]): void {
  let firstQuery: ast.Statement | undefined;
  for (const s of statements) {
    if (s.kind === 'query' || s.kind === 'insert' || s.kind === 'statement-set') firstQuery ??= s;
    const touches = (s.kind === 'set' && s.key === 'table.local-time-zone' && s.value !== undefined) || (s.kind === 'reset' && (s.key === undefined || s.key === 'table.local-time-zone'));
    if (touches && firstQuery !== undefined) {
      throw bindError(
        `'table.local-time-zone' changes after a query: a file's INSERTs and SELECTs run as one job, in one time zone`,
        s.span,
        'SET the zone once, before the first INSERT or SELECT (or run the queries in separate files or in the REPL)',
      );
    }
  }
}

/**
 * Statements that change the session's catalog or options: a script replaying a session (the
 * REPL's \\verify, verify's crash runs) runs them again, in order.
 */
export function changesSession(stmt: ast.Statement): boolean {
  switch (stmt.kind) {
    case 'create-table':
    case 'create-view':
    case 'set':
    case 'reset':
    case 'drop':
    case 'alter-table':
    case 'alter-view':
    case 'create-catalog':
    case 'create-database':
    case 'alter-database':
    case 'use':
      return true;
    default:
      return false;
  }
}

/** Functions the binder handles itself (not in the registry). */
const BUILT_IN_FORMS = new Set(['COALESCE', 'IFNULL', 'NULLIF', 'IF', 'CAST', 'TRY_CAST', 'TUMBLE', 'HOP', 'CUMULATE', 'SESSION']);

/** A JavaScript module path, not a Java class name (`com.example.MyUdf`) or another language. */
function isJavaScript(st: ast.CreateFunction): boolean {
  const lang = st.language?.value;
  if (lang !== undefined && lang !== 'JAVASCRIPT' && lang !== 'JS') return false;
  const className = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(st.module) && !/\.(m?js|cjs)$/i.test(st.module);
  return !className;
}
