#!/usr/bin/env bash
# How fast qrcloud-settlement settles the orders stream (issue 13): events
# posted into the ledger per second, beside MariaDB's raw rate of batched
# inserts of the same rows in the same run.
#
#   tools/bench/settlement_bench.sh [orders] [merchants] [scans]
#                           (default 100000 orders, 2000 merchants, 1000000 valid scans)
#
# Starts its own MariaDB and Redis (build/bench-env-settlement) and
# qrcloud-settlement as tools/up runs it (its default flags), waits until it
# has migrated, then writes `orders` order.redeemed events of `merchants`
# merchants (19.90 CNY each, as the center publishes them) into the `orders`
# stream and `scans` partner.scan_valid events of 100 partners (0.05 CNY each,
# as the partner service publishes them) into the `partners` stream, through
# one redis-cli pipe, and times from the first event written to the last
# event settled (polling the ledger 5 times a second: an order is settled
# with its fee's transfer, a scan with its row in settled_scans, written in
# the unit of the accrual that pays it).
# Then, as the reference, dumps exactly the rows settlement wrote (its
# transfers, their entries, the settled scans and orders, and the holds) with
# mariadb-dump's extended inserts and times loading them into empty copies of
# the same tables.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
orders=${1:-100000}
merchants=${2:-2000}
scans=${3:-1000000}
events_total=$(( orders + scans ))
env_dir=$root/build/bench-env-settlement
[ "${SKIP_BUILD:-0}" = 1 ] || ./tools/build qrcloud-settlement >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
db=qrcloud_settlement_bench
export QRCLOUD_MYSQL_DATABASE=$db QRCLOUD_LOG_LEVEL=warn
sql() { mariadb --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" \
  -p"$QRCLOUD_MYSQL_PASSWORD" -N "$@"; }
rcli() { redis-cli -p "$QRCLOUD_REDIS_PORT" "$@"; }
sql -e "DROP DATABASE IF EXISTS $db"
rcli FLUSHALL >/dev/null
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  rcli FLUSHALL >/dev/null 2>&1 || true  # no stream of events left to load next time
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT
build/bin/qrcloud-settlement --grpc_port=0 --metrics_port=0 --listen_address=127.0.0.1 \
  >"$env_dir/settlement.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  sql -e "SELECT 1 FROM $db.ledger_transfers LIMIT 1" >/dev/null 2>&1 && break
  sleep 0.1
done

# The events, as RESP for redis-cli --pipe.
events=$env_dir/orders.resp
awk -v n="$orders" -v m="$merchants" -v s="$scans" 'BEGIN {
  # Interleaved as they would come: ten scans to an order.
  for (i = 0; i < n || j < s; i++) {
    if (i < n) {
      data = sprintf("{\"id\":\"bench-order-%08d\",\"merchantId\":\"bench-merchant-%05d\",\"total\":{\"currency\":\"CNY\",\"minor\":\"1990\"},\"state\":\"REDEEMED\"}", i, i % m);
      printf "*7\r\n$4\r\nXADD\r\n$6\r\norders\r\n$1\r\n*\r\n$4\r\ntype\r\n$14\r\norder.redeemed\r\n$4\r\ndata\r\n$%d\r\n%s\r\n", length(data), data;
    }
    for (k = 0; k < 10 && j < s; k++) {
      data = sprintf("{\"scanEventId\":\"bench-scan-%09d\",\"partnerId\":\"bench-partner-%03d\",\"placementId\":\"bench-placement\",\"cpc\":{\"currency\":\"CNY\",\"minor\":\"5\"}}", j, j % 100);
      printf "*7\r\n$4\r\nXADD\r\n$8\r\npartners\r\n$1\r\n*\r\n$4\r\ntype\r\n$18\r\npartner.scan_valid\r\n$4\r\ndata\r\n$%d\r\n%s\r\n", length(data), data;
      j++;
    }
  }
}' >"$events"

