// The one lexer instance of the dialect. Building a chevrotain Lexer analyses every pattern,
// so it is done once, at module load, and reused for every tokenize call.

import type { ILexingResult } from 'chevrotain';
import { Lexer } from './chevrotain.js';
import { allTokens } from './tokens.js';

export const sqlLexer = new Lexer([...allTokens], {
  // Offsets are all spans need, but line/column cost little and make chevrotain's own
  // diagnostics readable when debugging the grammar.
  positionTracking: 'full',
  // Fail at module load (not silently run slower) if a pattern defeats chevrotain's
  // first-character optimisation.
  ensureOptimizations: true,
});

/**
 * Splits SQL text into tokens. Whitespace and comments are dropped. Never throws on bad
 * input: characters no token matches are reported in `errors`, and unterminated strings,
 * quoted identifiers and block comments come back as the error tokens listed in
 * `ERROR_TOKENS` (grammar/tokens.ts), for the caller to report.
 */
export function tokenize(text: string): ILexingResult {
  return sqlLexer.tokenize(text);
}
