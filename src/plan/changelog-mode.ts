// Changelog modes of a physical plan, for `EXPLAIN CHANGELOG_MODE`.
//
// A mode is the set of row kinds a node may emit, written as Flink writes it:
// I (+I insert), UB (-U update before), UA (+U update after), D (-D delete), in that order;
// a sink, which emits nothing downstream, is [NONE]. The modes are those of weir's operators:
//   source       [I], or [I,UB,UA,D] for a changelog format (debezium-json)
//   group agg    [I,UB,UA] over an append-only input, [I,UB,UA,D] when it may retract a group
//   window agg, window TVF, interval / window / temporal join   [I]
//   regular join inner: the union of both inputs' modes (it forwards each input row's kind);
//                outer (LEFT, RIGHT, FULL): [I,D], as Flink's join operator emits a padded row
//                as +I and takes it back with -D, and a joined row likewise;
//                semi: the left input's kinds, plus D when the right input retracts;
//                anti: the left input's kinds plus I and D
//   calc         its input's mode; union: the union of its inputs'
// Where Flink's planner declares a mode wider than what its operators emit (it gives every
// outer join [I,UB,UA,D] when the consumer wants retractions), weir shows what it emits.

import type { PhysicalNode, PhysicalPlan } from './physical.js';

/** Bits of a mode. */
const I = 1;
const UB = 2;
const UA = 4;
const D = 8;

export function formatChangelogMode(mode: number | 'none'): string {
  if (mode === 'none') return '[NONE]';
  const kinds: string[] = [];
  if (mode & I) kinds.push('I');
  if (mode & UB) kinds.push('UB');
  if (mode & UA) kinds.push('UA');
  if (mode & D) kinds.push('D');
  return `[${kinds.join(',')}]`;
}

/** Each node's changelog mode (by node id), as Flink prints it: `[I]`, `[I,UB,UA,D]`, `[NONE]`. */
export function changelogModes(plan: PhysicalPlan): Map<number, string> {
  const bits = new Map<number, number | 'none'>();
  const of = (n: PhysicalNode, i: number): number => {
    const m = bits.get(n.inputs[i]!.from);
    return typeof m === 'number' ? m : I;
  };
  const all = (n: PhysicalNode): number => n.inputs.reduce((acc, _, i) => acc | of(n, i), 0);
  for (const n of plan.nodes) {
    const s = n.spec;
    let m: number | 'none';
    switch (s.kind) {
      case 'source':
        m = n.updating ? I | UB | UA | D : I;
        break;
      case 'values':
      case 'window-tvf':
      case 'window-aggregate':
      case 'local-group-aggregate':
        m = I;
        break;
      case 'group-aggregate':
        m = s.inputUpdating ? I | UB | UA | D : I | UB | UA;
        break;
      case 'join': {
        if (s.strategy.kind !== 'regular') {
          m = I;
          break;
        }
        const left = of(n, 0);
        const right = of(n, 1);
        const rightRetracts = (right & (UB | D)) !== 0;
        if (s.joinType === 'inner') m = left | right;
        else if (s.joinType === 'semi') m = left | I | (rightRetracts ? D : 0);
        else if (s.joinType === 'anti') m = left | I | D;
        else m = I | D;
        break;
      }
      case 'calc':
      case 'unnest':
      case 'correlate':
      case 'lookup-join':
      case 'file-lookup-join':
      case 'union':
        m = all(n);
        break;
      case 'sink':
      case 'collect':
        m = 'none';
        break;
      default:
        // an operator this table does not know yet: what the plan says about its output
        m = n.updating ? I | UB | UA | D : I;
    }
    bits.set(n.id, m);
  }
  return new Map([...bits].map(([id, m]) => [id, formatChangelogMode(m)]));
}
