// An aggregate function, Flink's WeightedAvg: the average of `value` weighted by `weight`.
// accumulate/retract change the accumulator in place; merge lets window aggregations
// pre-aggregate in two phases (and SESSION windows merge); the accumulator is plain data,
// so it goes into checkpoints as it is.
export default {
  kind: 'aggregate',
  args: ['BIGINT', 'INT'],
  returns: 'DOUBLE',
  createAccumulator() {
    return { sum: 0, count: 0 };
  },
  accumulate(acc, value, weight) {
    if (value === null || weight === null) return;
    acc.sum += value * weight;
    acc.count += weight;
  },
  retract(acc, value, weight) {
    if (value === null || weight === null) return;
    acc.sum -= value * weight;
    acc.count -= weight;
  },
  merge(acc, others) {
    for (const o of others) {
      acc.sum += o.sum;
      acc.count += o.count;
    }
  },
  getValue(acc) {
    return acc.count === 0 ? null : acc.sum / acc.count;
  },
};
