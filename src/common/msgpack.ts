// msgpackr, loaded on first use. Importing it took about 70 ms of every `weir` start (issue 13:
// start-up), and only checkpoints and the partial rows of two-phase user-defined aggregates
// need it. Its CommonJS build (the package's `require` entry: the same code, bundled) is
// required synchronously where first needed, so callers stay synchronous.
import { createRequire } from 'node:module';

type Msgpackr = typeof import('msgpackr');

let loaded: Msgpackr | undefined;

export function msgpackr(): Msgpackr {
  return (loaded ??= createRequire(import.meta.url)('msgpackr') as Msgpackr);
}
