#!/usr/bin/env bash
# Reminder delivery lag with 100,000 wallet items: how long after an item's
# validity changes by time (its offer ends) its reminder is written.
#
#   tools/bench/reminder_lag.sh [items] [spread-seconds]   (default 100000 items over 60 s)
#
# Starts its own MariaDB and Redis (build/bench-env) and qrcloud-personal as
# tools/up runs it (its default flags). Seeds, straight into the service's
# database, 1,000 public campaigns whose ends fall evenly over the next
# `spread` seconds (from 20 s on) and `items` wallet items of 100,000
# people following them, each EXPIRING with its next check at its offer's
# end. Then waits for every EXPIRED reminder and prints the lag of each
# (reminder time − end): p50, p99, max, and how many came.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
items=${1:-100000}
spread=${2:-60}
env_dir=$root/build/bench-env
./tools/build qrcloud-personal >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
export QRCLOUD_MYSQL_DATABASE=qrcloud_personal_lagbench QRCLOUD_LOG_LEVEL=warn
sql() { mariadb --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" \
  -p"$QRCLOUD_MYSQL_PASSWORD" -N "$@"; }
sql -e "DROP DATABASE IF EXISTS $QRCLOUD_MYSQL_DATABASE"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT
build/bin/qrcloud-personal --grpc_port=0 --metrics_port=0 --listen_address=127.0.0.1 \
  --backends=center=127.0.0.1:1 >"$env_dir/personal.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  sql -e "SELECT 1 FROM $QRCLOUD_MYSQL_DATABASE.wallet_items LIMIT 1" >/dev/null 2>&1 && break
  sleep 0.1
done

# 1,000 campaigns, ends spread over [start, start + spread); items round robin.
start=$(( $(date +%s) + 20 ))
campaigns=1000
db=$QRCLOUD_MYSQL_DATABASE
sql "$db" -e "
INSERT INTO campaign_facts (id, merchant_id, title, state, end_time, stock, stock_left, tags, page_url, update_time)
SELECT CONCAT('lagbench', LPAD(seq, 18, '0')), 'lagbenchmerchant00000000001', CONCAT('Bench ', seq), 'PUBLISHED',
       FROM_UNIXTIME($start + (seq - 1) * $spread / $campaigns), 0, 0, 'bench', '', UTC_TIMESTAMP(6)
FROM seq_1_to_$campaigns;
INSERT INTO wallet_items (id, account_id, kind, campaign_id, order_id, item_key, request_id, category, validity,
                          validity_time, save_time, next_check)
SELECT CONCAT('lagitem', LPAD(seq, 19, '0')), CONCAT('lagperson', LPAD(seq, 17, '0')), 'OFFER',
       CONCAT('lagbench', LPAD((seq - 1) % $campaigns + 1, 18, '0')), NULL,
       CONCAT('c:', (seq - 1) % $campaigns), NULL, 'bench', 'EXPIRING', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6),
       FROM_UNIXTIME($start + ((seq - 1) % $campaigns) * $spread / $campaigns)
FROM seq_1_to_$items;"
[ "$(date +%s)" -lt "$start" ] || { echo "reminder_lag: seeding took past the first end; use fewer items" >&2; exit 1; }
echo "reminder_lag: $items items, $campaigns campaigns ending from $(date -u -d @$start +%T) over ${spread}s"

deadline=$(( start + spread + 120 ))
while :; do
  done_count=$(sql "$db" -e "SELECT COUNT(*) FROM reminders WHERE validity = 'EXPIRED'")
  [ "$done_count" -ge "$items" ] && break
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 1
done
sql "$db" -e "SELECT TIMESTAMPDIFF(MICROSECOND, c.end_time, r.time) / 1000
              FROM reminders r JOIN wallet_items i ON i.id = r.item_id JOIN campaign_facts c ON c.id = i.campaign_id
              WHERE r.validity = 'EXPIRED'" | sort -n > "$env_dir/lags.txt"
n=$(wc -l < "$env_dir/lags.txt")
pct() { awk -v p="$1" -v n="$n" 'NR == int((n - 1) * p / 100) + 1 { printf "%.0f", $1; exit }' "$env_dir/lags.txt"; }
echo "reminder_lag: $n of $items reminders; lag p50 $(pct 50) ms, p99 $(pct 99) ms, max $(tail -1 "$env_dir/lags.txt" | awk '{printf "%.0f", $1}') ms"
