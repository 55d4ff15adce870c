-- Campaigns and their media. The editable content is kept as the Campaign
-- message in protobuf JSON; the columns beside it are what queries, the
-- order path and the search need.
CREATE TABLE campaigns (
  id CHAR(26) NOT NULL PRIMARY KEY,
  merchant_id CHAR(26) NOT NULL,
  state VARCHAR(16) NOT NULL,
  content MEDIUMTEXT NOT NULL,
  pending_content MEDIUMTEXT NULL,
  submission_id CHAR(26) NULL,
  reject_reasons TEXT NULL,
  search_text TEXT NOT NULL,
  mode VARCHAR(16) NOT NULL,
  currency CHAR(3) NOT NULL DEFAULT 'CNY',
  price_minor BIGINT NOT NULL DEFAULT 0,
  stock BIGINT NOT NULL DEFAULT 0,
  stock_left BIGINT NOT NULL DEFAULT 0,
  per_person_limit INT NOT NULL DEFAULT 0,
  start_time DATETIME(6) NULL,
  end_time DATETIME(6) NULL,
  fence_lat DOUBLE NULL,
  fence_lng DOUBLE NULL,
  fence_radius_m INT NULL,
  page_slug VARCHAR(16) NULL,
  code_id CHAR(26) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY campaigns_page_slug (page_slug),
  KEY campaigns_merchant (merchant_id, id),
  KEY campaigns_state (state, id)
) ENGINE=InnoDB;

CREATE TABLE media (
  id CHAR(26) NOT NULL PRIMARY KEY,
  merchant_id CHAR(26) NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  KEY media_merchant (merchant_id, id)
) ENGINE=InnoDB;
