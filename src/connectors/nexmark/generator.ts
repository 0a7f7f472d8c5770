// The Nexmark event generator: deterministic, seekable, columnar.
//
// Nexmark models an online auction: people register (person), open auctions (auction) and
// bid (bid). This file generates the three tables of weir's `nexmark` connector (DESIGN §3)
// following the benchmark's generator rules (shared/NEXMARK.md). Summary of the rules:
//
// - Events have a global index n = 0, 1, 2, ... (< eventsNum). The Nexmark event id is
//   n + 2 (the reference source starts with firstEventId = 1 and firstEventNumber = 1).
// - The kind is a pure function of the id, not random: rem = id % (person + auction + bid
//   proportions); rem < person -> Person, rem < person + auction -> Auction, else Bid. With the
//   default 1/3/46 every block of 50 ids holds 1 person, 3 auctions and 46 bids.
// - Person and auction ids are sequential (FIRST_PERSON_ID = FIRST_AUCTION_ID = 1000,
//   epoch = id / total): person = 1000 + epoch*personProp + rem,
//   auction = 1000 + epoch*auctionProp + (rem - personProp). The first event (n = 0, id 2) is
//   auction 1001; the first person (n = 48, id 50) is person 1001.
// - Skew: a `nextInt(ratio) > 0` draw picks the hot key (probability 1 - 1/ratio):
//   hot seller (lastPerson/100)*100 + 1000, hot auction (lastAuction/100)*100 + 1000, hot
//   bidder (lastPerson/100)*100 + 1 + 1000. Cold people are uniform over the last
//   min(#people, numActivePeople) people plus 10 ids not created yet; cold auctions are
//   uniform over [lastAuction - numInFlightAuctions, lastAuction + 10].
// - Values: price = round(10^(6u) * 100) (log-uniform 100 .. 1e8); reserve = initial_bid +
//   another price; category = 10 + U{0..4}; item_name / description are random text of
//   3..19 / 3..99 characters (a-z, a space about 1 time in 13), trimmed; expires =
//   date_time + 1 + U[0, 2*horizon) where horizon is the event time of the next
//   numInFlightAuctions*total/auctionProp events; person name = first + last name, e-mail
//   `xxx@yyy.com`, credit card 4 groups of 4 digits, one of 10 US cities and one of 6 states;
//   channel: with p = 1/2 one of Google/Facebook/Baidu/Apple with a fixed url, otherwise
//   `channel-<i>`, i uniform over 0..9999, with a cached url that ends in
//   `&channel_id=<abs(Integer.reverse(i))>` for 90% of the channels;
//   url = https://www.nexmark.com/<s1>/<s2>/<s3>/item.htm?query=1 (segments of 3-4 chars).
// - `extra` pads a row to the configured average size (person 200, auction 500, bid 100
//   bytes): its length is uniform in [r - 20%, r + 20%) of the remainder r = avg - size of the
//   other fields (8 bytes per BIGINT/TIMESTAMP, string lengths; as in the reference generator
//   a bid's channel and url are not counted). It is a slice of one prebuilt random string.
//
// weir's deviations from the reference (Flink) generator, all deliberate:
// - Fixed base time: 2015-07-15 00:00:00.000 UTC by default (the reference uses the wall clock
//   at planning time), so results are reproducible.
// - Seeded per event: every field of event n is a pure function of (config, n): the event's
//   32-bit key is a hash of (seed, n) and each field draws from its own sub-stream keyed by
//   (event key, field). So any event can be regenerated from its index alone (replay, seek),
//   and a column's values never depend on which other columns were requested. The reference
//   generator is unseeded, so only kinds, ids and timestamps are reproducible there.
// - Timestamps do not depend on parallelism: ts(n) = baseTime + floor(n * 1e6 / rate / 1000)
//   ms for the global index n (computed as floor(n * 1000 / rate)). The reference multiplies
//   the inter-event delay by the number of generators (= source parallelism) because each
//   split numbers its events from the start; weir's splits instead read strided subsets of
//   one global sequence (subtask s of P reads n ≡ s mod P), so the job-wide event time always
//   advances at `first-event.rate` and the result is the same for any parallelism. The
//   auction `expires` horizon is likewise computed on the global timeline (166 ms at the
//   default 10k events/s). The reference's timestamps also start one inter-event delay later
//   (its first event number is 1); weir's first event is at exactly baseTime.
// - Bidder offset: the reference adds FIRST_PERSON_ID to the bidder id twice (so bidders sit
//   about 1000 ids above current people); weir adds it once, like the other ports.
// - The pools behind `extra`, item_name, description and the channel urls are built once from
//   a fixed internal seed; the per-event draws (which slice, which channel) use the config seed.
// - Integer.reverse(1) = -2^31 and Java's Math.abs leaves it negative; weir reproduces that, so
//   channel-1's url ends in `channel_id=-2147483648` exactly as in the reference.

import { type Batch, type Column, type Values } from '../../common/batch.js';
import { type DataType, T } from '../../common/types.js';
import { WeirError, didYouMean } from '../../common/errors.js';
import { OptionValueError } from '../table-errors.js';
import type { KindPattern } from '../split-cursor.js';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

export type NexmarkTable = 'person' | 'auction' | 'bid';

export const NEXMARK_TABLES: readonly NexmarkTable[] = ['person', 'auction', 'bid'];

export interface NexmarkConfig {
  /** Number of events of all kinds; Infinity = unbounded (option value 0, as in Nexmark). */
  readonly eventsNum: number;
  /** Events per second of event time (job-wide, independent of parallelism). */
  readonly firstEventRate: number;
  /** Event time of event 0, epoch milliseconds (no time zone). */
  readonly baseTime: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  readonly hotSellersRatio: number;
  readonly hotAuctionsRatio: number;
  readonly hotBiddersRatio: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
  /** Not a Flink option: cold people are drawn from the last this-many people (+10 ahead). */
  readonly numActivePeople: number;
  /** Not a Flink option: cold auctions are drawn from the last this-many auctions (+10 ahead). */
  readonly numInFlightAuctions: number;
  /** Seed of the per-event generators (any safe integer). */
  readonly seed: number;
}

