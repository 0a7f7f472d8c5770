// Lookahead for the parser's decisions, computed once at build time instead of at every start.
//
// chevrotain decides each alternation, option and repetition of the grammar with LL(k)
// lookahead paths: for each alternative, the token sequences (up to k = 3 tokens) that can
// start it. Computing those paths analyses the grammar and cost about 0.25 s in every `weir`
// process before its first statement parsed (issue 13: start-up). The paths depend only on
// the grammar, so `npm run lookahead` computes them for every decision and writes them, by
// token name, into grammar/lookahead-cache.ts. At start the parser checks that the cache was
// made from this very grammar (a fingerprint of chevrotain's serialized grammar); if it was,
// decisions use the cached paths; otherwise (the grammar was edited and the cache not
// regenerated) they are computed as before, lazily per decision, and the results are the same.
// test/unit/parser-lookahead.test.ts fails while the cache is stale.
//
// The functions built from the paths follow chevrotain's own builders (LLkLookaheadStrategy:
// buildAlternativesLookAheadFunc and buildSingleAlternativeLookaheadFunction), so a decision
// chooses the same alternative whichever way its paths were obtained.

import { createHash } from 'node:crypto';
import type { ILookaheadStrategy, IOrAlt, IToken, OptionalProductionType, Rule, TokenType } from 'chevrotain';
import { Alternation, Alternative, LLkLookaheadStrategy, NonTerminal, Option, Repetition, RepetitionMandatory, RepetitionMandatoryWithSeparator, RepetitionWithSeparator, Rule as RuleClass, Terminal, VERSION, getLookaheadPaths, serializeGrammar } from './chevrotain.js';

/** Token types by name for each path: decision key -> alternatives -> paths -> token names. */
export type LookaheadPaths = Record<string, string[][][]>;

export interface LookaheadCache {
  readonly fingerprint: string;
  readonly paths: LookaheadPaths;
  /** `sourceFingerprint` of the compiled parser the recorded grammar below came from. */
  readonly source?: string;
  /** The recorded grammar (`serializeGast`), as JSON text. */
  readonly gast?: string;
}

type ProdType = 'Alternation' | OptionalProductionType;

function decisionKey(rule: string, prodType: ProdType, occurrence: number, maxLookahead: number): string {
  return `${rule}|${prodType}|${occurrence}|${maxLookahead}`;
}

/** Identifies a grammar: its productions as chevrotain serializes them, and k. */
export function grammarFingerprint(rules: readonly Rule[], maxLookahead: number): string {
  return createHash('sha256')
    .update(JSON.stringify(serializeGrammar(rules as Rule[])))
    .update(`|k=${maxLookahead}|paths-v1`)
    .digest('hex')
    .slice(0, 32);
}

interface LookaheadThis {
  LA(i: number): IToken;
}

type AltFunction = (this: LookaheadThis, orAlts?: IOrAlt<unknown>[]) => number | undefined;
type OptFunction = (this: LookaheadThis) => boolean;

function matches(token: IToken, type: TokenType): boolean {
  const idx = token.tokenTypeIdx;
  if (idx === type.tokenTypeIdx) return true;
  return type.isParent === true && (type.categoryMatchesMap as Record<number, boolean> | undefined)?.[idx!] === true;
}

function allOneToken(alt: TokenType[][]): boolean {
  return alt.every((path) => path.length === 1);
}

