// Correlate: a user-defined table function joined per row (CROSS JOIN LATERAL TABLE(f(x)),
// LEFT JOIN LATERAL TABLE(f(x)) ON TRUE). Stateless; watermarks pass through. The arguments
// are compiled once and evaluated over the whole batch; the function then runs once per row,
// and each row it produces becomes an output row: the input row (gathered by index) followed
// by the function's columns. An inner correlate drops a row that produces nothing; a left one
// keeps it with NULLs. Each output row keeps its input row's changelog kind, so a retraction
// retracts exactly the rows its insertion produced (the function must be deterministic).

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { ColumnBuilder, takeBatch } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { BoundExpr } from '../../expr/bound.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import { TableFunctionRunner } from '../../expr/udf.js';
import type { Collector, Operator } from '../operator.js';

export class CorrelateOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): the input columns are gathered as they are (takeBatch); a wide argument reaches the table function as bigints (udf.ts readValue). */
  readonly wideInts = true;
  private readonly args: CompiledExpr[];
  private readonly runner: TableFunctionRunner;
  private readonly out: ColumnBuilder[];
  private idx = new Int32Array(1024);
  private m = 0;
  private current = 0;
  private readonly emitRow: (row: readonly Scalar[]) => void;

  constructor(
    private readonly name: string,
    key: string,
    args: readonly BoundExpr[],
    private readonly left: boolean,
    columnTypes: readonly DataType[],
  ) {
    this.args = args.map(compileExpr);
    this.runner = new TableFunctionRunner(name, key);
    this.out = columnTypes.map((t) => new ColumnBuilder(t));
    this.emitRow = (row) => {
      this.push(this.current);
      for (let c = 0; c < this.out.length; c++) this.out[c]!.push(row[c]!);
    };
  }

  private push(i: number): void {
    if (this.m === this.idx.length) {
      const a = new Int32Array(this.idx.length * 2);
      a.set(this.idx);
      this.idx = a;
    }
    this.idx[this.m++] = i;
  }

  processBatch(batch: Batch, out: Collector): void {
    const argCols: Column[] = this.args.map((a) => a(batch));
    this.m = 0;
    for (let i = 0; i < batch.length; i++) {
      this.current = i;
      const produced = this.runner.run(argCols, i, this.emitRow);
      if (produced === 0 && this.left) {
        this.push(i);
        for (const b of this.out) b.pushNull();
      }
    }
    if (this.m === 0) {
      for (const b of this.out) b.finish();
      return;
    }
    const gathered = takeBatch(batch, this.idx, this.m);
    out.emit({ length: this.m, columns: [...gathered.columns, ...this.out.map((b) => b.finish())], ops: gathered.ops });
  }
}
