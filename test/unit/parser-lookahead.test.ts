// The parser's lookahead cache (grammar/lookahead.ts): decisions use LL(k) paths computed at
// build time rather than at every start. These tests keep the cache in step with the grammar
// and check that cached decisions choose what chevrotain's own analysis chooses.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IOrAlt, OptionalProductionType, Rule, TokenType } from 'chevrotain';
import { EOF, LLkLookaheadStrategy } from '../../grammar/chevrotain.js';
import { CachedLookahead, computeLookaheadCache, loadGast, serializeGast } from '../../grammar/lookahead.js';
import { LOOKAHEAD_CACHE } from '../../grammar/lookahead-cache.js';
import { MAX_LOOKAHEAD, SqlParser, sqlParser } from '../../grammar/parser.js';
import * as T from '../../grammar/tokens.js';
import { tokenize } from '../../grammar/lexer.js';

const lex = (text: string) => tokenize(text).tokens;

describe('the lookahead cache', () => {
  it('was computed from the current grammar (else run `npm run lookahead`)', () => {
    const fresh = computeLookaheadCache(Object.values(new SqlParser({ cache: null }).getGAstProductions()), MAX_LOOKAHEAD);
    expect(LOOKAHEAD_CACHE.fingerprint).toBe(fresh.fingerprint);
    expect(LOOKAHEAD_CACHE.paths).toEqual(fresh.paths);
    expect(sqlParser.lookaheadCached).toBe(true);
  });

  it('holds the recorded grammar, field by field, and rebuilds it as recorded', () => {
    const recorded = Object.values(new SqlParser({ cache: null }).getGAstProductions());
    const stored = JSON.parse(LOOKAHEAD_CACHE.gast!) as ReturnType<typeof serializeGast>;
    // serializeGast keeps each production's class and every own field (it throws on any it
    // cannot store), so this fails when the grammar changed and the cache was not regenerated
    expect(stored).toEqual(serializeGast(recorded));
    const byName = new Map<string, TokenType>([...T.allTokens, EOF].map((t) => [t.name, t]));
    const loaded = [...loadGast(stored, byName).values()];
    expect(serializeGast(loaded)).toEqual(serializeGast(recorded));
    // token types are the very objects the lexer produces, not copies
    const terminal = JSON.stringify(stored).includes('"terminalType":"SELECT"');
    expect(terminal).toBe(true);
    const find = (node: unknown): unknown => {
      const n = node as { terminalType?: TokenType; definition?: unknown[] };
      if (n.terminalType?.name === 'SELECT') return n.terminalType;
      for (const c of n.definition ?? []) {
        const f = find(c);
        if (f !== undefined) return f;
      }
      return undefined;
    };
    expect(loaded.map(find).find((t) => t !== undefined)).toBe(T.SELECT);
  });

  it('the built parser that `weir` runs loads its grammar from the cache instead of recording it', () => {
    // vitest compiles (and rewrites the imports of) what it loads, so its parser does not match
    // the cache's source fingerprint and records; bin/weir.js runs tsc's output in dist/, which
    // a plain node process loads as is (~0.3 s)
    const script = "const { sqlParser: p } = await import(process.argv[1]); console.log(JSON.stringify([p.grammarCached, p.lookaheadCached]))";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, fileURLToPath(new URL('../../dist/grammar/parser.js', import.meta.url))], { encoding: 'utf8' });
    expect(JSON.parse(out), 'dist/ is stale or the cache is: run `npm run lookahead`').toEqual([true, true]);
    expect(sqlParser.grammarCached).toBe(false);
  });

  it('is refused when it was made from another grammar', () => {
    const stale = { fingerprint: 'not-this-grammar', paths: LOOKAHEAD_CACHE.paths };
    expect(new SqlParser({ cache: stale }).lookaheadCached).toBe(false);
  });

  it('parses as the uncached parser does, errors included', () => {
    const cached = new SqlParser();
    const uncached = new SqlParser({ cache: null });
    const loaded = new SqlParser({ grammar: 'cache' });
    expect(cached.lookaheadCached).toBe(true);
    expect(uncached.lookaheadCached).toBe(false);
    expect(loaded.grammarCached && loaded.lookaheadCached).toBe(true);
    const inputs = [
      'SELECT 1',
      "CREATE TABLE t (a INT, ts TIMESTAMP(3), r ROW<x INT, y ARRAY<STRING>>, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, PRIMARY KEY (a) NOT ENFORCED) WITH ('connector' = 'datagen')",
      "INSERT INTO s SELECT a, COUNT(*) FILTER (WHERE a > 1) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY a, window_start, window_end",
      'SELECT * FROM (SELECT a, ROW_NUMBER() OVER (PARTITION BY a ORDER BY ts DESC) AS rn FROM t) WHERE rn <= 3',
      'SELECT t.*, u.b FROM t LEFT JOIN u FOR SYSTEM_TIME AS OF t.ts ON t.a = u.a WHERE EXISTS (SELECT 1 FROM v WHERE v.a = t.a)',
      "SELECT CAST(a AS DECIMAL(10, 2)), TIMESTAMP '2024-01-01 00:00:00', x[1], m['k'], r.x FROM t CROSS JOIN UNNEST(arr) AS u(x)",
      'WITH w AS (SELECT 1 AS a) SELECT a FROM w UNION ALL (SELECT 2)',
      'SELECT FROM WHERE',
      'CREATE TABLE (',
      "SET 'table.exec.state.ttl' = '1 h'",
    ];
    for (const text of inputs) {
      const run = (p: SqlParser) => {
        p.input = lex(text);
        const cst = p.script();
        return { cst: JSON.stringify(cst), errors: p.errors.map((e) => `${e.name}: ${e.message} @${e.token.startOffset}`) };
      };
      expect(run(cached), text).toEqual(run(uncached));
      expect(run(loaded), text).toEqual(run(uncached));
      // completion walks the grammar's productions
      const tokens = lex(text);
      const assist = (p: SqlParser) => p.computeContentAssist('script', tokens).map((s) => `${s.nextTokenType.name}@${s.ruleStack.join('/')}`).sort();
      expect(assist(loaded), text).toEqual(assist(uncached));
    }
  });

  it('every cached decision chooses as chevrotain\'s analysis does, on every token sequence of its paths', () => {
    const rules = new SqlParser({ cache: null }).getGAstProductions() as Record<string, Rule>;
    const byName = new Map<string, TokenType>(T.allTokens.map((t) => [t.name, t]));
    const cached = new CachedLookahead(MAX_LOOKAHEAD);
    expect(cached.useCache(LOOKAHEAD_CACHE, Object.values(rules), MAX_LOOKAHEAD, byName)).toBe(true);
    const llk = new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD });
    // token indices that match a path element: the type itself, and the types it is a category of
    const instances = (t: TokenType): number[] => [t.tokenTypeIdx!, ...((t.categoryMatches ?? []) as number[])];
    let decisions = 0;
    let checks = 0;
    for (const [key, alts] of Object.entries(LOOKAHEAD_CACHE.paths)) {
      const [ruleName, prodType, occurrence, k] = key.split('|');
      const rule = rules[ruleName!]!;
      const sequences: number[][] = [[EOF.tokenTypeIdx!]];
      for (const alt of alts)
        for (const path of alt) {
          const types = path.map((n) => byName.get(n)!);
          sequences.push(types.map((t) => t.tokenTypeIdx!));
          types.forEach((t, i) => {
            for (const idx of instances(t)) sequences.push([...types.slice(0, i).map((x) => x.tokenTypeIdx!), idx]);
          });
        }
      const run = (fn: (this: unknown, arg?: IOrAlt<unknown>[]) => unknown, seq: number[], arg?: IOrAlt<unknown>[]) => {
        const la = (i: number) => ({ tokenTypeIdx: seq[i - 1] ?? EOF.tokenTypeIdx });
        return fn.call({ LA: la, LA_FAST: la }, arg);
      };
      if (prodType === 'Alternation') {
        for (const hasPredicates of [false, true]) {
          const opts = { prodOccurrence: Number(occurrence), rule, maxLookahead: Number(k), hasPredicates, dynamicTokensEnabled: false };
          const mine = cached.buildLookaheadForAlternation(opts) as never;
          const theirs = llk.buildLookaheadForAlternation(opts) as never;
          const orAlts = hasPredicates ? (alts.map(() => ({ ALT: () => undefined })) as IOrAlt<unknown>[]) : undefined;
          for (const seq of sequences) {
            expect(run(mine, seq, orAlts), `${key} on ${seq}`).toBe(run(theirs, seq, orAlts));
            checks++;
          }
        }
      } else {
        const opts = { prodOccurrence: Number(occurrence), prodType: prodType as OptionalProductionType, rule, maxLookahead: Number(k), dynamicTokensEnabled: false };
        const mine = cached.buildLookaheadForOptional(opts) as never;
        const theirs = llk.buildLookaheadForOptional(opts) as never;
        for (const seq of sequences) {
          expect(run(mine, seq), `${key} on ${seq}`).toBe(run(theirs, seq));
          checks++;
        }
      }
      decisions++;
    }
    expect(decisions).toBe(Object.keys(LOOKAHEAD_CACHE.paths).length);
    expect(checks).toBeGreaterThan(1000);
  });
});
