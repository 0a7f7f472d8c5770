// The `blackhole` sink: discards every row (benchmarks measure the pipeline without output).

import type { SinkConnector } from '../connector.js';

export function blackholeSink(): SinkConnector {
  return {
    acceptsUpdates: true,
    transactional: false,
    createWriter: () => ({
      write: () => undefined,
      prepareCommit: async () => null,
      commit: async () => undefined,
      finish: async () => undefined,
      close: async () => undefined,
    }),
  };
}