function alternativesFunction(alts: TokenType[][][], hasPredicates: boolean, dynamicTokensEnabled: boolean): (this: LookaheadThis, orAlts?: IOrAlt<unknown>[]) => number | undefined {
  const n = alts.length;
  const pathsMatch = (self: LookaheadThis, alt: TokenType[][]): boolean => {
    next: for (const path of alt) {
      for (let i = 0; i < path.length; i++) if (!matches(self.LA(i + 1), path[i]!)) continue next;
      return true;
    }
    return false;
  };
  if (hasPredicates) {
    return function (this: LookaheadThis, orAlts?: IOrAlt<unknown>[]) {
      for (let t = 0; t < n; t++) {
        const gate = (orAlts?.[t] as { GATE?: () => boolean } | undefined)?.GATE;
        if (gate !== undefined && gate.call(this) === false) continue;
        if (pathsMatch(this, alts[t]!)) return t;
      }
      return undefined;
    };
  }
  if (!dynamicTokensEnabled && alts.every(allOneToken)) {
    // one token decides: a table from token type (and the types it is a category of) to alternative
    const choice: Record<number, number> = {};
    alts.forEach((alt, idx) => {
      for (const path of alt) {
        const type = path[0]!;
        if (!(type.tokenTypeIdx! in choice)) choice[type.tokenTypeIdx!] = idx;
        for (const sub of (type.categoryMatches ?? []) as number[]) if (!(sub in choice)) choice[sub] = idx;
      }
    });
    return function (this: LookaheadThis) {
      return choice[this.LA(1).tokenTypeIdx!];
    };
  }
  return function (this: LookaheadThis) {
    for (let t = 0; t < n; t++) if (pathsMatch(this, alts[t]!)) return t;
    return undefined;
  };
}

function optionalFunction(alt: TokenType[][], dynamicTokensEnabled: boolean): (this: LookaheadThis) => boolean {
  if (!dynamicTokensEnabled && allOneToken(alt)) {
    const types = alt.map((p) => p[0]!);
    if (types.length === 1 && (types[0]!.categoryMatches ?? []).length === 0) {
      const expected = types[0]!.tokenTypeIdx;
      return function (this: LookaheadThis) {
        return this.LA(1).tokenTypeIdx === expected;
      };
    }
    const set: boolean[] = [];
    for (const type of types) {
      set[type.tokenTypeIdx!] = true;
      for (const sub of (type.categoryMatches ?? []) as number[]) set[sub] = true;
    }
    return function (this: LookaheadThis) {
      return set[this.LA(1).tokenTypeIdx!] === true;
    };
  }
  return function (this: LookaheadThis) {
    next: for (const path of alt) {
      for (let i = 0; i < path.length; i++) if (!matches(this.LA(i + 1), path[i]!)) continue next;
      return true;
    }
    return false;
  };
}

/**
 * The parser's lookahead strategy: cached paths when the cache matches the grammar (see
 * `useCache`), else chevrotain's LL(k) analysis; either way built on a decision's first use.
 */
export class CachedLookahead implements ILookaheadStrategy {
  private readonly inner: InstanceType<typeof LLkLookaheadStrategy>;
  private cache: LookaheadPaths | null = null;
  private tokens: ReadonlyMap<string, TokenType> = new Map();

  constructor(maxLookahead: number) {
    this.inner = new LLkLookaheadStrategy({ maxLookahead });
  }

  /**
   * Turns the cache on when it was computed from `rules`; returns whether it was. `trusted`:
   * the rules were loaded from this same cache (`loadGast`), so they match it by construction
   * and the fingerprint (serializing and hashing the whole grammar) is not computed.
   */
  useCache(cache: LookaheadCache, rules: readonly Rule[], maxLookahead: number, tokens: ReadonlyMap<string, TokenType>, trusted = false): boolean {
    if (!trusted && cache.fingerprint !== grammarFingerprint(rules, maxLookahead)) return false;
    this.cache = cache.paths;
    this.tokens = tokens;
    return true;
  }

  private cached(key: string): TokenType[][][] | undefined {
    const named = this.cache?.[key];
    if (named === undefined) return undefined;
    return named.map((alt) => alt.map((path) => path.map((name) => this.tokens.get(name)!)));
  }

  validate(options: { rules: Rule[]; tokenTypes: TokenType[]; grammarName: string }): ReturnType<ILookaheadStrategy['validate']> {
    return this.inner.validate(options);
  }

