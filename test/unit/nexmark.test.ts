import { describe, expect, it } from 'vitest';
import { type Scalar, batchToRows } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import {
  DEFAULT_BASE_TIME,
  NEXMARK_COLUMNS,
  type NexmarkConfig,
  NexmarkGenerator,
  type NexmarkTable,
  defaultNexmarkConfig,
  nexmarkConfigFromOptions,
  nexmarkEventKind,
} from '../../src/connectors/nexmark/generator.js';

const ALL = (table: NexmarkTable): string[] => NEXMARK_COLUMNS[table].map((c) => c.name);

function cfg(over: Partial<NexmarkConfig> = {}): NexmarkConfig {
  return { ...defaultNexmarkConfig(), ...over };
}

/** Reads a whole bounded split; returns the rows and every cursor seen. */
function readAll(gen: NexmarkGenerator, cursor = 0, stride = 1, batch = 1000): Scalar[][] {
  const rows: Scalar[][] = [];
  for (let guard = 0; guard < 1_000_000; guard++) {
    const r = gen.generate(cursor, stride, batch);
    for (const row of batchToRows(r.batch)) rows.push(row);
    if (r.batch.length === 0 && r.next >= gen.config.eventsNum) return rows;
    expect(r.next).toBeGreaterThan(cursor);
    cursor = r.next;
  }
  throw new Error('split did not end');
}

/** Column `name` of all rows of a table, as an array. */
function column(config: NexmarkConfig, table: NexmarkTable, name: string): Scalar[] {
  return readAll(new NexmarkGenerator(config, table, [name])).map((r) => r[0]!);
}

/** Event indices of a kind below `limit`, worked out by hand from id = n + 2 and 1/3/46. */
function indicesOf(kind: NexmarkTable, limit: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < limit; n++) {
    const rem = (n + 2) % 50;
    const k = rem < 1 ? 'person' : rem < 4 ? 'auction' : 'bid';
    if (k === kind) out.push(n);
  }
  return out;
}

