// PROCTIME(): the processing time, a TIMESTAMP_LTZ(3) time attribute (Flink's spelling). Its
// kernel stamps every row of a batch with one reading of the processing clock: the rows of a
// batch are processed together. Nondeterministic, so it is never folded at plan time; `weir
// verify` records the values it produced and hands them to DuckDB as data (verify/verify.ts).

import { T } from '../../common/types.js';
import { processingTimeNow } from '../../common/processing-clock.js';
import { registerFunction } from '../registry.js';

registerFunction({
  name: 'proctime',
  sqlNames: ['PROCTIME'],
  doc: 'PROCTIME(): the processing time, a TIMESTAMP_LTZ(3) time attribute',
  deterministic: false,
  resolve(args) {
    if (args.length !== 0) return 'no arguments: PROCTIME()';
    return { args: [], ret: T.TIMESTAMP_LTZ };
  },
  kernel() {
    return (_args, n) => {
      const values = new Float64Array(n);
      values.fill(processingTimeNow());
      return { type: T.TIMESTAMP_LTZ, values, nulls: null };
    };
  },
});
