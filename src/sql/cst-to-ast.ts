// CST (grammar/parser.ts) -> typed AST (src/sql/ast.ts).
//
// One visitor method per grammar rule (chevrotain checks that none is missing). Every method
// receives the rule's children and the span of source text the rule matched (passed as the
// visitor parameter by `v`), so every AST node gets an exact span: `start` is the offset of
// its first character, `end` one past its last. Binary operators and postfix predicates,
// which the grammar collects as flat lists, are folded left-associatively here; their span
// runs from the left operand's first character to the right operand's last.
//
// Keywords are normalised to upper case; identifiers keep the case written. The visitor also
// rejects the few things the grammar accepts for simplicity but the dialect does not (a TO
// unit outside FLOOR/CEIL, PRECISION after a type other than DOUBLE, ...), with spans.

import type { CstElement, CstNode, IToken } from 'chevrotain';
import { tokenMatcher } from '../../grammar/chevrotain.js';
import { internalError, notSupported, parseError, type Span } from '../common/errors.js';
import * as T from '../../grammar/tokens.js';
import { sqlParser } from '../../grammar/parser.js';
import type {
  CreateCatalog,
  CreateDatabase,
  SchemaComponent,
  BinaryOp,
  InSubquery,
  ColumnRef,
  ComputedColumn,
  AlterTable,
  CreateTable,
  LikeClause,
  LikeFeature,
  JsonBehaviorKind,
  JsonClauses,
  LikeStrategy,
  AfterMatchSkip,
  MatchRecognize,
  RowPattern,
  CreateView,
  CreateFunction,
  Expr,
  FrameBound,
  FromItem,
  FunctionCall,
  Ident,
  Insert,
  Join,
  MetadataColumn,
  OrderItem,
  OverSpec,
  PhysicalColumn,
  QualifiedName,
  Query,
  QueryHint,
  Select,
  SelectItem,
  Statement,
  StatementSet,
  SubqueryRef,
  TableElement,
  TableFunctionArg,
  TableFunctionRef,
  TableOption,
  TypeName,
  WatermarkDef,
  WindowFrame,
} from './ast.js';

type Ctx = Record<string, CstElement[] | undefined>;

// ---------------------------------------------------------------------------------------
// CST access helpers

function tokensOf(ctx: Ctx, key: string): IToken[] {
  return (ctx[key] as IToken[] | undefined) ?? [];
}
function tokenOf(ctx: Ctx, key: string): IToken | undefined {
  return tokensOf(ctx, key)[0];
}
function nodesOf(ctx: Ctx, key: string): CstNode[] {
  return (ctx[key] as CstNode[] | undefined) ?? [];
}
function nodeOf(ctx: Ctx, key: string): CstNode | undefined {
  return nodesOf(ctx, key)[0];
}
function must<X>(x: X | undefined, what: string): X {
  if (x === undefined) throw internalError(`the syntax tree lacks ${what}`);
  return x;
}
/** The single child node of a rule that is one choice among subrules. */
function onlyChildNode(ctx: Ctx): CstNode {
  for (const key in ctx) {
    const first = ctx[key]?.[0];
    if (first !== undefined && 'children' in first) return first;
  }
  throw internalError('the syntax tree lacks the chosen alternative');
}

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}
function nodeSpan(n: CstNode): Span {
  const loc = n.location;
  if (loc === undefined || Number.isNaN(loc.startOffset)) return { start: 0, end: 0 };
  return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
}
function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** `'it''s'` -> `it's` */
function unquoteString(image: string): string {
  return image.slice(1, -1).replace(/''/g, "'");
}

function identFromToken(t: IToken): Ident {
  if (tokenMatcher(t, T.QuotedIdentifier)) {
    const value = t.image.slice(1, -1).replace(/``/g, '`');
    if (value === '') throw parseError('empty quoted identifier', tokenSpan(t), 'a name in backticks needs at least one character');
    return { value, quoted: true, span: tokenSpan(t) };
  }
  return { value: t.image, quoted: false, span: tokenSpan(t) };
}

const SINGULAR_UNIT: Readonly<Record<string, string>> = {
  YEARS: 'YEAR',
  MONTHS: 'MONTH',
  DAYS: 'DAY',
  HOURS: 'HOUR',
  MINUTES: 'MINUTE',
  SECONDS: 'SECOND',
};
function timeUnitName(t: IToken): string {
  const upper = t.image.toUpperCase();
  return SINGULAR_UNIT[upper] ?? upper;
}

function functionCall(name: Ident, args: readonly Expr[], span: Span, rest: Partial<Pick<FunctionCall, 'distinct' | 'star' | 'filter' | 'over'>> = {}): FunctionCall {
  return {
    kind: 'function',
    name,
    upper: name.value.toUpperCase(),
    args,
    distinct: rest.distinct ?? false,
    star: rest.star ?? false,
    filter: rest.filter,
    over: rest.over,
    span,
  };
}

// Intermediate shapes returned by rules that are not AST nodes themselves.
type Tail = (left: Expr) => Expr;
type TableElementPart =
  | { readonly kind: 'column'; readonly column: TableElement; readonly primaryKey: Ident | undefined }
  | { readonly kind: 'watermark'; readonly watermark: WatermarkDef }
  | { readonly kind: 'primary-key'; readonly columns: readonly Ident[]; readonly span: Span };
interface CallSuffix {
  readonly distinct: boolean;
  readonly star: boolean;
  readonly args: readonly Expr[];
  /** `FLOOR(x TO HOUR)`: the unit, as a column reference named after it. */
  readonly toUnit: ColumnRef | undefined;
  readonly filter: Expr | undefined;
  readonly over: OverSpec | Ident | undefined;
}
interface JoinPart {
  readonly joinType: Join['joinType'];
  readonly right: FromItem;
  readonly on: Expr | undefined;
  readonly using: readonly Ident[] | undefined;
}
type WindowSpecBody = Omit<OverSpec, 'span'>;

const BaseVisitor = sqlParser.getBaseCstVisitorConstructor<Span, unknown>();

/**
 * Not re-entrant (it holds the source text of the current parse); src/sql/parse.ts owns the
 * one instance.
 */
export class CstToAst extends BaseVisitor {
  private text = '';

  constructor() {
    super();
    this.validateVisitor();
  }

  /** Converts a `script` CST of `text` into its statements. */
  convertScript(cst: CstNode, text: string): Statement[] {
    this.text = text;
    return this.v<Statement[]>(cst);
  }

  // -------------------------------------------------------------------------------------
  // Typed visiting

  private v<R>(n: CstNode): R {
    return this.visit(n, nodeSpan(n)) as R;
  }
  private asExpr(n: CstNode): Expr {
    return this.v<Expr>(n);
  }
  private asExprs(ns: readonly CstNode[]): Expr[] {
    return ns.map((n) => this.asExpr(n));
  }
  private asOptExpr(n: CstNode | undefined): Expr | undefined {
    return n === undefined ? undefined : this.asExpr(n);
  }
  private asIdent(n: CstNode): Ident {
    return this.v<Ident>(n);
  }
  private asIdents(ns: readonly CstNode[]): Ident[] {
    return ns.map((n) => this.asIdent(n));
  }
  private asIdentList(n: CstNode | undefined): Ident[] | undefined {
    return n === undefined ? undefined : this.v<Ident[]>(n);
  }
  private asName(n: CstNode): QualifiedName {
    return this.v<QualifiedName>(n);
  }
  private asQuery(n: CstNode): Query {
    return this.v<Query>(n);
  }

  // -------------------------------------------------------------------------------------
  // Script and statements

  script(ctx: Ctx): Statement[] {
    return nodesOf(ctx, 'statement').map((n) => this.v<Statement>(n));
  }

  statement(ctx: Ctx, span: Span): Statement {
    const queryNode = nodeOf(ctx, 'query');
    if (queryNode !== undefined) return { kind: 'query', query: this.asQuery(queryNode), span };
    return this.v<Statement>(onlyChildNode(ctx));
  }

  insertStatement(ctx: Ctx, span: Span): Insert {
    return {
      kind: 'insert',
      table: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the INSERT target')),
      overwrite: tokenOf(ctx, 'OVERWRITE') !== undefined,
      columns: this.asIdentList(nodeOf(ctx, 'identifierList')),
      query: this.asQuery(must(nodeOf(ctx, 'query'), 'the INSERT query')),
      span,
    };
  }

  explainStatement(ctx: Ctx, span: Span): Statement {
    const inner = must(nodeOf(ctx, 'statementSetBlock') ?? nodeOf(ctx, 'statement'), 'the explained statement');
    let changelogMode = false;
    for (const d of nodesOf(ctx, 'explainDetail')) {
      const c = d.children as Ctx;
      if (tokenOf(c, 'CHANGELOG_MODE') !== undefined) {
        changelogMode = true;
        continue;
      }
      const t = (tokenOf(c, 'ESTIMATED_COST') ?? tokenOf(c, 'JSON_EXECUTION_PLAN') ?? tokenOf(c, 'PLAN_ADVICE'))!;
      throw notSupported(`EXPLAIN ${t.image.toUpperCase()}`, tokenSpan(t), 'EXPLAIN CHANGELOG_MODE shows each operator\'s changelog mode; plain EXPLAIN shows the plans');
    }
    return { kind: 'explain', statement: this.v<Statement>(inner), changelogMode, span };
  }

  /** Read by explainStatement from the CST directly. */
  explainDetail(): undefined {
    return undefined;
  }

  setStatement(ctx: Ctx, span: Span): Statement {
    const key = nodeOf(ctx, 'key');
    const value = nodeOf(ctx, 'value');
    return {
      kind: 'set',
      key: key === undefined ? undefined : this.v<string>(key),
      value: value === undefined ? undefined : this.v<string>(value),
      span,
    };
  }

  resetStatement(ctx: Ctx, span: Span): Statement {
    const key = nodeOf(ctx, 'key');
    return { kind: 'reset', key: key === undefined ? undefined : this.v<string>(key), span };
  }

  /** A quoted option text is unquoted; an unquoted one is taken verbatim from the source. */
  optionText(ctx: Ctx, span: Span): string {
    const quoted = tokenOf(ctx, 'StringLiteral');
    if (quoted !== undefined) return unquoteString(quoted.image);
    return this.text.slice(span.start, span.end);
  }

