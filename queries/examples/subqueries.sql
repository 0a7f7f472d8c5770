-- Subquery forms over the Nexmark streams (results are changelogs: a subquery's value changes
-- as its input grows, and the rows that used it are retracted and emitted again).
--
-- 1. Per auction category: the bids' auctions counted, next to the highest reserve overall
--    (a scalar subquery in the select list of an aggregating query), for the categories whose
--    average initial bid is above the overall one (a scalar subquery in HAVING).
-- 2. Bids above every reserve of their auction (> ALL, correlated: an anti join).
-- 3. Per person, the number of auctions they sell and their highest reserve (a LATERAL
--    subquery with aggregates: COUNT 0 for a person who sells nothing).

CREATE TABLE person (
  id        BIGINT,
  name      STRING,
  city      STRING,
  date_time TIMESTAMP(3)
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'person',
  'events.num'    = '200000'
);

CREATE TABLE auction (
  id          BIGINT,
  initial_bid BIGINT,
  reserve     BIGINT,
  seller      BIGINT,
  category    BIGINT
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'auction',
  'events.num'    = '200000'
);

CREATE TABLE bid (
  auction BIGINT,
  bidder  BIGINT,
  price   BIGINT
) WITH (
  'connector'     = 'nexmark',
  'nexmark.table' = 'bid',
  'events.num'    = '200000'
);

SELECT category, COUNT(*) AS auctions, (SELECT MAX(reserve) FROM auction) AS top_reserve
FROM auction
GROUP BY category
HAVING AVG(initial_bid) > (SELECT AVG(initial_bid) FROM auction);

SELECT auction, bidder, price
FROM bid b
WHERE price > ALL (SELECT reserve FROM auction a WHERE a.id = b.auction);

SELECT p.id, p.name, x.sold, x.top
FROM person p, LATERAL (SELECT COUNT(*) AS sold, MAX(reserve) AS top FROM auction a WHERE a.seller = p.id) AS x;
