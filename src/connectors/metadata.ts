// Metadata a connector can read for a table's METADATA columns, by key, with its type, named
// as Flink's counterpart names them: the filesystem source's file.* keys
// (FileSystemTableSource) and the postgres-cdc source's keys (Flink CDC). Connectors with no
// Flink metadata have none here; a METADATA column on them is refused as Flink refuses it.

import type { DataType } from '../common/types.js';
import { T } from '../common/types.js';

const FILESYSTEM: ReadonlyMap<string, DataType> = new Map([
  ['file.path', T.STRING],
  ['file.name', T.STRING],
  ['file.size', T.BIGINT],
  ['file.modification-time', T.TIMESTAMP_LTZ],
]);

const READABLE: Readonly<Record<string, ReadonlyMap<string, DataType>>> = {
  filesystem: FILESYSTEM,
};

/** The metadata keys a connector's source reads (undefined: it reads none, as in Flink). */
export function readableMetadata(connector: string | undefined): ReadonlyMap<string, DataType> | undefined {
  return connector === undefined ? undefined : READABLE[connector];
}

/** Flink's name of a connector's source class, for its error messages. */
export function sourceClassName(connector: string | undefined): string {
  return connector === 'filesystem' ? 'FileSystemTableSource' : connector === 'postgres-cdc' ? 'PostgreSQLTableSource' : `${connector ?? '?'} source`;
}
