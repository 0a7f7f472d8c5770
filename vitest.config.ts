import { defineConfig } from 'vitest/config';
import Interleaved from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // every connector loaded first: they load on demand, and require cannot load .ts (test/setup.ts)
    setupFiles: ['test/setup.ts'],
    // Tests that start real processes or DuckDB need more than the 5s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CPU-bound and waiting test files interleaved (test/sequencer.ts), so both cores stay busy.
    sequence: { sequencer: Interleaved },
    pool: 'forks',
    // Three forks on two cores: the crash and shell tests spend most of their time waiting
    // (rate-limited sources, kill timers, a terminal to redraw); the recovery files use about
    // 240 s of CPU in 740 s of wall time. A third fork fills those waits with other files.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
