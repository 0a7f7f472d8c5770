// Drives the real `weir` REPL in a real terminal: a tmux session on a private server socket.
// Keys are sent with send-keys, the screen is read with capture-pane.

import { execFileSync } from 'node:child_process';
import { ROOT, WEIR } from '../cli/weir.js';

const SOCKET = `weir-test-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let counter = 0;

export class Terminal {
  private constructor(readonly name: string) {}

  /** Starts `weir` (with `args`) in a new terminal of the given size; the shell prints `[exited N]` when it ends. */
  static start(opts: { env?: Record<string, string>; cwd?: string; width?: number; height?: number; args?: readonly string[] } = {}): Terminal {
    const name = `t${++counter}`;
    const env = Object.entries({ WEIR_HISTORY: '', ...opts.env })
      .map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const cmd = `cd '${opts.cwd ?? ROOT}' && env ${env} '${process.execPath}' '${WEIR}' ${(opts.args ?? []).join(' ')}; echo "[exited $?]"; sleep 600`;
    tmux('new-session', '-d', '-s', name, '-x', String(opts.width ?? 160), '-y', String(opts.height ?? 40), cmd);
    return new Terminal(name);
  }

  /** Types text literally (a trailing `;` is escaped from tmux's own command parser). */
  type(text: string): void {
    tmux('send-keys', '-t', this.name, '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text);
  }

  /** Pastes text as a terminal does: all at once, each newline arriving as Enter. */
  paste(text: string): void {
    tmux('set-buffer', '-b', 'weir-paste', text);
    tmux('paste-buffer', '-d', '-b', 'weir-paste', '-t', this.name);
  }

  /** Presses keys by tmux name: Enter, Tab, Up, C-c, C-d, C-u. */
  press(...keys: string[]): void {
    tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Types a line and presses Enter. */
  line(text: string): void {
    this.type(text);
    this.press('Enter');
  }

  /** Resizes the terminal, as a user dragging its window. */
  resize(width: number, height: number): void {
    tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  /** The visible screen only (no scrollback), one string per line, wrapped lines not joined. */
  visible(): string[] {
    return tmux('capture-pane', '-p', '-t', this.name).replace(/\s+$/, '').split('\n');
  }

  /** The screen and its scrollback, wrapped lines joined, trailing blank lines dropped. */
  screen(): string {
    return tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', this.name).replace(/\s+$/, '');
  }

  /** Waits until the screen satisfies `pred` (a text it contains, a pattern, or a test); returns it. */
  async waitFor(pred: string | RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const test = typeof pred === 'string' ? (s: string) => s.includes(pred) : pred instanceof RegExp ? (s: string) => pred.test(s) : pred;
    const deadline = Date.now() + timeoutMs;
    let s = '';
    for (;;) {
      s = this.screen();
      if (test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pred)}; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Text after the last occurrence of `marker` on the screen. */
  after(marker: string): string {
    const s = this.screen();
    const i = s.lastIndexOf(marker);
    return i < 0 ? '' : s.slice(i + marker.length);
  }

  kill(): void {
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

export function killServer(): void {
  try {
    tmux('kill-server');
  } catch {
    // no server
  }
}
