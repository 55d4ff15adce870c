-- Agents' commission (docs/settlement.md): what settlement knows of agents
-- and of which merchant was whose when, from the agent service's `agents`
-- stream; and the earnings held for the holding period.
--
--   agents            the newest state heard of each agent (update_time
--                     orders the events: an older one changes nothing)
--   merchant_agents   one row per link, from link_time until unlink_time
--   holds             each earning credited to a held account, released to
--                     available at release_time (outcome "released"), or
--                     taken back before (outcome "clawed_back")
CREATE TABLE agents (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  state VARCHAR(16) NOT NULL,
  parent_agent_id VARCHAR(64) NOT NULL,
  commission_bps INT NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE merchant_agents (
  merchant_id VARCHAR(64) NOT NULL,
  link_time DATETIME(6) NOT NULL,
  agent_id VARCHAR(64) NOT NULL,
  unlink_time DATETIME(6) NULL,
  PRIMARY KEY (merchant_id, link_time)
) ENGINE=InnoDB;

CREATE TABLE holds (
  transfer_id VARCHAR(128) NOT NULL PRIMARY KEY,
  release_time DATETIME(6) NOT NULL,
  outcome VARCHAR(16) NULL,
  outcome_time DATETIME(6) NULL,
  KEY holds_due (outcome, release_time)
) ENGINE=InnoDB;