count() {
  sql -e "SELECT (SELECT COUNT(*) FROM $db.ledger_transfers WHERE code = 'fee') +
                 (SELECT COUNT(*) FROM $db.settled_scans)"
}
t0=$(date +%s.%N)
rcli --pipe <"$events" >/dev/null
t_written=$(date +%s.%N)
while [ "$(count)" -lt "$events_total" ]; do
  sleep 0.2
  if awk -v s="$t0" -v n="$(date +%s.%N)" 'BEGIN {exit !(n - s > 600)}'; then
    echo "settlement_bench: not settled within 10 minutes ($(count) of $events_total)" >&2
    exit 1
  fi
done
t1=$(date +%s.%N)
settle_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
write_s=$(awk -v a="$t0" -v b="$t_written" 'BEGIN {printf "%.2f", b - a}')
rate=$(awk -v n="$events_total" -v s="$settle_s" 'BEGIN {printf "%.0f", n / s}')
transfers=$(sql -e "SELECT COUNT(*) FROM $db.ledger_transfers")
entries=$(sql -e "SELECT COUNT(*) FROM $db.ledger_entries")
holds=$(sql -e "SELECT COUNT(*) FROM $db.holds")
settled_orders=$(sql -e "SELECT COUNT(*) FROM $db.settled_orders")
# Every fee 1.00; every accrual 0.05 for each scan it pays.
problems=$(sql -e "SELECT COUNT(*) FROM $db.ledger_transfers t LEFT JOIN
  (SELECT transfer_id, COUNT(*) AS n FROM $db.settled_scans GROUP BY transfer_id) s
  ON s.transfer_id = t.id
  WHERE NOT ((t.code = 'fee' AND t.amount = 100) OR (t.code = 'cpc' AND t.amount = 5 * s.n))")

# The reference: the same rows, loaded as batched inserts.
dump=$env_dir/rows.sql
mariadb-dump --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" \
  -p"$QRCLOUD_MYSQL_PASSWORD" --no-create-info --extended-insert --net-buffer-length=1048576 \
  --skip-lock-tables --skip-add-locks --skip-disable-keys --skip-triggers \
  "$db" ledger_transfers ledger_entries settled_scans settled_orders holds >"$dump"
sql -e "DROP DATABASE IF EXISTS ${db}_ref; CREATE DATABASE ${db}_ref;
  CREATE TABLE ${db}_ref.ledger_transfers LIKE $db.ledger_transfers;
  CREATE TABLE ${db}_ref.ledger_entries LIKE $db.ledger_entries;
  CREATE TABLE ${db}_ref.settled_scans LIKE $db.settled_scans;
  CREATE TABLE ${db}_ref.settled_orders LIKE $db.settled_orders;
  CREATE TABLE ${db}_ref.holds LIKE $db.holds;"
r0=$(date +%s.%N)
sql "${db}_ref" <"$dump"
r1=$(date +%s.%N)
ref_s=$(awk -v a="$r0" -v b="$r1" 'BEGIN {printf "%.2f", b - a}')
ref_rate=$(awk -v n="$events_total" -v s="$ref_s" 'BEGIN {printf "%.0f", n / s}')
ref_rows=$(sql -e "SELECT (SELECT COUNT(*) FROM ${db}_ref.ledger_transfers) + (SELECT COUNT(*) FROM ${db}_ref.ledger_entries) + (SELECT COUNT(*) FROM ${db}_ref.settled_scans) + (SELECT COUNT(*) FROM ${db}_ref.settled_orders) + (SELECT COUNT(*) FROM ${db}_ref.holds)")
statements=$(grep -c '^INSERT' "$dump")

echo "settlement_bench: $orders order.redeemed events of $merchants merchants, $scans partner.scan_valid events of 100 partners"
echo "| what | rows | seconds | events/s |"
echo "| --- | ---: | ---: | ---: |"
echo "| qrcloud-settlement: streams → ledger (events written in ${write_s} s) | $transfers transfers + $entries entries + $scans settled scans + $settled_orders settled orders + $holds holds | $settle_s | $rate |"
echo "| MariaDB alone: the same rows, $statements extended INSERTs | $ref_rows | $ref_s | $ref_rate |"
echo "ratio settlement / raw inserts: $(awk -v a="$rate" -v b="$ref_rate" 'BEGIN {printf "%.2f", a / b}'); transfers of another amount than expected: $problems"
[ "$problems" = 0 ]
