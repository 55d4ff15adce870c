-- The redeemed orders whose fee was posted, with when they were redeemed,
-- written in the fee's unit: when the agents stream tells late that a
-- merchant had an agent from a time on (the link came after the
-- redemptions), the commissions of that merchant's orders redeemed since are
-- posted then (settlement_logic.cc OnAgentEvent), so none is lost to the
-- order in which two streams are read.
CREATE TABLE settled_orders (
  order_id VARCHAR(64) NOT NULL PRIMARY KEY,
  merchant_id VARCHAR(64) NOT NULL,
  redeem_time DATETIME(6) NOT NULL,
  KEY settled_orders_merchant (merchant_id, redeem_time)
) ENGINE=InnoDB;
