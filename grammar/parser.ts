// The grammar of the weir dialect: one chevrotain CstParser, built once at module load and
// reused for every parse (building a parser analyses the whole grammar; it must never happen
// per statement). The parser only recognises and builds a CST; src/sql/cst-to-ast.ts turns
// the CST into the typed AST of src/sql/ast.ts. There are no embedded actions.
//
// Reading guide
// - Rules are listed top-down: script, statements, DDL, queries, FROM, expressions, types.
// - Where one rule consumes the same token or subrule more than once, chevrotain needs
//   distinct occurrence indices (CONSUME2, SUBRULE3, ...), and the CST keys are made
//   readable with LABELs; the visitor reads those labels.
// - maxLookahead is 3. Most choices need one token; `name => value` (TVF arguments),
//   `TIMESTAMP '...'` versus a column named timestamp, `IF NOT EXISTS` versus a table named
//   if, and `WATERMARK FOR` versus a column named watermark need two.
//
// The subtle choices (each also commented at its rule):
// 1. `(` in FROM and in expressions. `(SELECT ...)` is a subquery; `(a JOIN b ON ...)` is a
//    parenthesised join; `(a + b)` is a parenthesised expression. After `(`, a SELECT,
//    WITH or VALUES decides at once. `((` could be either (`((SELECT 1) UNION (SELECT 2))`
//    versus `((SELECT 1) JOIN t ON ...)`), so only then the parser backtracks: it tries to
//    parse `( query )` and takes the subquery branch if that succeeds. Fixed lookahead
//    cannot decide this, since the parentheses can nest arbitrarily deep.
// 2. `TABLE(...)` in FROM is always a table-valued function call (TABLE is reserved), and
//    inside its arguments `TABLE t` is a table argument; neither can be confused with a
//    subquery, which always starts with `(`.
// 3. Functions with special argument syntax (TRY_CAST, EXTRACT, TRIM, SUBSTRING, POSITION,
//    OVERLAY) are non-reserved words: their special rule is tried first, but only when the
//    word is followed by `(`; otherwise the word is an ordinary column name. Those
//    alternatives are marked IGNORE_AMBIGUITIES: the ambiguity with a generic call `f(...)`
//    is real and is resolved on purpose by order.
// 4. `t.*` in the select list needs unbounded lookahead (`a.b.c.*`), so a gate scans ahead
//    for `ident (. ident)* . *` before choosing the qualified-star alternative.
// 5. Aliases without AS accept identifiers and non-reserved words except OFFSET (which may
//    start the next clause); see grammar/tokens.ts.

import type { IToken, Rule, TokenType } from 'chevrotain';
import { CstParser, tokenMatcher } from './chevrotain.js';
import { CachedLookahead, loadGast, sourceFingerprint, type GastNode, type LookaheadCache } from './lookahead.js';
import { LOOKAHEAD_CACHE } from './lookahead-cache.js';
import * as T from './tokens.js';

function isIdentifierToken(token: IToken): boolean {
  return tokenMatcher(token, T.Identifier) || tokenMatcher(token, T.QuotedIdentifier) || tokenMatcher(token, T.NonReserved);
}

const QUERY_STARTS: ReadonlySet<TokenType> = new Set([T.SELECT, T.WITH, T.VALUES]);

/**
 * chevrotain's LL(k) lookahead, each decision's function built the first time the parser
 * reaches that decision rather than all of them up front. Building every one took 0.3-0.7 s of
 * each process's start (most of `weir -c "SELECT 1"`), and a script meets a small part of the
 * grammar. The functions built are the same ones, cached the same way; the grammar checks
 * (`validate`) still analyse the whole grammar.
 */
/** k of the LL(k) decisions (see the reading guide above). */
export const MAX_LOOKAHEAD = 3;

const TOKENS_BY_NAME: ReadonlyMap<string, TokenType> = new Map(T.allTokens.map((t) => [t.name, t]));

/** chevrotain's recorder of one rule (a parser method its typings do not declare). */
type RecordRule = (this: unknown, name: string, def: () => void) => Rule;

export interface SqlParserOptions {
  /** Run chevrotain's grammar checks (and record the grammar: they check the recording). */
  readonly validate?: boolean;
  /** The lookahead and grammar cache; null: none (everything computed as chevrotain does). */
  readonly cache?: LookaheadCache | null;
  /**
   * Where the grammar's productions come from: 'auto' (the default) loads them from the cache
   * when it was stored from this compiled class, else records them; 'record' always records;
   * 'cache' loads them without the source check (tests, whose compiler differs from tsc's).
   */
  readonly grammar?: 'auto' | 'record' | 'cache';
}