/** 2015-07-15 00:00:00.000 UTC, the base time RisingWave's expected outputs use. */
export const DEFAULT_BASE_TIME = 1436918400000;
export const DEFAULT_SEED = 20150715;

export function defaultNexmarkConfig(): NexmarkConfig {
  return {
    eventsNum: Infinity,
    firstEventRate: 10000,
    baseTime: DEFAULT_BASE_TIME,
    personProportion: 1,
    auctionProportion: 3,
    bidProportion: 46,
    hotSellersRatio: 4,
    hotAuctionsRatio: 2,
    hotBiddersRatio: 4,
    avgPersonByteSize: 200,
    avgAuctionByteSize: 500,
    avgBidByteSize: 100,
    numActivePeople: 1000,
    numInFlightAuctions: 100,
    seed: DEFAULT_SEED,
  };
}

/** Options this module reads (Flink's names, plus weir's `nexmark.*`). */
export const NEXMARK_GENERATOR_OPTIONS: readonly string[] = [
  'events.num',
  'first-event.rate',
  'person.proportion',
  'auction.proportion',
  'bid.proportion',
  'auction.hot-ratio.sellers',
  'bid.hot-ratio.auctions',
  'bid.hot-ratio.bidders',
  'person.avg-size',
  'auction.avg-size',
  'bid.avg-size',
  'nexmark.base-time',
  'nexmark.seed',
];

/**
 * Flink nexmark options accepted for portability that have no effect in weir (the rate shape
 * and the emit speed only matter for wall-clock pacing; weir paces with `rows-per-second`).
 */
export const NEXMARK_IGNORED_OPTIONS: readonly string[] = ['next-event.rate', 'rate.shape', 'rate.period', 'rate.limited', 'max-emit-speed'];

/** Largest accepted average size: `extra` is cut from a 1 MiB pool. */
const MAX_AVG_SIZE = 512 * 1024;

function optionError(key: string, value: string, expected: string): WeirError {
  return new OptionValueError(key, `invalid value for nexmark option '${key}': '${value}' (expected ${expected})`);
}

function parseNonNegInt(key: string, text: string): number {
  const t = text.trim();
  if (!/^\+?\d+$/.test(t)) throw optionError(key, text, 'a non-negative integer');
  const v = Number(t);
  if (!Number.isSafeInteger(v)) throw optionError(key, text, `an integer at most ${Number.MAX_SAFE_INTEGER}`);
  return v;
}

function parseBoundedInt(key: string, text: string, max = Number.MAX_SAFE_INTEGER, min = 1): number {
  const v = parseNonNegInt(key, text);
  if (v < min || v > max) throw optionError(key, text, `an integer from ${min} to ${max}`);
  return v;
}

/** Largest accepted event-kind proportion. */
const MAX_PROPORTION = 1_000_000;

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kibibytes: 1024,
  m: 1024 * 1024,
  mb: 1024 * 1024,
  mebibytes: 1024 * 1024,
};

/** A Flink MemorySize: `200`, `200b`, `1kb`, `1 mb` (1024-based). */
function parseMemorySize(key: string, text: string): number {
  const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = m === null ? undefined : MEMORY_UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined) throw optionError(key, text, "a size in bytes such as '200' or '200b'");
  const v = Number(m[1]) * unit;
  if (!Number.isSafeInteger(v) || v < 1 || v > MAX_AVG_SIZE) throw optionError(key, text, `a size from 1 to ${MAX_AVG_SIZE} bytes`);
  return v;
}

/** `yyyy-MM-dd HH:mm:ss[.SSS]` (a `T` separator accepted), read as UTC, to epoch ms. */
export function parseNexmarkTimestamp(key: string, text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (m === null) throw optionError(key, text, "a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]'");
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) {
    throw optionError(key, text, 'a valid calendar date and time');
  }
  return date.getTime();
}

/**
 * Builds a config from connector options (Flink's option names). Options this module does not
 * know are ignored here; the connector checks the full option set (NEXMARK_GENERATOR_OPTIONS,
 * NEXMARK_IGNORED_OPTIONS and its own). Throws a WeirError naming the option and the value.
 */
export function nexmarkConfigFromOptions(options: ReadonlyMap<string, string> | Readonly<Record<string, string>>): NexmarkConfig {
  const get = (k: string): string | undefined =>
    options instanceof Map ? (options as ReadonlyMap<string, string>).get(k) : Object.prototype.hasOwnProperty.call(options, k) ? (options as Readonly<Record<string, string>>)[k] : undefined;
  const c = { ...defaultNexmarkConfig() } as { -readonly [K in keyof NexmarkConfig]: NexmarkConfig[K] };
  let v: string | undefined;
  if ((v = get('events.num')) !== undefined) {
    const n = parseNonNegInt('events.num', v);
    c.eventsNum = n === 0 ? Infinity : n; // 0 = unbounded, the Nexmark convention
  }
  if ((v = get('first-event.rate')) !== undefined) c.firstEventRate = parseBoundedInt('first-event.rate', v);
  if ((v = get('person.proportion')) !== undefined) c.personProportion = parseBoundedInt('person.proportion', v, MAX_PROPORTION, 0);
  if ((v = get('auction.proportion')) !== undefined) c.auctionProportion = parseBoundedInt('auction.proportion', v, MAX_PROPORTION, 0);
  if ((v = get('bid.proportion')) !== undefined) c.bidProportion = parseBoundedInt('bid.proportion', v, MAX_PROPORTION, 0);
  if ((v = get('auction.hot-ratio.sellers')) !== undefined) c.hotSellersRatio = parseBoundedInt('auction.hot-ratio.sellers', v, 2147483647);
  if ((v = get('bid.hot-ratio.auctions')) !== undefined) c.hotAuctionsRatio = parseBoundedInt('bid.hot-ratio.auctions', v, 2147483647);
  if ((v = get('bid.hot-ratio.bidders')) !== undefined) c.hotBiddersRatio = parseBoundedInt('bid.hot-ratio.bidders', v, 2147483647);
  if ((v = get('person.avg-size')) !== undefined) c.avgPersonByteSize = parseMemorySize('person.avg-size', v);
  if ((v = get('auction.avg-size')) !== undefined) c.avgAuctionByteSize = parseMemorySize('auction.avg-size', v);
  if ((v = get('bid.avg-size')) !== undefined) c.avgBidByteSize = parseMemorySize('bid.avg-size', v);
  if ((v = get('nexmark.base-time')) !== undefined) c.baseTime = parseNexmarkTimestamp('nexmark.base-time', v);
  if ((v = get('nexmark.seed')) !== undefined) {
    const t = v.trim();
    const n = Number(t);
    if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(n)) throw optionError('nexmark.seed', v, 'an integer');
    c.seed = n;
  }
  const total = c.personProportion + c.auctionProportion + c.bidProportion;
  if (total < 1) {
    const given = ['bid.proportion', 'auction.proportion', 'person.proportion'].find((k) => get(k) !== undefined) ?? 'bid.proportion';
    throw new OptionValueError(
      given,
      `invalid nexmark proportions: 'person.proportion' = ${c.personProportion}, 'auction.proportion' = ${c.auctionProportion}, 'bid.proportion' = ${c.bidProportion} (at least one must be positive)`,
    );
  }
  validateNexmarkConfig(c);
  return c;
}

