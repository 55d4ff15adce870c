-- The center's side of landing nodes (docs/landing.md, "The center's side").
--
-- landing_configs: a merchant's menu, tables and Wi-Fi as one LandingConfig
-- (JSON), with a version every change bumps.
CREATE TABLE landing_configs (
  merchant_id CHAR(26) NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL,
  body MEDIUMTEXT NOT NULL,
  updated_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;

-- A registered node. Its API key is a row of api_keys with node_id set (and
-- account_id = the node's id: no account stands behind it).
CREATE TABLE landing_nodes (
  id CHAR(26) NOT NULL PRIMARY KEY,
  merchant_id CHAR(26) NOT NULL,
  name VARCHAR(64) NOT NULL,
  lan_url VARCHAR(255) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  high_water_mark BIGINT NOT NULL DEFAULT 0,
  config_version BIGINT NOT NULL DEFAULT 0,
  last_seen_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL,
  revoked_at DATETIME(6) NULL,
  UNIQUE KEY landing_nodes_request (merchant_id, request_id),
  KEY landing_nodes_merchant (merchant_id, id)
) ENGINE=InnoDB;

ALTER TABLE api_keys ADD COLUMN node_id CHAR(26) NULL, ADD KEY api_keys_node (node_id);

-- Every sync record a node sent, once: a replay is found here and not
-- applied again. outcome: STORED or REJECTED (with its reason).
CREATE TABLE landing_sync_records (
  node_id CHAR(26) NOT NULL,
  uuid VARCHAR(64) NOT NULL,
  sequence BIGINT NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  reason VARCHAR(255) NOT NULL DEFAULT '',
  stored_at DATETIME(6) NOT NULL,
  PRIMARY KEY (node_id, uuid)
) ENGINE=InnoDB;

-- Landing orders live in `orders` (source LANDING) with the node's id for
-- them as their id: these columns say where they came from and keep the
-- state of the highest sequence. They have no receipt (NULL numbers do not
-- collide in orders_receipt_number); their lines are JSON (OrderItem[]).
ALTER TABLE orders
  MODIFY receipt_number VARCHAR(16) NULL,
  ADD COLUMN landing_node_id CHAR(26) NULL,
  ADD COLUMN table_id VARCHAR(16) NULL,
  ADD COLUMN landing_status VARCHAR(16) NULL,
  ADD COLUMN landing_sequence BIGINT NULL,
  ADD COLUMN items MEDIUMTEXT NULL,
  ADD KEY orders_landing_node (landing_node_id, id);

-- A cloud receipt a node redeemed that was redeemed elsewhere too (or could
-- not be redeemed any more): once per order and node.
CREATE TABLE landing_conflicts (
  order_id CHAR(26) NOT NULL,
  node_id CHAR(26) NOT NULL,
  merchant_id CHAR(26) NOT NULL,
  node_redeemed_at DATETIME(6) NULL,
  other_redeemed_at DATETIME(6) NULL,
  reason VARCHAR(255) NOT NULL,
  detected_at DATETIME(6) NOT NULL,
  PRIMARY KEY (order_id, node_id),
  KEY landing_conflicts_merchant (merchant_id, detected_at)
) ENGINE=InnoDB;