export class SqlParser extends CstParser {
  /** Built on first use: chevrotain's BACKTRACK must not run while the grammar is recorded. */
  private backtrackParenthesizedQuery: (() => boolean) | undefined;
  /** The productions loaded from the cache, used by `topLevelRuleRecord` during the analysis. */
  private loadedGast: Map<string, Rule> | undefined;

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion, ...). They cost
   * ~70 ms at every start, so the shared parser skips them; test/unit/parser.test.ts builds
   * one with them on.
   */
  constructor(opts: SqlParserOptions = {}, lookahead = new CachedLookahead(MAX_LOOKAHEAD)) {
    super([...T.allTokens], {
      nodeLocationTracking: 'full',
      maxLookahead: MAX_LOOKAHEAD,
      lookaheadStrategy: lookahead,
      recoveryEnabled: false,
      skipValidations: opts.validate !== true,
    });
    const cache = opts.cache === undefined ? LOOKAHEAD_CACHE : opts.cache;
    const mode = opts.validate === true ? 'record' : (opts.grammar ?? 'auto');
    if (cache?.gast !== undefined && mode !== 'record' && (mode === 'cache' || cache.source === sourceFingerprint(SqlParser, T.allTokens, MAX_LOOKAHEAD))) {
      const loaded = loadGast(JSON.parse(cache.gast) as GastNode[], TOKENS_BY_NAME);
      const ruleNames = (this as unknown as { definedRulesNames: string[] }).definedRulesNames;
      if (loaded.size === ruleNames.length && ruleNames.every((name) => loaded.has(name))) this.loadedGast = loaded;
    }
    this.performSelfAnalysis();
    this.grammarCached = this.loadedGast !== undefined;
    this.loadedGast = undefined;
    this.lookaheadCached = cache !== null && lookahead.useCache(cache, Object.values(this.getGAstProductions()), MAX_LOOKAHEAD, TOKENS_BY_NAME, this.grammarCached);
  }

  /**
   * chevrotain's recording of one rule, called by performSelfAnalysis; a rule loaded from the
   * cache is returned instead (see grammar/lookahead.ts, "The recorded grammar").
   */
  topLevelRuleRecord(name: string, def: () => void): Rule {
    const loaded = this.loadedGast?.get(name);
    if (loaded !== undefined) return loaded;
    return ((CstParser.prototype as unknown as { topLevelRuleRecord: RecordRule }).topLevelRuleRecord).call(this, name, def);
  }

  /**
   * chevrotain puts recording versions of the DSL methods on the parser for the recording, and
   * deletes them after (which left the parser object in slow dictionary mode and cost ~15 ms);
   * with every rule loaded from the cache nothing is recorded, so neither is needed.
   */
  enableRecording(): void {
    if (this.loadedGast === undefined) (CstParser.prototype as unknown as { enableRecording(): void }).enableRecording.call(this);
  }

  disableRecording(): void {
    if (this.loadedGast === undefined) (CstParser.prototype as unknown as { disableRecording(): void }).disableRecording.call(this);
  }

  /** Whether the grammar's productions were loaded from grammar/lookahead-cache.ts, not recorded. */
  readonly grammarCached: boolean;

  /** Whether decisions use the paths of grammar/lookahead-cache.ts (it matches this grammar). */
  readonly lookaheadCached: boolean;

  // -------------------------------------------------------------------------------------
  // Lookahead helpers used by gates

  /** At `( query )`: see choice 1 in the file comment. */
  private atParenthesizedQuery(): boolean {
    if (this.LA(1).tokenType !== T.LParen) return false;
    const next = this.LA(2).tokenType;
    if (QUERY_STARTS.has(next)) return true;
    if (next !== T.LParen) return false;
    this.backtrackParenthesizedQuery ??= this.BACKTRACK(this.parenthesizedQuery);
    return this.backtrackParenthesizedQuery();
  }

  /** At `ALL (SELECT`, `ANY (SELECT` or `SOME (SELECT` after a comparison operator. */
  private atQuantifiedQuery(): boolean {
    const q = this.LA(1);
    const word = q.tokenType === T.ALL || (q.tokenType === T.Identifier && /^(any|some)$/i.test(q.image));
    return word && this.LA(2).tokenType === T.LParen && QUERY_STARTS.has(this.LA(3).tokenType);
  }

  /** At the `{NULL | ABSENT} ON NULL` clause of JSON_OBJECT / JSON_ARRAY. */
  private atOnNull(): boolean {
    const t = this.LA(1).tokenType;
    return (t === T.NULL || t === T.ABSENT) && this.LA(2).tokenType === T.ON;
  }

  /** At `JSON_OBJECTAGG(` / `JSON_ARRAYAGG(` (names, not keywords: their arguments have clauses). */
  private atJsonAggregate(name: string): boolean {
    const a = this.LA(1);
    return a.tokenType === T.Identifier && a.image.toUpperCase() === name && this.LA(2).tokenType === T.LParen;
  }

  /** At `ident (. ident)* . *`: see choice 4 in the file comment. */
  private atGroupingSets(): boolean {
    const a = this.LA(1);
    const b = this.LA(2);
    return a.tokenType === T.Identifier && a.image.toUpperCase() === 'GROUPING' && b.tokenType === T.Identifier && b.image.toUpperCase() === 'SETS' && this.LA(3).tokenType === T.LParen;
  }

  private atQualifiedStar(): boolean {
    if (!isIdentifierToken(this.LA(1))) return false;
    let i = 2;
    while (this.LA(i).tokenType === T.Dot) {
      const after = this.LA(i + 1);
      if (after.tokenType === T.Star) return true;
      if (!isIdentifierToken(after)) return false;
      i += 2;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------
  // Script and statements

  /** Statements separated by `;`; empty statements are allowed, the last `;` is optional. */
  readonly script = this.RULE('script', () => {
    this.MANY(() => this.CONSUME(T.Semicolon));
    this.OPTION(() => {
      this.SUBRULE(this.statement);
      this.MANY2(() => {
        this.CONSUME2(T.Semicolon);
        this.OPTION2(() => this.SUBRULE2(this.statement));
      });
    });
  });

  readonly statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.query) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.explainStatement) },
      { ALT: () => this.SUBRULE(this.setStatement) },
      { ALT: () => this.SUBRULE(this.resetStatement) },
      { ALT: () => this.SUBRULE(this.showStatement) },
      { ALT: () => this.SUBRULE(this.describeStatement) },
      { ALT: () => this.SUBRULE(this.statementSet) },
      { ALT: () => this.SUBRULE(this.stopJobStatement) },
      { ALT: () => this.SUBRULE(this.alterTableStatement) },
      { ALT: () => this.SUBRULE(this.alterOtherStatement) },
      { ALT: () => this.SUBRULE(this.useStatement) },
    ]);
  });

  /** `INSERT INTO|OVERWRITE t [(a, b)] query` */
  readonly insertStatement = this.RULE('insertStatement', () => {
    this.CONSUME(T.INSERT);
    this.OR([{ ALT: () => this.CONSUME(T.INTO) }, { ALT: () => this.CONSUME(T.OVERWRITE) }]);
    this.SUBRULE(this.qualifiedName);
    // `(` + identifier is a column list; `(` + SELECT/WITH/VALUES/`(` is the query (k = 2).
    this.OPTION(() => this.SUBRULE(this.identifierList));
    this.SUBRULE(this.query);
  });

  /**
   * `EXPLAIN [PLAN FOR] statement`, also `EXPLAIN STATEMENT SET BEGIN ... END`; Flink's
   * details before the statement: `EXPLAIN CHANGELOG_MODE, ESTIMATED_COST SELECT ...`.
   */
  readonly explainStatement = this.RULE('explainStatement', () => {
    this.CONSUME(T.EXPLAIN);
    this.OPTION(() => {
      this.CONSUME(T.PLAN);
      this.CONSUME(T.FOR);
    });
    this.OPTION2(() => {
      this.SUBRULE(this.explainDetail);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.explainDetail);
      });
    });
    this.OR([{ ALT: () => this.SUBRULE(this.statementSetBlock) }, { ALT: () => this.SUBRULE(this.statement) }]);
  });

  /** Flink's ExplainDetail; weir shows CHANGELOG_MODE and refuses the others. */
  readonly explainDetail = this.RULE('explainDetail', () => {
    this.OR([{ ALT: () => this.CONSUME(T.CHANGELOG_MODE) }, { ALT: () => this.CONSUME(T.ESTIMATED_COST) }, { ALT: () => this.CONSUME(T.JSON_EXECUTION_PLAN) }, { ALT: () => this.CONSUME(T.PLAN_ADVICE) }]);
  });

  /**
   * `SET`, `SET 'key' = 'value'`, and the unquoted form `SET table.exec.x-y = 10s`: an
   * unquoted key or value is any run of words, numbers, `.`, `-`, `+`, `/`, `*`; its text is
   * taken verbatim from the source.
   */
  readonly setStatement = this.RULE('setStatement', () => {
    this.CONSUME(T.SET);
    this.OPTION(() => {
      this.SUBRULE(this.optionText, { LABEL: 'key' });
      this.CONSUME(T.Equals);
      this.SUBRULE2(this.optionText, { LABEL: 'value' });
    });
  });

  readonly resetStatement = this.RULE('resetStatement', () => {
    this.CONSUME(T.RESET);
    this.OPTION(() => this.SUBRULE(this.optionText, { LABEL: 'key' }));
  });

  readonly optionText = this.RULE('optionText', () => {
    this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.AT_LEAST_ONE(() => this.CONSUME(T.OptionWord)) }]);
  });

  readonly showStatement = this.RULE('showStatement', () => {
    this.CONSUME(T.SHOW);
    this.OR([
      {
        // SHOW CREATE TABLE t / SHOW CREATE VIEW v
        ALT: () => {
          this.CONSUME(T.CREATE);
          this.OR2([{ ALT: () => this.CONSUME(T.TABLE) }, { ALT: () => this.CONSUME(T.VIEW) }]);
          this.SUBRULE(this.qualifiedName);
        },
      },
      {
        // SHOW TABLES | VIEWS [FROM | IN [cat.]db] [[NOT] LIKE 'pattern']
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME(T.TABLES) }, { ALT: () => this.CONSUME(T.VIEWS) }]);
          this.OPTION(() => {
            this.OR4([{ ALT: () => this.CONSUME(T.FROM) }, { ALT: () => this.CONSUME(T.IN) }]);
            this.SUBRULE2(this.qualifiedName, { LABEL: 'scope' });
          });
          this.OPTION2(() => this.SUBRULE(this.showLike));
        },
      },
      {
        // SHOW CATALOGS [[NOT] LIKE 'p'] / SHOW DATABASES [FROM | IN cat] [[NOT] LIKE 'p']
        ALT: () => {
          this.CONSUME(T.CATALOGS);
          this.OPTION3(() => this.SUBRULE2(this.showLike));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.DATABASES);
          this.OPTION4(() => {
            this.OR5([{ ALT: () => this.CONSUME2(T.FROM) }, { ALT: () => this.CONSUME2(T.IN) }]);
            this.SUBRULE3(this.qualifiedName, { LABEL: 'scope' });
          });
          this.OPTION5(() => this.SUBRULE3(this.showLike));
        },
      },
      {
        // SHOW CURRENT CATALOG / SHOW CURRENT DATABASE
        ALT: () => {
          this.CONSUME(T.CURRENT);
          this.OR6([{ ALT: () => this.CONSUME(T.CATALOG, { LABEL: 'currentWhat' }) }, { ALT: () => this.CONSUME(T.DATABASE, { LABEL: 'currentWhat' }) }]);
        },
      },
      { ALT: () => this.CONSUME(T.FUNCTIONS) },
      {
        // SHOW USER FUNCTIONS
        ALT: () => {
          this.CONSUME(T.USER);
          this.CONSUME2(T.FUNCTIONS);
        },
      },
      { ALT: () => this.CONSUME(T.JOBS) },
    ]);
  });

  /** `[NOT] LIKE 'pattern'` of SHOW TABLES / VIEWS / DATABASES / CATALOGS. */
  readonly showLike = this.RULE('showLike', () => {
    this.OPTION(() => this.CONSUME(T.NOT));
    this.CONSUME(T.LIKE);
    this.CONSUME(T.StringLiteral);
  });

  /** `USE CATALOG c` / `USE [cat.]db` */
  readonly useStatement = this.RULE('useStatement', () => {
    this.CONSUME(T.USE);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.CATALOG);
          this.SUBRULE(this.identifier, { LABEL: 'catalog' });
        },
      },
      { ALT: () => this.SUBRULE(this.qualifiedName) },
    ]);
  });

  readonly describeStatement = this.RULE('describeStatement', () => {
    this.OR([{ ALT: () => this.CONSUME(T.DESCRIBE) }, { ALT: () => this.CONSUME(T.DESC) }]);
    this.SUBRULE(this.qualifiedName);
  });

  readonly dropStatement = this.RULE('dropStatement', () => {
    this.CONSUME(T.DROP);
    this.OPTION(() => this.CONSUME(T.TEMPORARY));
    this.OPTION3(() => this.CONSUME(T.SYSTEM));
    this.OR([
      { ALT: () => this.CONSUME(T.TABLE) },
      { ALT: () => this.CONSUME(T.VIEW) },
      { ALT: () => this.CONSUME(T.FUNCTION) },
      { ALT: () => this.CONSUME(T.CATALOG) },
      { ALT: () => this.CONSUME(T.DATABASE) },
    ]);
    // `IF EXISTS` versus a table named `if` (k = 2).
    this.OPTION2(() => {
      this.CONSUME(T.IF);
      this.CONSUME(T.EXISTS);
    });
    this.SUBRULE(this.qualifiedName);
    // DROP DATABASE ... RESTRICT | CASCADE
    this.OPTION4(() => this.OR2([{ ALT: () => this.CONSUME(T.RESTRICT, { LABEL: 'dropMode' }) }, { ALT: () => this.CONSUME(T.CASCADE, { LABEL: 'dropMode' }) }]));
  });

  /**
   * `EXECUTE STATEMENT SET BEGIN insert; insert; END` and the older
   * `BEGIN STATEMENT SET; insert; insert; END`. The `;` inside belong to the statement set,
   * so the whole block is one statement of the script.
   */
  readonly statementSet = this.RULE('statementSet', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.EXECUTE);
          this.SUBRULE(this.statementSetBlock);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.BEGIN);
          this.CONSUME(T.STATEMENT);
          this.CONSUME(T.SET);
          this.SUBRULE(this.insertList);
          this.CONSUME(T.END);
        },
      },
    ]);
  });

  readonly statementSetBlock = this.RULE('statementSetBlock', () => {
    this.CONSUME(T.STATEMENT);
    this.CONSUME(T.SET);
    this.CONSUME(T.BEGIN);
    this.SUBRULE(this.insertList);
    this.CONSUME(T.END);
  });

  /** INSERT statements separated (and optionally terminated) by `;`. */
  readonly insertList = this.RULE('insertList', () => {
    this.OPTION(() => this.SUBRULE(this.insertStatement));
    this.MANY(() => {
      this.CONSUME(T.Semicolon);
      this.OPTION2(() => this.SUBRULE2(this.insertStatement));
    });
  });

  /** `STOP JOB 'id' [WITH SAVEPOINT]`; the id may be unquoted (`STOP JOB 349e82b5`) */
  readonly stopJobStatement = this.RULE('stopJobStatement', () => {
    this.CONSUME(T.STOP);
    this.CONSUME(T.JOB);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      // a hex id lexes as numbers and words (`349e82` `b5`); the AST joins them back
      { ALT: () => this.AT_LEAST_ONE(() => this.OR2([{ ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'idPart' }) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'idPart' }) }])) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.WITH);
      this.CONSUME(T.SAVEPOINT);
    });
  });

  // -------------------------------------------------------------------------------------
  // DDL

  readonly createStatement = this.RULE('createStatement', () => {
    this.CONSUME(T.CREATE);
    this.OPTION(() => this.CONSUME(T.TEMPORARY));
    this.OPTION2(() => this.CONSUME(T.SYSTEM));
    this.OR([
      { ALT: () => this.SUBRULE(this.createTableBody) },
      { ALT: () => this.SUBRULE(this.createViewBody) },
      { ALT: () => this.SUBRULE(this.createFunctionBody) },
      { ALT: () => this.SUBRULE(this.createCatalogBody) },
      { ALT: () => this.SUBRULE(this.createDatabaseBody) },
    ]);
  });

  /** `CATALOG [IF NOT EXISTS] c [COMMENT '...'] WITH ('type' = '...', ...)` */
  readonly createCatalogBody = this.RULE('createCatalogBody', () => {
    this.CONSUME(T.CATALOG);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.identifier);
    this.OPTION2(() => {
      this.CONSUME(T.COMMENT);
      this.CONSUME(T.StringLiteral);
    });
    this.CONSUME(T.WITH);
    this.SUBRULE(this.tableOptionList);
  });

  /** `DATABASE [IF NOT EXISTS] [cat.]db [COMMENT '...'] [WITH (...)]` */
  readonly createDatabaseBody = this.RULE('createDatabaseBody', () => {
    this.CONSUME(T.DATABASE);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.qualifiedName);
    this.OPTION2(() => {
      this.CONSUME(T.COMMENT);
      this.CONSUME(T.StringLiteral, { LABEL: 'comment' });
    });
    this.OPTION3(() => {
      this.CONSUME(T.WITH);
      this.SUBRULE(this.tableOptionList);
    });
  });

  /** `FUNCTION [IF NOT EXISTS] name AS 'module.js' [LANGUAGE JAVASCRIPT]` (Flink's CREATE FUNCTION). */
  readonly createFunctionBody = this.RULE('createFunctionBody', () => {
    this.CONSUME(T.FUNCTION);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.qualifiedName);
    this.CONSUME(T.AS);
    this.CONSUME(T.StringLiteral);
    this.OPTION2(() => {
      this.CONSUME(T.LANGUAGE);
      this.SUBRULE(this.identifier, { LABEL: 'language' });
    });
  });

  /**
   * `TABLE [IF NOT EXISTS] name [(elements)] [COMMENT '...'] [PARTITIONED BY (cols)] [WITH (options)]
   * [LIKE source [(like options)] | AS query]`; the column list may be left out only with
   * LIKE or AS (checked when the statement runs).
   */
  readonly createTableBody = this.RULE('createTableBody', () => {
    this.CONSUME(T.TABLE);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.qualifiedName);
    this.OPTION5(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.tableElement);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.tableElement);
      });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.COMMENT);
      this.CONSUME(T.StringLiteral);
    });
    this.OPTION6(() => this.SUBRULE(this.partitionedBy));
    this.OPTION3(() => {
      this.CONSUME(T.WITH);
      this.SUBRULE(this.tableOptionList);
    });
    this.OPTION4(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.likeClause) },
        {
          ALT: () => {
            this.CONSUME(T.AS);
            this.SUBRULE(this.query);
          },
        },
      ]);
    });
  });

  /** `LIKE source [( {INCLUDING | EXCLUDING | OVERWRITING} {ALL | CONSTRAINTS | ...} ... )]` */
  readonly likeClause = this.RULE('likeClause', () => {
    this.CONSUME(T.LIKE);
    this.SUBRULE(this.qualifiedName);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.AT_LEAST_ONE(() => this.SUBRULE(this.likeOption));
      this.CONSUME(T.RParen);
    });
  });

  readonly likeOption = this.RULE('likeOption', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.INCLUDING, { LABEL: 'strategy' }) },
      { ALT: () => this.CONSUME(T.EXCLUDING, { LABEL: 'strategy' }) },
      { ALT: () => this.CONSUME(T.OVERWRITING, { LABEL: 'strategy' }) },
    ]);
    this.OR2([
      { ALT: () => this.CONSUME(T.ALL, { LABEL: 'feature' }) },
      { ALT: () => this.CONSUME(T.CONSTRAINTS, { LABEL: 'feature' }) },
      { ALT: () => this.CONSUME(T.GENERATED, { LABEL: 'feature' }) },
      { ALT: () => this.CONSUME(T.OPTIONS, { LABEL: 'feature' }) },
      { ALT: () => this.CONSUME(T.WATERMARKS, { LABEL: 'feature' }) },
      { ALT: () => this.CONSUME(T.PARTITIONS, { LABEL: 'feature' }) },
      { ALT: () => this.CONSUME(T.METADATA, { LABEL: 'feature' }) },
    ]);
  });

  /** `ALTER TABLE [IF EXISTS] t SET ('k' = 'v', ...)` / `RESET ('k', ...)` / `RENAME TO u` */
  readonly alterTableStatement = this.RULE('alterTableStatement', () => {
    this.CONSUME(T.ALTER);
    this.CONSUME(T.TABLE);
    this.OPTION(() => {
      this.CONSUME(T.IF);
      this.CONSUME(T.EXISTS);
    });
    this.SUBRULE(this.qualifiedName);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.SET);
          this.SUBRULE(this.tableOptionList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.RESET);
          this.CONSUME(T.LParen);
          this.CONSUME(T.StringLiteral, { LABEL: 'key' });
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.CONSUME2(T.StringLiteral, { LABEL: 'key' });
          });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.RENAME);
          this.CONSUME(T.TO);
          this.SUBRULE2(this.qualifiedName, { LABEL: 'newName' });
        },
      },
      {
        // RENAME col TO new_col
        ALT: () => {
          this.CONSUME2(T.RENAME);
          this.SUBRULE(this.identifier, { LABEL: 'oldColumn' });
          this.CONSUME2(T.TO);
          this.SUBRULE2(this.identifier, { LABEL: 'newColumn' });
        },
      },
      {
        // ADD | MODIFY element [FIRST | AFTER col], or a parenthesised list of them
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.ADD, { LABEL: 'schemaChange' }) }, { ALT: () => this.CONSUME(T.MODIFY, { LABEL: 'schemaChange' }) }]);
          this.OR3([
            {
              ALT: () => {
                this.CONSUME2(T.LParen);
                this.SUBRULE(this.alterElement);
                this.MANY2(() => {
                  this.CONSUME2(T.Comma);
                  this.SUBRULE2(this.alterElement);
                });
                this.CONSUME2(T.RParen);
              },
            },
            { ALT: () => this.SUBRULE3(this.alterElement) },
          ]);
        },
      },
      {
        // DROP PRIMARY KEY | CONSTRAINT name | WATERMARK | col | (col, ...)
        ALT: () => {
          this.CONSUME(T.DROP);
          this.OR4([
            {
              ALT: () => {
                this.CONSUME(T.PRIMARY);
                this.CONSUME(T.KEY);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.CONSTRAINT);
                this.SUBRULE3(this.identifier, { LABEL: 'constraint' });
              },
            },
            // `DROP WATERMARK` drops the watermark; a column named watermark is dropped as `DROP (watermark)`
            { IGNORE_AMBIGUITIES: true, ALT: () => this.CONSUME(T.WATERMARK) },
            { ALT: () => this.SUBRULE(this.identifierList, { LABEL: 'dropColumns' }) },
            { ALT: () => this.SUBRULE4(this.identifier, { LABEL: 'dropColumn' }) },
          ]);
        },
      },
    ]);
  });

  /** A column, watermark or primary key of ALTER TABLE ADD / MODIFY, with its position. */
  readonly alterElement = this.RULE('alterElement', () => {
    this.SUBRULE(this.tableElement);
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.FIRST) },
        {
          ALT: () => {
            this.CONSUME(T.AFTER);
            this.SUBRULE(this.identifier, { LABEL: 'after' });
          },
        },
      ]),
    );
  });

  /** `ALTER DATABASE [cat.]db SET (...)`, `ALTER VIEW v RENAME TO w`, `ALTER VIEW v AS query` */
  readonly alterOtherStatement = this.RULE('alterOtherStatement', () => {
    this.CONSUME(T.ALTER);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.DATABASE);
          this.SUBRULE(this.qualifiedName);
          this.CONSUME(T.SET);
          this.SUBRULE(this.tableOptionList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.VIEW);
          this.SUBRULE2(this.qualifiedName);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.RENAME);
                this.CONSUME(T.TO);
                this.SUBRULE3(this.qualifiedName, { LABEL: 'newName' });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.AS);
                this.SUBRULE(this.query);
              },
            },
          ]);
        },
      },
    ]);
  });

  /** `PARTITIONED BY (col, ...)` */
  readonly partitionedBy = this.RULE('partitionedBy', () => {
    this.CONSUME(T.PARTITIONED);
    this.CONSUME(T.BY);
    this.SUBRULE(this.identifierList);
  });

  /** `VIEW [IF NOT EXISTS] name [(columns)] [COMMENT '...'] AS query` */
  readonly createViewBody = this.RULE('createViewBody', () => {
    this.CONSUME(T.VIEW);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.qualifiedName);
    this.OPTION2(() => this.SUBRULE(this.identifierList));
    this.OPTION3(() => {
      this.CONSUME(T.COMMENT);
      this.CONSUME(T.StringLiteral);
    });
    this.CONSUME(T.AS);
    this.SUBRULE(this.query);
  });

  /** `IF NOT EXISTS`; IF is non-reserved, so this needs k = 2 against a table named `if`. */
  readonly ifNotExists = this.RULE('ifNotExists', () => {
    this.CONSUME(T.IF);
    this.CONSUME(T.NOT);
    this.CONSUME(T.EXISTS);
  });

  readonly tableElement = this.RULE('tableElement', () => {
    // WATERMARK is non-reserved: `WATERMARK FOR` starts a watermark, `watermark BIGINT` is
    // a column (k = 2). PRIMARY and CONSTRAINT are reserved.
    this.OR([
      { ALT: () => this.SUBRULE(this.watermarkDefinition) },
      { ALT: () => this.SUBRULE(this.tableConstraint) },
      { ALT: () => this.SUBRULE(this.columnDefinition) },
    ]);
  });

  /** `WATERMARK FOR ts AS expr` */
  readonly watermarkDefinition = this.RULE('watermarkDefinition', () => {
    this.CONSUME(T.WATERMARK);
    this.CONSUME(T.FOR);
    this.SUBRULE(this.identifier);
    this.CONSUME(T.AS);
    this.SUBRULE(this.expression);
  });

  /** `[CONSTRAINT name] PRIMARY KEY (a, b) [NOT ENFORCED]` */
  readonly tableConstraint = this.RULE('tableConstraint', () => {
    this.OPTION(() => {
      this.CONSUME(T.CONSTRAINT);
      this.SUBRULE(this.identifier);
    });
    this.CONSUME(T.PRIMARY);
    this.CONSUME(T.KEY);
    this.SUBRULE(this.identifierList);
    this.OPTION2(() => {
      this.CONSUME(T.NOT);
      this.CONSUME(T.ENFORCED);
    });
  });

  /**
   * `name AS expr [COMMENT '...']` (computed) or
   * `name TYPE [NOT NULL] [METADATA [FROM 'key'] [VIRTUAL]] [PRIMARY KEY NOT ENFORCED] [COMMENT '...']`.
   */
  readonly columnDefinition = this.RULE('columnDefinition', () => {
    this.SUBRULE(this.identifier);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.AS);
          this.SUBRULE(this.expression);
          this.OPTION(() => {
            this.CONSUME(T.COMMENT);
            this.CONSUME(T.StringLiteral, { LABEL: 'comment' });
          });
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.dataType);
          this.OPTION2(() => this.SUBRULE(this.nullability));
          this.OPTION3(() => this.SUBRULE(this.metadataClause));
          this.OPTION4(() => this.SUBRULE(this.columnConstraint));
          this.OPTION5(() => {
            this.CONSUME2(T.COMMENT);
            this.CONSUME2(T.StringLiteral, { LABEL: 'comment' });
          });
        },
      },
    ]);
  });

  readonly nullability = this.RULE('nullability', () => {
    this.OPTION(() => this.CONSUME(T.NOT));
    this.CONSUME(T.NULL);
  });

  readonly metadataClause = this.RULE('metadataClause', () => {
    this.CONSUME(T.METADATA);
    this.OPTION(() => {
      this.CONSUME(T.FROM);
      this.CONSUME(T.StringLiteral);
    });
    this.OPTION2(() => this.CONSUME(T.VIRTUAL));
  });

  /** Column-level `[CONSTRAINT name] PRIMARY KEY [NOT ENFORCED]`. */
  readonly columnConstraint = this.RULE('columnConstraint', () => {
    this.OPTION(() => {
      this.CONSUME(T.CONSTRAINT);
      this.SUBRULE(this.identifier);
    });
    this.CONSUME(T.PRIMARY);
    this.CONSUME(T.KEY);
    this.OPTION2(() => {
      this.CONSUME(T.NOT);
      this.CONSUME(T.ENFORCED);
    });
  });

  /** `('key' = 'value', ...)` */
  readonly tableOptionList = this.RULE('tableOptionList', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.tableOption);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.tableOption);
    });
    this.CONSUME(T.RParen);
  });

  readonly tableOption = this.RULE('tableOption', () => {
    this.CONSUME(T.StringLiteral, { LABEL: 'key' });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.StringLiteral, { LABEL: 'value' });
  });

  // -------------------------------------------------------------------------------------
  // Queries

  /** `[WITH ...] body [ORDER BY ...] [LIMIT n] [OFFSET n]`; ORDER BY and LIMIT bind to the whole body. */
  readonly query = this.RULE('query', () => {
    this.OPTION(() => this.SUBRULE(this.withClause));
    this.SUBRULE(this.queryBody);
    this.OPTION2(() => this.SUBRULE(this.orderByClause));
    this.OPTION3(() => this.SUBRULE(this.limitClause));
    this.OPTION4(() => this.SUBRULE(this.offsetClause));
  });

  readonly withClause = this.RULE('withClause', () => {
    this.CONSUME(T.WITH);
    this.SUBRULE(this.commonTableExpression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.commonTableExpression);
    });
  });

  /** `name [(columns)] AS (query)` */
  readonly commonTableExpression = this.RULE('commonTableExpression', () => {
    this.SUBRULE(this.identifier);
    this.OPTION(() => this.SUBRULE(this.identifierList));
    this.CONSUME(T.AS);
    this.SUBRULE(this.parenthesizedQuery);
  });

  /** UNION and EXCEPT, left-associative, binding looser than INTERSECT. */
  readonly queryBody = this.RULE('queryBody', () => {
    this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      this.SUBRULE(this.setOperator);
      this.SUBRULE2(this.queryTerm);
    });
  });

  readonly setOperator = this.RULE('setOperator', () => {
    this.OR([{ ALT: () => this.CONSUME(T.UNION) }, { ALT: () => this.CONSUME(T.EXCEPT) }]);
    this.OPTION(() => this.SUBRULE(this.setQuantifier));
  });

  readonly queryTerm = this.RULE('queryTerm', () => {
    this.SUBRULE(this.queryPrimary);
    this.MANY(() => {
      this.SUBRULE(this.intersectOperator);
      this.SUBRULE2(this.queryPrimary);
    });
  });

  readonly intersectOperator = this.RULE('intersectOperator', () => {
    this.CONSUME(T.INTERSECT);
    this.OPTION(() => this.SUBRULE(this.setQuantifier));
  });

  /** ALL | DISTINCT (after SELECT, UNION, INTERSECT, EXCEPT, and inside aggregate calls). */
  readonly setQuantifier = this.RULE('setQuantifier', () => {
    this.OR([{ ALT: () => this.CONSUME(T.ALL) }, { ALT: () => this.CONSUME(T.DISTINCT) }]);
  });

  readonly queryPrimary = this.RULE('queryPrimary', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.select) },
      { ALT: () => this.SUBRULE(this.values) },
      { ALT: () => this.SUBRULE(this.parenthesizedQuery) },
    ]);
  });

  readonly parenthesizedQuery = this.RULE('parenthesizedQuery', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.query);
    this.CONSUME(T.RParen);
  });

  readonly select = this.RULE('select', () => {
    this.CONSUME(T.SELECT);
    this.OPTION(() => this.SUBRULE(this.setQuantifier));
    this.SUBRULE(this.selectItem);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.selectItem);
    });
    this.OPTION2(() => {
      this.CONSUME(T.FROM);
      this.SUBRULE(this.fromClause);
    });
    this.OPTION3(() => {
      this.CONSUME(T.WHERE);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
    this.OPTION4(() => this.SUBRULE(this.groupByClause));
    this.OPTION5(() => {
      this.CONSUME(T.HAVING);
      this.SUBRULE2(this.expression, { LABEL: 'having' });
    });
    this.OPTION6(() => {
      this.CONSUME(T.WINDOW);
      this.SUBRULE(this.namedWindow);
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE2(this.namedWindow);
      });
    });
  });

  readonly selectItem = this.RULE('selectItem', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Star) },
      // `t.*`: see choice 4 in the file comment.
      { GATE: () => this.atQualifiedStar(), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.qualifiedStar) },
      {
        ALT: () => {
          this.SUBRULE(this.expression);
          this.OPTION(() => this.SUBRULE(this.alias));
        },
      },
    ]);
  });

  readonly qualifiedStar = this.RULE('qualifiedStar', () => {
    this.SUBRULE(this.identifier);
    // Within this rule chevrotain sees that `. *` follows, so `. ident` versus `. *` is k = 2.
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.identifier);
    });
    this.CONSUME2(T.Dot);
    this.CONSUME(T.Star);
  });

  /** `AS name`, or a name without AS (not a reserved word, not OFFSET). */
  readonly alias = this.RULE('alias', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.AS);
          this.SUBRULE(this.identifier);
        },
      },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.QuotedIdentifier) },
      { ALT: () => this.CONSUME(T.AliasWord) },
    ]);
  });

  readonly groupByClause = this.RULE('groupByClause', () => {
    this.CONSUME(T.GROUP);
    this.CONSUME(T.BY);
    this.SUBRULE(this.groupingElement);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.groupingElement);
    });
  });

  /**
   * A GROUP BY element: an expression (ROLLUP(...) and CUBE(...) parse as function calls, a
   * parenthesised list as a row), `()` (the empty grouping set), or `GROUPING SETS (element,
   * ...)`. GROUPING and SETS are not keywords, so a gate looks for the two words.
   */
  readonly groupingElement = this.RULE('groupingElement', () => {
    this.OR([
      {
        GATE: () => this.atGroupingSets(),
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'grouping' });
          this.CONSUME2(T.Identifier, { LABEL: 'sets' });
          this.CONSUME(T.LParen);
          this.SUBRULE(this.groupingElement);
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.SUBRULE2(this.groupingElement);
          });
          this.CONSUME(T.RParen);
        },
      },
      {
        GATE: () => this.LA(2).tokenType === T.RParen,
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME2(T.LParen, { LABEL: 'empty' });
          this.CONSUME2(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  /** `w AS (window specification)` */
  readonly namedWindow = this.RULE('namedWindow', () => {
    this.SUBRULE(this.identifier);
    this.CONSUME(T.AS);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.windowSpecification);
    this.CONSUME(T.RParen);
  });

  readonly orderByClause = this.RULE('orderByClause', () => {
    this.CONSUME(T.ORDER);
    this.CONSUME(T.BY);
    this.SUBRULE(this.orderItem);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.orderItem);
    });
  });

  readonly orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.ASC) }, { ALT: () => this.CONSUME(T.DESC) }]));
    this.OPTION2(() => {
      this.CONSUME(T.NULLS);
      this.OR2([{ ALT: () => this.CONSUME(T.FIRST) }, { ALT: () => this.CONSUME(T.LAST) }]);
    });
  });

  /** `LIMIT n` or `LIMIT ALL` (no limit). */
  readonly limitClause = this.RULE('limitClause', () => {
    this.CONSUME(T.LIMIT);
    this.OR([{ ALT: () => this.CONSUME(T.ALL) }, { ALT: () => this.SUBRULE(this.expression) }]);
  });

  /** `OFFSET n [ROW | ROWS]` */
  readonly offsetClause = this.RULE('offsetClause', () => {
    this.CONSUME(T.OFFSET);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.ROW) }, { ALT: () => this.CONSUME(T.ROWS) }]));
  });

  /** `VALUES (1, 'a'), (2, 'b')` */
  readonly values = this.RULE('values', () => {
    this.CONSUME(T.VALUES);
    this.SUBRULE(this.valuesRow);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.valuesRow);
    });
  });

  readonly valuesRow = this.RULE('valuesRow', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RParen);
  });

  // -------------------------------------------------------------------------------------
  // FROM

  /** Comma-separated items (cross joins), each a chain of explicit joins; `a, b JOIN c` is `a, (b JOIN c)`. */
  readonly fromClause = this.RULE('fromClause', () => {
    this.SUBRULE(this.joinedTable);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.joinedTable);
    });
  });

  /** Left-deep: `a JOIN b ON .. JOIN c ON ..` is `(a JOIN b) JOIN c`. */
  readonly joinedTable = this.RULE('joinedTable', () => {
    this.SUBRULE(this.fromPrimary);
    this.MANY(() => this.SUBRULE(this.joinClause));
  });

  readonly joinClause = this.RULE('joinClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.CROSS);
          this.CONSUME(T.JOIN);
          this.SUBRULE(this.fromPrimary);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.SUBRULE(this.joinType));
          this.CONSUME2(T.JOIN);
          this.SUBRULE2(this.fromPrimary);
          this.SUBRULE(this.joinCondition);
        },
      },
    ]);
  });

  readonly joinType = this.RULE('joinType', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.INNER) },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.LEFT) }, { ALT: () => this.CONSUME(T.RIGHT) }, { ALT: () => this.CONSUME(T.FULL) }]);
          this.OPTION(() => this.CONSUME(T.OUTER));
        },
      },
    ]);
  });

  readonly joinCondition = this.RULE('joinCondition', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.ON);
          this.SUBRULE(this.expression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.USING);
          this.SUBRULE(this.identifierList);
        },
      },
    ]);
  });

  readonly fromPrimary = this.RULE('fromPrimary', () => {
    this.OR([
      // TABLE is reserved, so `TABLE(` always starts a table-valued function call.
      { ALT: () => this.SUBRULE(this.tableFunctionReference) },
      { ALT: () => this.SUBRULE(this.lateralReference) },
      // UNNEST is non-reserved: `UNNEST(` starts the table function, a plain `unnest` names a table
      { GATE: () => this.LA(2).tokenType === T.LParen, IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.unnestReference) },
      // `(` starts a subquery or a parenthesised join: see choice 1 in the file comment.
      { GATE: () => this.atParenthesizedQuery(), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.subqueryReference) },
      { ALT: () => this.SUBRULE(this.parenthesizedJoin) },
      { ALT: () => this.SUBRULE(this.tableReference) },
    ]);
  });

  /** `name [FOR SYSTEM_TIME AS OF expr] [[AS] alias]` */
  readonly tableReference = this.RULE('tableReference', () => {
    this.SUBRULE(this.qualifiedName);
    this.OPTION(() => {
      this.CONSUME(T.FOR);
      this.CONSUME(T.SYSTEM_TIME);
      this.CONSUME(T.AS);
      this.CONSUME(T.OF);
      this.SUBRULE(this.expression);
    });
    this.OPTION3(() => this.SUBRULE(this.matchRecognize));
    this.OPTION2(() => this.SUBRULE(this.alias));
  });

  /**
   * `MATCH_RECOGNIZE ([PARTITION BY ..] [ORDER BY ..] [MEASURES e AS m, ..] [ONE ROW PER MATCH |
   * ALL ROWS PER MATCH] [AFTER MATCH SKIP ..] PATTERN (..) [WITHIN interval] DEFINE v AS c, ..)`
   * after a table name (src/sql/bind-match.ts). ALL ROWS PER MATCH, alternation and groups
   * parse so that the binder can refuse them with their position.
   */
  readonly matchRecognize = this.RULE('matchRecognize', () => {
    this.CONSUME(T.MATCH_RECOGNIZE);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.CONSUME(T.PARTITION);
      this.CONSUME(T.BY);
      this.SUBRULE(this.expression, { LABEL: 'partitionBy' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'partitionBy' });
      });
    });
    this.OPTION2(() => this.SUBRULE(this.orderByClause));
    this.OPTION3(() => {
      this.CONSUME(T.MEASURES);
      this.SUBRULE(this.measureItem);
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE2(this.measureItem);
      });
    });
    this.OPTION4(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.ONE);
            this.CONSUME(T.ROW);
            this.CONSUME(T.PER);
            this.CONSUME(T.MATCH);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.ALL, { LABEL: 'allRows' });
            this.CONSUME(T.ROWS);
            this.CONSUME2(T.PER);
            this.CONSUME2(T.MATCH);
          },
        },
      ]),
    );
    this.OPTION5(() => this.SUBRULE(this.afterMatchSkip));
    this.CONSUME(T.PATTERN);
    this.CONSUME2(T.LParen);
    this.SUBRULE(this.rowPattern);
    this.CONSUME2(T.RParen);
    this.OPTION6(() => {
      this.CONSUME(T.WITHIN);
      this.SUBRULE(this.intervalLiteral, { LABEL: 'within' });
    });
    this.CONSUME(T.DEFINE);
    this.SUBRULE(this.patternDefinition);
    this.MANY3(() => {
      this.CONSUME3(T.Comma);
      this.SUBRULE2(this.patternDefinition);
    });
    this.CONSUME3(T.RParen);
  });

  /** `expr AS name` */
  readonly measureItem = this.RULE('measureItem', () => {
    this.SUBRULE(this.expression);
    this.CONSUME(T.AS);
    this.SUBRULE(this.identifier);
  });

  /** `variable AS condition` */
  readonly patternDefinition = this.RULE('patternDefinition', () => {
    this.SUBRULE(this.identifier);
    this.CONSUME(T.AS);
    this.SUBRULE(this.expression);
  });

  /** `AFTER MATCH SKIP (PAST LAST ROW | TO NEXT ROW | TO FIRST v | TO LAST v)` */
  readonly afterMatchSkip = this.RULE('afterMatchSkip', () => {
    this.CONSUME(T.AFTER);
    this.CONSUME(T.MATCH);
    this.CONSUME(T.SKIP);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.PAST);
          this.CONSUME(T.LAST, { LABEL: 'pastLast' });
          this.CONSUME(T.ROW);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.TO);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.NEXT);
                this.CONSUME2(T.ROW);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.FIRST, { LABEL: 'toFirst' });
                this.SUBRULE(this.identifier);
              },
            },
            {
              ALT: () => {
                this.CONSUME2(T.LAST, { LABEL: 'toLast' });
                this.SUBRULE2(this.identifier);
              },
            },
          ]);
        },
      },
    ]);
  });

  /** Alternatives of sequences: `A B+ | C`. */
  readonly rowPattern = this.RULE('rowPattern', () => {
    this.SUBRULE(this.patternSequence);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.patternSequence);
    });
  });

  readonly patternSequence = this.RULE('patternSequence', () => {
    this.AT_LEAST_ONE(() => this.SUBRULE(this.patternFactor));
  });

  /** `v`, or a parenthesised pattern, with an optional quantifier (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, `{,m}`, each optionally followed by `?`: reluctant). */
  readonly patternFactor = this.RULE('patternFactor', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.rowPattern);
          this.CONSUME(T.RParen);
        },
      },
    ]);
    this.OPTION(() => {
      this.OR2([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Plus) },
        { ALT: () => this.CONSUME(T.Question, { LABEL: 'optional' }) },
        {
          ALT: () => {
            this.CONSUME(T.LBrace);
            this.OPTION2(() => this.CONSUME(T.NumberLiteral, { LABEL: 'min' }));
            this.OPTION3(() => {
              this.CONSUME(T.Comma);
              this.OPTION4(() => this.CONSUME2(T.NumberLiteral, { LABEL: 'max' }));
            });
            this.CONSUME(T.RBrace);
          },
        },
      ]);
      this.OPTION5(() => this.CONSUME2(T.Question, { LABEL: 'reluctant' }));
    });
  });

  /** `(query) [[AS] alias [(columns)]]` */
  readonly subqueryReference = this.RULE('subqueryReference', () => {
    this.SUBRULE(this.parenthesizedQuery);
    // a table expression may precede MATCH_RECOGNIZE (Calcite's tableReference, which Flink uses)
    this.OPTION2(() => this.SUBRULE(this.matchRecognize));
    this.OPTION(() => this.SUBRULE(this.correlationName));
  });

  readonly parenthesizedJoin = this.RULE('parenthesizedJoin', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.fromClause);
    this.CONSUME(T.RParen);
  });

  /** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) [[AS] alias [(columns)]]` */
  readonly tableFunctionReference = this.RULE('tableFunctionReference', () => {
    this.CONSUME(T.TABLE);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.tableFunctionCall);
    this.CONSUME(T.RParen);
    this.OPTION(() => this.SUBRULE(this.correlationName));
  });

  /** `LATERAL TABLE(f(x)) [[AS] alias [(columns)]]` or `LATERAL (query) [...]`. */
  readonly lateralReference = this.RULE('lateralReference', () => {
    this.CONSUME(T.LATERAL);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.TABLE);
          this.CONSUME(T.LParen);
          this.SUBRULE(this.tableFunctionCall);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.parenthesizedQuery) },
    ]);
    this.OPTION(() => this.SUBRULE(this.correlationName));
  });

  /** `UNNEST(arr [, arr2 ...]) [WITH ORDINALITY] [[AS] alias [(columns)]]` */
  readonly unnestReference = this.RULE('unnestReference', () => {
    this.CONSUME(T.UNNEST);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RParen);
    this.OPTION(() => {
      this.CONSUME(T.WITH);
      this.CONSUME(T.ORDINALITY);
    });
    this.OPTION2(() => this.SUBRULE(this.correlationName));
  });

  /** `[AS] alias [(c1, c2)]` after a subquery or table function. */
  readonly correlationName = this.RULE('correlationName', () => {
    this.SUBRULE(this.alias);
    this.OPTION(() => this.SUBRULE(this.identifierList));
  });

  readonly tableFunctionCall = this.RULE('tableFunctionCall', () => {
    this.SUBRULE(this.identifier);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.tableFunctionArgument);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.tableFunctionArgument);
      });
    });
    this.CONSUME(T.RParen);
  });

  /**
   * `[name =>] (TABLE t [PARTITION BY k | PARTITION BY (k1, k2)] | DESCRIPTOR(c, ...) | expr)`.
   * A named argument is `identifier =>` (k = 2 against an expression starting with a name).
   * Several partition keys need parentheses, as in Flink: the comma would otherwise be
   * ambiguous with the argument separator.
   */
  readonly tableFunctionArgument = this.RULE('tableFunctionArgument', () => {
    this.OPTION(() => {
      this.SUBRULE(this.identifier, { LABEL: 'argName' });
      this.CONSUME(T.Arrow);
    });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.TABLE);
          this.SUBRULE(this.qualifiedName);
          this.OPTION2(() => {
            this.CONSUME(T.PARTITION);
            this.CONSUME(T.BY);
            this.OR2([
              // `(a, b)` is a key list; `(a + b)` a one-key list, which means the same.
              {
                IGNORE_AMBIGUITIES: true,
                ALT: () => {
                  this.CONSUME(T.LParen);
                  this.SUBRULE(this.expression, { LABEL: 'partitionBy' });
                  this.MANY(() => {
                    this.CONSUME(T.Comma);
                    this.SUBRULE2(this.expression, { LABEL: 'partitionBy' });
                  });
                  this.CONSUME(T.RParen);
                },
              },
              { ALT: () => this.SUBRULE3(this.expression, { LABEL: 'partitionBy' }) },
            ]);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.DESCRIPTOR);
          this.SUBRULE(this.identifierList);
        },
      },
      { ALT: () => this.SUBRULE4(this.expression) },
    ]);
  });

  // -------------------------------------------------------------------------------------
  // Expressions, loosest binding first:
  //   OR < AND < NOT < comparison, IS, IN, BETWEEN, LIKE < +, -, || < *, /, % < unary +, -

  readonly expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.OR);
      this.SUBRULE2(this.andExpression);
    });
  });

  readonly andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.AND);
      this.SUBRULE2(this.notExpression);
    });
  });

  readonly notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NOT);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.comparisonExpression) },
    ]);
  });

  /** `a = b`, `a IS NULL`, `a NOT IN (...)`, ...; left-associative, all one level. */
  readonly comparisonExpression = this.RULE('comparisonExpression', () => {
    this.SUBRULE(this.additiveExpression);
    // One subrule per tail keeps the tails in source order in the CST.
    this.MANY(() => this.SUBRULE(this.comparisonTail));
  });

  readonly comparisonTail = this.RULE('comparisonTail', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.ComparisonOperator);
          this.OR2([
            // `x > ALL (SELECT ...)`, `x = ANY | SOME (SELECT ...)`: a quantified comparison
            {
              GATE: () => this.atQuantifiedQuery(),
              IGNORE_AMBIGUITIES: true,
              ALT: () => {
                this.OR3([{ ALT: () => this.CONSUME(T.ALL, { LABEL: 'quantifier' }) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'quantifier' }) }]);
                this.SUBRULE(this.parenthesizedQuery);
              },
            },
            { ALT: () => this.SUBRULE(this.additiveExpression) },
          ]);
        },
      },
      { ALT: () => this.SUBRULE(this.isTail) },
      { ALT: () => this.SUBRULE(this.predicateTail) },
    ]);
  });

  /** `IS [NOT] NULL|TRUE|FALSE|UNKNOWN`, `IS [NOT] DISTINCT FROM x`, `IS [NOT] JSON [VALUE|SCALAR|ARRAY|OBJECT]` */
  readonly isTail = this.RULE('isTail', () => {
    this.CONSUME(T.IS);
    this.OPTION(() => this.CONSUME(T.NOT));
    this.OR([
      { ALT: () => this.CONSUME(T.NULL) },
      { ALT: () => this.CONSUME(T.TRUE) },
      { ALT: () => this.CONSUME(T.FALSE) },
      { ALT: () => this.CONSUME(T.UNKNOWN) },
      {
        ALT: () => {
          this.CONSUME(T.JSON);
          this.OPTION2(() =>
            this.OR3([
              { ALT: () => this.CONSUME(T.VALUE, { LABEL: 'jsonKind' }) },
              { ALT: () => this.CONSUME(T.SCALAR, { LABEL: 'jsonKind' }) },
              { ALT: () => this.CONSUME(T.ARRAY, { LABEL: 'jsonKind' }) },
              { ALT: () => this.CONSUME(T.OBJECT, { LABEL: 'jsonKind' }) },
            ]),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.DISTINCT);
          this.CONSUME(T.FROM);
          this.SUBRULE(this.additiveExpression);
        },
      },
    ]);
  });

  /** `[NOT] IN (...)`, `[NOT] BETWEEN [SYMMETRIC] a AND b`, `[NOT] LIKE p [ESCAPE e]`, `[NOT] SIMILAR TO p [ESCAPE e]`, `(a, b) OVERLAPS (c, d)` */
  readonly predicateTail = this.RULE('predicateTail', () => {
    this.OPTION(() => this.CONSUME(T.NOT));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.IN);
          this.OR2([
            // `IN (SELECT ...)` versus `IN (1, 2)`: see choice 1 in the file comment.
            { GATE: () => this.atParenthesizedQuery(), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.parenthesizedQuery) },
            {
              ALT: () => {
                this.CONSUME(T.LParen);
                this.SUBRULE(this.expression, { LABEL: 'inList' });
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  this.SUBRULE2(this.expression, { LABEL: 'inList' });
                });
                this.CONSUME(T.RParen);
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.BETWEEN);
          this.OPTION2(() => this.OR3([{ ALT: () => this.CONSUME(T.SYMMETRIC) }, { ALT: () => this.CONSUME(T.ASYMMETRIC) }]));
          // The bounds bind tighter than AND, so `x BETWEEN 1 AND 2 AND y` works.
          this.SUBRULE(this.additiveExpression, { LABEL: 'low' });
          this.CONSUME(T.AND);
          this.SUBRULE2(this.additiveExpression, { LABEL: 'high' });
        },
      },
      {
        ALT: () => {
          this.OR4([
            { ALT: () => this.CONSUME(T.LIKE) },
            {
              ALT: () => {
                this.CONSUME(T.SIMILAR);
                this.CONSUME(T.TO);
              },
            },
          ]);
          this.SUBRULE3(this.additiveExpression, { LABEL: 'pattern' });
          this.OPTION3(() => {
            this.CONSUME(T.ESCAPE);
            this.SUBRULE4(this.additiveExpression, { LABEL: 'escape' });
          });
        },
      },
      {
        // `(t1, t2) OVERLAPS (t3, t4)`: both sides are parenthesized pairs (row constructors)
        ALT: () => {
          this.CONSUME(T.OVERLAPS);
          this.SUBRULE5(this.additiveExpression, { LABEL: 'overlaps' });
        },
      },
    ]);
  });

  readonly additiveExpression = this.RULE('additiveExpression', () => {
    this.SUBRULE(this.multiplicativeExpression);
    this.MANY(() => {
      this.CONSUME(T.AdditiveOperator);
      this.SUBRULE2(this.multiplicativeExpression);
    });
  });

  readonly multiplicativeExpression = this.RULE('multiplicativeExpression', () => {
    this.SUBRULE(this.unaryExpression);
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOperator);
      this.SUBRULE2(this.unaryExpression);
    });
  });

  readonly unaryExpression = this.RULE('unaryExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Minus, { LABEL: 'sign' }) }, { ALT: () => this.CONSUME(T.Plus, { LABEL: 'sign' }) }]);
          this.SUBRULE(this.unaryExpression);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.primaryExpression);
          this.MANY(() => this.SUBRULE(this.subscript));
        },
      },
    ]);
  });

  /** `[index]` after a value (ARRAY element, MAP value), then `.field` accesses of the result. */
  readonly subscript = this.RULE('subscript', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RBracket);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE(this.identifier);
    });
  });

  readonly primaryExpression = this.RULE('primaryExpression', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.literal) },
      { ALT: () => this.SUBRULE(this.intervalLiteral) },
      // `TIMESTAMP '...'` before the generic name alternative: a column named timestamp is
      // not followed by a string (k = 2).
      { ALT: () => this.SUBRULE(this.typedLiteral) },
      { ALT: () => this.SUBRULE(this.caseExpression) },
      // Special-syntax functions before generic calls: see choice 3 in the file comment.
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.castExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.extractExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.trimExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.substringExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.positionExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.overlayExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonValueExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonQueryExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonExistsExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonObjectExpression) },
      { IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonArrayExpression) },
      { GATE: () => this.atJsonAggregate('JSON_OBJECTAGG'), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonObjectAggExpression) },
      { GATE: () => this.atJsonAggregate('JSON_ARRAYAGG'), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.jsonArrayAggExpression) },
      { ALT: () => this.SUBRULE(this.existsExpression) },
      // `(SELECT ...)` versus `(a + b)`: see choice 1 in the file comment.
      { GATE: () => this.atParenthesizedQuery(), IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.parenthesizedQuery) },
      { ALT: () => this.SUBRULE(this.parenthesizedExpression) },
      { ALT: () => this.SUBRULE(this.niladicFunction) },
      { ALT: () => this.SUBRULE(this.keywordFunction) },
      // ARRAY and MAP are non-reserved: only `ARRAY[` / `MAP[` start a constructor
      { GATE: () => this.LA(2).tokenType === T.LBracket, IGNORE_AMBIGUITIES: true, ALT: () => this.SUBRULE(this.collectionConstructor) },
      { ALT: () => this.SUBRULE(this.identifierExpression) },
    ]);
  });

  readonly literal = this.RULE('literal', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.BinaryLiteral) },
      { ALT: () => this.CONSUME(T.TRUE) },
      { ALT: () => this.CONSUME(T.FALSE) },
      { ALT: () => this.CONSUME(T.NULL) },
    ]);
  });

  /** `INTERVAL [-]'10' SECOND[(p)] [TO unit[(p)]]`; a bare number is accepted for the quoted text. */
  readonly intervalLiteral = this.RULE('intervalLiteral', () => {
    this.CONSUME(T.INTERVAL);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Minus, { LABEL: 'sign' }) }, { ALT: () => this.CONSUME(T.Plus, { LABEL: 'sign' }) }]));
    this.OR2([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME(T.NumberLiteral) }]);
    this.CONSUME(T.IntervalUnit, { LABEL: 'unit' });
    this.OPTION2(() => this.SUBRULE(this.typeParameters));
    this.OPTION3(() => {
      this.CONSUME(T.TO);
      this.CONSUME2(T.IntervalUnit, { LABEL: 'toUnit' });
      this.OPTION4(() => this.SUBRULE2(this.typeParameters));
    });
  });

  /** `TIMESTAMP '2020-01-01 00:00:00'`, `DATE '...'`, `TIME '...'`, `TIMESTAMP_LTZ '...'` */
  readonly typedLiteral = this.RULE('typedLiteral', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.TIMESTAMP, { LABEL: 'type' }) },
      { ALT: () => this.CONSUME(T.TIMESTAMP_LTZ, { LABEL: 'type' }) },
      { ALT: () => this.CONSUME(T.DATE, { LABEL: 'type' }) },
      { ALT: () => this.CONSUME(T.TIME, { LABEL: 'type' }) },
    ]);
    this.CONSUME(T.StringLiteral);
  });

  /** `CASE [x] WHEN a [, a2 ...] THEN b ... [ELSE c] END` (a list of values in the simple form) */
  readonly caseExpression = this.RULE('caseExpression', () => {
    this.CONSUME(T.CASE);
    this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.WHEN);
      this.SUBRULE(this.caseWhenValues, { LABEL: 'when' });
      this.CONSUME(T.THEN);
      this.SUBRULE3(this.expression, { LABEL: 'then' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.ELSE);
      this.SUBRULE4(this.expression, { LABEL: 'else' });
    });
    this.CONSUME(T.END);
  });

  /** The values after one WHEN: `a` or, in a simple CASE, `a, b, ...` */
  readonly caseWhenValues = this.RULE('caseWhenValues', () => {
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
  });

  /** `CAST(x AS type)`, `TRY_CAST(x AS type)` */
  readonly castExpression = this.RULE('castExpression', () => {
    this.OR([{ ALT: () => this.CONSUME(T.CAST) }, { ALT: () => this.CONSUME(T.TRY_CAST) }]);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.AS);
    this.SUBRULE(this.dataType);
    this.CONSUME(T.RParen);
  });

  /** `EXTRACT(HOUR FROM ts)` */
  readonly extractExpression = this.RULE('extractExpression', () => {
    this.CONSUME(T.EXTRACT);
    this.CONSUME(T.LParen);
    this.CONSUME(T.TimeUnit);
    this.CONSUME(T.FROM);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)`, `TRIM(FROM s)`, `TRIM(s)` */
  readonly trimExpression = this.RULE('trimExpression', () => {
    this.CONSUME(T.TRIM);
    this.CONSUME(T.LParen);
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.BOTH, { LABEL: 'mode' }) },
            { ALT: () => this.CONSUME(T.LEADING, { LABEL: 'mode' }) },
            { ALT: () => this.CONSUME(T.TRAILING, { LABEL: 'mode' }) },
          ]);
          this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'chars' }));
          this.CONSUME(T.FROM);
          this.SUBRULE2(this.expression, { LABEL: 'operand' });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.FROM);
          this.SUBRULE3(this.expression, { LABEL: 'operand' });
        },
      },
      {
        ALT: () => {
          this.SUBRULE4(this.expression, { LABEL: 'first' });
          this.OPTION2(() => {
            this.CONSUME3(T.FROM);
            this.SUBRULE5(this.expression, { LABEL: 'operand' });
          });
        },
      },
    ]);
    this.CONSUME(T.RParen);
  });

  /** `SUBSTRING(s FROM a [FOR b])` or `SUBSTRING(s, a [, b])` */
  readonly substringExpression = this.RULE('substringExpression', () => {
    this.CONSUME(T.SUBSTRING);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.FROM);
          this.SUBRULE2(this.expression);
          this.OPTION(() => {
            this.CONSUME(T.FOR);
            this.SUBRULE3(this.expression);
          });
        },
      },
      {
        ALT: () =>
          this.AT_LEAST_ONE(() => {
            this.CONSUME(T.Comma);
            this.SUBRULE4(this.expression);
          }),
      },
    ]);
    this.CONSUME(T.RParen);
  });

  /** `POSITION(a IN b)` (also `POSITION(a, b)`); the needle binds tighter than IN. */
  readonly positionExpression = this.RULE('positionExpression', () => {
    this.CONSUME(T.POSITION);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.additiveExpression);
    this.OR([{ ALT: () => this.CONSUME(T.IN) }, { ALT: () => this.CONSUME(T.Comma) }]);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `JSON_VALUE(json, path [RETURNING type] [{NULL | ERROR | DEFAULT x} ON {EMPTY | ERROR}]...)` */
  readonly jsonValueExpression = this.RULE('jsonValueExpression', () => {
    this.CONSUME(T.JSON_VALUE);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, { LABEL: 'json' });
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression, { LABEL: 'path' });
    this.OPTION(() => {
      this.CONSUME(T.RETURNING);
      this.SUBRULE(this.dataType);
    });
    this.MANY(() => this.SUBRULE(this.jsonBehavior));
    this.CONSUME(T.RParen);
  });

  /** `JSON_QUERY(json, path [RETURNING type] [wrapper] [{NULL | ERROR | EMPTY ARRAY | EMPTY OBJECT} ON {EMPTY | ERROR}]...)` */
  readonly jsonQueryExpression = this.RULE('jsonQueryExpression', () => {
    this.CONSUME(T.JSON_QUERY);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, { LABEL: 'json' });
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression, { LABEL: 'path' });
    this.OPTION(() => {
      this.CONSUME(T.RETURNING);
      this.SUBRULE(this.dataType);
    });
    this.OPTION2(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.WITHOUT, { LABEL: 'wrapper' }) },
        {
          ALT: () => {
            this.CONSUME(T.WITH, { LABEL: 'wrapper' });
            this.OPTION3(() => this.OR2([{ ALT: () => this.CONSUME(T.CONDITIONAL, { LABEL: 'wrapperKind' }) }, { ALT: () => this.CONSUME(T.UNCONDITIONAL, { LABEL: 'wrapperKind' }) }]));
          },
        },
      ]);
      this.OPTION4(() => this.CONSUME(T.ARRAY));
      this.CONSUME(T.WRAPPER);
    });
    this.MANY(() => this.SUBRULE(this.jsonBehavior));
    this.CONSUME(T.RParen);
  });

  /** `{NULL | ERROR | TRUE | FALSE | UNKNOWN | DEFAULT x | EMPTY ARRAY | EMPTY OBJECT} ON {EMPTY | ERROR | NULL}` */
  readonly jsonBehavior = this.RULE('jsonBehavior', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NULL, { LABEL: 'behavior' }) },
      { ALT: () => this.CONSUME(T.ERROR, { LABEL: 'behavior' }) },
      { ALT: () => this.CONSUME(T.TRUE, { LABEL: 'behavior' }) },
      { ALT: () => this.CONSUME(T.FALSE, { LABEL: 'behavior' }) },
      { ALT: () => this.CONSUME(T.UNKNOWN, { LABEL: 'behavior' }) },
      { ALT: () => this.CONSUME(T.ABSENT, { LABEL: 'behavior' }) },
      {
        ALT: () => {
          this.CONSUME(T.DEFAULT, { LABEL: 'behavior' });
          this.SUBRULE(this.expression, { LABEL: 'default' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.EMPTY, { LABEL: 'behavior' });
          this.OR2([{ ALT: () => this.CONSUME(T.ARRAY, { LABEL: 'emptyKind' }) }, { ALT: () => this.CONSUME(T.OBJECT, { LABEL: 'emptyKind' }) }]);
        },
      },
    ]);
    this.CONSUME(T.ON);
    this.OR3([
      { ALT: () => this.CONSUME2(T.EMPTY, { LABEL: 'event' }) },
      { ALT: () => this.CONSUME2(T.ERROR, { LABEL: 'event' }) },
      { ALT: () => this.CONSUME2(T.NULL, { LABEL: 'event' }) },
    ]);
  });

  /** `JSON_EXISTS(json, path [{TRUE | FALSE | UNKNOWN | ERROR} ON ERROR])` */
  readonly jsonExistsExpression = this.RULE('jsonExistsExpression', () => {
    this.CONSUME(T.JSON_EXISTS);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, { LABEL: 'json' });
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression, { LABEL: 'path' });
    this.OPTION(() => this.SUBRULE(this.jsonBehavior));
    this.CONSUME(T.RParen);
  });

  /** `JSON_OBJECT([[KEY] k VALUE v, ...] [{NULL | ABSENT} ON NULL])` */
  readonly jsonObjectExpression = this.RULE('jsonObjectExpression', () => {
    this.CONSUME(T.JSON_OBJECT);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      // `NULL ON NULL` is the clause, not an entry whose key is NULL
      this.OR([
        { GATE: () => !this.atOnNull(), ALT: () => this.SUBRULE(this.jsonObjectEntry) },
        { ALT: () => this.SUBRULE(this.jsonBehavior) },
      ]);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.jsonObjectEntry);
      });
      this.OPTION2(() => this.SUBRULE2(this.jsonBehavior));
    });
    this.CONSUME(T.RParen);
  });

  readonly jsonObjectEntry = this.RULE('jsonObjectEntry', () => {
    this.OPTION({ GATE: () => this.LA(2).tokenType !== T.VALUE, DEF: () => this.CONSUME(T.KEY) });
    this.SUBRULE(this.expression, { LABEL: 'key' });
    this.CONSUME(T.VALUE);
    this.SUBRULE2(this.expression, { LABEL: 'value' });
  });

  /** `JSON_ARRAY([v, ...] [{NULL | ABSENT} ON NULL])` */
  readonly jsonArrayExpression = this.RULE('jsonArrayExpression', () => {
    this.CONSUME(T.JSON_ARRAY);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.OR([
        { GATE: () => !this.atOnNull(), ALT: () => this.SUBRULE(this.expression, { LABEL: 'element' }) },
        { ALT: () => this.SUBRULE(this.jsonBehavior) },
      ]);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'element' });
      });
      this.OPTION2(() => this.SUBRULE2(this.jsonBehavior));
    });
    this.CONSUME(T.RParen);
  });

  /** `JSON_OBJECTAGG([KEY] k VALUE v [{NULL | ABSENT} ON NULL]) [FILTER (WHERE c)] [OVER ...]` */
  readonly jsonObjectAggExpression = this.RULE('jsonObjectAggExpression', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.jsonObjectEntry);
    this.OPTION(() => this.SUBRULE(this.jsonBehavior));
    this.CONSUME(T.RParen);
    this.SUBRULE(this.aggregateTail);
  });

  /** `JSON_ARRAYAGG(v [{NULL | ABSENT} ON NULL]) [FILTER (WHERE c)] [OVER ...]` */
  readonly jsonArrayAggExpression = this.RULE('jsonArrayAggExpression', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, { LABEL: 'element' });
    this.OPTION(() => this.SUBRULE(this.jsonBehavior));
    this.CONSUME(T.RParen);
    this.SUBRULE(this.aggregateTail);
  });

  /** `[FILTER (WHERE c)] [OVER ...]` after an aggregate call with special arguments. */
  readonly aggregateTail = this.RULE('aggregateTail', () => {
    this.OPTION(() => {
      this.CONSUME(T.FILTER);
      this.CONSUME(T.LParen);
      this.CONSUME(T.WHERE);
      this.SUBRULE(this.expression, { LABEL: 'filter' });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => this.SUBRULE(this.overClause));
  });

  /** `OVERLAY(s PLACING r FROM a [FOR n])` */
  readonly overlayExpression = this.RULE('overlayExpression', () => {
    this.CONSUME(T.OVERLAY);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.PLACING);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.FROM);
    this.SUBRULE3(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.FOR);
      this.SUBRULE4(this.expression);
    });
    this.CONSUME(T.RParen);
  });

  readonly existsExpression = this.RULE('existsExpression', () => {
    this.CONSUME(T.EXISTS);
    this.SUBRULE(this.parenthesizedQuery);
  });

  /** `(a)`, or a row value constructor `(a, b, ...)` (the binder allows it before IN (SELECT ...)). */
  readonly parenthesizedExpression = this.RULE('parenthesizedExpression', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
    this.CONSUME(T.RParen);
  });

  /** `ARRAY[a, b, ...]`, `MAP[k1, v1, k2, v2, ...]` */
  readonly collectionConstructor = this.RULE('collectionConstructor', () => {
    this.OR([{ ALT: () => this.CONSUME(T.ARRAY, { LABEL: 'name' }) }, { ALT: () => this.CONSUME(T.MAP, { LABEL: 'name' }) }]);
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
    });
    this.CONSUME(T.RBracket);
  });

  /** `CURRENT_TIMESTAMP`, `LOCALTIMESTAMP`, `CURRENT_DATE`, ... with optional `()`. */
  readonly niladicFunction = this.RULE('niladicFunction', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.CURRENT_TIMESTAMP, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.CURRENT_DATE, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.CURRENT_TIME, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.LOCALTIMESTAMP, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.LOCALTIME, { LABEL: 'name' }) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.CONSUME(T.RParen);
    });
  });

  /** Functions named by reserved words: `LEFT(s, n)`, `RIGHT(s, n)`. */
  readonly keywordFunction = this.RULE('keywordFunction', () => {
    this.OR([{ ALT: () => this.CONSUME(T.LEFT, { LABEL: 'name' }) }, { ALT: () => this.CONSUME(T.RIGHT, { LABEL: 'name' }) }]);
    this.SUBRULE(this.callSuffix);
  });

  /** A column reference `a`, `t.a`, or a call `f(...)` (with FILTER / OVER). */
  readonly identifierExpression = this.RULE('identifierExpression', () => {
    this.SUBRULE(this.identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.identifier);
    });
    this.OPTION(() => this.SUBRULE(this.callSuffix));
  });

  /** `([DISTINCT|ALL] [* | args]) [FILTER (WHERE p)] [OVER (...) | OVER w]` */
  readonly callSuffix = this.RULE('callSuffix', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.setQuantifier));
    this.OPTION2(() => this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.SUBRULE(this.functionArguments) }]));
    // `ARRAY_AGG(x IGNORE NULLS)` / `RESPECT NULLS` (the word is checked by the visitor)
    this.OPTION5(() => {
      this.CONSUME(T.Identifier, { LABEL: 'nullTreatment' });
      this.CONSUME(T.NULLS);
    });
    this.CONSUME(T.RParen);
    this.OPTION3(() => {
      this.CONSUME(T.FILTER);
      this.CONSUME2(T.LParen);
      this.CONSUME(T.WHERE);
      this.SUBRULE(this.expression, { LABEL: 'filter' });
      this.CONSUME2(T.RParen);
    });
    this.OPTION4(() => this.SUBRULE(this.overClause));
  });

  /** `a, b, c`; also `x TO unit` for `FLOOR(ts TO HOUR)` / `CEIL(...)` (checked by the visitor). */
  readonly functionArguments = this.RULE('functionArguments', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.TO);
      this.CONSUME(T.TimeUnit);
    });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression);
    });
  });

  readonly overClause = this.RULE('overClause', () => {
    this.CONSUME(T.OVER);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.windowSpecification);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.identifier) },
    ]);
  });

  /** `[PARTITION BY ...] [ORDER BY ...] [ROWS|RANGE ...]` */
  readonly windowSpecification = this.RULE('windowSpecification', () => {
    this.OPTION(() => {
      this.CONSUME(T.PARTITION);
      this.CONSUME(T.BY);
      this.SUBRULE(this.expression, { LABEL: 'partitionBy' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'partitionBy' });
      });
    });
    this.OPTION2(() => this.SUBRULE(this.orderByClause));
    this.OPTION3(() => this.SUBRULE(this.windowFrame));
  });

  readonly windowFrame = this.RULE('windowFrame', () => {
    this.OR([{ ALT: () => this.CONSUME(T.ROWS, { LABEL: 'unit' }) }, { ALT: () => this.CONSUME(T.RANGE, { LABEL: 'unit' }) }]);
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(T.BETWEEN);
          this.SUBRULE(this.frameBound, { LABEL: 'start' });
          this.CONSUME(T.AND);
          this.SUBRULE2(this.frameBound, { LABEL: 'end' });
        },
      },
      { ALT: () => this.SUBRULE3(this.frameBound, { LABEL: 'start' }) },
    ]);
  });

  /** `UNBOUNDED PRECEDING|FOLLOWING`, `CURRENT ROW`, `n PRECEDING|FOLLOWING` */
  readonly frameBound = this.RULE('frameBound', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.UNBOUNDED);
          this.OR2([{ ALT: () => this.CONSUME(T.PRECEDING) }, { ALT: () => this.CONSUME(T.FOLLOWING) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.CURRENT);
          this.CONSUME(T.ROW);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.additiveExpression);
          this.OR3([{ ALT: () => this.CONSUME2(T.PRECEDING) }, { ALT: () => this.CONSUME2(T.FOLLOWING) }]);
        },
      },
    ]);
  });

  // -------------------------------------------------------------------------------------
  // Types

  readonly dataType = this.RULE('dataType', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.TIMESTAMP, { LABEL: 'name' });
          this.OPTION(() => this.SUBRULE(this.typeParameters));
          this.OPTION2(() => this.SUBRULE(this.timeZoneClause));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.TIME, { LABEL: 'name' });
          this.OPTION3(() => this.SUBRULE2(this.typeParameters));
          this.OPTION4(() => this.SUBRULE2(this.timeZoneClause));
        },
      },
      {
        // ARRAY<T>, MULTISET<T>
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.ARRAY, { LABEL: 'name' }) }, { ALT: () => this.CONSUME(T.MULTISET, { LABEL: 'name' }) }]);
          this.CONSUME(T.Less);
          this.SUBRULE(this.nestedType);
          this.CONSUME(T.Greater);
        },
      },
      {
        // MAP<K, V>
        ALT: () => {
          this.CONSUME(T.MAP, { LABEL: 'name' });
          this.CONSUME2(T.Less);
          this.SUBRULE2(this.nestedType);
          this.CONSUME(T.Comma);
          this.SUBRULE3(this.nestedType);
          this.CONSUME2(T.Greater);
        },
      },
      {
        // ROW<a INT, b STRING> or ROW(a INT, b STRING)
        ALT: () => {
          this.CONSUME(T.ROW, { LABEL: 'name' });
          this.OR3([
            {
              ALT: () => {
                this.CONSUME3(T.Less);
                this.SUBRULE(this.rowField);
                this.MANY(() => {
                  this.CONSUME2(T.Comma);
                  this.SUBRULE2(this.rowField);
                });
                this.CONSUME3(T.Greater);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.LParen);
                this.SUBRULE3(this.rowField);
                this.MANY2(() => {
                  this.CONSUME3(T.Comma);
                  this.SUBRULE4(this.rowField);
                });
                this.CONSUME(T.RParen);
              },
            },
          ]);
        },
      },
      {
        // INTERVAL DAY TO SECOND, ...
        ALT: () => {
          this.CONSUME(T.INTERVAL, { LABEL: 'name' });
          this.CONSUME(T.IntervalUnit);
          this.OPTION5(() => this.SUBRULE3(this.typeParameters));
          this.OPTION6(() => {
            this.CONSUME(T.TO);
            this.CONSUME2(T.IntervalUnit);
            this.OPTION7(() => this.SUBRULE4(this.typeParameters));
          });
        },
      },
      {
        // INT, BIGINT, VARCHAR(n), DECIMAL(p, s), DOUBLE [PRECISION], DATE, TIMESTAMP_LTZ(3), ...
        ALT: () => {
          this.OR4([
            { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'name' }) },
            { ALT: () => this.CONSUME(T.DATE, { LABEL: 'name' }) },
            { ALT: () => this.CONSUME(T.TIMESTAMP_LTZ, { LABEL: 'name' }) },
          ]);
          this.OPTION8(() => this.SUBRULE5(this.typeParameters));
          this.OPTION9(() => this.CONSUME(T.PRECISION));
        },
      },
    ]);
    // `INT ARRAY`, `STRING MULTISET`: the suffix forms of ARRAY<T> and MULTISET<T> (Flink's DDL)
    this.MANY3(() => {
      this.OR5([{ ALT: () => this.CONSUME2(T.ARRAY, { LABEL: 'suffix' }) }, { ALT: () => this.CONSUME2(T.MULTISET, { LABEL: 'suffix' }) }]);
    });
  });

  /** `WITH LOCAL TIME ZONE`, `WITH TIME ZONE`, `WITHOUT TIME ZONE` */
  readonly timeZoneClause = this.RULE('timeZoneClause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.WITH);
          this.OPTION(() => this.CONSUME(T.LOCAL));
        },
      },
      { ALT: () => this.CONSUME(T.WITHOUT) },
    ]);
    this.CONSUME(T.TIME);
    this.CONSUME(T.ZONE);
  });

  /** An element type: nullability is accepted and ignored. */
  readonly nestedType = this.RULE('nestedType', () => {
    this.SUBRULE(this.dataType);
    this.OPTION(() => this.SUBRULE(this.nullability));
  });

  readonly rowField = this.RULE('rowField', () => {
    this.SUBRULE(this.identifier);
    this.SUBRULE(this.nestedType);
    this.OPTION(() => {
      this.CONSUME(T.COMMENT);
      this.CONSUME(T.StringLiteral);
    });
  });

  /** `(3)`, `(10, 2)` */
  readonly typeParameters = this.RULE('typeParameters', () => {
    this.CONSUME(T.LParen);
    this.CONSUME(T.NumberLiteral);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.NumberLiteral);
    });
    this.CONSUME(T.RParen);
  });

  // -------------------------------------------------------------------------------------
  // Names

  /** A plain or backtick-quoted identifier, or a non-reserved keyword used as one. */
  readonly identifier = this.RULE('identifier', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.QuotedIdentifier) },
      { ALT: () => this.CONSUME(T.NonReserved) },
    ]);
  });

  readonly qualifiedName = this.RULE('qualifiedName', () => {
    this.SUBRULE(this.identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.identifier);
    });
  });

  /** `(a, b, c)` */
  readonly identifierList = this.RULE('identifierList', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.identifier);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.identifier);
    });
    this.CONSUME(T.RParen);
  });
}

/** The one parser instance. Not re-entrant: parse one input at a time (JS is single-threaded). */
export const sqlParser = new SqlParser();
