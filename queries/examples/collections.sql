-- Flink's collection and date-time functions over the Nexmark bids: URLs split into arrays,
-- sliced, sorted and joined back, a map built from two arrays, and bids counted per minute
-- with FLOOR(... TO MINUTE). Run from the repository's root:
--   weir run queries/examples/collections.sql      weir verify queries/examples/collections.sql

CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3))
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '20000');

-- per bid: the URL's path segments, reordered and joined, and a map of its parts
SELECT auction, bidder,
  ARRAY_JOIN(ARRAY_SORT(ARRAY_SLICE(SPLIT(url, '/'), 4, -2), FALSE), '|') AS segments,
  ARRAY_POSITION(SPLIT(url, '/'), 'item.htm?query=1') AS item_pos,
  ARRAY_DISTINCT(ARRAY_CONCAT(ARRAY[channel], ARRAY_SLICE(SPLIT(url, '/'), 3, 3), ARRAY[channel])) AS tags,
  MAP_FROM_ARRAYS(ARRAY['auction', 'price'], ARRAY[auction, price]) AS parts,
  ARRAY_CONTAINS(ARRAY_REMOVE(ARRAY[MOD(bidder, 3), MOD(auction, 3)], 0), 1) AS has_one
FROM bid WHERE ELEMENT(ARRAY_SLICE(SPLIT(url, '/'), 3, 3)) = 'www.nexmark.com';

-- bids per minute and channel, with the minute's end and the largest price of the minute
SELECT FLOOR(date_time TO MINUTE) AS minute_start, CEIL(date_time TO MINUTE) AS minute_ceil, channel,
  COUNT(*) AS bids, ARRAY_MAX(ARRAY[MAX(price), 0]) AS max_price
FROM bid GROUP BY FLOOR(date_time TO MINUTE), CEIL(date_time TO MINUTE), channel;
