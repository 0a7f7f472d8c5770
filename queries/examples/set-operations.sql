-- INTERSECT and EXCEPT [ALL] over the Nexmark bid stream (results are changelogs: a row
-- appears when the counts on both sides allow it and is retracted when they no longer do).
--
-- 1. Bidders who bid through both Google and Apple (INTERSECT: each bidder once).
-- 2. Per auction mod 20, the bids through Apple beyond those through Google
--    (EXCEPT ALL: a row repeated as many times as the difference of the counts).

CREATE TABLE bid (
  auction   BIGINT,
  bidder    BIGINT,
  price     BIGINT,
  channel   STRING,
  date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'bid',
  'events.num'    = '1000000'
);

SELECT bidder FROM bid WHERE channel = 'Google'
INTERSECT
SELECT bidder FROM bid WHERE channel = 'Apple';

SELECT auction % 20 AS slot FROM bid WHERE channel = 'Apple'
EXCEPT ALL
SELECT auction % 20 FROM bid WHERE channel = 'Google';
