// The `debezium-json` format (DESIGN §3): one changelog record per line,
//   {"before": {...}|null, "after": {...}|null, "op": "c"|"r"|"u"|"d"}
// with the row objects in the `json` format's rules (json.ts). Other envelope keys (source,
// ts_ms, transaction) are ignored; an envelope wrapped as {"schema": ..., "payload": {...}}
// (Debezium with schemas enabled) is unwrapped. A line `null` (a Kafka tombstone written
// to a file) is skipped.
//
// Decoding, as Flink: c and r -> +I(after); u -> -U(before) then +U(after); d -> -D(before).
// An update without `before` (Postgres without REPLICA IDENTITY FULL) cannot be retracted:
// it is a bad record, as in Flink.
//
// Encoding follows Flink's debezium-json serializer, which writes one record per changelog
// row and never op "u": +I and +U -> {"before":null,"after":{...},"op":"c"}; -U and -D ->
// {"before":{...},"after":null,"op":"d"}. Pairing -U/+U into one "u" record would make the
// output depend on how rows happen to be batched (and a pair is not adjacent after a
// shuffle); the c/d form folds to the same table, and the decoder reads both forms.

import type { Buffer } from 'node:buffer';
import { type Batch, RowKind } from '../../common/batch.js';
import { type DecoderStart, type FormatColumn, type RecordEncoder, DQUOTE, decodeUtf8, quoteForMessage } from './text-values.js';
import { type JsonOptions, JsonLinesDecoder, JsonObjectWriter, scanJsonString, skipJsonValue, skipJsonWhitespace } from './json.js';

const utf8 = new TextEncoder();
const KEY_BEFORE = utf8.encode('before');
const KEY_AFTER = utf8.encode('after');
const KEY_OP = utf8.encode('op');
const KEY_PAYLOAD = utf8.encode('payload');