  showStatement(ctx: Ctx, span: Span): Statement {
    if (tokenOf(ctx, 'CREATE') !== undefined) {
      const name = this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the shown name'));
      return { kind: 'show', what: tokenOf(ctx, 'TABLE') !== undefined ? 'create-table' : 'create-view', name, span };
    }
    const current = tokenOf(ctx, 'currentWhat');
    if (current !== undefined) return { kind: 'show', what: current.image.toUpperCase() === 'CATALOG' ? 'current-catalog' : 'current-database', span };
    const what = tokenOf(ctx, 'TABLES')
      ? 'tables'
      : tokenOf(ctx, 'VIEWS')
        ? 'views'
        : tokenOf(ctx, 'CATALOGS')
          ? 'catalogs'
          : tokenOf(ctx, 'DATABASES')
            ? 'databases'
            : tokenOf(ctx, 'USER')
              ? 'user-functions'
              : tokenOf(ctx, 'FUNCTIONS')
                ? 'functions'
                : 'jobs';
    const scope = nodeOf(ctx, 'scope');
    const like = nodeOf(ctx, 'showLike');
    return { kind: 'show', what, ...(scope !== undefined ? { scope: this.asName(scope) } : {}), ...(like !== undefined ? { like: this.v<{ pattern: string; not: boolean }>(like) } : {}), span };
  }

  showLike(ctx: Ctx): { pattern: string; not: boolean } {
    return { pattern: unquoteString(must(tokenOf(ctx, 'StringLiteral'), 'the LIKE pattern').image), not: tokenOf(ctx, 'NOT') !== undefined };
  }

