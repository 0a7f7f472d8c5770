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
import { Alternation, LLkLookaheadStrategy, NonTerminal, Option, Repetition, RepetitionMandatory, RepetitionMandatoryWithSeparator, RepetitionWithSeparator, getLookaheadPaths, serializeGrammar } from './chevrotain.js';

/** Token types by name for each path: decision key -> alternatives -> paths -> token names. */
export type LookaheadPaths = Record<string, string[][][]>;

export interface LookaheadCache {
  readonly fingerprint: string;
  readonly paths: LookaheadPaths;
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

  /** Turns the cache on when it was computed from `rules`; returns whether it was. */
  useCache(cache: LookaheadCache, rules: readonly Rule[], maxLookahead: number, tokens: ReadonlyMap<string, TokenType>): boolean {
    if (cache.fingerprint !== grammarFingerprint(rules, maxLookahead)) return false;
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
