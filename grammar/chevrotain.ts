// chevrotain, loaded from the single-file build its package ships (lib/chevrotain.mjs).
//
// The package's entry point is an ES module tree that imports lodash-es file by file: several
// hundred modules, about 0.9 s of start-up per process on our machine, paid by every `weir`
// command and every worker thread. The bundled build is the same code in one file and loads in
// about 0.06 s. Its path is found from the package's own entry, so it works wherever npm put
// the package. Every value import of chevrotain goes through this module: two copies would
// number token types separately, and tokens of one would not match the other's.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

const entry = createRequire(import.meta.url).resolve('chevrotain'); // .../lib/src/api.js
const chevrotain = (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.mjs')).href)) as Chevrotain;

export const { CstParser, EOF, LLkLookaheadStrategy, Lexer, createToken, createTokenInstance, tokenMatcher } = chevrotain;
// the grammar's node classes and the LL(k) analysis, for the grammar cache (grammar/lookahead.ts)
export const {
  Alternation,
  Alternative,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  NonTerminal,
  Rule,
  Terminal,
  VERSION,
  getLookaheadPaths,
  serializeGrammar,
} = chevrotain;
