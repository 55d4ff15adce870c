-- Orders, what each person has bought of a campaign (the per-person limit),
-- and redemptions — once per order, enforced by a unique key.
CREATE TABLE orders (
  id CHAR(26) NOT NULL PRIMARY KEY,
  campaign_id CHAR(26) NOT NULL,
  merchant_id CHAR(26) NOT NULL,
  account_id CHAR(26) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  quantity INT NOT NULL,
  currency CHAR(3) NOT NULL,
  total_minor BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  receipt_number VARCHAR(16) NOT NULL,
  receipt_token VARCHAR(255) NOT NULL,
  expire_at DATETIME(6) NOT NULL,
  source VARCHAR(16) NOT NULL DEFAULT 'CLOUD',
  platform_code VARCHAR(32) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  redeemed_at DATETIME(6) NULL,
  cancelled_at DATETIME(6) NULL,
  UNIQUE KEY orders_request (account_id, request_id),
  UNIQUE KEY orders_receipt_number (merchant_id, receipt_number),
  KEY orders_account (account_id, id),
  KEY orders_merchant (merchant_id, created_at),
  KEY orders_campaign (campaign_id, created_at)
) ENGINE=InnoDB;

CREATE TABLE campaign_buyers (
  campaign_id CHAR(26) NOT NULL,
  account_id CHAR(26) NOT NULL,
  quantity INT NOT NULL,
  PRIMARY KEY (campaign_id, account_id)
) ENGINE=InnoDB;

CREATE TABLE redemptions (
  id CHAR(26) NOT NULL PRIMARY KEY,
  order_id CHAR(26) NOT NULL,
  merchant_id CHAR(26) NOT NULL,
  redeemed_by CHAR(26) NOT NULL,
  currency CHAR(3) NOT NULL,
  amount_minor BIGINT NOT NULL,
  payment_provider VARCHAR(32) NOT NULL,
  redeemed_at DATETIME(6) NOT NULL,
  UNIQUE KEY redemptions_order (order_id),
  KEY redemptions_merchant (merchant_id, redeemed_at)
) ENGINE=InnoDB;
