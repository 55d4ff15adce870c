-- Search for people (docs/search.md). One search document per campaign that
-- was ever published, written in the unit that saves the campaign (or
-- changes its merchant's name or place). Each center answers searches from
-- an index in memory built from this table and follows it by `version`.
--
--   doc               numbered when first written: newer campaigns higher (the
--                     order of results, and the page token)
--   live              found at all: published, document current
--   document_version  how the document was made (kSearchDocumentVersion in
--                     search_rules.h); older ones are written again at start
--   text, tags        folded for matching (text::NormalizeForMatching)
--   lat, lng          the fence's origin, else the merchant's location
--   card              the campaign as visitors see it (protobuf), shown with
--                     the current state and stock of its campaigns row
CREATE TABLE campaign_search (
  doc BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  campaign_id CHAR(26) NOT NULL,
  merchant_id CHAR(26) NOT NULL,
  live BOOLEAN NOT NULL DEFAULT FALSE,
  document_version INT NOT NULL DEFAULT 0,
  text TEXT NOT NULL,
  tags TEXT NOT NULL,
  lat DOUBLE NULL,
  lng DOUBLE NULL,
  start_time DATETIME(6) NULL,
  end_time DATETIME(6) NULL,
  card MEDIUMBLOB NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE KEY campaign_search_campaign (campaign_id),
  KEY campaign_search_merchant (merchant_id, live),
  KEY campaign_search_version (version, doc)
) ENGINE=InnoDB;

-- Every write of a document takes the next version from this row and keeps
-- it locked until it commits: writers take turns, so a reader that has seen
-- version v has seen every change numbered below it.
CREATE TABLE campaign_search_clock (
  id TINYINT NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT INTO campaign_search_clock (id, version) VALUES (1, 0);

-- The campaigns published before search had an index, numbered in the order
-- they were made; document_version 0 leaves their documents to the center,
-- which writes them at start (folding needs ICU).
INSERT INTO campaign_search (campaign_id, merchant_id, live, document_version, text, tags, card, version) SELECT id, merchant_id, FALSE, 0, '', '', '', 0 FROM campaigns WHERE state IN ('PUBLISHED', 'PAUSED', 'ENDED') ORDER BY id;

-- The LIKE scan's column.
ALTER TABLE campaigns DROP COLUMN search_text;
