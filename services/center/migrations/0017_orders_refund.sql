-- Refunds (docs/orders.md): a merchant refunds a redeemed order once, within
-- the refund window. The refund is kept in its order's row: when, why, who,
-- and the request id that made it, unique per merchant, so that a retry
-- answers with the order it refunded and acts once (NULLs, for the orders
-- never refunded, do not collide). `state` is a VARCHAR(16) with no CHECK:
-- 'REFUNDED' needs no change to it.
ALTER TABLE orders
  ADD COLUMN refunded_at DATETIME(6) NULL,
  ADD COLUMN refund_reason VARCHAR(200) NULL,
  ADD COLUMN refunded_by CHAR(26) NULL,
  ADD COLUMN refund_request_id VARCHAR(128) NULL,
  ADD UNIQUE KEY orders_refund_request (merchant_id, refund_request_id);
