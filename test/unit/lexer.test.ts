// The hand-written scanner (grammar/lexer.ts) against a chevrotain Lexer built from the same
// token definitions (grammar/tokens.ts): both must split every text into the same tokens and
// report the same unmatched characters.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLexer, tokenize } from '../../grammar/lexer.js';

const reference = buildLexer();

function shape(text: string): unknown {
  const r = reference.tokenize(text);
  return {
    tokens: r.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.tokenTypeIdx]),
    errors: r.errors.map((e) => [e.offset, e.length]),
  };
}

function ours(text: string): unknown {
  const r = tokenize(text);
  return {
    tokens: r.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.tokenTypeIdx]),
    errors: r.errors.map((e) => [e.offset, e.length]),
  };
}

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (ext.test(name)) out.push(p);
  }
  return out;
}

const ROOT = join(import.meta.dirname, '..', '..');

describe('lexer', () => {
  it('splits every test and example query as chevrotain does', () => {
    const paths = [...files(join(ROOT, 'test', 'sql', 'cases'), /\.sqltest$/), ...files(join(ROOT, 'queries'), /\.sql$/)];
    expect(paths.length).toBeGreaterThan(20);
    let tokens = 0;
    for (const p of paths) {
      const text = readFileSync(p, 'utf8');
      expect(ours(text), p).toEqual(shape(text));
      tokens += tokenize(text).tokens.length;
    }
    expect(tokens).toBeGreaterThan(10_000);
  });

  it('cases at the edges of each pattern', () => {
    const texts = [
      "'abc''", "'a''b''", "'", "''", "''''", "'x'''y", '`a``', '`', '``', '"x', '"x"y', '/* a', '/* a */ b', '--x\ny', '--',
      '1.e5', '1e', '1e+', '1E-3x', '.5.5', '..5', '1..2', '12.34.56', 'a.b', '1abc', 'abc1$', '$a', 'selectx', 'SeLeCt',
      'in inner into interval', 'ROWS ROW', '|a', '||', '|||', '!', '!=!', '#', '##a', '@@', 'a\u3000b', '\u3000a',
      'caf\u00e9 \u00c0x', 'x\u00a0y', '\u0001a', 'a\u00b5b', '\u017fELECT', 'sel\u0130ct', '=>>=<=<>', '-1--2', '/*/', '*/',
      '\ud83d\ude00x', 'x\r\ny', '',
    ];
    for (const t of texts) expect(ours(t), JSON.stringify(t)).toEqual(shape(t));
  });

  it('random text made of SQL fragments', () => {
    const pieces = [
      'SELECT', 'select', 'FrOm', 'x', '_y', 'a1', '1', '2.5', '.5', '1e3', 'e', 'E', '+', '-', '*', '/', '%', '|', '||', '!',
      '=', '<', '>', '(', ')', '[', ']', ',', '.', ';', "'", "''", '`', '"', ' ', '\n', '\t', '--', '/*', '*/', '#', '$',
      '\u00e9', '\u3000', 'INTERVAL', 'ROW', 'S', 'in', 'TO',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(ours(text)).toEqual(shape(text));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        expect(ours(text)).toEqual(shape(text));
      }),
      { numRuns: 2000 },
    );
  });

});
