-- The wallet: what a person saved, the reminders it gave, and what the
-- service knows of campaigns and orders (from the center's streams, or
-- asked of the center), never read from the center's tables.
CREATE TABLE campaign_facts (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  merchant_id VARCHAR(32) NOT NULL,
  title VARCHAR(400) NOT NULL,
  state VARCHAR(24) NOT NULL,
  end_time DATETIME(6) NULL,
  stock BIGINT NOT NULL,
  stock_left BIGINT NOT NULL,
  tags VARCHAR(2000) NOT NULL,
  page_url VARCHAR(500) NOT NULL,
  update_time DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE order_facts (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  campaign_id VARCHAR(32) NOT NULL,
  account_id VARCHAR(32) NOT NULL,
  state VARCHAR(24) NOT NULL,
  expire_time DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE wallet_items (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id VARCHAR(32) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  campaign_id VARCHAR(32) NOT NULL,
  order_id VARCHAR(32) NULL,
  item_key VARCHAR(40) NOT NULL,
  request_id VARCHAR(64) NULL,
  category VARCHAR(160) NOT NULL,
  validity VARCHAR(24) NOT NULL,
  validity_time DATETIME(6) NOT NULL,
  save_time DATETIME(6) NOT NULL,
  -- When time alone may next change the validity (NULL: only news can).
  next_check DATETIME(6) NULL,
  UNIQUE KEY by_key (account_id, item_key),
  UNIQUE KEY by_request (account_id, request_id),
  KEY by_owner (account_id, id),
  KEY by_campaign (campaign_id),
  KEY by_order (order_id),
  KEY by_next_check (next_check)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE reminders (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id VARCHAR(32) NOT NULL,
  item_id VARCHAR(32) NOT NULL,
  validity VARCHAR(24) NOT NULL,
  title VARCHAR(400) NOT NULL,
  message VARCHAR(1000) NOT NULL,
  time DATETIME(6) NOT NULL,
  KEY by_owner (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
