-- The settlement service's ledger (docs/settlement.md, docs/ledger.md): the
-- rules are libs/ledger's; these tables are where MysqlLedger keeps what they
-- decide, one transaction per linked chain, the accounts locked in id order.
--
--   ledger_accounts   balances in minor units, as ledger::Account keeps them;
--                     flags: 1 debits must not exceed credits, 2 credits must
--                     not exceed debits
--   ledger_transfers  every transfer accepted, under its id (the idempotency
--                     key: a replay finds it); flags: 1 linked, 2 pending,
--                     4 post_pending, 8 void_pending; status: 0 none,
--                     1 pending, 2 posted, 3 voided, 4 expired
--   ledger_entries    the two entries of each transfer that moves posted
--                     money (debit positive), for statements
CREATE TABLE ledger_accounts (
  id VARCHAR(128) NOT NULL PRIMARY KEY,
  party_kind VARCHAR(16) NOT NULL,
  party_id VARCHAR(64) NOT NULL,
  currency CHAR(3) NOT NULL,
  flags TINYINT NOT NULL,
  debits_pending BIGINT NOT NULL DEFAULT 0,
  debits_posted BIGINT NOT NULL DEFAULT 0,
  credits_pending BIGINT NOT NULL DEFAULT 0,
  credits_posted BIGINT NOT NULL DEFAULT 0,
  create_time DATETIME(6) NOT NULL,
  KEY ledger_accounts_party (party_kind, party_id)
) ENGINE=InnoDB;

CREATE TABLE ledger_transfers (
  seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(128) NOT NULL,
  debit_account_id VARCHAR(128) NOT NULL,
  credit_account_id VARCHAR(128) NOT NULL,
  amount BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  flags TINYINT NOT NULL,
  pending_id VARCHAR(128) NOT NULL,
  timeout_us BIGINT NOT NULL,
  source_event VARCHAR(128) NOT NULL,
  code VARCHAR(32) NOT NULL,
  memo VARCHAR(256) NOT NULL,
  timestamp DATETIME(6) NOT NULL,
  status TINYINT NOT NULL,
  UNIQUE KEY ledger_transfers_id (id)
) ENGINE=InnoDB;

CREATE TABLE ledger_entries (
  seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(140) NOT NULL,
  transfer_id VARCHAR(128) NOT NULL,
  account_id VARCHAR(128) NOT NULL,
  amount BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  source_event VARCHAR(128) NOT NULL,
  code VARCHAR(32) NOT NULL,
  memo VARCHAR(256) NOT NULL,
  post_time DATETIME(6) NOT NULL,
  UNIQUE KEY ledger_entries_id (id),
  KEY ledger_entries_account (account_id, post_time, seq)
) ENGINE=InnoDB;

-- The plan each merchant is charged at, from a time on; the newest row
-- whose effective_time is not after an order's redemption applies.
CREATE TABLE merchant_plans (
  merchant_id VARCHAR(64) NOT NULL,
  effective_time DATETIME(6) NOT NULL,
  plan VARCHAR(64) NOT NULL,
  PRIMARY KEY (merchant_id, effective_time)
) ENGINE=InnoDB;

-- Payouts, each the transfer "payout:<request id>" from the party's available
-- balance to the platform's bank.
CREATE TABLE payouts (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  request_id VARCHAR(128) NOT NULL,
  party VARCHAR(80) NOT NULL,
  statement_id VARCHAR(100) NOT NULL,
  amount BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  reference VARCHAR(128) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY payouts_request (request_id),
  KEY payouts_party (party, create_time)
) ENGINE=InnoDB;

-- Events the ledger refused (a rule no retry can change): kept for an
-- administrator, so that one bad event never holds up the rest.
CREATE TABLE parked_events (
  event VARCHAR(160) NOT NULL PRIMARY KEY,
  reason VARCHAR(512) NOT NULL,
  data MEDIUMTEXT NOT NULL,
  park_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;