function keyIs(buf: Uint8Array, ks: number, ke: number, key: Uint8Array): boolean {
  if (ke - ks !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (buf[ks + i] !== key[i]) return false;
  return true;
}

/** Value ranges of one envelope; start -1 = key absent. */
interface Envelope {
  beforeStart: number;
  beforeEnd: number;
  afterStart: number;
  afterEnd: number;
  payloadStart: number;
  payloadEnd: number;
  op: string | null;
}

export class DebeziumJsonDecoder extends JsonLinesDecoder {
  protected readonly rowsPerLine = 2;
  private ops = new Uint8Array(0);
  private readonly env: Envelope = { beforeStart: -1, beforeEnd: -1, afterStart: -1, afterEnd: -1, payloadStart: -1, payloadEnd: -1, op: null };

  constructor(columns: readonly FormatColumn[], projection: readonly number[], options: JsonOptions = {}, file = '<debezium-json>', start: DecoderStart = { offset: 0, line: 0 }) {
    super(columns, projection, options, file, start);
  }

  protected beginOps(capacity: number): void {
    this.ops = new Uint8Array(capacity);
  }

  protected takeOps(n: number): Uint8Array {
    return this.ops.subarray(0, n);
  }

  protected readLine(buf: Buffer, p: number, end: number, row: number, line: number): number {
    const reader = this.reader;
    if (buf[p] === 110 /* n */) {
      const q = skipJsonValue(buf, p, end);
      if (q > 0 && skipJsonWhitespace(buf, q, end) === end) return 0; // `null`: a tombstone
    }
    const env = this.env;
    const q = skipJsonWhitespace(buf, this.scanEnvelope(buf, p, end, line), end);
    if (q !== end) reader.fail(`unexpected text after the JSON object: '${quoteForMessage(decodeUtf8(buf, q, end))}'`, line);
    if (env.op === null && env.payloadStart >= 0) {
      const ps = env.payloadStart;
      const pe = env.payloadEnd;
      if (buf[ps] !== 123) reader.fail('debezium-json payload is not an object', line);
      this.scanEnvelope(buf, ps, pe, line);
    }
    const op = env.op;
    if (op === null) return reader.fail("debezium-json record without an 'op' field", line);
    switch (op) {
      case 'c':
      case 'r':
        this.readRow(buf, env.afterStart, env.afterEnd, row, RowKind.Insert, 'after', op, line);
        return 1;
      case 'u':
        this.readRow(buf, env.beforeStart, env.beforeEnd, row, RowKind.UpdateBefore, 'before', op, line);
        this.readRow(buf, env.afterStart, env.afterEnd, row + 1, RowKind.UpdateAfter, 'after', op, line);
        return 2;
      case 'd':
        this.readRow(buf, env.beforeStart, env.beforeEnd, row, RowKind.Delete, 'before', op, line);
        return 1;
      default:
        return reader.fail(`unknown debezium-json op '${quoteForMessage(op)}' (expected c, r, u or d)`, line);
    }
  }

  private readRow(buf: Buffer, s: number, e: number, row: number, kind: RowKind, field: string, op: string, line: number): void {
    if (s < 0 || buf[s] === 110 /* null */) {
      const hint = op === 'u' ? ' (for Debezium Postgres, set the table to REPLICA IDENTITY FULL)' : '';
      this.reader.fail(`debezium-json op '${op}' needs a '${field}' row but it is missing or null${hint}`, line);
    }
    const q = this.reader.readObject(buf, s, e, row, line);
    if (q !== e) this.reader.fail(`malformed '${field}' object`, line);
    this.ops[row] = kind;
  }

  /** Records the value ranges of the envelope object at p; returns the position after it. */
  private scanEnvelope(buf: Buffer, p: number, end: number, line: number): number {
    const env = this.env;
    const fail = (reason: string): never => this.reader.fail(reason, line);
    env.beforeStart = env.beforeEnd = env.afterStart = env.afterEnd = env.payloadStart = env.payloadEnd = -1;
    env.op = null;
    p = skipJsonWhitespace(buf, p, end);
    if (p >= end || buf[p] !== 123) fail('expected a JSON object');
    p = skipJsonWhitespace(buf, p + 1, end);
    if (p < end && buf[p] === 125) return p + 1;
    for (;;) {
      if (p >= end || buf[p] !== DQUOTE) fail('malformed JSON: expected a key');
      const ke = scanJsonString(buf, p, end);
      if (ke < 0) fail('malformed JSON: unterminated key');
      const ks = p + 1;
      p = skipJsonWhitespace(buf, ke, end);
      if (p >= end || buf[p] !== 58) fail("malformed JSON: expected ':' after a key");
      const vs = skipJsonWhitespace(buf, p + 1, end);
      const ve = skipJsonValue(buf, vs, end);
      if (ve < 0) fail('malformed JSON value');
      if (keyIs(buf, ks, ke - 1, KEY_BEFORE)) {
        env.beforeStart = vs;
        env.beforeEnd = ve;
      } else if (keyIs(buf, ks, ke - 1, KEY_AFTER)) {
        env.afterStart = vs;
        env.afterEnd = ve;
      } else if (keyIs(buf, ks, ke - 1, KEY_OP)) {
        if (buf[vs] !== DQUOTE) fail("debezium-json 'op' is not a string");
        try {
          env.op = JSON.parse(decodeUtf8(buf, vs, ve)) as string;
        } catch {
          fail("malformed debezium-json 'op'");
        }
      } else if (keyIs(buf, ks, ke - 1, KEY_PAYLOAD)) {
        env.payloadStart = vs;
        env.payloadEnd = ve;
      }
      p = skipJsonWhitespace(buf, ve, end);
      if (p < end && buf[p] === 44) {
        p = skipJsonWhitespace(buf, p + 1, end);
        continue;
      }
      if (p < end && buf[p] === 125) return p + 1;
      fail("malformed JSON: expected ',' or '}'");
    }
  }
}

/**
 * Encodes changelog batches as Flink's debezium-json serializer does: +I/+U -> op "c" with
 * `after`, -U/-D -> op "d" with `before` (see the file comment for why not "u").
 */
export class DebeziumJsonEncoder implements RecordEncoder {
  private readonly writer: JsonObjectWriter;

  constructor(columns: readonly FormatColumn[]) {
    this.writer = new JsonObjectWriter(columns);
  }

  encode(batch: Batch): string {
    this.writer.check(batch);
    const ops = batch.ops;
    let out = '';
    for (let r = 0; r < batch.length; r++) {
      const kind = ops === null ? RowKind.Insert : ops[r]!;
      const obj = this.writer.object(batch, r);
      if (kind === RowKind.Insert || kind === RowKind.UpdateAfter) out += '{"before":null,"after":' + obj + ',"op":"c"}\n';
      else out += '{"before":' + obj + ',"after":null,"op":"d"}\n';
    }
    return out;
  }
}
