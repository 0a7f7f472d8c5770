-- User-defined functions in JavaScript over the Nexmark streams: a scalar, an aggregate and a
-- table function, each an ES module in queries/examples/udf/. Run from the repository's root
-- (a module path is relative to the working directory, like a table's 'path'):
--   weir run queries/examples/udf.sql      weir verify queries/examples/udf.sql

CREATE TABLE person (id BIGINT, name STRING, email_address STRING, date_time TIMESTAMP(3))
WITH ('connector' = 'nexmark', 'nexmark.table' = 'person', 'events.num' = '20000');

CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, url STRING, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '20000');

CREATE FUNCTION mask_email AS 'queries/examples/udf/mask-email.mjs' LANGUAGE JAVASCRIPT;
CREATE FUNCTION weighted_avg AS 'queries/examples/udf/weighted-avg.mjs' LANGUAGE JAVASCRIPT;
CREATE FUNCTION url_parts AS 'queries/examples/udf/url-parts.mjs' LANGUAGE JAVASCRIPT;

-- scalar
SELECT id, name, mask_email(email_address) AS email FROM person;

-- aggregate, in a window: each auction's average price weighted by the bidder's id modulo 5
SELECT auction, window_start, weighted_avg(price, CAST(MOD(bidder, 5) + 1 AS INT)) AS wavg
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND))
GROUP BY auction, window_start, window_end;

-- table: the path segments of bid URLs, per position
SELECT pos, COUNT(*) AS n, MAX(segment) AS last_segment
FROM bid CROSS JOIN LATERAL TABLE(url_parts(url)) AS u(segment, pos)
GROUP BY pos;
