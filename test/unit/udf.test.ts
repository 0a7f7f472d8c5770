// CREATE / DROP / SHOW of user-defined functions in a session, and the module contract's
// checks (the queries themselves are in test/sql/cases/udf.sqltest and test/recovery/udf.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/sql/parse.js';
import { Session } from '../../src/sql/session.js';
import type { StatementResult } from '../../src/sql/session.js';
import { WeirError } from '../../src/common/errors.js';

const parse = (text: string) => parseScript({ name: '<test>', text });

async function run(session: Session, text: string): Promise<StatementResult[]> {
  const source = { name: '<test>', text };
  await session.loadFunctionModules(source);
  return session.executeScript(source).map((r) => r.result);
}

async function failure(session: Session, text: string): Promise<WeirError> {
  try {
    await run(session, text);
  } catch (e) {
    if (e instanceof WeirError) return e;
    throw e;
  }
  throw new Error(`no error from: ${text}`);
}

function moduleFile(text: string, name = 'f.mjs'): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-udf-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const SCALAR = `export default { args: ['STRING'], returns: 'INT', eval(s) { return s.length; } };`;

describe('CREATE FUNCTION statements', () => {
  it('parses the Flink forms', () => {
    expect(parse("CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f AS 'm.js' LANGUAGE JAVASCRIPT; CREATE FUNCTION g AS 'x.mjs'; DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f; DROP FUNCTION g; SHOW USER FUNCTIONS")).toMatchObject([
      { kind: 'create-function', temporary: true, system: true, ifNotExists: true, module: 'm.js', language: { value: 'JAVASCRIPT' }, name: { parts: [{ value: 'f' }] } },
      { kind: 'create-function', temporary: false, system: false, ifNotExists: false, module: 'x.mjs', language: undefined },
      { kind: 'drop', object: 'function', temporary: true, ifExists: true },
      { kind: 'drop', object: 'function', temporary: false, ifExists: false },
      { kind: 'show', what: 'user-functions' },
    ]);
    // the new keywords stay usable as names
    expect(parse('SELECT user, system, language, function FROM t')).toHaveLength(1);
  });

  it('SYSTEM is for functions only', () => {
    expect(() => parse('CREATE SYSTEM TABLE t (a INT)')).toThrow(/SYSTEM applies to functions only/);
    expect(() => parse('DROP SYSTEM TABLE t')).toThrow(/SYSTEM applies to functions only/);
  });

  it('creates, lists and drops a function; a relative path is resolved against the working directory', async () => {
    const path = moduleFile(SCALAR);
    const s = new Session();
    const rel = relative(process.cwd(), path);
    const [created, again, user, all] = await run(s, `CREATE FUNCTION strlen AS '${rel}'; CREATE FUNCTION IF NOT EXISTS strlen AS '${rel}'; SHOW USER FUNCTIONS; SHOW FUNCTIONS;`);
    expect(created).toEqual({ kind: 'ok', message: 'scalar function strlen created' });
    expect(again).toMatchObject({ kind: 'ok', message: 'function strlen already exists (kept)' });
    expect(user).toEqual({ kind: 'table', header: ['function name'], rows: [['strlen']] });
    const rows = all?.kind === 'table' ? all.rows : [];
    expect(rows.find((r) => r[0] === 'strlen')).toEqual(['strlen', `scalar function from '${rel}' (user-defined)`]);
    expect(rows.some((r) => r[0] === 'UPPER')).toBe(true);
    expect((await failure(s, `CREATE FUNCTION strlen AS '${rel}'`)).message).toBe("function 'strlen' already exists");
    const [dropped] = await run(s, 'DROP FUNCTION strlen');
    expect(dropped).toEqual({ kind: 'ok', message: 'function strlen dropped' });
    expect(await run(s, 'SHOW USER FUNCTIONS')).toEqual([{ kind: 'table', header: ['function name'], rows: [] }]);
    expect((await failure(s, 'DROP FUNCTION strlen')).message).toBe("function 'strlen' not found");
  });

  it('refuses what is not a JavaScript module: a Java class, another LANGUAGE, a missing file, a broken module', async () => {
    const s = new Session();
    const java = await failure(s, "CREATE FUNCTION f AS 'com.example.MyUdf' LANGUAGE JAVA");
    expect(java.message).toBe('LANGUAGE JAVA is not supported: weir runs user-defined functions written in JavaScript');
    expect(java.hint).toBe("write the function as an ES module and create it with CREATE FUNCTION f AS 'path/to/f.js' LANGUAGE JAVASCRIPT");
    const scala = await failure(s, "CREATE FUNCTION f AS 'org.acme.Udf'");
    expect(scala.message).toMatch(/looks like a Java class name, but weir runs user-defined functions written in JavaScript/);
    expect(scala.span).toEqual({ start: 21, end: 35 });
    expect((await failure(s, "CREATE FUNCTION f AS '/nonexistent/f.js'")).message).toBe('function module not found: /nonexistent/f.js');
    const syntax = await failure(s, `CREATE FUNCTION f AS '${moduleFile('export default {')}'`);
    expect(syntax.message).toMatch(/^cannot load the module of function f: /);
  });

  it('checks the module contract and the name', async () => {
    const s = new Session();
    const msg = async (text: string): Promise<string> => (await failure(s, `CREATE FUNCTION f AS '${moduleFile(text)}'`)).message;
    expect(await msg(`export default { args: ['STRING'], returns: 'INT' };`)).toBe('function f: a scalar function module must export a function eval');
    expect(await msg(`export default { returns: 'INT', eval() { return 1; } };`)).toBe("function f: args must list the argument types, e.g. args: ['STRING', 'INT']");
    expect(await msg(`export default { args: ['TEXTY'], returns: 'INT', eval() { return 1; } };`)).toMatch(/^function f: argument 1: unknown or unsupported type 'TEXTY'/);
    expect(await msg(`export default { kind: 'aggregate', args: ['INT'], returns: 'INT', createAccumulator() { return {}; }, getValue() { return 1; } };`)).toBe('function f: an aggregate function module must export a function accumulate');
    expect(await msg(`export default { kind: 'window', args: [], returns: 'INT', eval() {} };`)).toBe("function f: kind must be 'scalar', 'aggregate' or 'table', got \"window\"");
    // named exports work as well as a default export
    const [ok] = await run(s, `CREATE FUNCTION g AS '${moduleFile(`export const args = ['INT']; export const returns = 'INT'; export function eval_(x) { return x; } export { eval_ as eval };`)}'`);
    expect(ok).toEqual({ kind: 'ok', message: 'scalar function g created' });
    expect((await failure(s, `CREATE FUNCTION upper AS '${moduleFile(SCALAR)}'`)).message).toBe('upper is a built-in function');
  });
});