  buildLookaheadForAlternation(options: { prodOccurrence: number; rule: Rule; maxLookahead: number; hasPredicates: boolean; dynamicTokensEnabled: boolean }): (orAlts?: IOrAlt<unknown>[]) => number | undefined {
    const strategy = this;
    let built: AltFunction | undefined;
    return function (this: LookaheadThis, orAlts?: IOrAlt<unknown>[]): number | undefined {
      if (built === undefined) {
        const paths = strategy.cached(decisionKey(options.rule.name, 'Alternation', options.prodOccurrence, options.maxLookahead));
        built = paths !== undefined ? alternativesFunction(paths, options.hasPredicates, options.dynamicTokensEnabled) : (strategy.inner.buildLookaheadForAlternation(options) as AltFunction);
      }
      return built.call(this, orAlts);
    } as (orAlts?: IOrAlt<unknown>[]) => number | undefined;
  }

  buildLookaheadForOptional(options: { prodOccurrence: number; prodType: OptionalProductionType; rule: Rule; maxLookahead: number; dynamicTokensEnabled: boolean }): () => boolean {
    const strategy = this;
    let built: OptFunction | undefined;
    return function (this: LookaheadThis): boolean {
      if (built === undefined) {
        const paths = strategy.cached(decisionKey(options.rule.name, options.prodType, options.prodOccurrence, options.maxLookahead));
        built = paths !== undefined ? optionalFunction(paths[0]!, options.dynamicTokensEnabled) : (strategy.inner.buildLookaheadForOptional(options) as OptFunction);
      }
      return built.call(this);
    } as () => boolean;
  }
}

const PROD_TYPES: ReadonlyArray<[abstract new (...args: never[]) => unknown, ProdType]> = [
  [Alternation, 'Alternation'],
  [Option, 'Option'],
  [Repetition, 'Repetition'],
  [RepetitionMandatory, 'RepetitionMandatory'],
  [RepetitionWithSeparator, 'RepetitionWithSeparator'],
  [RepetitionMandatoryWithSeparator, 'RepetitionMandatoryWithSeparator'],
];

/**
 * Every decision of the grammar with its lookahead paths, by token name (what
 * `npm run lookahead` writes into grammar/lookahead-cache.ts).
 */
export function computeLookaheadCache(rules: readonly Rule[], maxLookahead: number): LookaheadCache {
  const paths: LookaheadPaths = {};
  const visit = (rule: Rule, node: unknown): void => {
    // a NonTerminal's `definition` is the referenced rule's: its decisions belong to that rule
    if (node instanceof NonTerminal) return;
    for (const [cls, prodType] of PROD_TYPES) {
      if (node instanceof cls) {
        const prod = node as { idx: number; maxLookahead?: number };
        const k = prod.maxLookahead ?? maxLookahead;
        const found = getLookaheadPaths({ occurrence: prod.idx, rule, prodType, maxLookahead: k }) as TokenType[][][];
        paths[decisionKey(rule.name, prodType, prod.idx, k)] = found.map((alt) => alt.map((path) => path.map((t) => t.name)));
      }
    }
    const children = (node as { definition?: unknown[] }).definition;
    if (Array.isArray(children)) for (const c of children) visit(rule, c);
  };
  for (const rule of rules) visit(rule, rule);
  return { fingerprint: grammarFingerprint(rules, maxLookahead), paths };
}

// ---------------------------------------------------------------------------------------
// The recorded grammar
//
// chevrotain learns a parser's grammar by recording it: performSelfAnalysis runs every rule
// once with the DSL methods (CONSUME, SUBRULE, OR, ...) replaced by recorders, which build the
// grammar's productions (its GAST). That took about 65 ms of every `weir` start. The
// productions depend only on the parser class's code, so `npm run lookahead` stores them too,
// with a fingerprint of the compiled class's source text; the parser loads them instead of
// recording when the fingerprint matches (grammar/parser.ts: topLevelRuleRecord). Any edit to
// the class, to the tokens or to chevrotain's version changes the fingerprint, and the parser
// records as before. test/unit/parser-lookahead.test.ts checks that the stored productions
// equal recorded ones, field by field.

/** One production: its class, its own fields (token types by name), its children. */
export type GastNode = [kind: string, fields: Record<string, string | number | boolean>, children?: GastNode[]];

