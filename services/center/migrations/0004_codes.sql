-- Managed QR codes, their batches (numbered table codes with print sheets),
-- and scan statistics rolled up from the `scans` stream.
CREATE TABLE codes (
  id CHAR(26) NOT NULL PRIMARY KEY,
  slug VARCHAR(16) NOT NULL,
  owner_account_id CHAR(26) NOT NULL,
  merchant_id CHAR(26) NULL,
  target_kind VARCHAR(16) NOT NULL,
  target_url VARCHAR(2048) NOT NULL DEFAULT '',
  campaign_id CHAR(26) NULL,
  target_merchant_id CHAR(26) NULL,
  payload TEXT NULL,
  label VARCHAR(255) NOT NULL DEFAULT '',
  state VARCHAR(16) NOT NULL,
  start_time DATETIME(6) NULL,
  end_time DATETIME(6) NULL,
  scan_limit BIGINT NOT NULL DEFAULT 0,
  error_correction CHAR(1) NOT NULL DEFAULT 'M',
  platform_code VARCHAR(32) NOT NULL DEFAULT '',
  number INT NOT NULL DEFAULT 0,
  batch_id CHAR(26) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY codes_slug (slug),
  KEY codes_owner (owner_account_id, id),
  KEY codes_batch (batch_id, number),
  KEY codes_campaign (campaign_id)
) ENGINE=InnoDB;

CREATE TABLE code_batches (
  id CHAR(26) NOT NULL PRIMARY KEY,
  owner_account_id CHAR(26) NOT NULL,
  merchant_id CHAR(26) NULL,
  count INT NOT NULL,
  first_number INT NOT NULL,
  caption VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;

-- One row per code, hour and platform code; platform_code '' for direct scans.
CREATE TABLE code_scan_hours (
  code_id CHAR(26) NOT NULL,
  hour DATETIME NOT NULL,
  platform_code VARCHAR(32) NOT NULL,
  scans BIGINT NOT NULL DEFAULT 0,
  unique_scans BIGINT NOT NULL DEFAULT 0,
  flagged BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (code_id, hour, platform_code)
) ENGINE=InnoDB;

-- Scan events already rolled up, by event id: a replayed event is skipped.
CREATE TABLE scan_events_applied (
  event_id VARCHAR(48) NOT NULL PRIMARY KEY,
  applied_at DATETIME(6) NOT NULL,
  KEY scan_events_applied_at (applied_at)
) ENGINE=InnoDB;
