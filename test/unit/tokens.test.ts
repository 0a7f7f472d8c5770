// Token categories as tokens.ts builds them, before any chevrotain Lexer or parser recomputes
// them (this file builds neither): keywords join their categories by hand (joinCategories).
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../grammar/lexer.js';
import * as T from '../../grammar/tokens.js';
import { tokenMatcher } from '../../grammar/chevrotain.js';

describe('tokens', () => {
  it('token categories: each category matches exactly the tokens that name it (tokens.ts joins keywords to them by hand)', () => {
    const categories = [T.NonReserved, T.AliasWord, T.IntervalUnit, T.TimeUnit, T.OptionWord, T.Keyword, T.ComparisonOperator, T.AdditiveOperator, T.MultiplicativeOperator];
    for (const c of categories) {
      const members = T.allTokens.filter((t) => (t.CATEGORIES ?? []).includes(c)).map((t) => t.tokenTypeIdx!);
      expect(members.length, c.name).toBeGreaterThan(0);
      expect([...c.categoryMatches!].sort((a, b) => a - b), c.name).toEqual(members.sort((a, b) => a - b));
      expect(c.isParent).toBe(true);
    }
    // as the parser and cst-to-ast see them
    const [timestamp, select, ident] = tokenize('timestamp select x').tokens;
    expect(tokenMatcher(timestamp!, T.NonReserved)).toBe(true);
    expect(tokenMatcher(timestamp!, T.Keyword)).toBe(true);
    expect(tokenMatcher(select!, T.NonReserved)).toBe(false);
    expect(tokenMatcher(select!, T.OptionWord)).toBe(true);
    expect(tokenMatcher(ident!, T.Keyword)).toBe(false);
    expect(T.KEYWORDS.filter((w) => tokenMatcher(tokenize(w).tokens[0]!, T.Keyword)).length).toBe(T.KEYWORDS.length);
  });
});
