-- Agents and their links to merchants. Each row keeps its message whole
-- (protobuf JSON in `body`); the columns beside it are what lookups need.
CREATE TABLE agents (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  parent_agent_id VARCHAR(32) NULL,
  state VARCHAR(16) NOT NULL,
  body TEXT NOT NULL,
  KEY agents_by_parent (parent_agent_id),
  KEY agents_by_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Invites, requests and links (a link keeps its row when it ends).
CREATE TABLE agent_links (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  agent_id VARCHAR(32) NOT NULL,
  merchant_id VARCHAR(32) NULL,
  invite_code VARCHAR(16) NULL,
  state VARCHAR(16) NOT NULL,
  body TEXT NOT NULL,
  UNIQUE KEY agent_links_by_code (invite_code),
  KEY agent_links_by_agent (agent_id, id),
  KEY agent_links_by_merchant (merchant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A merchant's one agent: the primary key is the rule "at most one agent per
-- merchant", whatever races.
CREATE TABLE merchant_agents (
  merchant_id VARCHAR(32) NOT NULL PRIMARY KEY,
  link_id VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
