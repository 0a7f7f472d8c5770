// An internal error prints its message once: the stack's first line repeats the message
// (DuckDB's messages span several lines), so only the frames after it are printed.
import { describe, expect, it } from 'vitest';
import { stackFrames } from '../../src/common/errors.js';

describe('stackFrames', () => {
  it('drops the message (several lines long) from the stack and keeps the frames', () => {
    const e = new Error('IO Error: read_csv needs at least one file to read\n\nLINE 1: ... FROM read_csv([], ...\n   ^');
    const frames = stackFrames(e);
    expect(frames).not.toContain('read_csv needs');
    expect(frames).toMatch(/^ {4}at /);
    expect(frames.endsWith('\n')).toBe(true);
  });

  it('keeps a stack that does not start with the message', () => {
    const e = new Error('boom');
    e.stack = 'something else\n    at f (x.js:1:1)';
    expect(stackFrames(e)).toBe('something else\n    at f (x.js:1:1)\n');
  });
});
