-- Accounts of every kind, their API keys, and the append-only security log
-- (sign-ins and privileged actions).
CREATE TABLE accounts (
  id CHAR(26) NOT NULL PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  login VARCHAR(254) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  display_name VARCHAR(255) NOT NULL,
  roles VARCHAR(255) NOT NULL,
  merchant_id CHAR(26) NULL,
  agent_id CHAR(26) NULL,
  partner_id CHAR(26) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY accounts_login (login),
  KEY accounts_merchant (merchant_id)
) ENGINE=InnoDB;

CREATE TABLE api_keys (
  id CHAR(26) NOT NULL PRIMARY KEY,
  account_id CHAR(26) NOT NULL,
  name VARCHAR(255) NOT NULL,
  key_hash CHAR(64) NOT NULL,
  prefix VARCHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_used_at DATETIME(6) NULL,
  revoked_at DATETIME(6) NULL,
  UNIQUE KEY api_keys_hash (key_hash),
  KEY api_keys_account (account_id)
) ENGINE=InnoDB;

CREATE TABLE security_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  account_id CHAR(26) NULL,
  action VARCHAR(64) NOT NULL,
  subject VARCHAR(255) NOT NULL,
  peer VARCHAR(255) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  KEY security_log_account (account_id, at)
) ENGINE=InnoDB;
