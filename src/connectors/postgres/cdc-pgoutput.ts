// Decoding of PostgreSQL's logical replication stream: the CopyData messages of
// START_REPLICATION (XLogData 'w', primary keepalive 'k') and, inside XLogData, the pgoutput
// plugin's messages of protocol version 1 (Begin, Commit, Relation, Insert, Update, Delete;
// Origin, Type, Truncate and Message are skipped). Tuple values arrive as text.
//
// LSNs are 64-bit; they are carried as bigint and written as PostgreSQL writes them ("16/B374D848").

export function lsnToText(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function lsnFromText(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt('0x' + hi) << 32n) | BigInt('0x' + lo);
}

/** A tuple: one entry per relation column; null = NULL, undefined = unchanged TOAST value. */
export type Tuple = (string | null | undefined)[];

export type PgOutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly xid: number }
  | { readonly tag: 'commit'; readonly commitLsn: bigint; readonly endLsn: bigint }
  | { readonly tag: 'relation'; readonly relid: number; readonly schema: string; readonly name: string; readonly columns: readonly string[] }
  | { readonly tag: 'insert'; readonly relid: number; readonly after: Tuple }
  | { readonly tag: 'update'; readonly relid: number; readonly before: Tuple | null; readonly after: Tuple }
  | { readonly tag: 'delete'; readonly relid: number; readonly before: Tuple }
  | { readonly tag: 'truncate'; readonly relids: readonly number[] }
  | { readonly tag: 'other' };

const utf8 = new TextDecoder();

class Reader {
  p: number;
  constructor(
    readonly buf: Buffer,
    start: number,
  ) {
    this.p = start;
  }
  u8(): number {
    return this.buf[this.p++]!;
  }
  i16(): number {
    const v = this.buf.readInt16BE(this.p);
    this.p += 2;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32BE(this.p);
    this.p += 4;
    return v;
  }
  u32(): number {
    const v = this.buf.readUInt32BE(this.p);
    this.p += 4;
    return v;
  }
  u64(): bigint {
    const v = this.buf.readBigUInt64BE(this.p);
    this.p += 8;
    return v;
  }
  cstr(): string {
    const end = this.buf.indexOf(0, this.p);
    const s = utf8.decode(this.buf.subarray(this.p, end));
    this.p = end + 1;
    return s;
  }
  tuple(): Tuple {
    const n = this.i16();
    const out: Tuple = new Array(n);
    for (let i = 0; i < n; i++) {
      const kind = this.u8();
      if (kind === 0x6e /* n */) out[i] = null;
      else if (kind === 0x75 /* u */) out[i] = undefined;
      else {
        const len = this.i32();
        out[i] = utf8.decode(this.buf.subarray(this.p, this.p + len));
        this.p += len;
      }
    }
    return out;
  }
}

/** Decodes one pgoutput message starting at `start` of `buf`. */
export function decodePgOutput(buf: Buffer, start: number): PgOutputMessage {
  const r = new Reader(buf, start);
  const tag = r.u8();
  switch (tag) {
    case 0x42 /* B */: {
      const finalLsn = r.u64();
      r.u64(); // commit timestamp
      return { tag: 'begin', finalLsn, xid: r.u32() };
    }
    case 0x43 /* C */: {
      r.u8(); // flags
      const commitLsn = r.u64();
      return { tag: 'commit', commitLsn, endLsn: r.u64() };
    }
    case 0x52 /* R */: {
      const relid = r.u32();
      const schema = r.cstr();
      const name = r.cstr();
      r.u8(); // replica identity
      const n = r.i16();
      const columns: string[] = [];
      for (let i = 0; i < n; i++) {
        r.u8(); // flags (part of the key)
        columns.push(r.cstr());
        r.u32(); // type oid
        r.i32(); // type modifier
      }
      return { tag: 'relation', relid, schema, name, columns };
    }
    case 0x49 /* I */: {
      const relid = r.u32();
      r.u8(); // 'N'
      return { tag: 'insert', relid, after: r.tuple() };
    }
    case 0x55 /* U */: {
      const relid = r.u32();
      let k = r.u8();
      let before: Tuple | null = null;
      if (k === 0x4b /* K */ || k === 0x4f /* O */) {
        before = r.tuple();
        k = r.u8();
      }
      return { tag: 'update', relid, before, after: r.tuple() };
    }
    case 0x44 /* D */: {
      const relid = r.u32();
      r.u8(); // 'K' or 'O'
      return { tag: 'delete', relid, before: r.tuple() };
    }
    case 0x54 /* T */: {
      const n = r.i32();
      r.u8(); // options
      const relids: number[] = [];
      for (let i = 0; i < n; i++) relids.push(r.u32());
      return { tag: 'truncate', relids };
    }
    default:
      return { tag: 'other' };
  }
}

/** A standby status update ('r'): written, flushed and applied up to `lsn`. */
export function standbyStatus(lsn: bigint, replyNow = false): Buffer {
  const b = Buffer.alloc(34);
  b[0] = 0x72; // r
  b.writeBigUInt64BE(lsn, 1);
  b.writeBigUInt64BE(lsn, 9);
  b.writeBigUInt64BE(lsn, 17);
  // microseconds since 2000-01-01
  const now = BigInt(Date.now() - 946_684_800_000) * 1000n;
  b.writeBigInt64BE(now, 25);
  b[33] = replyNow ? 1 : 0;
  return b;
}
