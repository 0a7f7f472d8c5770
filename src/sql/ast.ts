// The typed AST of the weir dialect (a Flink SQL subset). Produced from chevrotain's CST by
// src/sql/cst-to-ast.ts; consumed by the binder. Nodes are readonly discriminated unions on
// `kind`, and every node carries the span of source text it came from, so any later error
// can point at it. Keywords are normalised to upper case; identifiers keep the case written.

import type { Span } from '../common/errors.js';

export interface Ident {
  /** The name as written (backticks removed, doubled backticks unescaped). */
  readonly value: string;
  /** Written in backticks. */
  readonly quoted: boolean;
  readonly span: Span;
}

/** `a`, `db.a`, `cat.db.a`. */
export interface QualifiedName {
  readonly parts: readonly Ident[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Statements

export type Statement =
  | CreateTable
  | CreateView
  | CreateFunction
  | Insert
  | QueryStatement
  | Explain
  | SetStatement
  | ResetStatement
  | Show
  | Describe
  | Drop
  | StatementSet
  | StopJob
  | AlterTable
  | AlterView
  | CreateCatalog
  | CreateDatabase
  | AlterDatabase
  | Use;

/** `CREATE CATALOG [IF NOT EXISTS] c [COMMENT '...'] WITH ('type' = '...', ...)` */
export interface CreateCatalog {
  readonly kind: 'create-catalog';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly options: readonly TableOption[];
  readonly span: Span;
}

/** `CREATE DATABASE [IF NOT EXISTS] [cat.]db [COMMENT '...'] [WITH (...)]` */
export interface CreateDatabase {
  readonly kind: 'create-database';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly comment: string | undefined;
  readonly options: readonly TableOption[];
  readonly span: Span;
}

/** `ALTER DATABASE [cat.]db SET (...)` */
export interface AlterDatabase {
  readonly kind: 'alter-database';
  readonly name: QualifiedName;
  readonly options: readonly TableOption[];
  readonly span: Span;
}

/** `USE CATALOG c` (catalog) or `USE [cat.]db` (database). */
export interface Use {
  readonly kind: 'use';
  readonly catalog: Ident | undefined;
  readonly database: QualifiedName | undefined;
  readonly span: Span;
}

/** `ALTER VIEW v RENAME TO w` / `ALTER VIEW v AS query` */
export interface AlterView {
  readonly kind: 'alter-view';
  readonly name: QualifiedName;
  readonly action: { readonly kind: 'rename'; readonly to: QualifiedName } | { readonly kind: 'as'; readonly query: Query };
  readonly span: Span;
}

/** A column, watermark or primary key of ALTER TABLE ADD / MODIFY, with its position. */
export interface SchemaComponent {
  readonly element:
    | { readonly kind: 'column'; readonly column: TableElement; readonly primaryKey: Ident | undefined }
    | { readonly kind: 'watermark'; readonly watermark: WatermarkDef }
    | { readonly kind: 'primary-key'; readonly columns: readonly Ident[]; readonly span: Span };
  /** FIRST, or AFTER the named column; undefined: unchanged (MODIFY) or last (ADD). */
  readonly position: { readonly kind: 'first' } | { readonly kind: 'after'; readonly column: Ident } | undefined;
  readonly span: Span;
}

export interface CreateTable {
  readonly kind: 'create-table';
  readonly name: QualifiedName;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  /** Physical and computed columns, in declaration order. */
  readonly columns: readonly TableElement[];
  readonly watermark: WatermarkDef | undefined;
  readonly primaryKey: readonly Ident[] | undefined;
  /** `PARTITIONED BY (a, b)`: the partition columns, outermost directory first. */
  readonly partitionKeys?: readonly Ident[];
  /** WITH ('k' = 'v', ...), keys and values unquoted. */
  readonly options: readonly TableOption[];
  /** False for `CREATE TABLE t WITH (...) LIKE s` / `AS query` written without a column list. */
  readonly hasColumnList: boolean;
  /** `LIKE source (options)`. */
  readonly like?: LikeClause;
  /** `AS query` (CREATE TABLE AS SELECT). */
  readonly asQuery?: Query;
  readonly span: Span;
}

export type LikeStrategy = 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING';
export type LikeFeature = 'ALL' | 'CONSTRAINTS' | 'GENERATED' | 'OPTIONS' | 'WATERMARKS' | 'PARTITIONS' | 'METADATA';

export interface LikeClause {
  readonly source: QualifiedName;
  readonly options: readonly { readonly strategy: LikeStrategy; readonly feature: LikeFeature; readonly span: Span }[];
  readonly span: Span;
}

/** `ALTER TABLE [IF EXISTS] t SET (...)` / `RESET ('k', ...)` / `RENAME TO u`. */
export interface AlterTable {
  readonly kind: 'alter-table';
  readonly name: QualifiedName;
  readonly ifExists: boolean;
  readonly action:
    | { readonly kind: 'set'; readonly options: readonly TableOption[] }
    | { readonly kind: 'reset'; readonly keys: readonly { readonly key: string; readonly span: Span }[] }
    | { readonly kind: 'rename'; readonly to: QualifiedName }
    | { readonly kind: 'rename-column'; readonly from: Ident; readonly to: Ident }
    | { readonly kind: 'add' | 'modify'; readonly components: readonly SchemaComponent[] }
    | { readonly kind: 'drop-columns'; readonly columns: readonly Ident[] }
    | { readonly kind: 'drop-primary-key'; readonly constraint: Ident | undefined; readonly span: Span }
    | { readonly kind: 'drop-watermark'; readonly span: Span };
  readonly span: Span;
}

export type TableElement = PhysicalColumn | ComputedColumn | MetadataColumn;

export interface PhysicalColumn {
  readonly kind: 'physical';
  readonly name: Ident;
  readonly type: TypeName;
  readonly notNull: boolean;
  readonly comment: string | undefined;
  readonly span: Span;
}

/** `name AS expr` */
export interface ComputedColumn {
  readonly kind: 'computed';
  readonly name: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

/** `name TYPE METADATA [FROM 'key'] [VIRTUAL]` — parsed so it can be rejected clearly. */
export interface MetadataColumn {
  readonly kind: 'metadata';
  readonly name: Ident;
  readonly type: TypeName;
  readonly from: string | undefined;
  readonly virtual: boolean;
  readonly span: Span;
}

/** `WATERMARK FOR col AS expr` */
export interface WatermarkDef {
  readonly column: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

export interface TableOption {
  readonly key: string;
  readonly value: string;
  readonly span: Span;
}

export interface CreateView {
  readonly kind: 'create-view';
  readonly name: QualifiedName;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  /** Optional `(c1, c2)` column aliases. */
  readonly columns: readonly Ident[] | undefined;
  readonly query: Query;
  readonly span: Span;
}

/** `CREATE [TEMPORARY] [SYSTEM] FUNCTION [IF NOT EXISTS] f AS 'module.js' [LANGUAGE JAVASCRIPT]` */
export interface CreateFunction {
  readonly kind: 'create-function';
  readonly name: QualifiedName;
  readonly temporary: boolean;
  readonly system: boolean;
  readonly ifNotExists: boolean;
  /** The text of the AS string (a module path; a Java class name is refused by the session). */
  readonly module: string;
  readonly moduleSpan: Span;
  /** The LANGUAGE word, upper-cased; undefined when not given. */
  readonly language: { readonly value: string; readonly span: Span } | undefined;
  readonly span: Span;
}

export interface Insert {
  readonly kind: 'insert';
  readonly table: QualifiedName;
  readonly overwrite: boolean;
  readonly columns: readonly Ident[] | undefined;
  readonly query: Query;
  readonly span: Span;
}

export interface QueryStatement {
  readonly kind: 'query';
  readonly query: Query;
  readonly span: Span;
}

export interface Explain {
  readonly kind: 'explain';
  /** EXPLAIN PLAN FOR ... is accepted as the same. */
  readonly statement: Statement;
  /** `EXPLAIN CHANGELOG_MODE ...`: each physical node's changelog mode, as Flink prints it. */
  readonly changelogMode: boolean;
  readonly span: Span;
}

/** `SET` (lists options) or `SET 'key' = 'value'`. */
export interface SetStatement {
  readonly kind: 'set';
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly span: Span;
}

/** `RESET` or `RESET 'key'`. */
export interface ResetStatement {
  readonly kind: 'reset';
  readonly key: string | undefined;
  readonly span: Span;
}

export interface Show {
  readonly kind: 'show';
  readonly what: 'tables' | 'views' | 'functions' | 'user-functions' | 'jobs' | 'create-table' | 'create-view' | 'catalogs' | 'databases' | 'current-catalog' | 'current-database';
  /** The table or view of SHOW CREATE TABLE / VIEW. */
  readonly name?: QualifiedName;
  /** SHOW TABLES | VIEWS FROM [cat.]db, SHOW DATABASES FROM cat. */
  readonly scope?: QualifiedName;
  /** `[NOT] LIKE 'pattern'` */
  readonly like?: { readonly pattern: string; readonly not: boolean };
  readonly span: Span;
}

/** `DESCRIBE t` / `DESC t` */
export interface Describe {
  readonly kind: 'describe';
  readonly name: QualifiedName;
  readonly span: Span;
}

export interface Drop {
  readonly kind: 'drop';
  readonly object: 'table' | 'view' | 'function' | 'catalog' | 'database';
  readonly temporary: boolean;
  readonly ifExists: boolean;
  readonly name: QualifiedName;
  /** DROP DATABASE ... CASCADE (drops its tables and views too); RESTRICT is the default. */
  readonly cascade?: boolean;
  readonly span: Span;
}

/** `EXECUTE STATEMENT SET BEGIN INSERT ...; INSERT ...; END` (also `BEGIN STATEMENT SET; ... END;`). */
export interface StatementSet {
  readonly kind: 'statement-set';
  readonly inserts: readonly Insert[];
  readonly span: Span;
}

/** `STOP JOB 'id' [WITH SAVEPOINT]` */
export interface StopJob {
  readonly kind: 'stop-job';
  readonly jobId: string;
  readonly withSavepoint: boolean;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Types

export interface TypeName {
  /**
   * Upper-cased base name as written: BOOLEAN, TINYINT, SMALLINT, INT, INTEGER, BIGINT,
   * FLOAT, DOUBLE (DOUBLE PRECISION -> DOUBLE), REAL, DECIMAL, DEC, NUMERIC, CHAR, VARCHAR,
   * STRING, BYTES, BINARY, VARBINARY, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ,
   * INTERVAL, ARRAY, MAP, ROW, ... The binder decides which are supported.
   */
  readonly name: string;
  /** Numeric parameters: DECIMAL(10, 2) -> [10, 2], TIMESTAMP(3) -> [3]. */
  readonly params: readonly number[];
  /** TIMESTAMP(3) WITH LOCAL TIME ZONE / WITH TIME ZONE. */
  readonly withTimeZone: 'local' | 'zone' | undefined;
  /** Element types for ARRAY<T>, MAP<K, V>, ROW<...> (a ROW's field types in order). */
  readonly elementTypes: readonly TypeName[];
  /** ROW field names, parallel to elementTypes (empty for other types). */
  readonly fieldNames: readonly string[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Queries

export type Query = Select | SetOperation | Values | WithQuery;

export interface WithQuery {
  readonly kind: 'with';
  readonly ctes: readonly { readonly name: Ident; readonly columns: readonly Ident[] | undefined; readonly query: Query; readonly span: Span }[];
  readonly body: Query;
  readonly span: Span;
}

export interface Select {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from: FromItem | undefined;
  readonly where: Expr | undefined;
  /** GROUP BY elements; legacy group windows (`TUMBLE(ts, INTERVAL ...)`) appear as function calls. */
  readonly groupBy: readonly Expr[];
  readonly having: Expr | undefined;
  /** Named windows (`WINDOW w AS (...)`). */
  readonly windows: readonly { readonly name: Ident; readonly spec: OverSpec }[];
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | undefined;
  readonly offset: Expr | undefined;
  readonly span: Span;
  /** Query hints right after SELECT (`SELECT /*+ STATE_TTL('o' = '1h') *\/ ...`). */
  readonly hints?: readonly QueryHint[];
}

/** A query hint: `NAME('key' = 'value', ...)` inside `/*+ ... *\/`. */
export interface QueryHint {
  readonly name: string;
  readonly options: readonly { readonly key: string; readonly value: string; readonly span: Span }[];
  readonly span: Span;
}

export interface SetOperation {
  readonly kind: 'set-op';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  /** ORDER BY / LIMIT applying to the whole set operation. */
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | undefined;
  /** OFFSET applying to the whole set operation (added by the parser; absent means none). */
  readonly offset?: Expr | undefined;
  readonly span: Span;
}

/** `VALUES (1, 'a'), (2, 'b')` */
export interface Values {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias: Ident | undefined; readonly span: Span }
  /** `*` or `t.*` */
  | { readonly kind: 'star'; readonly qualifier: QualifiedName | undefined; readonly span: Span };

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'ASC' | 'DESC';
  readonly nulls: 'FIRST' | 'LAST' | undefined;
  readonly span: Span;
}

export type FromItem = TableRef | SubqueryRef | TableFunctionRef | Join;

export interface TableRef {
  readonly kind: 'table-ref';
  readonly name: QualifiedName;
  readonly alias: Ident | undefined;
  /** `FOR SYSTEM_TIME AS OF expr` (temporal / lookup join). */
  readonly systemTimeAsOf: Expr | undefined;
  /** `MATCH_RECOGNIZE (...)` over the table (the alias then names its output). */
  readonly matchRecognize?: MatchRecognize;
  readonly span: Span;
}

/** A row pattern: variables, sequences, alternatives, groups, each with an optional quantifier. */
export type RowPattern =
  | { readonly kind: 'variable'; readonly name: Ident; readonly span: Span }
  | { readonly kind: 'sequence'; readonly items: readonly RowPattern[]; readonly span: Span }
  | { readonly kind: 'alternation'; readonly items: readonly RowPattern[]; readonly span: Span }
  | { readonly kind: 'group'; readonly inner: RowPattern; readonly span: Span }
  /** `max` undefined: unbounded. */
  | { readonly kind: 'quantified'; readonly inner: RowPattern; readonly min: number; readonly max: number | undefined; readonly reluctant: boolean; readonly span: Span };

export type AfterMatchSkip =
  | { readonly kind: 'past-last-row'; readonly span: Span }
  | { readonly kind: 'to-next-row'; readonly span: Span }
  | { readonly kind: 'to-first'; readonly variable: Ident; readonly span: Span }
  | { readonly kind: 'to-last'; readonly variable: Ident; readonly span: Span };

export interface MatchRecognize {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly measures: readonly { readonly expr: Expr; readonly name: Ident }[];
  /** The span of `ALL ROWS PER MATCH` when written (refused). */
  readonly allRows: Span | undefined;
  readonly after: AfterMatchSkip | undefined;
  readonly pattern: RowPattern;
  readonly within: Expr | undefined;
  readonly define: readonly { readonly name: Ident; readonly condition: Expr }[];
  readonly span: Span;
}

export interface SubqueryRef {
  readonly kind: 'subquery';
  readonly query: Query;
  readonly alias: Ident | undefined;
  readonly columnAliases: readonly Ident[] | undefined;
  readonly lateral: boolean;
  /** `(query) MATCH_RECOGNIZE (...) [AS alias]`. */
  readonly matchRecognize?: MatchRecognize;
  readonly span: Span;
}

/**
 * `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))` and the other window
 * table-valued functions; `name` is the function name upper-cased (TUMBLE, HOP, CUMULATE,
 * SESSION, or anything else, which the binder rejects).
 */
export interface TableFunctionRef {
  readonly kind: 'table-function';
  readonly name: Ident;
  readonly args: readonly TableFunctionArg[];
  readonly alias: Ident | undefined;
  /** `LATERAL TABLE(f(x))` (a user-defined table function joined per row); absent means false. */
  readonly lateral?: boolean;
  /** `AS t(a, b)` column aliases. */
  readonly columnAliases?: readonly Ident[] | undefined;
  /** `UNNEST(...) WITH ORDINALITY` (name UNNEST, args the arrays/maps). */
  readonly ordinality?: boolean;
  readonly span: Span;
}

export type TableFunctionArg =
  /** `TABLE t` or `TABLE t PARTITION BY k1, k2` (session windows). Also `TABLE(subquery)`? no: use a view. */
  | { readonly kind: 'table'; readonly name: QualifiedName; readonly partitionBy: readonly Expr[]; readonly argName: Ident | undefined; readonly span: Span }
  /** `DESCRIPTOR(col)` */
  | { readonly kind: 'descriptor'; readonly columns: readonly Ident[]; readonly argName: Ident | undefined; readonly span: Span }
  /** Any scalar argument (window size, slide, offset, gap). */
  | { readonly kind: 'expr'; readonly expr: Expr; readonly argName: Ident | undefined; readonly span: Span };

export interface Join {
  readonly kind: 'join';
  /** `a, b` is a cross join. */
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expr | undefined;
  readonly using: readonly Ident[] | undefined;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | Literal
  | IntervalLiteral
  | TypedLiteral
  | ColumnRef
  | Unary
  | Binary
  | IsTest
  | Between
  | InList
  | InSubquery
  | Exists
  | ScalarSubquery
  | Like
  | Case
  | Cast
  | FunctionCall
  | Extract
  | Trim
  | Parenthesized
  | RowValue
  | Subscript
  | FieldAccess
  | CollectionConstructor;

/** `arr[i]` (ARRAY element, from 1) or `m[k]` (MAP value). */
export interface Subscript {
  readonly kind: 'subscript';
  readonly operand: Expr;
  readonly index: Expr;
  readonly span: Span;
}

/** `x.f` on a value that is not a column reference (`arr[1].f`); `r.f` on columns is a ColumnRef. */
export interface FieldAccess {
  readonly kind: 'field';
  readonly operand: Expr;
  readonly field: Ident;
  readonly span: Span;
}

/** `ARRAY[a, b]`, `MAP[k1, v1, k2, v2]`. */
export interface CollectionConstructor {
  readonly kind: 'collection';
  readonly type: 'ARRAY' | 'MAP';
  readonly items: readonly Expr[];
  readonly span: Span;
}

export interface Literal {
  readonly kind: 'literal';
  /**
   * number: an unsigned numeric literal; `text` keeps the spelling so the binder can type it
   * (`12` INT, `3000000000` BIGINT, `0.908` DECIMAL(3,3), `1e3` DOUBLE).
   * binary: `X'0AFF'`, `value` the hex digits between the quotes.
   */
  readonly type: 'number' | 'string' | 'binary' | 'boolean' | 'null';
  readonly value: number | string | boolean | null;
  readonly text: string;
  readonly span: Span;
}

/** `INTERVAL '10' SECOND`, `INTERVAL '1:30' MINUTE TO SECOND`, `INTERVAL '2' DAY`. */
export interface IntervalLiteral {
  readonly kind: 'interval';
  /** The quoted text, may carry a sign: `'-1'`. */
  readonly value: string;
  /** YEAR, MONTH, DAY, HOUR, MINUTE, SECOND (plural forms normalised to singular). */
  readonly unit: string;
  /** `TO unit` part, when given. */
  readonly toUnit: string | undefined;
  /** `INTERVAL '10' SECOND(3)` precision, ignored. */
  readonly span: Span;
}

/** `TIMESTAMP '2020-01-01 00:00:00'`, `DATE '2020-01-01'`, `TIME '12:00:00'`. */
export interface TypedLiteral {
  readonly kind: 'typed-literal';
  readonly type: 'TIMESTAMP' | 'DATE' | 'TIME' | 'TIMESTAMP_LTZ';
  readonly value: string;
  readonly span: Span;
}

/** `a`, `t.a`. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly parts: readonly Ident[];
  readonly span: Span;
}

export interface Unary {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
  readonly span: Span;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'AND'
  | 'OR'
  | 'IS DISTINCT FROM'
  | 'IS NOT DISTINCT FROM';

export interface Binary {
  readonly kind: 'binary';
  /** `!=` is normalised to `<>`. */
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN` */
export interface IsTest {
  readonly kind: 'is';
  readonly operand: Expr;
  readonly not: boolean;
  readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
  readonly span: Span;
}

export interface Between {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly not: boolean;
  readonly symmetric: boolean;
  readonly span: Span;
}

export interface InList {
  readonly kind: 'in-list';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly not: boolean;
  readonly span: Span;
}

export interface InSubquery {
  readonly kind: 'in-subquery';
  readonly operand: Expr;
  readonly query: Query;
  readonly not: boolean;
  /** A quantified comparison `operand op ANY | SOME | ALL (query)` instead of IN (`not` is false). */
  readonly quantified?: { readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly all: boolean };
  readonly span: Span;
}

export interface Exists {
  readonly kind: 'exists';
  readonly query: Query;
  readonly not: boolean;
  readonly span: Span;
}

export interface ScalarSubquery {
  readonly kind: 'scalar-subquery';
  readonly query: Query;
  readonly span: Span;
}

/** `x [NOT] LIKE p [ESCAPE e]`, `x [NOT] SIMILAR TO p`. */
export interface Like {
  readonly kind: 'like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | undefined;
  readonly not: boolean;
  readonly similar: boolean;
  readonly span: Span;
}

/** Simple (`CASE x WHEN 1 THEN ...`) when `operand` is set, searched otherwise. */
export interface Case {
  readonly kind: 'case';
  readonly operand: Expr | undefined;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else: Expr | undefined;
  readonly span: Span;
}

/** `CAST(x AS T)`, `TRY_CAST(x AS T)`. */
export interface Cast {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: TypeName;
  readonly try: boolean;
  readonly span: Span;
}

/**
 * Any call `name(args)`, including aggregates (`COUNT(*)` has `star`), `COUNT(DISTINCT x)`,
 * `SUM(x) FILTER (WHERE p)`, `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)`,
 * built-in spellings with keyword names (`LEFT(...)`, `RIGHT(...)`, `IF(...)`,
 * `TIMESTAMPADD`, `TIMESTAMPDIFF`) and the special forms normalised to calls:
 * `SUBSTRING(s FROM a FOR b)` -> SUBSTRING(s, a, b); `POSITION(a IN b)` -> POSITION(a, b);
 * `OVERLAY(...)` likewise. Time-unit keyword arguments (`TIMESTAMPDIFF(SECOND, a, b)`) appear
 * as ColumnRef with the unit name, which the binder interprets.
 * `name` is as written; `upper` is its upper-cased form for matching.
 */
export interface FunctionCall {
  readonly kind: 'function';
  readonly name: Ident;
  readonly upper: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly filter: Expr | undefined;
  /** `OVER (...)` or `OVER w`. */
  readonly over: OverSpec | Ident | undefined;
  /** The clauses of JSON_VALUE, JSON_QUERY, JSON_EXISTS, JSON_OBJECT, JSON_ARRAY and IS JSON. */
  readonly json?: JsonClauses;
  readonly span: Span;
}

export type JsonBehaviorKind = 'NULL' | 'ERROR' | 'TRUE' | 'FALSE' | 'UNKNOWN' | 'ABSENT' | 'DEFAULT' | 'EMPTY ARRAY' | 'EMPTY OBJECT';

export interface JsonClauses {
  readonly returning?: TypeName;
  /** `... ON EMPTY`, `... ON ERROR`, `... ON NULL`; a DEFAULT's expression is args[defaultArg]. */
  readonly behaviors: readonly { readonly behavior: JsonBehaviorKind; readonly event: 'EMPTY' | 'ERROR' | 'NULL'; readonly defaultArg?: number; readonly span: Span }[];
  readonly wrapper?: 'WITHOUT' | 'CONDITIONAL' | 'UNCONDITIONAL';
  /** `x IS JSON kind`. */
  readonly isJson?: 'VALUE' | 'SCALAR' | 'ARRAY' | 'OBJECT';
}

export interface OverSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame: WindowFrame | undefined;
  readonly span: Span;
}

export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly start: FrameBound;
  /** Set for `BETWEEN start AND end`. */
  readonly end: FrameBound | undefined;
  readonly span: Span;
}

export type FrameBound =
  | { readonly kind: 'unbounded-preceding' }
  | { readonly kind: 'preceding'; readonly offset: Expr }
  | { readonly kind: 'current-row' }
  | { readonly kind: 'following'; readonly offset: Expr }
  | { readonly kind: 'unbounded-following' };

/** `EXTRACT(HOUR FROM ts)`; field upper-cased. */
export interface Extract {
  readonly kind: 'extract';
  readonly field: string;
  readonly operand: Expr;
  readonly span: Span;
}

/** `TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)` and `TRIM(s)`. */
export interface Trim {
  readonly kind: 'trim';
  readonly mode: 'BOTH' | 'LEADING' | 'TRAILING';
  readonly chars: Expr | undefined;
  readonly operand: Expr;
  readonly span: Span;
}

/** Kept so spans and EXPLAIN can show what the user wrote; the binder looks through it. */
export interface Parenthesized {
  readonly kind: 'paren';
  readonly expr: Expr;
  readonly span: Span;
}

/** A row value constructor `(a, b, ...)` (two or more items); only before IN (SELECT ...). */
export interface RowValue {
  readonly kind: 'row';
  readonly items: readonly Expr[];
  readonly span: Span;
}

/** The parse of a whole script: statements plus the span of each statement's text. */
export interface Script {
  readonly statements: readonly Statement[];
}
