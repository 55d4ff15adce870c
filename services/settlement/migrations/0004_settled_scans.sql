-- Valid scans are accrued (settlement_rules.h AccrueScans): a batch's scans
-- of one partner are one transfer, `cpc:<partner>:<first scan id>`. Each
-- scan is kept here once, with the accrual that paid it and the digest of
-- its terms (partner, currency, price), so that a scan heard again is paid
-- nothing and one heard with other terms is parked. The key is the scan
-- event id itself (ASCII, at most 64 characters): one short row per scan.
-- The digest is the 64-bit FNV-1a, stored as its signed two's complement.
CREATE TABLE settled_scans (
  scan_event_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  transfer_id VARCHAR(128) NOT NULL,
  terms_digest BIGINT NOT NULL
) ENGINE=InnoDB;
