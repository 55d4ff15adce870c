-- Orders the center takes for a node's tables (center links, /l/{node}/{table}):
-- the order itself is a landing order in `orders` (landing_sequence 0, so the
-- node's own records of it win); this row holds it for the node to pull, in
-- pull_seq order, and makes the guest's request id answer once per node.
CREATE TABLE landing_center_orders (
  pull_seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  node_id CHAR(26) NOT NULL,
  order_id CHAR(26) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY landing_center_orders_request (node_id, request_id),
  KEY landing_center_orders_node (node_id, pull_seq)
) ENGINE=InnoDB;