/** Checks a programmatic config; throws a WeirError naming the field and its value. */
export function validateNexmarkConfig(c: NexmarkConfig): void {
  const bad = (field: string, value: number, expected: string): WeirError =>
    new WeirError('plan', `invalid nexmark config ${field}: ${String(value)} (expected ${expected})`);
  const isInt = (x: number): boolean => Number.isSafeInteger(x);
  if (!(c.eventsNum === Infinity || (isInt(c.eventsNum) && c.eventsNum >= 0))) throw bad('eventsNum', c.eventsNum, 'a non-negative integer or Infinity');
  if (!(Number.isFinite(c.firstEventRate) && c.firstEventRate > 0)) throw bad('firstEventRate', c.firstEventRate, 'a positive number');
  if (!isInt(c.baseTime)) throw bad('baseTime', c.baseTime, 'an integer number of epoch milliseconds');
  for (const f of ['personProportion', 'auctionProportion', 'bidProportion'] as const) {
    if (!(isInt(c[f]) && c[f] >= 0 && c[f] <= MAX_PROPORTION)) throw bad(f, c[f], `an integer from 0 to ${MAX_PROPORTION}`);
  }
  if (c.personProportion + c.auctionProportion + c.bidProportion < 1) throw bad('bidProportion', c.bidProportion, 'proportions summing to at least 1');
  for (const f of ['hotSellersRatio', 'hotAuctionsRatio', 'hotBiddersRatio'] as const) {
    if (!(isInt(c[f]) && c[f] >= 1 && c[f] <= 2147483647)) throw bad(f, c[f], 'a positive integer');
  }
  for (const f of ['avgPersonByteSize', 'avgAuctionByteSize', 'avgBidByteSize'] as const) {
    if (!(isInt(c[f]) && c[f] >= 1 && c[f] <= MAX_AVG_SIZE)) throw bad(f, c[f], `an integer from 1 to ${MAX_AVG_SIZE}`);
  }
  for (const f of ['numActivePeople', 'numInFlightAuctions'] as const) {
    if (!(isInt(c[f]) && c[f] >= 1 && c[f] <= 1_000_000_000)) throw bad(f, c[f], 'a positive integer');
  }
  if (!isInt(c.seed)) throw bad('seed', c.seed, 'a safe integer');
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

export interface NexmarkColumn {
  readonly name: string;
  readonly type: DataType;
}

export const NEXMARK_COLUMNS: Record<NexmarkTable, readonly NexmarkColumn[]> = {
  person: [
    { name: 'id', type: T.BIGINT },
    { name: 'name', type: T.STRING },
    { name: 'email_address', type: T.STRING },
    { name: 'credit_card', type: T.STRING },
    { name: 'city', type: T.STRING },
    { name: 'state', type: T.STRING },
    { name: 'date_time', type: T.TIMESTAMP },
    { name: 'extra', type: T.STRING },
  ],
  auction: [
    { name: 'id', type: T.BIGINT },
    { name: 'item_name', type: T.STRING },
    { name: 'description', type: T.STRING },
    { name: 'initial_bid', type: T.BIGINT },
    { name: 'reserve', type: T.BIGINT },
    { name: 'date_time', type: T.TIMESTAMP },
    { name: 'expires', type: T.TIMESTAMP },
    { name: 'seller', type: T.BIGINT },
    { name: 'category', type: T.BIGINT },
    { name: 'extra', type: T.STRING },
  ],
  bid: [
    { name: 'auction', type: T.BIGINT },
    { name: 'bidder', type: T.BIGINT },
    { name: 'price', type: T.BIGINT },
    { name: 'channel', type: T.STRING },
    { name: 'url', type: T.STRING },
    { name: 'date_time', type: T.TIMESTAMP },
    { name: 'extra', type: T.STRING },
  ],
};

// ---------------------------------------------------------------------------------------------
// Constants of the benchmark
// ---------------------------------------------------------------------------------------------

/** Event id of index n is n + FIRST_EVENT_ID_OFFSET (firstEventId 1 + firstEventNumber 1). */
export const FIRST_EVENT_ID_OFFSET = 2;
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const HOT_SELLER_RATIO = 100;
const HOT_AUCTION_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10000;

const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

/** All 99 full names, index first * LAST_NAMES.length + last: no concatenation per row. */
const FULL_NAMES: readonly string[] = FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`));
const CITY_LENGTHS = US_CITIES.map((c) => c.length);

// Bytes counted per BIGINT/TIMESTAMP field when sizing `extra`.
const PERSON_FIXED_SIZE = 8 + 8 + 19 + 2; // id, date_time, credit_card, state
const AUCTION_FIXED_SIZE = 7 * 8; // id, initial_bid, reserve, date_time, expires, seller, category
const BID_FIXED_SIZE = 4 * 8; // auction, bidder, price, date_time (channel and url not counted)

// ---------------------------------------------------------------------------------------------
// Hashing and draws (32-bit, no BigInt)
// ---------------------------------------------------------------------------------------------

/** A 32-bit integer hash with low bias (a bijection on 32-bit values). Returns unsigned. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9 | 0;
// Draw k of a field sub-stream with key fk is mix32(fk + (k+1)*GOLDEN): counter-based, so any
// draw can be taken without the ones before it.
const D1 = GOLDEN;
const D2 = Math.imul(GOLDEN, 2);
const D3 = Math.imul(GOLDEN, 3);
const D4 = Math.imul(GOLDEN, 4);

const INV32 = 1 / 4294967296;

/** Uniform integer in [0, m) from an unsigned 32-bit draw (m < 2^53). */
function below(u: number, m: number): number {
  return Math.floor(u * INV32 * m);
}

/** Per-field salts: each field draws from its own sub-stream. */
const S_NAME = 0x1b873593;
const S_EMAIL = 0x2c1b3c6d;
const S_CARD = 0x297a2d39;
const S_CITY = 0x3c6ef372;
const S_STATE = 0x4a7c15f3;
const S_ITEM = 0x5bd1e995;
const S_DESC = 0x68e31da4;
const S_INITIAL = 0x7a3f1c45;
const S_RESERVE = 0x0f1bbcdc;
const S_EXPIRES = 0x1e3779b1;
const S_SELLER = 0x27d4eb2f;
const S_CATEGORY = 0x165667b1;
const S_AUCTION = 0x61c88647;
const S_BIDDER = 0x52dce729;
const S_PRICE = 0x38495ab5;
const S_CHANNEL = 0x4cf5ad43;
const S_EXTRA = 0x6a09e667;

/** The event's 32-bit key: a hash of (seed, n). Distinct for distinct n below 2^32. */
function eventKey(n: number, seedA: number, seedB: number): number {
  const lo = n >>> 0;
  const hi = (n * INV32) >>> 0;
  return mix32(mix32(lo ^ seedA) ^ Math.imul(hi ^ seedB, 0x85ebca6b));
}

// price(u) = round(10^(6u/2^32) * 100) for a 32-bit draw u. Math.pow costs ~70 ns, so the power
// is split over the draw's bits, 10^(6u/2^32) = P_HI[u >>> 21] * P_MID[(u >>> 10) & 2047] *
// P_LO[u & 1023], three table loads (the products agreed with Math.pow on 10M of 10M draws).
const P_HI = new Float64Array(2048);
const P_MID = new Float64Array(2048);
const P_LO = new Float64Array(1024);
for (let i = 0; i < 2048; i++) {
  P_HI[i] = Math.pow(10, (6 * i * 2097152) / 4294967296) * 100;
  P_MID[i] = Math.pow(10, (6 * i * 1024) / 4294967296);
}
for (let i = 0; i < 1024; i++) P_LO[i] = Math.pow(10, (6 * i) / 4294967296);

function price(u: number): number {
  return Math.round(P_HI[u >>> 21]! * P_MID[(u >>> 10) & 2047]! * P_LO[u & 1023]!);
}

// ---------------------------------------------------------------------------------------------
// Prebuilt pools (fixed internal seed, built lazily once per process)
// ---------------------------------------------------------------------------------------------

const TEXT_POOL_SIZE = 1 << 18; // item names and descriptions: a-z and ~1/13 spaces
const EXTRA_POOL_SIZE = 1 << 20; // `extra` and e-mail parts: a-z

let textPool: string | null = null;
let extraPool: string | null = null;

function buildPool(size: number, salt: number, spaces: boolean): string {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const u = mix32((Math.imul(i, GOLDEN) + salt) | 0);
    // the low bits choose space vs letter, the high bits the letter
    bytes[i] = spaces && u % 13 === 0 ? 32 : 97 + below(u, 26);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function getTextPool(): string {
  return (textPool ??= buildPool(TEXT_POOL_SIZE, 0x2545f491, true));
}

function getExtraPool(): string {
  return (extraPool ??= buildPool(EXTRA_POOL_SIZE, 0x3c6ef372, false));
}

interface ChannelCache {
  readonly names: string[];
  readonly urls: string[];
  readonly hotUrls: string[];
}

let channelCache: ChannelCache | null = null;

function urlSegment(key: number): string {
  const len = 3 + below(mix32((key + D1) | 0), 2);
  let s = '';
  for (let i = 0; i < len; i++) {
    const u = mix32((key + Math.imul(i + 2, GOLDEN)) | 0);
    s += u % 13 === 0 ? '_' : String.fromCharCode(97 + below(u, 26));
  }
  return s;
}

function baseUrl(key: number): string {
  return `https://www.nexmark.com/${urlSegment(mix32(key ^ 0x11))}/${urlSegment(mix32(key ^ 0x22))}/${urlSegment(mix32(key ^ 0x33))}/item.htm?query=1`;
}

