-- Partners, their placements, and the traffic they are paid on. Partners
-- and placements keep their message whole (protobuf JSON in `body`); the
-- columns beside it are what lookups need.
CREATE TABLE partners (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  platform_code VARCHAR(32) NOT NULL,
  state VARCHAR(16) NOT NULL,
  body TEXT NOT NULL,
  UNIQUE KEY partners_by_code (platform_code),
  KEY partners_by_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One placement per partner and code: the link (short URL + ?p=) is the
-- same whatever the channel, so scans could not tell two apart.
CREATE TABLE placements (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  partner_id VARCHAR(32) NOT NULL,
  code_id VARCHAR(32) NOT NULL,
  body TEXT NOT NULL,
  UNIQUE KEY placements_by_code (partner_id, code_id),
  KEY placements_by_partner (partner_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every scan of a placement, once per scan event id (the primary key is
-- the rule "count each event once"). Valid scans are the window the
-- counting rule looks back over, and what orders are attributed to.
CREATE TABLE placement_scans (
  event_id VARCHAR(32) NOT NULL PRIMARY KEY,
  placement_id VARCHAR(32) NOT NULL,
  partner_id VARCHAR(32) NOT NULL,
  merchant_id VARCHAR(32) NOT NULL,
  device VARCHAR(64) NOT NULL,
  source VARCHAR(64) NOT NULL,
  account VARCHAR(32) NULL,
  time_ms BIGINT NOT NULL,
  valid TINYINT NOT NULL,
  KEY scans_by_device (placement_id, device, valid, time_ms),
  KEY scans_by_source (placement_id, source, valid, time_ms),
  KEY scans_by_account (account, merchant_id, valid, time_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- An order's attribution, decided once: partner_id NULL when it goes to
-- nobody. `body` is the PartnerOrderAttribution.
CREATE TABLE order_attributions (
  order_id VARCHAR(32) NOT NULL PRIMARY KEY,
  partner_id VARCHAR(32) NULL,
  state VARCHAR(16) NOT NULL,
  body TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per placement and day (UTC): what the stats and statements show.
CREATE TABLE placement_days (
  placement_id VARCHAR(32) NOT NULL,
  day DATE NOT NULL,
  partner_id VARCHAR(32) NOT NULL,
  scans BIGINT NOT NULL DEFAULT 0,
  valid_scans BIGINT NOT NULL DEFAULT 0,
  orders BIGINT NOT NULL DEFAULT 0,
  revenue_minor BIGINT NOT NULL DEFAULT 0,
  earned_minor BIGINT NOT NULL DEFAULT 0,
  currency CHAR(3) NOT NULL,
  PRIMARY KEY (placement_id, day),
  KEY days_by_partner (partner_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
