// Ctrl-R reverse history search, as bash and psql (readline) have it: Ctrl-R, then typed
// text finds the newest history entry containing it (case-insensitive); Ctrl-R again finds
// the next older one; Backspace shortens the search; Enter runs the entry found; Ctrl-G or
// Ctrl-C gives the search up and restores the line; any other key (an arrow, Ctrl-A, Ctrl-E,
// Esc) keeps the entry found on the line for editing and acts as usual.
//
// Node's readline has no such search, and no public hook for keys: its key handler is a
// method, `_ttyWrite` (kept by Node for compatibility; its internal symbol redirects to it),
// which is wrapped on the one instance. Where it cannot be found, Ctrl-R does nothing.

import type * as readline from 'node:readline';

interface Key {
  readonly sequence?: string;
  readonly name?: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

type KeyHandler = (s: string | undefined, key: Key | undefined) => void;

interface Editable {
  line: string;
  cursor: number;
  setPrompt(p: string): void;
  prompt(preserveCursor?: boolean): void;
}

function keyHandlerName(rl: object): string | symbol | undefined {
  // Node's public Interface redirects its internal symbol to `_ttyWrite` (kept for
  // compatibility), so wrapping `_ttyWrite` on the instance sees every key
  if (typeof (rl as { _ttyWrite?: unknown })._ttyWrite === 'function') return '_ttyWrite';
  for (let o: object | null = rl; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const sym = Object.getOwnPropertySymbols(o).find((x) => x.description === '_ttyWrite');
    if (sym !== undefined) return sym;
  }
  return undefined;
}

export class ReverseSearch {
  private active = false;
  private query = '';
  /** Index in the entries (newest first) of the entry shown, -1 for none. */
  private found = -1;
  private saved = { line: '', cursor: 0 };

  constructor(private readonly entries: () => readonly string[]) {}

  /** Adds Ctrl-R to a readline interface; `prompt` gives its normal prompt. */
  attach(rl: readline.Interface, prompt: () => string): void {
    const name = keyHandlerName(rl);
    if (name === undefined) return;
    const target = rl as unknown as Record<string | symbol, KeyHandler>;
    const original = target[name]!;
    this.active = false;
    const wrapped: KeyHandler = (s, key) => {
      if (!this.onKey(rl as unknown as Editable, s, key, prompt)) original.call(rl, s, key);
    };
    Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true });
  }

  /** True when the key was used by the search (readline must not see it). */
  private onKey(rl: Editable, s: string | undefined, key: Key | undefined, prompt: () => string): boolean {
    const ctrl = key?.ctrl === true;
    if (!this.active) {
      if (!(ctrl && key?.name === 'r')) return false;
      this.active = true;
      this.query = '';
      this.found = -1;
      this.saved = { line: rl.line, cursor: rl.cursor };
      this.show(rl);
      return true;
    }
    if (ctrl && key?.name === 'r') {
      this.find(this.found + 1);
      this.show(rl);
      return true;
    }
    if (ctrl && (key?.name === 'g' || key?.name === 'c')) {
      this.leave(rl, prompt, this.saved.line, this.saved.cursor);
      return true;
    }
    if (key?.name === 'backspace') {
      this.query = this.query.slice(0, -1);
      this.find(0);
      this.show(rl);
      return true;
    }
    if (s !== undefined && s.length >= 1 && !ctrl && key?.meta !== true && !/[\u0000-\u001f\u007f]/.test(s)) {
      this.query += s;
      this.find(Math.max(0, this.found));
      this.show(rl);
      return true;
    }
    // any other key: keep what was found and let readline act on the key (Enter runs it)
    const line = this.found >= 0 ? this.entries()[this.found]! : this.saved.line;
    this.leave(rl, prompt, line, line.length);
    return false;
  }

  /** The newest entry at or after `from` containing the query; keeps the last one found if none. */
  private find(from: number): void {
    const q = this.query.toLowerCase();
    const entries = this.entries();
    for (let i = from; i < entries.length; i++) {
      if (entries[i]!.toLowerCase().includes(q)) {
        this.found = i;
        this.failed = false;
        return;
      }
    }
    this.failed = true;
  }

  private failed = false;

  private show(rl: Editable): void {
    const entry = this.found >= 0 ? this.entries()[this.found]! : '';
    rl.setPrompt(`(${this.failed ? 'failed ' : ''}reverse-i-search)'${this.query}': `);
    rl.line = entry;
    const at = entry.toLowerCase().indexOf(this.query.toLowerCase());
    rl.cursor = at < 0 ? entry.length : at;
    rl.prompt(true);
  }

  private leave(rl: Editable, prompt: () => string, line: string, cursor: number): void {
    this.active = false;
    this.failed = false;
    rl.setPrompt(prompt());
    rl.line = line;
    rl.cursor = cursor;
    rl.prompt(true);
  }
}