const NODE_KINDS: ReadonlyArray<[new (options: never) => object, string]> = [
  [RuleClass, 'Rule'],
  [NonTerminal, 'NonTerminal'],
  [Terminal, 'Terminal'],
  [Alternative, 'Alternative'],
  [Alternation, 'Alternation'],
  [Option, 'Option'],
  [Repetition, 'Repetition'],
  [RepetitionMandatory, 'RepetitionMandatory'],
  [RepetitionWithSeparator, 'RepetitionWithSeparator'],
  [RepetitionMandatoryWithSeparator, 'RepetitionMandatoryWithSeparator'],
];
/** Fields holding a token type; stored by the token's name. */
const TOKEN_FIELDS: ReadonlySet<string> = new Set(['terminalType', 'separator']);

function serializeNode(node: object): GastNode {
  const kind = NODE_KINDS.find(([cls]) => node.constructor === cls)?.[1];
  if (kind === undefined) throw new Error(`grammar cache: unknown production class ${node.constructor.name}`);
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(node)) {
    // children are stored below; a NonTerminal's referenced rule is linked again by name
    if (key === '_definition' || key === 'referencedRule' || value === undefined) continue;
    if (TOKEN_FIELDS.has(key)) fields[key] = (value as TokenType).name;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
    else throw new Error(`grammar cache: ${kind}.${key} is not a plain value`);
  }
  if (kind === 'NonTerminal' || kind === 'Terminal') return [kind, fields];
  return [kind, fields, (node as { definition: object[] }).definition.map(serializeNode)];
}

/** The rules' productions as plain data, every field the recording set (see `loadGast`). */
export function serializeGast(rules: readonly Rule[]): GastNode[] {
  return rules.map(serializeNode);
}

/**
 * Rebuilds recorded rules from `serializeGast`'s data: each production an object of its own
 * class with the same own fields the recorder gave it (the data holds all of them, defaults
 * included, so the constructors, which are slow, are not run). NonTerminals are left unlinked:
 * chevrotain's resolver links them by name, as it does after recording.
 */
export function loadGast(data: readonly GastNode[], tokens: ReadonlyMap<string, TokenType>): Map<string, Rule> {
  const prototypes = new Map<string, object>(NODE_KINDS.map(([cls, kind]) => [kind, cls.prototype as object]));
  const build = ([kind, fields, children]: GastNode): object => {
    const proto = prototypes.get(kind);
    if (proto === undefined) throw new Error(`grammar cache: unknown production class ${kind}`);
    const node = Object.create(proto) as Record<string, unknown>;
    // a Terminal has no definition; a NonTerminal's own (unused) one is [], as its constructor makes it
    if (kind === 'NonTerminal') node['_definition'] = [];
    else if (children !== undefined) node['_definition'] = children.map(build);
    for (const key in fields) {
      const value = fields[key]!;
      if (TOKEN_FIELDS.has(key)) {
        const type = tokens.get(String(value));
        if (type === undefined) throw new Error(`grammar cache: unknown token ${String(value)}`);
        node[key] = type;
      } else node[key] = value;
    }
    return node;
  };
  return new Map(data.map((node) => {
    const rule = build(node) as Rule;
    return [rule.name, rule];
  }));
}

/**
 * Identifies the code a recording would run: the parser class's compiled source text, the
 * token vocabulary (names, labels, patterns, categories) and chevrotain's version.
 */
export function sourceFingerprint(parserClass: abstract new (...args: never[]) => unknown, tokens: readonly TokenType[], maxLookahead: number): string {
  const hash = createHash('sha256').update(Function.prototype.toString.call(parserClass));
  for (const t of tokens) {
    const pattern = t.PATTERN instanceof RegExp ? `/${t.PATTERN.source}/${t.PATTERN.flags}` : String(t.PATTERN);
    hash.update(`|${t.name}:${String(t.LABEL)}:${pattern}:${(t.CATEGORIES ?? []).map((c) => c.name).join(',')}`);
  }
  return hash.update(`|k=${maxLookahead}|chevrotain ${VERSION}|gast-v1`).digest('hex').slice(0, 32);
}
