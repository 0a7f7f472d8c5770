// STOP JOB takes the job id unquoted, as SHOW JOBS prints it: a hex id lexes as a number and a
// word (`349e82` `b5`), which the parser joins back; ids with a space between parts are refused.
import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/sql/parse.js';

const parse = (text: string) => parseScript({ name: 'x.sql', text });

describe('STOP JOB with an unquoted id', () => {
  it.each([
    ['STOP JOB 349e82b5', '349e82b5', false],
    ['STOP JOB deadbeef WITH SAVEPOINT', 'deadbeef', true],
    ['STOP JOB 12345678', '12345678', false],
    ['STOP JOB 0a1b2c3d', '0a1b2c3d', false],
    ["STOP JOB '349e82b5'", '349e82b5', false],
  ])('%s', (text, id, withSavepoint) => {
    expect(parse(text)).toMatchObject([{ kind: 'stop-job', jobId: id, withSavepoint }]);
  });

  it('parts with a space between them: an error that says to quote the id', () => {
    expect(() => parse('STOP JOB 349e82 b5')).toThrow(/a job id is one word/);
    try {
      parse('STOP JOB 349e82 b5');
    } catch (e) {
      expect((e as { hint?: string }).hint).toBe("quote it: STOP JOB '349e82 b5'");
    }
  });
});