/** Java's Integer.reverse: the 32 bits in reverse order, as a signed int. */
export function javaIntegerReverse(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  x = (x >>> 16) | (x << 16);
  return x | 0;
}

/** Java's Math.abs on an int: abs(-2^31) stays -2^31. */
function javaIntAbs(x: number): number {
  return x === -2147483648 ? x : Math.abs(x);
}

function getChannels(): ChannelCache {
  if (channelCache !== null) return channelCache;
  const names = new Array<string>(CHANNELS_NUMBER);
  const urls = new Array<string>(CHANNELS_NUMBER);
  for (let i = 0; i < CHANNELS_NUMBER; i++) {
    const key = mix32((Math.imul(i, GOLDEN) + 0x7f4a7c15) | 0);
    names[i] = `channel-${i}`;
    let url = baseUrl(key);
    if (below(mix32(key ^ 0x5bd1e995), 10) > 0) url += `&channel_id=${javaIntAbs(javaIntegerReverse(i))}`;
    urls[i] = url;
  }
  const hotUrls = HOT_CHANNELS.map((_, i) => baseUrl(mix32((Math.imul(i, GOLDEN) + 0x0ddba11) | 0)));
  channelCache = { names, urls, hotUrls };
  return channelCache;
}

/** Number of leading plus trailing spaces of pool[off, off+len): the text is trimmed. */
function trimmedRange(pool: string, off: number, len: number): number {
  let a = off;
  let b = off + len;
  while (a < b && pool.charCodeAt(a) === 32) a++;
  while (b > a && pool.charCodeAt(b - 1) === 32) b--;
  return a * 4294967296 + (b - a); // packed (start, length); both < 2^20
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

// Column codes.
const P_ID = 0,
  P_NAME = 1,
  P_EMAIL = 2,
  P_CARD = 3,
  P_CITY = 4,
  P_STATE = 5,
  P_DATE = 6,
  P_EXTRA = 7;
const A_ID = 0,
  A_ITEM = 1,
  A_DESC = 2,
  A_INITIAL = 3,
  A_RESERVE = 4,
  A_DATE = 5,
  A_EXPIRES = 6,
  A_SELLER = 7,
  A_CATEGORY = 8,
  A_EXTRA = 9;
const B_AUCTION = 0,
  B_BIDDER = 1,
  B_PRICE = 2,
  B_CHANNEL = 3,
  B_URL = 4,
  B_DATE = 5,
  B_EXTRA = 6;

export interface GenerateResult {
  readonly batch: Batch;
  /** Cursor to continue from (same stride). >= eventsNum once the stream is exhausted. */
  readonly next: number;
}

/** The kind of event n under a config (a pure function of the event id). */
export function nexmarkEventKind(config: NexmarkConfig, n: number): NexmarkTable {
  const total = config.personProportion + config.auctionProportion + config.bidProportion;
  const rem = (n + FIRST_EVENT_ID_OFFSET) % total;
  return rem < config.personProportion ? 'person' : rem < config.personProportion + config.auctionProportion ? 'auction' : 'bid';
}

/**
 * Generates one table of the Nexmark stream as columnar batches. Stateless between calls: the
 * caller keeps the cursor (the next event index of its split), so seeking and restoring from
 * a checkpoint are just a cursor value.
 */
export class NexmarkGenerator {
  readonly config: NexmarkConfig;
  readonly table: NexmarkTable;
  readonly columns: readonly string[];
  readonly types: readonly DataType[];

  private readonly codes: Int32Array;
  private readonly total: number;
  private readonly personProp: number;
  private readonly auctionProp: number;
  private readonly rate: number;
  private readonly baseTime: number;
  private readonly seedA: number;
  private readonly seedB: number;
  /** 1 at the id remainders (mod total) that are events of this table's kind. */
  private readonly kindMask: Uint8Array;
  private readonly needKeys: boolean;
  /** Events spanned by numInFlightAuctions auctions (the `expires` horizon). */
  private readonly eventsForAuctions: number;
  private idxScratch = new Float64Array(0);
  private keyScratch = new Int32Array(0);

  constructor(config: NexmarkConfig, table: NexmarkTable, columns: readonly string[]) {
    validateNexmarkConfig(config);
    if (!NEXMARK_TABLES.includes(table)) {
      throw new WeirError('plan', `invalid value for nexmark option 'nexmark.table': '${String(table)}' (expected person, auction or bid)`);
    }
    this.config = config;
    this.table = table;
    const schema = NEXMARK_COLUMNS[table];
    const codes = new Int32Array(columns.length);
    const names: string[] = [];
    const types: DataType[] = [];
    columns.forEach((name, i) => {
      let code = schema.findIndex((c) => c.name === name);
      if (code < 0) code = schema.findIndex((c) => c.name === name.toLowerCase());
      if (code < 0) {
        const all = schema.map((c) => c.name);
        const guess = didYouMean(name, all);
        throw new WeirError('bind', `nexmark table '${table}' has no column '${name}'`, {
          hint: guess !== undefined ? `did you mean '${guess}'? (columns: ${all.join(', ')})` : `its columns are ${all.join(', ')}`,
        });
      }
      codes[i] = code;
      names.push(schema[code]!.name);
      types.push(schema[code]!.type);
    });
    this.codes = codes;
    this.columns = names;
    this.types = types;
    this.personProp = config.personProportion;
    this.auctionProp = config.auctionProportion;
    this.total = config.personProportion + config.auctionProportion + config.bidProportion;
    this.rate = config.firstEventRate;
    this.baseTime = config.baseTime;
    const seedLo = config.seed >>> 0;
    const seedHi = Math.floor(config.seed * INV32) | 0;
    this.seedA = mix32(seedLo ^ 0x6c8e9cf5);
    this.seedB = mix32((seedHi + 0x3504f333) | 0);
    this.kindMask = new Uint8Array(this.total);
    for (let r = 0; r < this.total; r++) {
      const kind = r < this.personProp ? 'person' : r < this.personProp + this.auctionProp ? 'auction' : 'bid';
      this.kindMask[r] = kind === table ? 1 : 0;
    }
    // id and date_time need no draws
    const drawless = table === 'person' ? [P_ID, P_DATE] : table === 'auction' ? [A_ID, A_DATE] : [B_DATE];
    this.needKeys = Array.from(codes).some((c) => !drawless.includes(c));
    this.eventsForAuctions = this.auctionProp > 0 ? Math.floor((config.numInFlightAuctions * this.total) / this.auctionProp) : 0;
  }

  /** Event time of event n, epoch ms. Independent of parallelism (see the header). */
  eventTimestamp(n: number): number {
    return this.baseTime + Math.floor((n * 1000) / this.rate);
  }

  /** The Nexmark event id of index n. */
  eventId(n: number): number {
    return n + FIRST_EVENT_ID_OFFSET;
  }

  eventKind(n: number): NexmarkTable {
    return nexmarkEventKind(this.config, n);
  }

  /**
   * Up to maxRows rows of this table from event indices cursor, cursor + stride, ... (events
   * of other kinds are skipped), stopping before min(eventsNum, endIndex). `next` is the index
   * to continue from: the one after the last row emitted, or the first index of the split at or
   * past the end. An exhausted split returns an empty batch with next >= eventsNum (a split
   * whose indices never hold this table's kind is exhausted at once).
   */
  generate(cursor: number, stride: number, maxRows: number, endIndex?: number): GenerateResult {
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new RangeError(`nexmark cursor must be a non-negative integer, got ${cursor}`);
    if (!Number.isSafeInteger(stride) || stride < 1) throw new RangeError(`nexmark stride must be a positive integer, got ${stride}`);
    if (!(maxRows >= 0)) throw new RangeError(`nexmark maxRows must be non-negative, got ${maxRows}`);
    const end = endIndex === undefined ? this.config.eventsNum : Math.min(endIndex, this.config.eventsNum);
    if (cursor >= end || maxRows < 1) return { batch: this.makeBatch(0), next: cursor };

    const total = this.total;
    const mask = this.kindMask;
    const sr = stride % total;
    let r = (cursor + FIRST_EVENT_ID_OFFSET) % total;

    // Does this split ever meet an event of our kind? Its remainders cycle with period <= total.
    let any = false;
    for (let j = 0, q = r; j < total; j++) {
      if (mask[q] === 1) {
        any = true;
        break;
      }
      q += sr;
      if (q >= total) q -= total;
    }
    if (!any) {
      const next = end === Infinity ? Infinity : cursor + Math.ceil((end - cursor) / stride) * stride;
      return { batch: this.makeBatch(0), next };
    }

    const span = end === Infinity ? Infinity : Math.ceil((end - cursor) / stride);
    const cap = Math.floor(Math.min(maxRows, span));
    if (this.idxScratch.length < cap) {
      this.idxScratch = new Float64Array(cap);
      if (this.needKeys) this.keyScratch = new Int32Array(cap);
    }
    const idx = this.idxScratch;
    let n = cursor;
    let count = 0;
    while (count < cap && n < end) {
      if (mask[r] === 1) idx[count++] = n;
      n += stride;
      r += sr;
      if (r >= total) r -= total;
    }

    if (this.needKeys) {
      if (this.keyScratch.length < count) this.keyScratch = new Int32Array(this.idxScratch.length);
      const keys = this.keyScratch;
      const sa = this.seedA;
      const sb = this.seedB;
      for (let i = 0; i < count; i++) keys[i] = eventKey(idx[i]!, sa, sb);
    }
    return { batch: this.makeBatch(count), next: n };
  }

  /** The event indices of this table's kind, as a repeating pattern (for SplitCursor.fillPeriodic). */
  kindPattern(): KindPattern {
    return { period: this.total, shift: FIRST_EVENT_ID_OFFSET % this.total, mask: this.kindMask };
  }

  /** True when event n is of this generator's table kind. */
  isOwnKind(n: number): boolean {
    return this.kindMask[(n + FIRST_EVENT_ID_OFFSET) % this.total] === 1;
  }

  /**
   * Rows for the given event indices, in the given order. Every index must be of this
   * table's kind (see isOwnKind) and below eventsNum. Used by readers that choose their own
   * subset of the stream (a range of logical splits after a rescale).
   */
  rowsAt(indices: ArrayLike<number>, count: number): Batch {
    if (this.idxScratch.length < count) {
      this.idxScratch = new Float64Array(count);
      if (this.needKeys) this.keyScratch = new Int32Array(count);
    }
    const idx = this.idxScratch;
    for (let i = 0; i < count; i++) idx[i] = indices[i]!;
    if (this.needKeys) {
      if (this.keyScratch.length < count) this.keyScratch = new Int32Array(this.idxScratch.length);
      const keys = this.keyScratch;
      for (let i = 0; i < count; i++) keys[i] = eventKey(idx[i]!, this.seedA, this.seedB);
    }
    return this.makeBatch(count);
  }

  private makeBatch(count: number): Batch {
    const columns: Column[] = [];
    for (let c = 0; c < this.codes.length; c++) {
      const code = this.codes[c]!;
      let values: Values;
      if (count === 0) values = this.types[c]!.kind === 'STRING' ? [] : new Float64Array(0);
      else if (this.table === 'bid') values = this.bidColumn(code, count);
      else if (this.table === 'auction') values = this.auctionColumn(code, count);
      else values = this.personColumn(code, count);
      columns.push({ type: this.types[c]!, values, nulls: null });
    }
    return { length: count, columns, ops: null };
  }

  // --- shared column kernels -----------------------------------------------------------------

  private timestamps(count: number): Float64Array {
    const idx = this.idxScratch;
    const out = new Float64Array(count);
    const base = this.baseTime;
    const rate = this.rate;
    for (let i = 0; i < count; i++) out[i] = base + Math.floor((idx[i]! * 1000) / rate);
    return out;
  }

  /** Base-0 id of the last person created at or before event id `eid`. */
  private lastBase0PersonId(eid: number): number {
    const epoch = Math.floor(eid / this.total);
    let offset = eid - epoch * this.total;
    if (offset >= this.personProp) offset = this.personProp - 1;
    return epoch * this.personProp + offset;
  }

  /** Base-0 id of the last auction created at or before event id `eid`. */
  private lastBase0AuctionId(eid: number): number {
    let epoch = Math.floor(eid / this.total);
    let offset = eid - epoch * this.total;
    if (offset < this.personProp) {
      epoch -= 1; // still in the previous epoch's auctions
      offset = this.auctionProp - 1;
    } else if (offset >= this.personProp + this.auctionProp) {
      offset = this.auctionProp - 1;
    } else {
      offset -= this.personProp;
    }
    return epoch * this.auctionProp + offset;
  }

  /** Base-0 person id: hot with probability 1 - 1/ratio, else a recent (or soon) person. */
  private personRef(eid: number, uHot: number, uCold: number, ratio: number, hotRatio: number, hotAdd: number): number {
    const last = this.lastBase0PersonId(eid);
    if (below(uHot, ratio) > 0) return Math.trunc(last / hotRatio) * hotRatio + hotAdd;
    const numPeople = last + 1;
    const active = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - active + below(uCold, active + PERSON_ID_LEAD);
  }

  private extraColumn(count: number, avg: number, sizes: Float64Array | null, fixed: number): string[] {
    const keys = this.keyScratch;
    const pool = getExtraPool();
    const out = new Array<string>(count);
    const maxOff = EXTRA_POOL_SIZE;
    for (let i = 0; i < count; i++) {
      const remaining = avg - (sizes === null ? fixed : sizes[i]!);
      if (remaining <= 0) {
        out[i] = '';
        continue;
      }
      const fk = mix32(keys[i]! ^ S_EXTRA);
      const delta = Math.round(remaining * 0.2);
      const len = remaining - delta + (delta === 0 ? 0 : below(mix32((fk + D1) | 0), 2 * delta));
      const off = below(mix32((fk + D2) | 0), maxOff - len + 1);
      out[i] = pool.substring(off, off + len);
    }
    return out;
  }

  // --- bid -----------------------------------------------------------------------------------

  private bidColumn(code: number, count: number): Values {
    const idx = this.idxScratch;
    const keys = this.keyScratch;
    switch (code) {
      case B_DATE:
        return this.timestamps(count);
      case B_AUCTION: {
        const out = new Float64Array(count);
        const ratio = this.config.hotAuctionsRatio;
        const inFlight = this.config.numInFlightAuctions;
        for (let i = 0; i < count; i++) {
          const fk = mix32(keys[i]! ^ S_AUCTION);
          const last = this.lastBase0AuctionId(idx[i]! + FIRST_EVENT_ID_OFFSET);
          let a: number;
          if (below(mix32((fk + D1) | 0), ratio) > 0) {
            a = Math.trunc(last / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO;
          } else {
            const min = Math.max(last - inFlight, 0);
            a = min + below(mix32((fk + D2) | 0), last - min + 1 + AUCTION_ID_LEAD);
          }
          out[i] = a + FIRST_AUCTION_ID;
        }
        return out;
      }
      case B_BIDDER: {
        const out = new Float64Array(count);
        const ratio = this.config.hotBiddersRatio;
        for (let i = 0; i < count; i++) {
          const fk = mix32(keys[i]! ^ S_BIDDER);
          const b = this.personRef(idx[i]! + FIRST_EVENT_ID_OFFSET, mix32((fk + D1) | 0), mix32((fk + D2) | 0), ratio, HOT_BIDDER_RATIO, 1);
          // The reference generator adds FIRST_PERSON_ID twice here (a bug since 2021); weir
          // adds it once, so bidder ids line up with person ids (NEXMARK.md, "bidder offset").
          out[i] = b + FIRST_PERSON_ID;
        }
        return out;
      }
      case B_PRICE: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++) out[i] = price(mix32((mix32(keys[i]! ^ S_PRICE) + D1) | 0));
        return out;
      }
      case B_CHANNEL:
      case B_URL: {
        const ch = getChannels();
        const hot = code === B_CHANNEL ? HOT_CHANNELS : ch.hotUrls;
        const cold = code === B_CHANNEL ? ch.names : ch.urls;
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) {
          const fk = mix32(keys[i]! ^ S_CHANNEL);
          const u = mix32((fk + D2) | 0);
          out[i] = below(mix32((fk + D1) | 0), HOT_CHANNELS_RATIO) > 0 ? hot[below(u, HOT_CHANNELS.length)]! : cold[below(u, CHANNELS_NUMBER)]!;
        }
        return out;
      }
      case B_EXTRA:
        return this.extraColumn(count, this.config.avgBidByteSize, null, BID_FIXED_SIZE);
      default:
        throw new Error(`nexmark: bad bid column code ${code}`);
    }
  }

  // --- auction -------------------------------------------------------------------------------

  /** Packed (start, length) in the text pool of item_name (salt S_ITEM) or description. */
  private textRange(key: number, salt: number, maxLen: number): number {
    const fk = mix32(key ^ salt);
    const len = 3 + below(mix32((fk + D1) | 0), maxLen - 3);
    const off = below(mix32((fk + D2) | 0), TEXT_POOL_SIZE - len + 1);
    return trimmedRange(getTextPool(), off, len);
  }

  private auctionColumn(code: number, count: number): Values {
    const idx = this.idxScratch;
    const keys = this.keyScratch;
    switch (code) {
      case A_ID: {
        const out = new Float64Array(count);
        const total = this.total;
        for (let i = 0; i < count; i++) {
          const eid = idx[i]! + FIRST_EVENT_ID_OFFSET;
          const epoch = Math.floor(eid / total);
          out[i] = FIRST_AUCTION_ID + epoch * this.auctionProp + (eid - epoch * total - this.personProp);
        }
        return out;
      }
      case A_DATE:
        return this.timestamps(count);
      case A_ITEM:
      case A_DESC: {
        const pool = getTextPool();
        const out = new Array<string>(count);
        const salt = code === A_ITEM ? S_ITEM : S_DESC;
        const maxLen = code === A_ITEM ? 20 : 100;
        for (let i = 0; i < count; i++) {
          const packed = this.textRange(keys[i]!, salt, maxLen);
          const start = Math.floor(packed * INV32);
          out[i] = pool.substring(start, start + (packed % 4294967296));
        }
        return out;
      }
      case A_INITIAL:
      case A_RESERVE: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++) {
          let p = price(mix32((mix32(keys[i]! ^ S_INITIAL) + D1) | 0));
          if (code === A_RESERVE) p += price(mix32((mix32(keys[i]! ^ S_RESERVE) + D1) | 0));
          out[i] = p;
        }
        return out;
      }
      case A_EXPIRES: {
        const out = new Float64Array(count);
        const span = this.eventsForAuctions;
        for (let i = 0; i < count; i++) {
          const n = idx[i]!;
          const ts = this.eventTimestamp(n);
          const horizon = this.eventTimestamp(n + span) - ts;
          const fk = mix32(keys[i]! ^ S_EXPIRES);
          out[i] = ts + 1 + below(mix32((fk + D1) | 0), Math.max(horizon * 2, 1));
        }
        return out;
      }
      case A_SELLER: {
        const out = new Float64Array(count);
        const ratio = this.config.hotSellersRatio;
        for (let i = 0; i < count; i++) {
          const fk = mix32(keys[i]! ^ S_SELLER);
          const s = this.personRef(idx[i]! + FIRST_EVENT_ID_OFFSET, mix32((fk + D1) | 0), mix32((fk + D2) | 0), ratio, HOT_SELLER_RATIO, 0);
          out[i] = s + FIRST_PERSON_ID;
        }
        return out;
      }
      case A_CATEGORY: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++) out[i] = FIRST_CATEGORY_ID + below(mix32((mix32(keys[i]! ^ S_CATEGORY) + D1) | 0), NUM_CATEGORIES);
        return out;
      }
      case A_EXTRA: {
        const sizes = new Float64Array(count);
        for (let i = 0; i < count; i++) {
          const k = keys[i]!;
          sizes[i] = AUCTION_FIXED_SIZE + (this.textRange(k, S_ITEM, 20) % 4294967296) + (this.textRange(k, S_DESC, 100) % 4294967296);
        }
        return this.extraColumn(count, this.config.avgAuctionByteSize, sizes, 0);
      }
      default:
        throw new Error(`nexmark: bad auction column code ${code}`);
    }
  }

  // --- person --------------------------------------------------------------------------------

  private nameIndex(key: number): number {
    const fk = mix32(key ^ S_NAME);
    return below(mix32((fk + D1) | 0), FIRST_NAMES.length) * LAST_NAMES.length + below(mix32((fk + D2) | 0), LAST_NAMES.length);
  }

  private cityIndex(key: number): number {
    return below(mix32((mix32(key ^ S_CITY) + D1) | 0), US_CITIES.length);
  }

  /** E-mail part lengths, packed l1 * 8 + l2 (l1 in 3..6, l2 in 3..4). */
  private emailLengths(fk: number): number {
    return (3 + below(mix32((fk + D1) | 0), 4)) * 8 + 3 + below(mix32((fk + D2) | 0), 2);
  }

  private personColumn(code: number, count: number): Values {
    const idx = this.idxScratch;
    const keys = this.keyScratch;
    switch (code) {
      case P_ID: {
        const out = new Float64Array(count);
        const total = this.total;
        for (let i = 0; i < count; i++) {
          const eid = idx[i]! + FIRST_EVENT_ID_OFFSET;
          const epoch = Math.floor(eid / total);
          out[i] = FIRST_PERSON_ID + epoch * this.personProp + (eid - epoch * total);
        }
        return out;
      }
      case P_DATE:
        return this.timestamps(count);
      case P_NAME: {
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) out[i] = FULL_NAMES[this.nameIndex(keys[i]!)]!;
        return out;
      }
      case P_EMAIL: {
        const pool = getExtraPool();
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) {
          const fk = mix32(keys[i]! ^ S_EMAIL);
          const lens = this.emailLengths(fk);
          const l1 = lens >>> 3;
          const l2 = lens & 7;
          const o1 = below(mix32((fk + D3) | 0), EXTRA_POOL_SIZE - l1 + 1);
          const o2 = below(mix32((fk + D4) | 0), EXTRA_POOL_SIZE - l2 + 1);
          out[i] = `${pool.substring(o1, o1 + l1)}@${pool.substring(o2, o2 + l2)}.com`;
        }
        return out;
      }
      case P_CARD: {
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) {
          const fk = mix32(keys[i]! ^ S_CARD);
          out[i] =
            `${pad4(below(mix32((fk + D1) | 0), 10000))} ${pad4(below(mix32((fk + D2) | 0), 10000))} ` +
            `${pad4(below(mix32((fk + D3) | 0), 10000))} ${pad4(below(mix32((fk + D4) | 0), 10000))}`;
        }
        return out;
      }
      case P_CITY: {
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) out[i] = US_CITIES[this.cityIndex(keys[i]!)]!;
        return out;
      }
      case P_STATE: {
        const out = new Array<string>(count);
        for (let i = 0; i < count; i++) out[i] = US_STATES[below(mix32((mix32(keys[i]! ^ S_STATE) + D1) | 0), US_STATES.length)]!;
        return out;
      }
      case P_EXTRA: {
        const sizes = new Float64Array(count);
        for (let i = 0; i < count; i++) {
          const k = keys[i]!;
          const lens = this.emailLengths(mix32(k ^ S_EMAIL));
          const emailLen = (lens >>> 3) + (lens & 7) + 5; // '@' and '.com'
          sizes[i] = PERSON_FIXED_SIZE + FULL_NAMES[this.nameIndex(k)]!.length + emailLen + CITY_LENGTHS[this.cityIndex(k)]!;
        }
        return this.extraColumn(count, this.config.avgPersonByteSize, sizes, 0);
      }
      default:
        throw new Error(`nexmark: bad person column code ${code}`);
    }
  }
}

function pad4(x: number): string {
  return x < 10 ? `000${x}` : x < 100 ? `00${x}` : x < 1000 ? `0${x}` : String(x);
}