  useStatement(ctx: Ctx, span: Span): Statement {
    const catalog = nodeOf(ctx, 'catalog');
    if (catalog !== undefined) return { kind: 'use', catalog: this.asIdent(catalog), database: undefined, span };
    return { kind: 'use', catalog: undefined, database: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the database')), span };
  }

  alterOtherStatement(ctx: Ctx, span: Span): Statement {
    if (tokenOf(ctx, 'DATABASE') !== undefined) {
      return { kind: 'alter-database', name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the database')), options: this.v<TableOption[]>(must(nodeOf(ctx, 'tableOptionList'), 'the options')), span };
    }
    const name = this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the view'));
    const to = nodeOf(ctx, 'newName');
    if (to !== undefined) return { kind: 'alter-view', name, action: { kind: 'rename', to: this.asName(to) }, span };
    return { kind: 'alter-view', name, action: { kind: 'as', query: this.asQuery(must(nodeOf(ctx, 'query'), 'the view query')) }, span };
  }

  createCatalogBody(ctx: Ctx): { kind: 'create-catalog'; name: Ident; ifNotExists: boolean; options: TableOption[] } {
    return { kind: 'create-catalog', name: this.asIdent(must(nodeOf(ctx, 'identifier'), 'the catalog name')), ifNotExists: nodeOf(ctx, 'ifNotExists') !== undefined, options: this.v<TableOption[]>(must(nodeOf(ctx, 'tableOptionList'), 'the options')) };
  }

  createDatabaseBody(ctx: Ctx): { kind: 'create-database'; name: QualifiedName; ifNotExists: boolean; comment: string | undefined; options: TableOption[] } {
    const comment = tokenOf(ctx, 'comment');
    const list = nodeOf(ctx, 'tableOptionList');
    return {
      kind: 'create-database',
      name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the database name')),
      ifNotExists: nodeOf(ctx, 'ifNotExists') !== undefined,
      comment: comment === undefined ? undefined : unquoteString(comment.image),
      options: list === undefined ? [] : this.v<TableOption[]>(list),
    };
  }

  alterElement(ctx: Ctx, span: Span): SchemaComponent {
    const part = this.v<TableElementPart>(must(nodeOf(ctx, 'tableElement'), 'the element'));
    const after = nodeOf(ctx, 'after');
    const position = tokenOf(ctx, 'FIRST') !== undefined ? { kind: 'first' as const } : after !== undefined ? { kind: 'after' as const, column: this.asIdent(after) } : undefined;
    const element = part.kind === 'column' ? { kind: 'column' as const, column: part.column, primaryKey: part.primaryKey } : part.kind === 'watermark' ? { kind: 'watermark' as const, watermark: part.watermark } : { kind: 'primary-key' as const, columns: part.columns, span: part.span };
    return { element, position, span };
  }

  describeStatement(ctx: Ctx, span: Span): Statement {
    return { kind: 'describe', name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the described name')), span };
  }

  dropStatement(ctx: Ctx, span: Span): Statement {
    const object = tokenOf(ctx, 'TABLE') !== undefined ? 'table' : tokenOf(ctx, 'VIEW') !== undefined ? 'view' : tokenOf(ctx, 'CATALOG') !== undefined ? 'catalog' : tokenOf(ctx, 'DATABASE') !== undefined ? 'database' : 'function';
    const mode = tokenOf(ctx, 'dropMode');
    if (mode !== undefined && object !== 'database') throw parseError(`${mode.image.toUpperCase()} applies to DROP DATABASE only`, tokenSpan(mode));
    const system = tokenOf(ctx, 'SYSTEM');
    if (system !== undefined && object !== 'function') throw parseError(`SYSTEM applies to functions only, not to a ${object}`, tokenSpan(system), `DROP ${object.toUpperCase()} ...`);
    return {
      kind: 'drop',
      object,
      temporary: tokenOf(ctx, 'TEMPORARY') !== undefined,
      ifExists: tokenOf(ctx, 'IF') !== undefined,
      name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the dropped name')),
      ...(object === 'database' ? { cascade: mode?.image.toUpperCase() === 'CASCADE' } : {}),
      span,
    };
  }

  statementSet(ctx: Ctx, span: Span): StatementSet {
    const block = nodeOf(ctx, 'statementSetBlock');
    if (block !== undefined) return { ...this.v<StatementSet>(block), span };
    return this.makeStatementSet(must(nodeOf(ctx, 'insertList'), 'the statement set body'), span);
  }

  statementSetBlock(ctx: Ctx, span: Span): StatementSet {
    return this.makeStatementSet(must(nodeOf(ctx, 'insertList'), 'the statement set body'), span);
  }

  private makeStatementSet(list: CstNode, span: Span): StatementSet {
    const inserts = this.v<Insert[]>(list);
    if (inserts.length === 0) {
      throw parseError('a statement set needs at least one INSERT statement', span, 'write INSERT INTO ... statements between BEGIN and END');
    }
    return { kind: 'statement-set', inserts, span };
  }

  insertList(ctx: Ctx): Insert[] {
    return nodesOf(ctx, 'insertStatement').map((n) => this.v<Insert>(n));
  }

  /** The id of STOP JOB: a string, or unquoted parts written without spaces between them. */
  private jobId(ctx: Ctx): string {
    const quoted = tokenOf(ctx, 'StringLiteral');
    if (quoted !== undefined) return unquoteString(quoted.image);
    const parts = tokensOf(ctx, 'idPart').sort((a, b) => a.startOffset - b.startOffset);
    for (let i = 1; i < parts.length; i++) {
      const prev = parts[i - 1]!;
      if (parts[i]!.startOffset !== (prev.endOffset ?? prev.startOffset) + 1) {
        throw parseError('a job id is one word', { start: parts[0]!.startOffset, end: (parts[parts.length - 1]!.endOffset ?? 0) + 1 }, `quote it: STOP JOB '${this.text.slice(parts[0]!.startOffset, (parts[parts.length - 1]!.endOffset ?? 0) + 1)}'`);
      }
    }
    return parts.map((t) => t.image).join('');
  }

  stopJobStatement(ctx: Ctx, span: Span): Statement {
    return {
      kind: 'stop-job',
      jobId: this.jobId(ctx),
      withSavepoint: tokenOf(ctx, 'SAVEPOINT') !== undefined,
      span,
    };
  }

  // -------------------------------------------------------------------------------------
  // DDL

  createStatement(ctx: Ctx, span: Span): CreateTable | CreateView | CreateFunction | CreateCatalog | CreateDatabase {
    const temporary = tokenOf(ctx, 'TEMPORARY') !== undefined;
    const system = tokenOf(ctx, 'SYSTEM');
    const other = nodeOf(ctx, 'createCatalogBody') ?? nodeOf(ctx, 'createDatabaseBody');
    if (other !== undefined) {
      const body = this.v<Omit<CreateCatalog, 'span'> | Omit<CreateDatabase, 'span'>>(other);
      const extra = tokenOf(ctx, 'TEMPORARY') ?? system;
      if (extra !== undefined) throw parseError(`${extra.image.toUpperCase()} does not apply to a ${body.kind === 'create-catalog' ? 'catalog' : 'database'}`, tokenSpan(extra));
      return { ...body, span } as CreateCatalog | CreateDatabase;
    }
    const fn = nodeOf(ctx, 'createFunctionBody');
    if (fn !== undefined) return { ...this.v<Omit<CreateFunction, 'temporary' | 'system' | 'span'>>(fn), temporary, system: system !== undefined, span };
    if (system !== undefined) throw parseError('SYSTEM applies to functions only', tokenSpan(system), 'CREATE [TEMPORARY] [SYSTEM] FUNCTION f AS \'module.js\' LANGUAGE JAVASCRIPT');
    const table = nodeOf(ctx, 'createTableBody');
    if (table !== undefined) return { ...this.v<Omit<CreateTable, 'temporary' | 'span'>>(table), temporary, span };
    const view = must(nodeOf(ctx, 'createViewBody'), 'the created object');
    return { ...this.v<Omit<CreateView, 'temporary' | 'span'>>(view), temporary, span };
  }

  createTableBody(ctx: Ctx): Omit<CreateTable, 'temporary' | 'span'> {
    const columns: TableElement[] = [];
    let watermark: WatermarkDef | undefined;
    let primaryKey: Ident[] | undefined;
    const setPrimaryKey = (cols: Ident[], span: Span): void => {
      if (primaryKey !== undefined) throw parseError('a table can have only one PRIMARY KEY', span);
      primaryKey = cols;
    };
    for (const n of nodesOf(ctx, 'tableElement')) {
      const part = this.v<TableElementPart>(n);
      switch (part.kind) {
        case 'column':
          columns.push(part.column);
          if (part.primaryKey !== undefined) setPrimaryKey([part.primaryKey], part.column.span);
          break;
        case 'watermark':
          if (watermark !== undefined) throw parseError('a table can have only one WATERMARK', part.watermark.span);
          watermark = part.watermark;
          break;
        case 'primary-key':
          setPrimaryKey([...part.columns], part.span);
          break;
      }
    }
    const optionList = nodeOf(ctx, 'tableOptionList');
    const like = nodeOf(ctx, 'likeClause');
    const asQuery = nodeOf(ctx, 'query');
    const partitioned = nodeOf(ctx, 'partitionedBy');
    return {
      kind: 'create-table',
      name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the table name')),
      ifNotExists: nodeOf(ctx, 'ifNotExists') !== undefined,
      columns,
      watermark,
      primaryKey,
      partitionKeys: partitioned === undefined ? undefined : this.v<Ident[]>(partitioned),
      options: optionList === undefined ? [] : this.v<TableOption[]>(optionList),
      hasColumnList: tokenOf(ctx, 'LParen') !== undefined,
      ...(like !== undefined ? { like: this.v<LikeClause>(like) } : {}),
      ...(asQuery !== undefined ? { asQuery: this.asQuery(asQuery) } : {}),
    };
  }

  likeClause(ctx: Ctx, span: Span): LikeClause {
    return {
      source: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the LIKE source')),
      options: nodesOf(ctx, 'likeOption').map((n) => this.v<LikeClause['options'][number]>(n)),
      span,
    };
  }

  likeOption(ctx: Ctx, span: Span): LikeClause['options'][number] {
    return {
      strategy: must(tokenOf(ctx, 'strategy'), 'the like strategy').image.toUpperCase() as LikeStrategy,
      feature: must(tokenOf(ctx, 'feature'), 'the like feature').image.toUpperCase() as LikeFeature,
      span,
    };
  }

  alterTableStatement(ctx: Ctx, span: Span): AlterTable {
    const name = this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the altered table'));
    const ifExists = tokenOf(ctx, 'IF') !== undefined;
    const optionList = nodeOf(ctx, 'tableOptionList');
    if (optionList !== undefined) return { kind: 'alter-table', name, ifExists, action: { kind: 'set', options: this.v<TableOption[]>(optionList) }, span };
    if (tokenOf(ctx, 'RESET') !== undefined) {
      return { kind: 'alter-table', name, ifExists, action: { kind: 'reset', keys: tokensOf(ctx, 'key').map((t) => ({ key: unquoteString(t.image), span: tokenSpan(t) })) }, span };
    }
    const change = tokenOf(ctx, 'schemaChange');
    if (change !== undefined) {
      return { kind: 'alter-table', name, ifExists, action: { kind: change.image.toUpperCase() === 'ADD' ? 'add' : 'modify', components: nodesOf(ctx, 'alterElement').map((n) => this.v<SchemaComponent>(n)) }, span };
    }
    const drop = tokenOf(ctx, 'DROP');
    if (drop !== undefined) {
      const list = nodeOf(ctx, 'dropColumns');
      const one = nodeOf(ctx, 'dropColumn');
      if (list !== undefined) return { kind: 'alter-table', name, ifExists, action: { kind: 'drop-columns', columns: this.v<Ident[]>(list) }, span };
      if (one !== undefined) return { kind: 'alter-table', name, ifExists, action: { kind: 'drop-columns', columns: [this.asIdent(one)] }, span };
      const wm = tokenOf(ctx, 'WATERMARK');
      if (wm !== undefined) return { kind: 'alter-table', name, ifExists, action: { kind: 'drop-watermark', span: { start: drop.startOffset, end: (wm.endOffset ?? wm.startOffset) + 1 } }, span };
      const constraint = nodeOf(ctx, 'constraint');
      return { kind: 'alter-table', name, ifExists, action: { kind: 'drop-primary-key', constraint: constraint === undefined ? undefined : this.asIdent(constraint), span: { start: drop.startOffset, end: span.end } }, span };
    }
    const oldColumn = nodeOf(ctx, 'oldColumn');
    if (oldColumn !== undefined) return { kind: 'alter-table', name, ifExists, action: { kind: 'rename-column', from: this.asIdent(oldColumn), to: this.asIdent(must(nodeOf(ctx, 'newColumn'), 'the new column name')) }, span };
    return { kind: 'alter-table', name, ifExists, action: { kind: 'rename', to: this.asName(must(nodeOf(ctx, 'newName'), 'the new name')) }, span };
  }

  createViewBody(ctx: Ctx): Omit<CreateView, 'temporary' | 'span'> {
    return {
      kind: 'create-view',
      name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the view name')),
      ifNotExists: nodeOf(ctx, 'ifNotExists') !== undefined,
      columns: this.asIdentList(nodeOf(ctx, 'identifierList')),
      query: this.asQuery(must(nodeOf(ctx, 'query'), 'the view query')),
    };
  }

  partitionedBy(ctx: Ctx): Ident[] {
    return this.v<Ident[]>(must(nodeOf(ctx, 'identifierList'), 'the partition columns'));
  }

  createFunctionBody(ctx: Ctx): Omit<CreateFunction, 'temporary' | 'system' | 'span'> {
    const str = must(tokenOf(ctx, 'StringLiteral'), 'the function module');
    const lang = nodeOf(ctx, 'language');
    return {
      kind: 'create-function',
      name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the function name')),
      ifNotExists: nodeOf(ctx, 'ifNotExists') !== undefined,
      module: unquoteString(str.image),
      moduleSpan: tokenSpan(str),
      language: lang === undefined ? undefined : { value: this.v<Ident>(lang).value.toUpperCase(), span: this.v<Ident>(lang).span },
    };
  }

  ifNotExists(): true {
    return true;
  }

  tableElement(ctx: Ctx): TableElementPart {
    return this.v<TableElementPart>(onlyChildNode(ctx));
  }

  watermarkDefinition(ctx: Ctx, span: Span): TableElementPart {
    return {
      kind: 'watermark',
      watermark: {
        column: this.asIdent(must(nodeOf(ctx, 'identifier'), 'the watermark column')),
        expr: this.asExpr(must(nodeOf(ctx, 'expression'), 'the watermark expression')),
        span,
      },
    };
  }

  tableConstraint(ctx: Ctx, span: Span): TableElementPart {
    return { kind: 'primary-key', columns: this.v<Ident[]>(must(nodeOf(ctx, 'identifierList'), 'the key columns')), span };
  }

  columnDefinition(ctx: Ctx, span: Span): TableElementPart {
    const name = this.asIdent(must(nodeOf(ctx, 'identifier'), 'the column name'));
    const commentToken = tokenOf(ctx, 'comment');
    const comment = commentToken === undefined ? undefined : unquoteString(commentToken.image);
    const computed = nodeOf(ctx, 'expression');
    if (computed !== undefined) {
      const column: ComputedColumn = { kind: 'computed', name, expr: this.asExpr(computed), span };
      return { kind: 'column', column, primaryKey: undefined };
    }
    const type = this.v<TypeName>(must(nodeOf(ctx, 'dataType'), 'the column type'));
    const nullability = nodeOf(ctx, 'nullability');
    const notNull = nullability === undefined ? false : this.v<boolean>(nullability);
    const primaryKey = nodeOf(ctx, 'columnConstraint') === undefined ? undefined : name;
    const metadata = nodeOf(ctx, 'metadataClause');
    if (metadata !== undefined) {
      const m = this.v<{ from: string | undefined; virtual: boolean }>(metadata);
      const column: MetadataColumn = { kind: 'metadata', name, type, from: m.from, virtual: m.virtual, span };
      return { kind: 'column', column, primaryKey };
    }
    const column: PhysicalColumn = { kind: 'physical', name, type, notNull, comment, span };
    return { kind: 'column', column, primaryKey };
  }

  /** true for NOT NULL, false for NULL. */
  nullability(ctx: Ctx): boolean {
    return tokenOf(ctx, 'NOT') !== undefined;
  }

  metadataClause(ctx: Ctx): { from: string | undefined; virtual: boolean } {
    const from = tokenOf(ctx, 'StringLiteral');
    return { from: from === undefined ? undefined : unquoteString(from.image), virtual: tokenOf(ctx, 'VIRTUAL') !== undefined };
  }

  columnConstraint(): true {
    return true;
  }

  tableOptionList(ctx: Ctx): TableOption[] {
    return nodesOf(ctx, 'tableOption').map((n) => this.v<TableOption>(n));
  }

  tableOption(ctx: Ctx, span: Span): TableOption {
    return {
      key: unquoteString(must(tokenOf(ctx, 'key'), 'the option key').image),
      value: unquoteString(must(tokenOf(ctx, 'value'), 'the option value').image),
      span,
    };
  }

  // -------------------------------------------------------------------------------------
  // Queries

  query(ctx: Ctx, span: Span): Query {
    const bodyNode = must(nodeOf(ctx, 'queryBody'), 'the query body');
    let body = this.asQuery(bodyNode);
    const orderByNode = nodeOf(ctx, 'orderByClause');
    const limitNode = nodeOf(ctx, 'limitClause');
    const offsetNode = nodeOf(ctx, 'offsetClause');
    if (orderByNode !== undefined || limitNode !== undefined || offsetNode !== undefined) {
      body = this.attachOrderAndLimit(
        body,
        {
          orderBy: orderByNode === undefined ? [] : this.v<OrderItem[]>(orderByNode),
          limit: limitNode === undefined ? undefined : this.v<Expr | undefined>(limitNode),
          offset: offsetNode === undefined ? undefined : this.asExpr(offsetNode),
        },
        { start: nodeSpan(bodyNode).start, end: span.end },
      );
    }
    const withNode = nodeOf(ctx, 'withClause');
    if (withNode === undefined) return body;
    return { kind: 'with', ctes: this.v<WithCte[]>(withNode), body, span };
  }

  /**
   * ORDER BY / LIMIT / OFFSET written after a query body belong to the body: to a SELECT's
   * own fields, or to the set operation's. A body that already has its own (a parenthesised
   * `(SELECT ... LIMIT 1) ORDER BY x`) cannot take a second set without a wrapper node.
   */
  private attachOrderAndLimit(body: Query, tail: { orderBy: OrderItem[]; limit: Expr | undefined; offset: Expr | undefined }, span: Span): Query {
    switch (body.kind) {
      case 'select':
      case 'set-op':
        if (body.orderBy.length > 0 || body.limit !== undefined || body.offset !== undefined) {
          throw notSupported(
            'ORDER BY, LIMIT or OFFSET on a parenthesised query that has its own',
            span,
            'move the inner query into FROM: SELECT * FROM (...) ORDER BY ...',
          );
        }
        return { ...body, orderBy: tail.orderBy, limit: tail.limit, offset: tail.offset, span };
      case 'with':
        return { ...body, body: this.attachOrderAndLimit(body.body, tail, span), span };
      case 'values':
        throw notSupported('ORDER BY, LIMIT or OFFSET directly after VALUES', span, 'select from it instead: SELECT * FROM (VALUES ...) ORDER BY ...');
    }
  }

  withClause(ctx: Ctx): WithCte[] {
    return nodesOf(ctx, 'commonTableExpression').map((n) => this.v<WithCte>(n));
  }

  commonTableExpression(ctx: Ctx, span: Span): WithCte {
    return {
      name: this.asIdent(must(nodeOf(ctx, 'identifier'), 'the CTE name')),
      columns: this.asIdentList(nodeOf(ctx, 'identifierList')),
      query: this.asQuery(must(nodeOf(ctx, 'parenthesizedQuery'), 'the CTE query')),
      span,
    };
  }

  queryBody(ctx: Ctx): Query {
    return this.foldSetOperations(nodesOf(ctx, 'queryTerm'), nodesOf(ctx, 'setOperator'));
  }

  queryTerm(ctx: Ctx): Query {
    return this.foldSetOperations(nodesOf(ctx, 'queryPrimary'), nodesOf(ctx, 'intersectOperator'));
  }

  private foldSetOperations(operands: CstNode[], operators: CstNode[]): Query {
    let left = this.asQuery(must(operands[0], 'a query operand'));
    operators.forEach((opNode, i) => {
      const right = this.asQuery(must(operands[i + 1], 'a query operand'));
      const { op, all } = this.v<{ op: 'union' | 'intersect' | 'except'; all: boolean }>(opNode);
      left = { kind: 'set-op', op, all, left, right, orderBy: [], limit: undefined, span: cover(left.span, right.span) };
    });
    return left;
  }

  setOperator(ctx: Ctx): { op: 'union' | 'except'; all: boolean } {
    const quantifier = nodeOf(ctx, 'setQuantifier');
    return { op: tokenOf(ctx, 'UNION') !== undefined ? 'union' : 'except', all: quantifier !== undefined && this.v<string>(quantifier) === 'ALL' };
  }

  intersectOperator(ctx: Ctx): { op: 'intersect'; all: boolean } {
    const quantifier = nodeOf(ctx, 'setQuantifier');
    return { op: 'intersect', all: quantifier !== undefined && this.v<string>(quantifier) === 'ALL' };
  }

  setQuantifier(ctx: Ctx): 'ALL' | 'DISTINCT' {
    return tokenOf(ctx, 'ALL') !== undefined ? 'ALL' : 'DISTINCT';
  }

  queryPrimary(ctx: Ctx): Query {
    return this.asQuery(onlyChildNode(ctx));
  }

  parenthesizedQuery(ctx: Ctx): Query {
    return this.asQuery(must(nodeOf(ctx, 'query'), 'the parenthesised query'));
  }

  select(ctx: Ctx, span: Span): Select {
    const quantifier = nodeOf(ctx, 'setQuantifier');
    const selectToken = tokenOf(ctx, 'SELECT');
    const firstAfter = quantifier ?? nodeOf(ctx, 'selectItem');
    const hints = selectToken === undefined || firstAfter === undefined ? [] : parseQueryHints(this.text, (selectToken.endOffset ?? selectToken.startOffset) + 1, nodeSpan(firstAfter).start);
    const from = nodeOf(ctx, 'fromClause');
    const groupBy = nodeOf(ctx, 'groupByClause');
    return {
      kind: 'select',
      distinct: quantifier !== undefined && this.v<string>(quantifier) === 'DISTINCT',
      items: nodesOf(ctx, 'selectItem').map((n) => this.v<SelectItem>(n)),
      from: from === undefined ? undefined : this.v<FromItem>(from),
      where: this.asOptExpr(nodeOf(ctx, 'where')),
      groupBy: groupBy === undefined ? [] : this.v<Expr[]>(groupBy),
      having: this.asOptExpr(nodeOf(ctx, 'having')),
      windows: nodesOf(ctx, 'namedWindow').map((n) => this.v<{ name: Ident; spec: OverSpec }>(n)),
      orderBy: [],
      limit: undefined,
      offset: undefined,
      span,
      ...(hints.length > 0 ? { hints } : {}),
    };
  }

  selectItem(ctx: Ctx, span: Span): SelectItem {
    if (tokenOf(ctx, 'Star') !== undefined) return { kind: 'star', qualifier: undefined, span };
    const qualified = nodeOf(ctx, 'qualifiedStar');
    if (qualified !== undefined) return { kind: 'star', qualifier: this.v<QualifiedName>(qualified), span };
    const alias = nodeOf(ctx, 'alias');
    return {
      kind: 'expr',
      expr: this.asExpr(must(nodeOf(ctx, 'expression'), 'the select expression')),
      alias: alias === undefined ? undefined : this.asIdent(alias),
      span,
    };
  }

  /** Returns the qualifier of `t.*`. */
  qualifiedStar(ctx: Ctx): QualifiedName {
    const parts = this.asIdents(nodesOf(ctx, 'identifier'));
    const first = must(parts[0], 'the qualifier');
    const last = parts[parts.length - 1] ?? first;
    return { parts, span: cover(first.span, last.span) };
  }

  alias(ctx: Ctx): Ident {
    const named = nodeOf(ctx, 'identifier');
    if (named !== undefined) return this.asIdent(named);
    return identFromToken(must(tokenOf(ctx, 'Identifier') ?? tokenOf(ctx, 'QuotedIdentifier') ?? tokenOf(ctx, 'AliasWord'), 'the alias'));
  }

  groupByClause(ctx: Ctx): Expr[] {
    return nodesOf(ctx, 'groupingElement').map((n) => this.v<Expr>(n));
  }

  /**
   * A GROUP BY element. `GROUPING SETS (...)` becomes a call of the pseudo-function
   * `GROUPING SETS` over its elements and `()` an empty row; the binder expands them (and
   * ROLLUP(...) / CUBE(...) calls) into grouping sets.
   */
  groupingElement(ctx: Ctx, span: Span): Expr {
    const grouping = tokenOf(ctx, 'grouping');
    if (grouping !== undefined) {
      const args = nodesOf(ctx, 'groupingElement').map((n) => this.v<Expr>(n));
      return { kind: 'function', name: { value: 'GROUPING SETS', quoted: false, span: tokenSpan(grouping) }, upper: 'GROUPING SETS', args, distinct: false, star: false, filter: undefined, over: undefined, span };
    }
    if (tokenOf(ctx, 'empty') !== undefined) return { kind: 'row', items: [], span };
    return this.asExpr(must(nodeOf(ctx, 'expression'), 'the GROUP BY expression'));
  }

  namedWindow(ctx: Ctx): { name: Ident; spec: OverSpec } {
    const open = must(tokenOf(ctx, 'LParen'), '(');
    const close = must(tokenOf(ctx, 'RParen'), ')');
    const body = this.v<WindowSpecBody>(must(nodeOf(ctx, 'windowSpecification'), 'the window specification'));
    return { name: this.asIdent(must(nodeOf(ctx, 'identifier'), 'the window name')), spec: { ...body, span: cover(tokenSpan(open), tokenSpan(close)) } };
  }

  orderByClause(ctx: Ctx): OrderItem[] {
    return nodesOf(ctx, 'orderItem').map((n) => this.v<OrderItem>(n));
  }

  orderItem(ctx: Ctx, span: Span): OrderItem {
    return {
      expr: this.asExpr(must(nodeOf(ctx, 'expression'), 'the ORDER BY expression')),
      direction: tokenOf(ctx, 'DESC') !== undefined ? 'DESC' : 'ASC',
      nulls: tokenOf(ctx, 'FIRST') !== undefined ? 'FIRST' : tokenOf(ctx, 'LAST') !== undefined ? 'LAST' : undefined,
      span,
    };
  }

  /** `LIMIT ALL` is no limit. */
  limitClause(ctx: Ctx): Expr | undefined {
    return this.asOptExpr(nodeOf(ctx, 'expression'));
  }

  offsetClause(ctx: Ctx): Expr {
    return this.asExpr(must(nodeOf(ctx, 'expression'), 'the OFFSET expression'));
  }

  values(ctx: Ctx, span: Span): Query {
    return { kind: 'values', rows: nodesOf(ctx, 'valuesRow').map((n) => this.v<Expr[]>(n)), span };
  }

  valuesRow(ctx: Ctx): Expr[] {
    return this.asExprs(nodesOf(ctx, 'expression'));
  }

  // -------------------------------------------------------------------------------------
  // FROM

  fromClause(ctx: Ctx): FromItem {
    const items = nodesOf(ctx, 'joinedTable').map((n) => this.v<FromItem>(n));
    let left = must(items[0], 'a FROM item');
    for (const right of items.slice(1)) {
      left = { kind: 'join', joinType: 'cross', left, right, on: undefined, using: undefined, span: cover(left.span, right.span) };
    }
    return left;
  }

  joinedTable(ctx: Ctx): FromItem {
    let left = this.v<FromItem>(must(nodeOf(ctx, 'fromPrimary'), 'a FROM item'));
    for (const clause of nodesOf(ctx, 'joinClause')) {
      const part = this.v<JoinPart>(clause);
      left = { kind: 'join', joinType: part.joinType, left, right: part.right, on: part.on, using: part.using, span: cover(left.span, nodeSpan(clause)) };
    }
    return left;
  }

  joinClause(ctx: Ctx): JoinPart {
    const right = this.v<FromItem>(must(nodeOf(ctx, 'fromPrimary'), 'the joined item'));
    if (tokenOf(ctx, 'CROSS') !== undefined) return { joinType: 'cross', right, on: undefined, using: undefined };
    const joinType = nodeOf(ctx, 'joinType');
    const condition = this.v<{ on: Expr | undefined; using: Ident[] | undefined }>(must(nodeOf(ctx, 'joinCondition'), 'the join condition'));
    return { joinType: joinType === undefined ? 'inner' : this.v<JoinPart['joinType']>(joinType), right, ...condition };
  }

  joinType(ctx: Ctx): JoinPart['joinType'] {
    if (tokenOf(ctx, 'LEFT') !== undefined) return 'left';
    if (tokenOf(ctx, 'RIGHT') !== undefined) return 'right';
    if (tokenOf(ctx, 'FULL') !== undefined) return 'full';
    return 'inner';
  }

  joinCondition(ctx: Ctx): { on: Expr | undefined; using: Ident[] | undefined } {
    return { on: this.asOptExpr(nodeOf(ctx, 'expression')), using: this.asIdentList(nodeOf(ctx, 'identifierList')) };
  }

  fromPrimary(ctx: Ctx): FromItem {
    return this.v<FromItem>(onlyChildNode(ctx));
  }

  tableReference(ctx: Ctx, span: Span): FromItem {
    const alias = nodeOf(ctx, 'alias');
    const mr = nodeOf(ctx, 'matchRecognize');
    return {
      kind: 'table-ref',
      name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the table name')),
      alias: alias === undefined ? undefined : this.asIdent(alias),
      systemTimeAsOf: this.asOptExpr(nodeOf(ctx, 'expression')),
      ...(mr !== undefined ? { matchRecognize: this.v<MatchRecognize>(mr) } : {}),
      span,
    };
  }

  matchRecognize(ctx: Ctx, span: Span): MatchRecognize {
    const all = tokenOf(ctx, 'allRows');
    const order = nodeOf(ctx, 'orderByClause');
    const after = nodeOf(ctx, 'afterMatchSkip');
    const within = nodeOf(ctx, 'within');
    return {
      partitionBy: nodesOf(ctx, 'partitionBy').map((n) => this.asExpr(n)),
      orderBy: order === undefined ? [] : this.v<OrderItem[]>(order),
      measures: nodesOf(ctx, 'measureItem').map((n) => this.v<{ expr: Expr; name: Ident }>(n)),
      allRows: all === undefined ? undefined : cover(tokenSpan(all), tokenSpan(tokensOf(ctx, 'MATCH').at(-1) ?? all)),
      after: after === undefined ? undefined : this.v<AfterMatchSkip>(after),
      pattern: this.v<RowPattern>(must(nodeOf(ctx, 'rowPattern'), 'the PATTERN')),
      within: within === undefined ? undefined : this.v<Expr>(within),
      define: nodesOf(ctx, 'patternDefinition').map((n) => this.v<{ name: Ident; condition: Expr }>(n)),
      span,
    };
  }

  measureItem(ctx: Ctx): { expr: Expr; name: Ident } {
    return { expr: this.asExpr(must(nodeOf(ctx, 'expression'), 'the measure')), name: this.asIdent(must(nodeOf(ctx, 'identifier'), 'the measure name')) };
  }

  patternDefinition(ctx: Ctx): { name: Ident; condition: Expr } {
    return { name: this.asIdent(must(nodeOf(ctx, 'identifier'), 'the pattern variable')), condition: this.asExpr(must(nodeOf(ctx, 'expression'), 'the condition')) };
  }

  afterMatchSkip(ctx: Ctx, span: Span): AfterMatchSkip {
    if (tokenOf(ctx, 'pastLast') !== undefined) return { kind: 'past-last-row', span };
    if (tokenOf(ctx, 'NEXT') !== undefined) return { kind: 'to-next-row', span };
    const variable = this.asIdent(must(nodeOf(ctx, 'identifier'), 'the pattern variable'));
    return tokenOf(ctx, 'toFirst') !== undefined ? { kind: 'to-first', variable, span } : { kind: 'to-last', variable, span };
  }

  rowPattern(ctx: Ctx, span: Span): RowPattern {
    const items = nodesOf(ctx, 'patternSequence').map((n) => this.v<RowPattern>(n));
    return items.length === 1 ? items[0]! : { kind: 'alternation', items, span };
  }

  patternSequence(ctx: Ctx, span: Span): RowPattern {
    const items = nodesOf(ctx, 'patternFactor').map((n) => this.v<RowPattern>(n));
    return items.length === 1 ? items[0]! : { kind: 'sequence', items, span };
  }

  patternFactor(ctx: Ctx, span: Span): RowPattern {
    const id = nodeOf(ctx, 'identifier');
    let inner: RowPattern;
    if (id !== undefined) inner = { kind: 'variable', name: this.asIdent(id), span: nodeSpan(id) };
    else {
      const body = must(nodeOf(ctx, 'rowPattern'), 'the parenthesised pattern');
      inner = { kind: 'group', inner: this.v<RowPattern>(body), span: cover(tokenSpan(must(tokenOf(ctx, 'LParen'), '(')), tokenSpan(must(tokenOf(ctx, 'RParen'), ')'))) };
    }
    const reluctant = tokenOf(ctx, 'reluctant') !== undefined;
    const int = (t: IToken | undefined): number | undefined => (t === undefined ? undefined : Number(t.image));
    if (tokenOf(ctx, 'Star') !== undefined) return { kind: 'quantified', inner, min: 0, max: undefined, reluctant, span };
    if (tokenOf(ctx, 'Plus') !== undefined) return { kind: 'quantified', inner, min: 1, max: undefined, reluctant, span };
    if (tokenOf(ctx, 'optional') !== undefined) return { kind: 'quantified', inner, min: 0, max: 1, reluctant, span };
    if (tokenOf(ctx, 'LBrace') !== undefined) {
      const min = int(tokenOf(ctx, 'min'));
      const max = int(tokenOf(ctx, 'max'));
      const comma = tokenOf(ctx, 'Comma') !== undefined;
      for (const n of [min, max]) {
        if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw parseError('a quantifier bound is a whole number', span);
      }
      return { kind: 'quantified', inner, min: min ?? 0, max: comma ? max : (min ?? 0), reluctant, span };
    }
    return inner;
  }

  subqueryReference(ctx: Ctx, span: Span): SubqueryRef {
    const correlation = this.correlation(nodeOf(ctx, 'correlationName'));
    const mr = nodeOf(ctx, 'matchRecognize');
    return {
      kind: 'subquery',
      query: this.asQuery(must(nodeOf(ctx, 'parenthesizedQuery'), 'the subquery')),
      alias: correlation.alias,
      columnAliases: correlation.columns,
      lateral: false,
      ...(mr !== undefined ? { matchRecognize: this.v<MatchRecognize>(mr) } : {}),
      span,
    };
  }

  parenthesizedJoin(ctx: Ctx): FromItem {
    return this.v<FromItem>(must(nodeOf(ctx, 'fromClause'), 'the parenthesised FROM items'));
  }

  tableFunctionReference(ctx: Ctx, span: Span): TableFunctionRef {
    const call = this.v<{ name: Ident; args: TableFunctionArg[] }>(must(nodeOf(ctx, 'tableFunctionCall'), 'the table function'));
    const correlation = this.correlation(nodeOf(ctx, 'correlationName'));
    return { kind: 'table-function', name: call.name, args: call.args, alias: correlation.alias, columnAliases: correlation.columns, span };
  }

  lateralReference(ctx: Ctx, span: Span): TableFunctionRef | SubqueryRef {
    const correlation = this.correlation(nodeOf(ctx, 'correlationName'));
    const callNode = nodeOf(ctx, 'tableFunctionCall');
    if (callNode !== undefined) {
      const call = this.v<{ name: Ident; args: TableFunctionArg[] }>(callNode);
      return { kind: 'table-function', name: call.name, args: call.args, alias: correlation.alias, lateral: true, columnAliases: correlation.columns, span };
    }
    return {
      kind: 'subquery',
      query: this.asQuery(must(nodeOf(ctx, 'parenthesizedQuery'), 'the lateral subquery')),
      alias: correlation.alias,
      columnAliases: correlation.columns,
      lateral: true,
      span,
    };
  }

  private correlation(n: CstNode | undefined): { alias: Ident | undefined; columns: Ident[] | undefined } {
    return n === undefined ? { alias: undefined, columns: undefined } : this.v<{ alias: Ident; columns: Ident[] | undefined }>(n);
  }

  correlationName(ctx: Ctx): { alias: Ident; columns: Ident[] | undefined } {
    return { alias: this.asIdent(must(nodeOf(ctx, 'alias'), 'the alias')), columns: this.asIdentList(nodeOf(ctx, 'identifierList')) };
  }

  /** The function name is upper-cased unless quoted (TUMBLE, HOP, CUMULATE, SESSION, ...). */
  tableFunctionCall(ctx: Ctx): { name: Ident; args: TableFunctionArg[] } {
    const written = this.asIdent(must(nodeOf(ctx, 'identifier'), 'the function name'));
    const name = written.quoted ? written : { ...written, value: written.value.toUpperCase() };
    return { name, args: nodesOf(ctx, 'tableFunctionArgument').map((n) => this.v<TableFunctionArg>(n)) };
  }

  tableFunctionArgument(ctx: Ctx, span: Span): TableFunctionArg {
    const argNameNode = nodeOf(ctx, 'argName');
    const argName = argNameNode === undefined ? undefined : this.asIdent(argNameNode);
    if (tokenOf(ctx, 'TABLE') !== undefined) {
      return {
        kind: 'table',
        name: this.asName(must(nodeOf(ctx, 'qualifiedName'), 'the table argument')),
        partitionBy: this.asExprs(nodesOf(ctx, 'partitionBy')),
        argName,
        span,
      };
    }
    const descriptor = nodeOf(ctx, 'identifierList');
    if (descriptor !== undefined) return { kind: 'descriptor', columns: this.v<Ident[]>(descriptor), argName, span };
    return { kind: 'expr', expr: this.asExpr(must(nodeOf(ctx, 'expression'), 'the argument')), argName, span };
  }

  // -------------------------------------------------------------------------------------
  // Expressions

  expression(ctx: Ctx): Expr {
    return this.foldKeywordOperator(nodesOf(ctx, 'andExpression'), 'OR');
  }

  andExpression(ctx: Ctx): Expr {
    return this.foldKeywordOperator(nodesOf(ctx, 'notExpression'), 'AND');
  }

  private foldKeywordOperator(operands: CstNode[], op: 'AND' | 'OR'): Expr {
    let left = this.asExpr(must(operands[0], 'an operand'));
    for (const n of operands.slice(1)) {
      const right = this.asExpr(n);
      left = { kind: 'binary', op, left, right, span: cover(left.span, right.span) };
    }
    return left;
  }

  notExpression(ctx: Ctx, span: Span): Expr {
    const negated = nodeOf(ctx, 'notExpression');
    if (negated === undefined) return this.asExpr(must(nodeOf(ctx, 'comparisonExpression'), 'the expression'));
    const operand = this.asExpr(negated);
    // `NOT EXISTS (...)` is the Exists node's own flag.
    if (operand.kind === 'exists' && !operand.not) return { ...operand, not: true, span };
    return { kind: 'unary', op: 'NOT', operand, span };
  }

  comparisonExpression(ctx: Ctx): Expr {
    let left = this.asExpr(must(nodeOf(ctx, 'additiveExpression'), 'the operand'));
    for (const tail of nodesOf(ctx, 'comparisonTail')) left = this.v<Tail>(tail)(left);
    return left;
  }

  comparisonTail(ctx: Ctx, span: Span): Tail {
    const op = tokenOf(ctx, 'ComparisonOperator');
    if (op === undefined) return this.v<Tail>(onlyChildNode(ctx));
    const binaryOp = (op.image === '!=' ? '<>' : op.image) as BinaryOp;
    const quantifier = tokenOf(ctx, 'quantifier');
    if (quantifier !== undefined) {
      const query = this.asQuery(must(nodeOf(ctx, 'parenthesizedQuery'), 'the subquery'));
      const all = quantifier.image.toUpperCase() === 'ALL';
      return (operand) => ({ kind: 'in-subquery', operand, query, not: false, quantified: { op: binaryOp as NonNullable<InSubquery['quantified']>['op'], all }, span: cover(operand.span, span) });
    }
    const right = this.asExpr(must(nodeOf(ctx, 'additiveExpression'), 'the right operand'));
    return (left) => ({ kind: 'binary', op: binaryOp, left, right, span: cover(left.span, span) });
  }

  isTail(ctx: Ctx, span: Span): Tail {
    const not = tokenOf(ctx, 'NOT') !== undefined;
    const distinctFrom = nodeOf(ctx, 'additiveExpression');
    if (distinctFrom !== undefined) {
      const right = this.asExpr(distinctFrom);
      return (left) => ({ kind: 'binary', op: not ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', left, right, span: cover(left.span, span) });
    }
    const json = tokenOf(ctx, 'JSON');
    if (json !== undefined) {
      const kind = (tokenOf(ctx, 'jsonKind')?.image.toUpperCase() ?? 'VALUE') as NonNullable<JsonClauses['isJson']>;
      return (operand) => {
        const whole = cover(operand.span, span);
        const call: FunctionCall = { ...functionCall({ value: 'IS JSON', quoted: false, span: tokenSpan(json) }, [operand], whole), json: { behaviors: [], isJson: kind } };
        return not ? { kind: 'unary', op: 'NOT', operand: call, span: whole } : call;
      };
    }
    const test = tokenOf(ctx, 'NULL') ? 'NULL' : tokenOf(ctx, 'TRUE') ? 'TRUE' : tokenOf(ctx, 'FALSE') ? 'FALSE' : 'UNKNOWN';
    return (operand) => ({ kind: 'is', operand, not, test, span: cover(operand.span, span) });
  }

  predicateTail(ctx: Ctx, span: Span): Tail {
    const not = tokenOf(ctx, 'NOT') !== undefined;
    if (tokenOf(ctx, 'IN') !== undefined) {
      const subquery = nodeOf(ctx, 'parenthesizedQuery');
      if (subquery !== undefined) {
        const query = this.asQuery(subquery);
        return (operand) => ({ kind: 'in-subquery', operand, query, not, span: cover(operand.span, span) });
      }
      const list = this.asExprs(nodesOf(ctx, 'inList'));
      return (operand) => ({ kind: 'in-list', operand, list, not, span: cover(operand.span, span) });
    }
    if (tokenOf(ctx, 'BETWEEN') !== undefined) {
      const low = this.asExpr(must(nodeOf(ctx, 'low'), 'the lower bound'));
      const high = this.asExpr(must(nodeOf(ctx, 'high'), 'the upper bound'));
      const symmetric = tokenOf(ctx, 'SYMMETRIC') !== undefined;
      return (operand) => ({ kind: 'between', operand, low, high, not, symmetric, span: cover(operand.span, span) });
    }
    const overlaps = nodeOf(ctx, 'overlaps');
    if (overlaps !== undefined) {
      // a call OVERLAPS(left, right), bound by the binder (NOT wraps it)
      const right = this.asExpr(overlaps);
      const name = { value: 'OVERLAPS', quoted: false, span };
      return (operand) => {
        const call = functionCall(name, [operand, right], cover(operand.span, span));
        return not ? { kind: 'unary', op: 'NOT', operand: call, span: call.span } : call;
      };
    }
    const pattern = this.asExpr(must(nodeOf(ctx, 'pattern'), 'the pattern'));
    const escape = this.asOptExpr(nodeOf(ctx, 'escape'));
    const similar = tokenOf(ctx, 'SIMILAR') !== undefined;
    return (operand) => ({ kind: 'like', operand, pattern, escape, not, similar, span: cover(operand.span, span) });
  }

  additiveExpression(ctx: Ctx): Expr {
    return this.foldSymbolOperator(nodesOf(ctx, 'multiplicativeExpression'), tokensOf(ctx, 'AdditiveOperator'));
  }

  multiplicativeExpression(ctx: Ctx): Expr {
    return this.foldSymbolOperator(nodesOf(ctx, 'unaryExpression'), tokensOf(ctx, 'MultiplicativeOperator'));
  }

  private foldSymbolOperator(operands: CstNode[], operators: IToken[]): Expr {
    let left = this.asExpr(must(operands[0], 'an operand'));
    operators.forEach((op, i) => {
      const right = this.asExpr(must(operands[i + 1], 'an operand'));
      left = { kind: 'binary', op: op.image as BinaryOp, left, right, span: cover(left.span, right.span) };
    });
    return left;
  }

  unaryExpression(ctx: Ctx, span: Span): Expr {
    const sign = tokenOf(ctx, 'sign');
    if (sign === undefined) {
      let e = this.asExpr(must(nodeOf(ctx, 'primaryExpression'), 'the operand'));
      for (const s of nodesOf(ctx, 'subscript')) {
        const sub = this.v<{ index: Expr; fields: Ident[]; span: Span }>(s);
        e = { kind: 'subscript', operand: e, index: sub.index, span: cover(e.span, sub.span) };
        for (const f of sub.fields) e = { kind: 'field', operand: e, field: f, span: cover(e.span, f.span) };
      }
      return e;
    }
    return { kind: 'unary', op: sign.image === '-' ? '-' : '+', operand: this.asExpr(must(nodeOf(ctx, 'unaryExpression'), 'the operand')), span };
  }

  primaryExpression(ctx: Ctx): Expr {
    const subquery = nodeOf(ctx, 'parenthesizedQuery');
    if (subquery !== undefined) return { kind: 'scalar-subquery', query: this.asQuery(subquery), span: nodeSpan(subquery) };
    return this.asExpr(onlyChildNode(ctx));
  }

  literal(ctx: Ctx, span: Span): Expr {
    const number = tokenOf(ctx, 'NumberLiteral');
    if (number !== undefined) return { kind: 'literal', type: 'number', value: Number(number.image), text: number.image, span };
    const string = tokenOf(ctx, 'StringLiteral');
    if (string !== undefined) return { kind: 'literal', type: 'string', value: unquoteString(string.image), text: string.image, span };
    const binary = tokenOf(ctx, 'BinaryLiteral');
    if (binary !== undefined) return { kind: 'literal', type: 'binary', value: binary.image.slice(2, -1), text: binary.image, span };
    const word = must(tokenOf(ctx, 'TRUE') ?? tokenOf(ctx, 'FALSE') ?? tokenOf(ctx, 'NULL'), 'the literal');
    if (tokenMatcher(word, T.NULL)) return { kind: 'literal', type: 'null', value: null, text: word.image, span };
    return { kind: 'literal', type: 'boolean', value: tokenMatcher(word, T.TRUE), text: word.image, span };
  }

  intervalLiteral(ctx: Ctx, span: Span): Expr {
    const sign = tokenOf(ctx, 'sign')?.image === '-' ? '-' : '';
    const quoted = tokenOf(ctx, 'StringLiteral');
    const text = quoted !== undefined ? unquoteString(quoted.image) : must(tokenOf(ctx, 'NumberLiteral'), 'the interval value').image;
    const toUnit = tokenOf(ctx, 'toUnit');
    return {
      kind: 'interval',
      value: sign + text,
      unit: timeUnitName(must(tokenOf(ctx, 'unit'), 'the interval unit')),
      toUnit: toUnit === undefined ? undefined : timeUnitName(toUnit),
      span,
    };
  }

  typedLiteral(ctx: Ctx, span: Span): Expr {
    const type = must(tokenOf(ctx, 'type'), 'the literal type').tokenType.name as 'TIMESTAMP' | 'TIMESTAMP_LTZ' | 'DATE' | 'TIME';
    return { kind: 'typed-literal', type, value: unquoteString(must(tokenOf(ctx, 'StringLiteral'), 'the literal text').image), span };
  }

  caseExpression(ctx: Ctx, span: Span): Expr {
    const operand = this.asOptExpr(nodeOf(ctx, 'operand'));
    const thens = this.asExprs(nodesOf(ctx, 'then'));
    const whens: { when: Expr; then: Expr }[] = [];
    nodesOf(ctx, 'when').forEach((node, i) => {
      const values = this.asExprs(nodesOf(node.children as Ctx, 'expression'));
      const then = must(thens[i], 'a THEN result');
      // `CASE x WHEN a, b THEN r` is `CASE x WHEN a THEN r WHEN b THEN r` (Calcite: x = a OR x = b)
      if (values.length > 1 && operand === undefined) {
        throw parseError('a list of values after WHEN needs a simple CASE (CASE x WHEN a, b THEN ...)', values[1]!.span, 'write the conditions with OR: CASE WHEN c1 OR c2 THEN ...');
      }
      for (const when of values) whens.push({ when, then });
    });
    return { kind: 'case', operand, whens, else: this.asOptExpr(nodeOf(ctx, 'else')), span };
  }

  caseWhenValues(): never {
    throw internalError('caseWhenValues is read by caseExpression');
  }

  castExpression(ctx: Ctx, span: Span): Expr {
    return {
      kind: 'cast',
      operand: this.asExpr(must(nodeOf(ctx, 'expression'), 'the cast operand')),
      type: this.v<TypeName>(must(nodeOf(ctx, 'dataType'), 'the cast type')),
      try: tokenOf(ctx, 'TRY_CAST') !== undefined,
      span,
    };
  }

  extractExpression(ctx: Ctx, span: Span): Expr {
    return {
      kind: 'extract',
      field: timeUnitName(must(tokenOf(ctx, 'TimeUnit'), 'the EXTRACT field')),
      operand: this.asExpr(must(nodeOf(ctx, 'expression'), 'the EXTRACT operand')),
      span,
    };
  }

  trimExpression(ctx: Ctx, span: Span): Expr {
    const mode = (tokenOf(ctx, 'mode')?.image.toUpperCase() ?? 'BOTH') as 'BOTH' | 'LEADING' | 'TRAILING';
    const first = nodeOf(ctx, 'first');
    const operand = nodeOf(ctx, 'operand');
    // `TRIM(x FROM s)`: x is the characters; `TRIM(s)`: s is the operand.
    const chars = first !== undefined && operand !== undefined ? first : nodeOf(ctx, 'chars');
    return {
      kind: 'trim',
      mode,
      chars: this.asOptExpr(chars),
      operand: this.asExpr(must(operand ?? first, 'the TRIM operand')),
      span,
    };
  }

  /** `SUBSTRING(s FROM a FOR b)` -> SUBSTRING(s, a, b) */
  substringExpression(ctx: Ctx, span: Span): Expr {
    return functionCall(identFromToken(must(tokenOf(ctx, 'SUBSTRING'), 'SUBSTRING')), this.asExprs(nodesOf(ctx, 'expression')), span);
  }

  /** `POSITION(a IN b)` -> POSITION(a, b) */
  positionExpression(ctx: Ctx, span: Span): Expr {
    const needle = this.asExpr(must(nodeOf(ctx, 'additiveExpression'), 'the POSITION needle'));
    const haystack = this.asExpr(must(nodeOf(ctx, 'expression'), 'the POSITION operand'));
    return functionCall(identFromToken(must(tokenOf(ctx, 'POSITION'), 'POSITION')), [needle, haystack], span);
  }

  /** `OVERLAY(s PLACING r FROM a FOR n)` -> OVERLAY(s, r, a, n) */
  overlayExpression(ctx: Ctx, span: Span): Expr {
    return functionCall(identFromToken(must(tokenOf(ctx, 'OVERLAY'), 'OVERLAY')), this.asExprs(nodesOf(ctx, 'expression')), span);
  }

  /** The behaviours of a JSON function; DEFAULT expressions are appended to `args`. */
  private jsonBehaviors(ctx: Ctx, args: Expr[]): JsonClauses['behaviors'] {
    return nodesOf(ctx, 'jsonBehavior').map((n) => {
      const c = n.children as Ctx;
      const b = must(tokenOf(c, 'behavior'), 'the behaviour').image.toUpperCase();
      const emptyKind = tokenOf(c, 'emptyKind');
      const behavior = (b === 'EMPTY' ? `EMPTY ${must(emptyKind, 'EMPTY ARRAY | OBJECT').image.toUpperCase()}` : b) as JsonBehaviorKind;
      const event = must(tokenOf(c, 'event'), 'the event').image.toUpperCase() as 'EMPTY' | 'ERROR' | 'NULL';
      const def = nodeOf(c, 'default');
      let defaultArg: number | undefined;
      if (def !== undefined) {
        defaultArg = args.length;
        args.push(this.asExpr(def));
      }
      return { behavior, event, ...(defaultArg !== undefined ? { defaultArg } : {}), span: nodeSpan(n) };
    });
  }

  private jsonCall(ctx: Ctx, span: Span, keyword: string, args: Expr[], extra: Partial<JsonClauses> = {}): FunctionCall {
    const behaviors = this.jsonBehaviors(ctx, args);
    return { ...functionCall(identFromToken(must(tokenOf(ctx, keyword), keyword)), args, span), json: { behaviors, ...extra } };
  }

  jsonValueExpression(ctx: Ctx, span: Span): Expr {
    const args = [this.asExpr(must(nodeOf(ctx, 'json'), 'the JSON')), this.asExpr(must(nodeOf(ctx, 'path'), 'the path'))];
    const type = nodeOf(ctx, 'dataType');
    return this.jsonCall(ctx, span, 'JSON_VALUE', args, type === undefined ? {} : { returning: this.v<TypeName>(type) });
  }

  jsonQueryExpression(ctx: Ctx, span: Span): Expr {
    const args = [this.asExpr(must(nodeOf(ctx, 'json'), 'the JSON')), this.asExpr(must(nodeOf(ctx, 'path'), 'the path'))];
    const type = nodeOf(ctx, 'dataType');
    const w = tokenOf(ctx, 'wrapper');
    const kind = tokenOf(ctx, 'wrapperKind');
    const wrapper = w === undefined ? undefined : w.image.toUpperCase() === 'WITHOUT' ? 'WITHOUT' : kind?.image.toUpperCase() === 'CONDITIONAL' ? 'CONDITIONAL' : 'UNCONDITIONAL';
    return this.jsonCall(ctx, span, 'JSON_QUERY', args, { ...(type === undefined ? {} : { returning: this.v<TypeName>(type) }), ...(wrapper === undefined ? {} : { wrapper }) });
  }

  /** Read by the JSON function rules from the CST directly. */
  jsonBehavior(): undefined {
    return undefined;
  }

  jsonExistsExpression(ctx: Ctx, span: Span): Expr {
    return this.jsonCall(ctx, span, 'JSON_EXISTS', [this.asExpr(must(nodeOf(ctx, 'json'), 'the JSON')), this.asExpr(must(nodeOf(ctx, 'path'), 'the path'))]);
  }

  jsonObjectExpression(ctx: Ctx, span: Span): Expr {
    const args: Expr[] = [];
    for (const n of nodesOf(ctx, 'jsonObjectEntry')) {
      const c = n.children as Ctx;
      args.push(this.asExpr(must(nodeOf(c, 'key'), 'the key')), this.asExpr(must(nodeOf(c, 'value'), 'the value')));
    }
    return this.jsonCall(ctx, span, 'JSON_OBJECT', args);
  }

  /** Read by jsonObjectExpression from the CST directly. */
  jsonObjectEntry(): undefined {
    return undefined;
  }

  jsonArrayExpression(ctx: Ctx, span: Span): Expr {
    return this.jsonCall(ctx, span, 'JSON_ARRAY', this.asExprs(nodesOf(ctx, 'element')));
  }

  jsonObjectAggExpression(ctx: Ctx, span: Span): Expr {
    const c = must(nodeOf(ctx, 'jsonObjectEntry'), 'the key and value').children as Ctx;
    return this.jsonAggCall(ctx, span, [this.asExpr(must(nodeOf(c, 'key'), 'the key')), this.asExpr(must(nodeOf(c, 'value'), 'the value'))]);
  }

  jsonArrayAggExpression(ctx: Ctx, span: Span): Expr {
    return this.jsonAggCall(ctx, span, [this.asExpr(must(nodeOf(ctx, 'element'), 'the value'))]);
  }

  /** JSON_OBJECTAGG / JSON_ARRAYAGG as an aggregate call with its ON NULL clause, FILTER and OVER. */
  private jsonAggCall(ctx: Ctx, span: Span, args: Expr[]): FunctionCall {
    const behaviors = this.jsonBehaviors(ctx, args);
    const tail = must(nodeOf(ctx, 'aggregateTail'), 'the call').children as Ctx;
    const over = nodeOf(tail, 'overClause');
    const rest = { filter: this.asOptExpr(nodeOf(tail, 'filter')), over: over === undefined ? undefined : this.v<OverSpec | Ident>(over) };
    return { ...functionCall(identFromToken(must(tokenOf(ctx, 'name'), 'the name')), args, span, rest), json: { behaviors } };
  }

  /** Read by jsonAggCall from the CST directly. */
  aggregateTail(): undefined {
    return undefined;
  }

  existsExpression(ctx: Ctx, span: Span): Expr {
    return { kind: 'exists', query: this.asQuery(must(nodeOf(ctx, 'parenthesizedQuery'), 'the EXISTS subquery')), not: false, span };
  }

  parenthesizedExpression(ctx: Ctx, span: Span): Expr {
    const items = this.asExprs(nodesOf(ctx, 'expression'));
    if (items.length > 1) return { kind: 'row', items, span };
    return { kind: 'paren', expr: must(items[0], 'the parenthesised expression'), span };
  }

  niladicFunction(ctx: Ctx, span: Span): Expr {
    return functionCall(identFromToken(must(tokenOf(ctx, 'name'), 'the function name')), [], span);
  }

  subscript(ctx: Ctx, span: Span): { index: Expr; fields: Ident[]; span: Span } {
    return { index: this.asExpr(must(nodeOf(ctx, 'expression'), 'the index')), fields: this.asIdents(nodesOf(ctx, 'identifier')), span };
  }

  collectionConstructor(ctx: Ctx, span: Span): Expr {
    const name = must(tokenOf(ctx, 'name'), 'ARRAY or MAP').image.toUpperCase();
    return { kind: 'collection', type: name === 'MAP' ? 'MAP' : 'ARRAY', items: nodesOf(ctx, 'expression').map((n) => this.asExpr(n)), span };
  }

  unnestReference(ctx: Ctx, span: Span): TableFunctionRef {
    const correlation = this.correlation(nodeOf(ctx, 'correlationName'));
    const name = identFromToken(must(tokenOf(ctx, 'UNNEST'), 'UNNEST'));
    const args: TableFunctionArg[] = nodesOf(ctx, 'expression').map((n) => {
      const expr = this.asExpr(n);
      return { kind: 'expr', expr, argName: undefined, span: expr.span };
    });
    return { kind: 'table-function', name, args, alias: correlation.alias, lateral: true, columnAliases: correlation.columns, ordinality: tokenOf(ctx, 'ORDINALITY') !== undefined, span };
  }

  keywordFunction(ctx: Ctx, span: Span): Expr {
    const name = identFromToken(must(tokenOf(ctx, 'name'), 'the function name'));
    return this.makeCall(name, this.v<CallSuffix>(must(nodeOf(ctx, 'callSuffix'), 'the call arguments')), span);
  }

  identifierExpression(ctx: Ctx, span: Span): Expr {
    const parts = this.asIdents(nodesOf(ctx, 'identifier'));
    const suffix = nodeOf(ctx, 'callSuffix');
    if (suffix === undefined) return { kind: 'column', parts, span };
    const name = must(parts[0], 'the function name');
    if (parts.length > 1) {
      throw notSupported('a qualified function name', span, `call the function by its name alone: ${parts[parts.length - 1]?.value ?? name.value}(...)`);
    }
    return this.makeCall(name, this.v<CallSuffix>(suffix), span);
  }

  private makeCall(name: Ident, suffix: CallSuffix, span: Span): FunctionCall {
    let args = suffix.args;
    if (suffix.toUnit !== undefined) {
      const upper = name.value.toUpperCase();
      if (upper !== 'FLOOR' && upper !== 'CEIL' && upper !== 'CEILING') {
        throw parseError(`'TO ${suffix.toUnit.parts[0]?.value.toUpperCase() ?? ''}' is only allowed in FLOOR and CEIL`, suffix.toUnit.span, `${upper} takes its arguments separated by commas`);
      }
      if (args.length !== 1) throw parseError(`${upper}(x TO unit) takes exactly one value`, span);
      args = [...args, suffix.toUnit];
    }
    return functionCall(name, args, span, suffix);
  }

  callSuffix(ctx: Ctx, span: Span): CallSuffix {
    const quantifier = nodeOf(ctx, 'setQuantifier');
    const star = tokenOf(ctx, 'Star') !== undefined;
    const argsNode = nodeOf(ctx, 'functionArguments');
    const parsed = argsNode === undefined ? { args: [], toUnit: undefined } : this.v<{ args: Expr[]; toUnit: ColumnRef | undefined }>(argsNode);
    if (quantifier !== undefined && !star && parsed.args.length === 0) {
      throw parseError(`expected an argument after ${this.v<string>(quantifier)}`, span);
    }
    const over = nodeOf(ctx, 'overClause');
    let filter = this.asOptExpr(nodeOf(ctx, 'filter'));
    const treatment = tokenOf(ctx, 'nullTreatment');
    if (treatment !== undefined) {
      const word = treatment.image.toUpperCase();
      if (word !== 'IGNORE' && word !== 'RESPECT') throw parseError(`expected IGNORE NULLS or RESPECT NULLS, got '${treatment.image} NULLS'`, tokenSpan(treatment));
      const arg = parsed.args[0];
      if (arg === undefined || parsed.args.length !== 1) throw parseError(`${word} NULLS needs exactly one argument`, span);
      // IGNORE NULLS keeps the non-NULL values: the same as FILTER (WHERE x IS NOT NULL)
      if (word === 'IGNORE') {
        const notNull: Expr = { kind: 'is', operand: arg, not: true, test: 'NULL', span: tokenSpan(treatment) };
        filter = filter === undefined ? notNull : { kind: 'binary', op: 'AND', left: filter, right: notNull, span: filter.span };
      }
    }
    return {
      distinct: quantifier !== undefined && this.v<string>(quantifier) === 'DISTINCT',
      star,
      args: parsed.args,
      toUnit: parsed.toUnit,
      filter,
      over: over === undefined ? undefined : this.v<OverSpec | Ident>(over),
    };
  }

  functionArguments(ctx: Ctx): { args: Expr[]; toUnit: ColumnRef | undefined } {
    const unit = tokenOf(ctx, 'TimeUnit');
    return {
      args: this.asExprs(nodesOf(ctx, 'expression')),
      toUnit: unit === undefined ? undefined : { kind: 'column', parts: [{ value: timeUnitName(unit), quoted: false, span: tokenSpan(unit) }], span: tokenSpan(unit) },
    };
  }

  overClause(ctx: Ctx): OverSpec | Ident {
    const spec = nodeOf(ctx, 'windowSpecification');
    if (spec === undefined) return this.asIdent(must(nodeOf(ctx, 'identifier'), 'the window name'));
    const open = must(tokenOf(ctx, 'LParen'), '(');
    const close = must(tokenOf(ctx, 'RParen'), ')');
    return { ...this.v<WindowSpecBody>(spec), span: cover(tokenSpan(open), tokenSpan(close)) };
  }

  /** The body of a window specification; the caller adds the span (the body may be empty). */
  windowSpecification(ctx: Ctx): WindowSpecBody {
    const orderBy = nodeOf(ctx, 'orderByClause');
    const frame = nodeOf(ctx, 'windowFrame');
    return {
      partitionBy: this.asExprs(nodesOf(ctx, 'partitionBy')),
      orderBy: orderBy === undefined ? [] : this.v<OrderItem[]>(orderBy),
      frame: frame === undefined ? undefined : this.v<WindowFrame>(frame),
    };
  }

  windowFrame(ctx: Ctx, span: Span): WindowFrame {
    const end = nodeOf(ctx, 'end');
    return {
      unit: must(tokenOf(ctx, 'unit'), 'the frame unit').tokenType === T.ROWS ? 'ROWS' : 'RANGE',
      start: this.v<FrameBound>(must(nodeOf(ctx, 'start'), 'the frame start')),
      end: end === undefined ? undefined : this.v<FrameBound>(end),
      span,
    };
  }

  frameBound(ctx: Ctx): FrameBound {
    const preceding = tokenOf(ctx, 'PRECEDING') !== undefined;
    if (tokenOf(ctx, 'UNBOUNDED') !== undefined) return { kind: preceding ? 'unbounded-preceding' : 'unbounded-following' };
    if (tokenOf(ctx, 'CURRENT') !== undefined) return { kind: 'current-row' };
    const offset = this.asExpr(must(nodeOf(ctx, 'additiveExpression'), 'the frame offset'));
    return preceding ? { kind: 'preceding', offset } : { kind: 'following', offset };
  }

  // -------------------------------------------------------------------------------------
  // Types

  dataType(ctx: Ctx, span: Span): TypeName {
    const nameToken = must(tokenOf(ctx, 'name'), 'the type name');
    const name = nameToken.image.toUpperCase();
    if (tokenOf(ctx, 'PRECISION') !== undefined && name !== 'DOUBLE') {
      throw parseError(`PRECISION can only follow DOUBLE, not ${name}`, span, 'write DOUBLE PRECISION, or just DOUBLE');
    }
    const params = nodeOf(ctx, 'typeParameters');
    const zone = nodeOf(ctx, 'timeZoneClause');
    const elements = [...nodesOf(ctx, 'nestedType'), ...nodesOf(ctx, 'rowField')].sort((a, b) => nodeSpan(a).start - nodeSpan(b).start);
    const fields = nodesOf(ctx, 'rowField').map((n) => this.v<{ name: string; type: TypeName }>(n));
    const base: TypeName = {
      name,
      // Interval qualifiers (`INTERVAL DAY(2) TO SECOND(3)`) have precisions, not type parameters.
      params: params === undefined || name === 'INTERVAL' ? [] : this.v<number[]>(params),
      withTimeZone: zone === undefined ? undefined : this.v<'local' | 'zone' | undefined>(zone),
      elementTypes: name === 'ROW' ? fields.map((f) => f.type) : elements.map((n) => this.v<TypeName>(n)),
      fieldNames: fields.map((f) => f.name),
      span,
    };
    // `T ARRAY MULTISET`: each suffix wraps the type before it
    let type = base;
    for (const s of tokensOf(ctx, 'suffix')) type = { name: s.image.toUpperCase(), params: [], withTimeZone: undefined, elementTypes: [type], fieldNames: [], span };
    return type;
  }

  timeZoneClause(ctx: Ctx): 'local' | 'zone' | undefined {
    if (tokenOf(ctx, 'WITHOUT') !== undefined) return undefined;
    return tokenOf(ctx, 'LOCAL') !== undefined ? 'local' : 'zone';
  }

  nestedType(ctx: Ctx): TypeName {
    return this.v<TypeName>(must(nodeOf(ctx, 'dataType'), 'the element type'));
  }

  rowField(ctx: Ctx): { name: string; type: TypeName } {
    const name = this.v<Ident>(must(nodeOf(ctx, 'identifier'), 'the field name')).value;
    return { name, type: this.v<TypeName>(must(nodeOf(ctx, 'nestedType'), 'the field type')) };
  }

  typeParameters(ctx: Ctx): number[] {
    return tokensOf(ctx, 'NumberLiteral').map((t) => {
      if (!/^\d+$/.test(t.image)) throw parseError(`type parameters are whole numbers, not ${t.image}`, tokenSpan(t));
      return Number(t.image);
    });
  }

  // -------------------------------------------------------------------------------------
  // Names

  identifier(ctx: Ctx): Ident {
    return identFromToken(must(tokenOf(ctx, 'Identifier') ?? tokenOf(ctx, 'QuotedIdentifier') ?? tokenOf(ctx, 'NonReserved'), 'the identifier'));
  }

  qualifiedName(ctx: Ctx, span: Span): QualifiedName {
    return { parts: this.asIdents(nodesOf(ctx, 'identifier')), span };
  }

  identifierList(ctx: Ctx): Ident[] {
    return this.asIdents(nodesOf(ctx, 'identifier'));
  }
}

type WithCte = { readonly name: Ident; readonly columns: readonly Ident[] | undefined; readonly query: Query; readonly span: Span };

/**
 * Query hints in the text between SELECT and the first select item: the lexer skips comments,
 * so hints (`/*+ NAME('k' = 'v', ...), NAME2(...) *\/`) are read from the source text here.
 * Keys and values are string literals (Flink also takes plain identifiers as keys).
 */
export function parseQueryHints(text: string, from: number, to: number): QueryHint[] {
  const hints: QueryHint[] = [];
  const gap = text.slice(from, to);
  const block = /\/\*\+([\s\S]*?)\*\//g;
  for (let m = block.exec(gap); m !== null; m = block.exec(gap)) {
    const bodyStart = from + m.index + 3;
    const body = m[1]!;
    const call = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?/g;
    for (let c = call.exec(body); c !== null; c = call.exec(body)) {
      const argsText = c[2] ?? '';
      const argsStart = bodyStart + c.index + c[0].indexOf('(') + 1;
      const options: { key: string; value: string; span: Span }[] = [];
      const opt = /(?:'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_.]*))\s*=\s*'((?:[^']|'')*)'/g;
      for (let o = opt.exec(argsText); o !== null; o = opt.exec(argsText)) {
        const key = o[1] !== undefined ? o[1].replace(/''/g, "'") : o[2]!;
        options.push({ key, value: o[3]!.replace(/''/g, "'"), span: { start: argsStart + o.index, end: argsStart + o.index + o[0].length } });
      }
      hints.push({ name: c[1]!.toUpperCase(), options, span: { start: bodyStart + c.index, end: bodyStart + c.index + c[0].length } });
    }
  }
  return hints;
}
