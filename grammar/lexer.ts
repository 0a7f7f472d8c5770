// The one lexer instance of the dialect. Building a chevrotain Lexer analyses every pattern,
// so it is done once, at module load, and reused for every tokenize call.

import type { ILexingResult } from 'chevrotain';
import { Lexer } from './chevrotain.js';
import { allTokens } from './tokens.js';

/**
 * A lexer for the dialect's tokens. `validate` runs chevrotain's checks of the token
 * definitions, including that no pattern defeats its first-character optimisation; they cost
 * about 0.25 s, so the shared lexer skips them and test/unit/parser.test.ts builds one with them.
 */
export function buildLexer(validate = false): InstanceType<typeof Lexer> {
  return new Lexer([...allTokens], {
    // Offsets are all spans need, but line/column cost little and make chevrotain's own
    // diagnostics readable when debugging the grammar.
    positionTracking: 'full',
    ensureOptimizations: validate,
    skipValidations: !validate,
  });
}

export const sqlLexer = buildLexer();

/**
 * Splits SQL text into tokens. Whitespace and comments are dropped. Never throws on bad
 * input: characters no token matches are reported in `errors`, and unterminated strings,
 * quoted identifiers and block comments come back as the error tokens listed in
 * `ERROR_TOKENS` (grammar/tokens.ts), for the caller to report.
 */
export function tokenize(text: string): ILexingResult {
  return sqlLexer.tokenize(text);
}
