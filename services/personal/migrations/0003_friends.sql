-- Nicknames, friend codes, friendships and blocks.
ALTER TABLE profiles ADD COLUMN nickname VARCHAR(200) NOT NULL DEFAULT '';

CREATE TABLE friend_codes (
  account_id VARCHAR(32) NOT NULL PRIMARY KEY,
  code VARCHAR(16) NOT NULL,
  UNIQUE KEY by_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per pair of people (pair_key: the two ids in order), whoever asked.
CREATE TABLE friendships (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  pair_key VARCHAR(65) NOT NULL,
  requester VARCHAR(32) NOT NULL,
  addressee VARCHAR(32) NOT NULL,
  accepted BOOLEAN NOT NULL DEFAULT FALSE,
  create_time DATETIME(6) NOT NULL,
  UNIQUE KEY by_pair (pair_key),
  KEY by_requester (requester),
  KEY by_addressee (addressee)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE blocks (
  blocker VARCHAR(32) NOT NULL,
  blocked VARCHAR(32) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (blocker, blocked)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
