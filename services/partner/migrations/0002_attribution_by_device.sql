-- Attribution by the phone as well as by the signed-in account
-- (docs/partners.md): a person scans a partner's link before signing in and
-- orders after. The order.placed event carries the device the order came
-- from (the scan path's keyed hash of address and user agent); it is kept
-- here for the order's later events, which do not carry it, and the valid
-- scans are found by device on their own index.
CREATE TABLE order_devices (
  order_id VARCHAR(32) NOT NULL PRIMARY KEY,
  device VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE placement_scans ADD KEY scans_by_device_merchant (device, merchant_id, valid, time_ms);