const sortRows = (rows: Scalar[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

describe('nexmark schema and config', () => {
  it('declares the columns of DESIGN §3', () => {
    const spec = (cs: readonly { name: string; type: unknown }[]): string[] =>
      cs.map((c) => `${c.name}:${c.type === T.BIGINT ? 'BIGINT' : c.type === T.STRING ? 'STRING' : c.type === T.TIMESTAMP ? 'TIMESTAMP' : '?'}`);
    expect(spec(NEXMARK_COLUMNS.person)).toEqual([
      'id:BIGINT', 'name:STRING', 'email_address:STRING', 'credit_card:STRING', 'city:STRING', 'state:STRING', 'date_time:TIMESTAMP', 'extra:STRING',
    ]);
    expect(spec(NEXMARK_COLUMNS.auction)).toEqual([
      'id:BIGINT', 'item_name:STRING', 'description:STRING', 'initial_bid:BIGINT', 'reserve:BIGINT', 'date_time:TIMESTAMP', 'expires:TIMESTAMP', 'seller:BIGINT', 'category:BIGINT', 'extra:STRING',
    ]);
    expect(spec(NEXMARK_COLUMNS.bid)).toEqual(['auction:BIGINT', 'bidder:BIGINT', 'price:BIGINT', 'channel:STRING', 'url:STRING', 'date_time:TIMESTAMP', 'extra:STRING']);
  });

  it('has the documented defaults', () => {
    const c = defaultNexmarkConfig();
    expect(c.baseTime).toBe(Date.UTC(2015, 6, 15, 0, 0, 0, 0));
    expect(DEFAULT_BASE_TIME).toBe(1436918400000);
    expect(c).toMatchObject({
      eventsNum: Infinity, firstEventRate: 10000, personProportion: 1, auctionProportion: 3, bidProportion: 46,
      hotSellersRatio: 4, hotAuctionsRatio: 2, hotBiddersRatio: 4, avgPersonByteSize: 200, avgAuctionByteSize: 500,
      avgBidByteSize: 100, numActivePeople: 1000, numInFlightAuctions: 100,
    });
  });

  it('maps Flink option names', () => {
    const c = nexmarkConfigFromOptions({
      'events.num': '1000',
      'first-event.rate': '5000',
      'person.proportion': '2',
      'auction.proportion': '4',
      'bid.proportion': '44',
      'auction.hot-ratio.sellers': '5',
      'bid.hot-ratio.auctions': '3',
      'bid.hot-ratio.bidders': '6',
      'person.avg-size': '300',
      'auction.avg-size': '1kb',
      'bid.avg-size': '120b',
      'nexmark.base-time': '2020-01-02 03:04:05.6',
      'nexmark.seed': '-7',
      connector: 'nexmark', // not ours: ignored
    });
    expect(c).toMatchObject({
      eventsNum: 1000, firstEventRate: 5000, personProportion: 2, auctionProportion: 4, bidProportion: 44, hotSellersRatio: 5,
      hotAuctionsRatio: 3, hotBiddersRatio: 6, avgPersonByteSize: 300, avgAuctionByteSize: 1024, avgBidByteSize: 120, seed: -7,
    });
    expect(c.baseTime).toBe(Date.UTC(2020, 0, 2, 3, 4, 5, 600));
    expect(nexmarkConfigFromOptions(new Map([['events.num', '0']])).eventsNum).toBe(Infinity);
    expect(nexmarkConfigFromOptions(new Map([['nexmark.base-time', '2015-07-15T00:00:01']])).baseTime).toBe(DEFAULT_BASE_TIME + 1000);
    expect(nexmarkConfigFromOptions({})).toEqual(defaultNexmarkConfig());
  });

  it('rejects bad option values, naming the option and the value', () => {
    const bad: [string, string][] = [
      ['events.num', '-1'],
      ['events.num', 'lots'],
      ['first-event.rate', '0'],
      ['first-event.rate', '1.5'],
      ['bid.hot-ratio.auctions', '0'],
      ['bid.avg-size', '12 parsecs'],
      ['nexmark.base-time', '2015-02-30 00:00:00'],
      ['nexmark.base-time', 'yesterday'],
      ['nexmark.seed', '1e3'],
    ];
    for (const [k, v] of bad) {
      let msg = '';
      try {
        nexmarkConfigFromOptions({ [k]: v });
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg, `${k}=${v}`).toContain(k);
      expect(msg, `${k}=${v}`).toContain(v);
    }
    expect(() => nexmarkConfigFromOptions({ 'person.proportion': '0', 'auction.proportion': '0', 'bid.proportion': '0' })).toThrow(/proportion/);
  });

  it('rejects unknown columns', () => {
    expect(() => new NexmarkGenerator(cfg(), 'bid', ['price', 'pricee'])).toThrow(/pricee/);
    expect(() => new NexmarkGenerator(cfg(), 'person', ['seller'])).toThrow(/seller/);
  });
});

describe('nexmark kinds, ids and timestamps', () => {
  it('derives the kind from the event id: 1 person, 3 auctions, 46 bids per 50', () => {
    // id = n + 2: n = 0, 1 are auctions (ids 2, 3), n = 2..47 bids, n = 48 a person (id 50),
    // n = 49..51 auctions (ids 51..53).
    const c = cfg();
    expect([0, 1].map((n) => nexmarkEventKind(c, n))).toEqual(['auction', 'auction']);
    for (let n = 2; n <= 47; n++) expect(nexmarkEventKind(c, n)).toBe('bid');
    expect(nexmarkEventKind(c, 48)).toBe('person');
    expect([49, 50, 51, 52].map((n) => nexmarkEventKind(c, n))).toEqual(['auction', 'auction', 'auction', 'bid']);
    for (const start of [0, 17, 50, 1234]) {
      const counts = { person: 0, auction: 0, bid: 0 };
      for (let n = start; n < start + 50; n++) counts[nexmarkEventKind(c, n)]++;
      expect(counts).toEqual({ person: 1, auction: 3, bid: 46 });
    }
    const bounded = cfg({ eventsNum: 5000 });
    expect(readAll(new NexmarkGenerator(bounded, 'person', ['id'])).length).toBe(100);
    expect(readAll(new NexmarkGenerator(bounded, 'auction', ['id'])).length).toBe(300);
    expect(readAll(new NexmarkGenerator(bounded, 'bid', ['price'])).length).toBe(4600);
  });

  it('numbers people and auctions sequentially from 1001', () => {
    const c = cfg({ eventsNum: 5000 });
    const persons = column(c, 'person', 'id');
    expect(persons).toEqual(Array.from({ length: 100 }, (_, i) => 1001 + i));
    const auctions = column(c, 'auction', 'id');
    expect(auctions).toEqual(Array.from({ length: 300 }, (_, i) => 1001 + i));
  });

  it('gives the first events their known ids and times', () => {
    const c = cfg();
    const a = new NexmarkGenerator(c, 'auction', ['id', 'date_time']).generate(0, 1, 5);
    expect(batchToRows(a.batch)).toEqual([
      [1001, DEFAULT_BASE_TIME], // n = 0
      [1002, DEFAULT_BASE_TIME], // n = 1
      [1003, DEFAULT_BASE_TIME + 4], // n = 49
      [1004, DEFAULT_BASE_TIME + 5], // n = 50
      [1005, DEFAULT_BASE_TIME + 5], // n = 51
    ]);
    expect(a.next).toBe(52);
    const p = new NexmarkGenerator(c, 'person', ['date_time', 'id']).generate(0, 1, 2);
    expect(batchToRows(p.batch)).toEqual([
      [DEFAULT_BASE_TIME + 4, 1001], // n = 48
      [DEFAULT_BASE_TIME + 9, 1002], // n = 98
    ]);
    expect(p.next).toBe(99);
    const b = new NexmarkGenerator(c, 'bid', ['date_time']).generate(0, 1, 46);
    expect(b.next).toBe(48); // bids at n = 2..47
    expect(batchToRows(b.batch).map((r) => r[0])).toEqual(Array.from({ length: 46 }, (_, i) => DEFAULT_BASE_TIME + Math.floor((i + 2) / 10)));
  });

  it('computes ts(n) = baseTime + floor(n * 1e6 / rate / 1000) independent of parallelism', () => {
    const g = (rate: number): NexmarkGenerator => new NexmarkGenerator(cfg({ firstEventRate: rate, baseTime: 0 }), 'bid', []);
    expect([0, 9, 10, 12345].map((n) => g(10000).eventTimestamp(n))).toEqual([0, 0, 1, 1234]);
    expect([0, 1, 2, 3, 4].map((n) => g(3).eventTimestamp(n))).toEqual([0, 333, 666, 1000, 1333]);
    expect(g(1).eventTimestamp(5)).toBe(5000);
    expect(g(10_000_000).eventTimestamp(123_456_789)).toBe(12345);
    expect(g(10_000_000).eventTimestamp(100_000_000)).toBe(10_000); // 100M events at 10M/s: 10 s
    // 7 events/s: 1e6/7 us apart
    expect(g(7).eventTimestamp(7_000_000_001)).toBe(1_000_000_000_142);
    // every row's date_time is ts of its index, in every split
    const c = cfg({ eventsNum: 3000, firstEventRate: 777 });
    for (const stride of [1, 3]) {
      const r = new NexmarkGenerator(c, 'bid', ['date_time']).generate(1, stride, 10_000);
      const expected = indicesOf('bid', 3000)
        .filter((n) => n % stride === 1 % stride)
        .map((n) => DEFAULT_BASE_TIME + Math.floor((n * 1000) / 777));
      expect(batchToRows(r.batch).map((x) => x[0])).toEqual(expected);
    }
  });
});

describe('nexmark determinism and splits', () => {
  const c = cfg({ eventsNum: 20_000 });

  it('regenerates the same rows from (config, n), also after a seek', () => {
    for (const table of ['person', 'auction', 'bid'] as const) {
      const a = readAll(new NexmarkGenerator(c, table, ALL(table)));
      const b = readAll(new NexmarkGenerator(c, table, ALL(table)), 0, 1, 37);
      expect(b).toEqual(a);
      // seek: start at an index in the middle
      const start = 10_001;
      const before = indicesOf(table, start).length;
      const tail = readAll(new NexmarkGenerator(c, table, ALL(table)), start);
      expect(tail).toEqual(a.slice(before));
    }
  });

  it('gives a column the same values whatever other columns are requested', () => {
    for (const table of ['person', 'auction', 'bid'] as const) {
      const names = ALL(table);
      const full = readAll(new NexmarkGenerator(c, table, names));
      const reversed = readAll(new NexmarkGenerator(c, table, [...names].reverse()));
      names.forEach((name, i) => {
        const expected = full.map((r) => r[i]);
        expect(column(c, table, name), `${table}.${name}`).toEqual(expected);
        expect(reversed.map((r) => r[names.length - 1 - i]), `${table}.${name} reversed`).toEqual(expected);
      });
    }
  });

  it('changes values, not ids or times, with the seed', () => {
    const other = cfg({ eventsNum: 20_000, seed: 99 });
    expect(column(other, 'bid', 'price')).not.toEqual(column(c, 'bid', 'price'));
    expect(column(other, 'auction', 'id')).toEqual(column(c, 'auction', 'id'));
    expect(column(other, 'person', 'date_time')).toEqual(column(c, 'person', 'date_time'));
  });

  it('splits strided subsets: the union is the same multiset for P = 1, 2, 3, 4', () => {
    for (const table of ['person', 'auction', 'bid'] as const) {
      const whole = sortRows(readAll(new NexmarkGenerator(c, table, ALL(table))));
      for (const P of [2, 3, 4]) {
        const rows: Scalar[][] = [];
        for (let s = 0; s < P; s++) {
          const part = readAll(new NexmarkGenerator(c, table, ALL(table)), s, P, 500);
          const ts = part.map((r) => r[ALL(table).indexOf('date_time')] as number);
          for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
          rows.push(...part);
        }
        expect(sortRows(rows), `${table} P=${P}`).toEqual(whole);
      }
    }
  });

  it('ends a split that never meets its kind, bounded or not', () => {
    // stride 50: split 0 reads ids 2, 52, 102, ... which are all auctions
    const un = new NexmarkGenerator(cfg(), 'person', ['id']).generate(0, 50, 100);
    expect(un.batch.length).toBe(0);
    expect(un.next).toBe(Infinity);
    const bounded = new NexmarkGenerator(cfg({ eventsNum: 1000 }), 'bid', ['price']).generate(0, 50, 100);
    expect(bounded.batch.length).toBe(0);
    expect(bounded.next).toBeGreaterThanOrEqual(1000);
    expect(bounded.next % 50).toBe(0);
    // at P = 50 only split 48 (ids 50, 100, ...) holds people; the other 49 end at once
    const persons = sortRows(Array.from({ length: 50 }, (_, s) => readAll(new NexmarkGenerator(c, 'person', ALL('person')), s, 50)).flat());
    expect(persons).toEqual(sortRows(readAll(new NexmarkGenerator(c, 'person', ALL('person')))));
  });

  it('respects eventsNum and endIndex', () => {
    const g = new NexmarkGenerator(cfg({ eventsNum: 1000 }), 'bid', ['date_time']);
    const r = g.generate(0, 1, 10_000);
    expect(r.batch.length).toBe(920);
    expect(r.next).toBeGreaterThanOrEqual(1000);
    const again = g.generate(r.next, 1, 10);
    expect(again.batch.length).toBe(0);
    expect(again.next).toBeGreaterThanOrEqual(1000);
    const upTo = g.generate(0, 1, 10_000, 100); // bids at n = 2..47 and 52..97
    expect(upTo.batch.length).toBe(92);
    expect(upTo.next).toBe(100);
    const cont = g.generate(upTo.next, 1, 10_000);
    expect(upTo.batch.length + cont.batch.length).toBe(920);
    expect(g.generate(5, 1, 0).batch.length).toBe(0);
  });
});

describe('nexmark value distributions', () => {
  const c = cfg({ eventsNum: 200_000 });
  const bids = readAll(new NexmarkGenerator(c, 'bid', ['auction', 'bidder', 'price', 'channel', 'url', 'date_time', 'extra']), 0, 1, 4096);
  const bidIdx = indicesOf('bid', 200_000);
  const auctions = readAll(new NexmarkGenerator(c, 'auction', ALL('auction')), 0, 1, 4096);
  const auctionIdx = indicesOf('auction', 200_000);
  const persons = readAll(new NexmarkGenerator(c, 'person', ALL('person')), 0, 1, 4096);

  // Last person / auction created at or before event id e (base 0), worked out for 1/3/46.
  const lastPerson = (e: number): number => Math.floor(e / 50); // the person of an epoch is its first event
  const lastAuction = (e: number): number => (e % 50 === 0 ? Math.floor(e / 50) * 3 - 1 : Math.floor(e / 50) * 3 + Math.min((e % 50) - 1, 2));

  it('sends about 1/2 of bids to the hot auction and 3/4 to the hot bidder', () => {
    expect(bids.length).toBe(bidIdx.length);
    let hotAuction = 0;
    let hotBidder = 0;
    const outOfRange: string[] = [];
    bids.forEach((row, i) => {
      const e = bidIdx[i]! + 2;
      const la = lastAuction(e);
      const lp = lastPerson(e);
      const auction = row[0] as number;
      const bidder = row[1] as number;
      if (auction === Math.floor(la / 100) * 100 + 1000) hotAuction++;
      else if (auction < 1000 + Math.max(la - 100, 0) || auction > 1000 + la + 10) outOfRange.push(`n=${bidIdx[i]} auction ${auction}`);
      // bidder offset added once: bidders are current person ids (plus at most 10 ahead)
      if (bidder === Math.floor(lp / 100) * 100 + 1 + 1000) hotBidder++;
      else if (bidder < 1000 + Math.max(lp + 1 - 1000, 0) || bidder > 1000 + lp + 10) outOfRange.push(`n=${bidIdx[i]} bidder ${bidder}`);
    });
    expect(outOfRange).toEqual([]);
    expect(hotAuction / bids.length).toBeGreaterThan(0.48);
    expect(hotAuction / bids.length).toBeLessThan(0.53);
    expect(hotBidder / bids.length).toBeGreaterThan(0.73);
    expect(hotBidder / bids.length).toBeLessThan(0.77);
  });

  it('gives about 3/4 of auctions to the hot seller', () => {
    let hot = 0;
    const outOfRange: number[] = [];
    auctions.forEach((row, i) => {
      const lp = lastPerson(auctionIdx[i]! + 2);
      const seller = row[7] as number;
      if (seller === Math.floor(lp / 100) * 100 + 1000) hot++;
      else if (seller < 1000 + Math.max(lp + 1 - 1000, 0) || seller > 1000 + lp + 10) outOfRange.push(seller);
    });
    expect(outOfRange).toEqual([]);
    expect(hot / auctions.length).toBeGreaterThan(0.72);
    expect(hot / auctions.length).toBeLessThan(0.79);
  });

  it('draws prices log-uniformly: about 1/3 in each q15 band', () => {
    const prices = bids.map((r) => r[2] as number);
    const lo = prices.filter((p) => p < 10_000).length / prices.length;
    const mid = prices.filter((p) => p >= 10_000 && p < 1_000_000).length / prices.length;
    const hi = prices.filter((p) => p >= 1_000_000).length / prices.length;
    for (const f of [lo, mid, hi]) {
      expect(f).toBeGreaterThan(0.31);
      expect(f).toBeLessThan(0.36);
    }
    expect(prices.filter((p) => !(Number.isInteger(p) && p >= 100 && p <= 100_000_000))).toEqual([]);
    expect(prices.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(90_000_000);
    expect(prices.reduce((a, b) => Math.min(a, b), Infinity)).toBeLessThan(110);
    // reserve = initial_bid + another price
    expect(auctions.filter((a) => !((a[3] as number) >= 100 && (a[4] as number) - (a[3] as number) >= 100))).toEqual([]);
  });

  it('keeps categories in 10..14 and auction text, expiry in shape', () => {
    const cats = new Set(auctions.map((a) => a[8]));
    expect([...cats].sort()).toEqual([10, 11, 12, 13, 14]);
    const bad = auctions.filter((a) => {
      const item = a[1] as string;
      const desc = a[2] as string;
      // horizon at 10k events/s: ts(n + 1666) - ts(n) is 166 or 167 ms
      const d = (a[6] as number) - (a[5] as number);
      return !(/^[a-z ]{0,19}$/.test(item) && /^[a-z ]{0,99}$/.test(desc) && item === item.trim() && desc === desc.trim() && d >= 1 && d <= 2 * 167);
    });
    expect(bad).toEqual([]);
    expect(Math.max(...auctions.map((a) => (a[6] as number) - (a[5] as number)))).toBeGreaterThan(300);
    expect(Math.max(...auctions.map((a) => (a[1] as string).length))).toBeGreaterThanOrEqual(17);
  });

  it('draws person values from the fixed lists', () => {
    const states = new Set(persons.map((p) => p[5]));
    expect([...states].sort()).toEqual(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']);
    const cities = new Set(persons.map((p) => p[4]));
    expect(cities.size).toBe(10);
    for (const city of cities) expect(['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne']).toContain(city);
    const bad = persons.filter(
      (p) => !(/^[A-Z][a-z]+ [A-Z][a-z]+$/.test(p[1] as string) && /^[a-z]{3,6}@[a-z]{3,4}\.com$/.test(p[2] as string) && /^\d{4} \d{4} \d{4} \d{4}$/.test(p[3] as string)),
    );
    expect(bad).toEqual([]);
    expect(new Set(persons.map((p) => p[1])).size).toBeGreaterThan(90); // 11 x 9 names
    // about half of the people live in OR, ID or CA (q3)
    const q3 = persons.filter((p) => ['OR', 'ID', 'CA'].includes(p[5] as string)).length / persons.length;
    expect(q3).toBeGreaterThan(0.45);
    expect(q3).toBeLessThan(0.55);
  });

  it('builds channels and urls: 1/2 hot channels, channel_id suffix on 90% of the others', () => {
    const hot = ['Google', 'Facebook', 'Baidu', 'Apple'];
    const urlShape = /^https:\/\/www\.nexmark\.com\/[a-z_]{3,4}\/[a-z_]{3,4}\/[a-z_]{3,4}\/item\.htm\?query=1(&channel_id=-?\d+)?$/;
    // Integer.reverse then Java's int abs, worked out from the binary text
    const reverseAbs = (i: number): number => {
      const bits = i.toString(2).padStart(32, '0').split('').reverse().join('');
      const signed = parseInt(bits, 2) >= 2 ** 31 ? parseInt(bits, 2) - 2 ** 32 : parseInt(bits, 2);
      return signed === -(2 ** 31) ? signed : Math.abs(signed);
    };
    expect(reverseAbs(2)).toBe(1073741824);
    const urlOf = new Map<string, string>();
    let hotCount = 0;
    const bad: string[] = [];
    for (const b of bids) {
      const channel = b[3] as string;
      const url = b[4] as string;
      if (!urlShape.test(url)) bad.push(`bad url ${url}`);
      const seen = urlOf.get(channel);
      if (seen !== undefined && seen !== url) bad.push(`${channel} has two urls`); // one cached url per channel
      urlOf.set(channel, url);
      if (hot.includes(channel)) {
        hotCount++;
        if (url.includes('channel_id')) bad.push(`hot ${channel} with channel_id`);
      } else if (!/^channel-\d{1,4}$/.test(channel)) {
        bad.push(`bad channel ${channel}`);
      }
    }
    expect(bad).toEqual([]);
    expect(urlOf.size).toBeGreaterThan(9000);
    expect(hotCount / bids.length).toBeGreaterThan(0.48);
    expect(hotCount / bids.length).toBeLessThan(0.52);
    const cold = [...urlOf.entries()].filter(([ch]) => !hot.includes(ch));
    expect(cold.length).toBeGreaterThan(9000); // ~92k cold bids over 10,000 channels
    let withId = 0;
    const wrongIds: string[] = [];
    for (const [ch, url] of cold) {
      // q21's extraction: REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2)
      const m = /(&|^)channel_id=([^&]*)/.exec(url);
      if (m === null) continue;
      withId++;
      if (Number(m[2]) !== reverseAbs(Number(ch.slice('channel-'.length)))) wrongIds.push(`${ch} ${url}`);
    }
    expect(wrongIds).toEqual([]);
    expect(withId / cold.length).toBeGreaterThan(0.87);
    expect(withId / cold.length).toBeLessThan(0.93);
    const one = urlOf.get('channel-1');
    if (one !== undefined && one.includes('channel_id')) expect(one).toMatch(/channel_id=-2147483648$/);
  });

  it('pads rows with extra to the average sizes (within 20%)', () => {
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const bidSizes = bids.map((b) => 32 + (b[6] as string).length);
    expect(Math.abs(mean(bidSizes) - 100) / 100).toBeLessThan(0.2);
    // remainder 100 - 32 = 68, +-20%: extra is 54..81 letters
    expect(bidSizes.filter((s) => s < 32 + 54 || s > 32 + 81)).toEqual([]);
    expect(bids.filter((b) => !/^[a-z]+$/.test(b[6] as string))).toEqual([]);
    const personSizes = persons.map((p) => 16 + [1, 2, 3, 4, 5, 7].reduce((a, i) => a + (p[i] as string).length, 0));
    expect(Math.abs(mean(personSizes) - 200) / 200).toBeLessThan(0.2);
    const auctionSizes = auctions.map((a) => 56 + (a[1] as string).length + (a[2] as string).length + (a[9] as string).length);
    expect(Math.abs(mean(auctionSizes) - 500) / 500).toBeLessThan(0.2);
    // a larger average makes longer extras
    const big = column(cfg({ eventsNum: 2000, avgBidByteSize: 1000 }), 'bid', 'extra') as string[];
    expect(Math.abs(mean(big.map((e) => e.length + 32)) - 1000) / 1000).toBeLessThan(0.2);
  });
});

