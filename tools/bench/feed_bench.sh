#!/usr/bin/env bash
# The feed through the gateway: GET /v1/me/feed for 10,000 people and
# 100,000 shares, at 64 concurrent requests, beside the gateway's lightest
# signed-in call (GET /v1/me: the session from Redis, nothing else) in the
# same run, rounds interleaved.
#
#   tools/bench/feed_bench.sh [seconds] [readers]   (default 10 s a round, 200 readers)
#   FEED_CACHE_TTL=0 tools/bench/feed_bench.sh      the same with the first-page cache off
#
# Starts its own MariaDB and Redis (build/bench-env-feed), the center,
# qrcloud-personal and the gateway with their default flags (the gateway's
# rate limits raised, as in gateway_bench.sh: every request comes from one
# address). `readers` people register and sign in through the gateway; the
# rest of the 10,000 people, their profiles, friends, circles and the
# 100,000 shares are seeded straight into the personal service's database:
#   - interests: each person has 3 of 100; each interest has a circle they all joined
#     (about 300 members, 400 shares each);
#   - friends: each person has 10, and a friends circle (4 shares each);
#   - places: people live in 10 cities; each city has 5 location circles of 5 km
#     (400 shares each) that hold nearly all its people.
# So a feed merges about 20 circles and 3,000 shares to give the newest 20.
# Prints each round and the medians, for docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
readers=${2:-200}
people=10000
shares=100000
env_dir=$root/build/bench-env-feed
center_port=15191
personal_port=15192
gateway_port=18191
personal_metrics_port=19192

./tools/build qrcloud-center qrcloud-personal qrcloud-gateway >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
export QRCLOUD_LOG_LEVEL=warn QRCLOUD_LISTEN_ADDRESS=127.0.0.1 QRCLOUD_PUBLIC_URL=http://127.0.0.1:$gateway_port
sql() { mariadb --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" \
  -p"$QRCLOUD_MYSQL_PASSWORD" -N "$@"; }
sql -e "DROP DATABASE IF EXISTS qrcloud_center_feedbench; DROP DATABASE IF EXISTS qrcloud_personal_feedbench"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT
QRCLOUD_MYSQL_DATABASE=qrcloud_center_feedbench build/bin/qrcloud-center --grpc_port=$center_port \
  --metrics_port=0 --media_dir="$env_dir/media" --receipt_key_file="$env_dir/receipt.key" \
  >"$env_dir/center.log" 2>&1 &
pids+=($!)
QRCLOUD_MYSQL_DATABASE=qrcloud_personal_feedbench build/bin/qrcloud-personal \
  --grpc_port=$personal_port --metrics_port=$personal_metrics_port --backends=center=127.0.0.1:$center_port \
  ${FEED_CACHE_TTL:+--feed_cache_ttl=$FEED_CACHE_TTL} \
  >"$env_dir/personal.log" 2>&1 &
pids+=($!)
build/bin/qrcloud-gateway --http_port=$gateway_port --http_address=127.0.0.1 \
  --backends=center=127.0.0.1:$center_port,personal=127.0.0.1:$personal_port \
  --rate_limit_per_token=100000000 --rate_limit_per_address=100000000 \
  >"$env_dir/gateway.log" 2>&1 &
pids+=($!)
gw=http://127.0.0.1:$gateway_port
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "$gw/readyz" && break
  sleep 0.1
done
for _ in $(seq 1 300); do
  sql -e "SELECT 1 FROM qrcloud_personal_feedbench.shares LIMIT 1" >/dev/null 2>&1 && break
  sleep 0.1
done

# The readers: real accounts and sessions (the feed asks who they are).
: >"$env_dir/tokens"; : >"$env_dir/ids"
for i in $(seq 1 "$readers"); do
  login="feed-$$-$i@example.com"
  curl -fsS -X POST $gw/v1/accounts \
    -d "{\"kind\":\"PERSON\",\"login\":\"$login\",\"password\":\"bench-password-$i\"}" >/dev/null
  session=$(curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"$login\",\"password\":\"bench-password-$i\"}")
  jq -r .token <<<"$session" >>"$env_dir/tokens"
  jq -r .account.id <<<"$session" >>"$env_dir/ids"
done
echo "feed_bench: $readers readers signed in"

# Everyone else, and what they share. Person n (1..10,000): the first
# `readers` are the real accounts. Ids are digits, so they are valid ids and
# sort in the order made.
db=qrcloud_personal_feedbench
values=$(awk '{printf "%s(%d,\"%s\")", (NR>1?",":""), NR, $1}' "$env_dir/ids")
sql "$db" -e "
CREATE TABLE bench_people (n INT PRIMARY KEY, id VARCHAR(32) NOT NULL) ENGINE=InnoDB;
INSERT INTO bench_people VALUES $values;
INSERT INTO bench_people SELECT seq, CONCAT('02', LPAD(seq, 24, '0')) FROM seq_${readers}_to_$people WHERE seq > $readers;
CREATE TABLE bench_cities (c INT PRIMARY KEY, lat DOUBLE, lng DOUBLE) ENGINE=InnoDB;
INSERT INTO bench_cities VALUES (0,31.2304,121.4737),(1,39.9042,116.4074),(2,23.1291,113.2644),
  (3,22.5431,114.0579),(4,30.5728,104.0668),(5,29.5630,106.5516),(6,30.2741,120.1551),
  (7,26.0745,119.2965),(8,34.3416,108.9398),(9,32.0603,118.7969);
INSERT INTO profiles (account_id, interests, lat, lng, live, precision_m, location_time)
SELECT p.id, CONCAT('interest-', p.n % 100, '\n', 'interest-', (p.n * 7 + 1) % 100, '\n', 'interest-', (p.n * 13 + 2) % 100),
       ROUND(c.lat + ((p.n * 37) % 100 - 50) / 2000, 4), ROUND(c.lng + ((p.n * 53) % 100 - 50) / 2000, 4),
       FALSE, 10, UTC_TIMESTAMP(6)
FROM bench_people p JOIN bench_cities c ON c.c = p.n % 10;
INSERT INTO circles (id, owner_account_id, request_id, name, basis, interest, lat, lng, radius_m,
                     min_lat, max_lat, min_lng, max_lng, friends_owner, member_count, create_time)
SELECT CONCAT('03', LPAD(k.seq, 24, '0')), p.id, NULL, CONCAT('interest ', k.seq), 'INTEREST',
       CONCAT('interest-', k.seq), 0, 0, 0, 0, 0, 0, 0, NULL, 0, UTC_TIMESTAMP(6)
FROM seq_0_to_99 k JOIN bench_people p ON p.n = k.seq + 1;
INSERT IGNORE INTO circle_members (account_id, circle_id, join_time)
SELECT p.id, CONCAT('03', LPAD(k, 24, '0')), UTC_TIMESTAMP(6)
FROM (SELECT n, id, n % 100 AS k FROM bench_people UNION ALL SELECT n, id, (n * 7 + 1) % 100 FROM bench_people
      UNION ALL SELECT n, id, (n * 13 + 2) % 100 FROM bench_people) p;
UPDATE circles c SET member_count = (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = c.id)
WHERE basis = 'INTEREST';
INSERT INTO circles (id, owner_account_id, request_id, name, basis, interest, lat, lng, radius_m,
                     min_lat, max_lat, min_lng, max_lng, friends_owner, member_count, create_time)
SELECT CONCAT('05', LPAD(p.n, 24, '0')), p.id, NULL, 'friends', 'FRIENDS', '', 0, 0, 0, 0, 0, 0, 0, p.id, 0,
       UTC_TIMESTAMP(6)
FROM bench_people p;
INSERT INTO circles (id, owner_account_id, request_id, name, basis, interest, lat, lng, radius_m,
                     min_lat, max_lat, min_lng, max_lng, friends_owner, member_count, create_time)
SELECT CONCAT('06', LPAD(c.c * 5 + k.seq, 24, '0')), (SELECT id FROM bench_people WHERE n = 1), NULL,
       CONCAT('city ', c.c, ' area ', k.seq), 'LOCATION', '', c.lat, c.lng, 5000,
       c.lat - 0.0454, c.lat + 0.0454, c.lng - 0.0454 / COS(RADIANS(c.lat)), c.lng + 0.0454 / COS(RADIANS(c.lat)),
       NULL, 0, UTC_TIMESTAMP(6)
FROM bench_cities c JOIN seq_0_to_4 k;
INSERT INTO friendships (id, pair_key, requester, addressee, accepted, create_time)
SELECT CONCAT('04', LPAD(a.n * 10 + d.seq, 24, '0')), CONCAT(LEAST(a.id, b.id), ':', GREATEST(a.id, b.id)),
       a.id, b.id, TRUE, UTC_TIMESTAMP(6)
FROM bench_people a JOIN seq_1_to_5 d JOIN bench_people b ON b.n = (a.n - 1 + d.seq) % $people + 1;
INSERT INTO shares (id, circle_id, account_id, author_name, request_id, body, image_urls, links,
                    campaign_id, code_id, state, submission_id, report_submission_id, reasons,
                    comment_count, create_time)
SELECT CONCAT('01', LPAD(s.seq, 24, '0')),
       CASE WHEN s.seq % 10 < 4 THEN CONCAT('03', LPAD(s.seq % 100, 24, '0'))
            WHEN s.seq % 10 < 8 THEN CONCAT('05', LPAD(s.seq % $people + 1, 24, '0'))
            ELSE CONCAT('06', LPAD(s.seq % 50, 24, '0')) END,
       CONCAT('02', LPAD(s.seq % $people + 1, 24, '0')), 'bench', NULL,
       CONCAT('周五半价 half price, share ', s.seq), '', '', '', '', 'VISIBLE', CONCAT('bench-', s.seq), '', '', 0,
       UTC_TIMESTAMP(6)
FROM seq_1_to_$shares s;
ANALYZE TABLE shares, circles, circle_members, friendships, profiles;"
echo "feed_bench: seeded $people people, $(sql "$db" -e 'SELECT COUNT(*) FROM shares') shares, $(sql "$db" -e 'SELECT COUNT(*) FROM circles') circles, $(sql "$db" -e 'SELECT COUNT(*) FROM friendships') friendships"

first=$(head -1 "$env_dir/tokens")
got=$(curl -fsS -H "Authorization: Bearer $first" "$gw/v1/me/feed?page.pageSize=20" | jq '.shares | length')
[ "$got" = 20 ] || { echo "feed_bench: a reader's feed has $got shares, not 20" >&2; exit 1; }

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# run <path> <seconds>: sets rps p50 p99.
run() {
  local out
  out=$(wrk -t2 -c64 -d${2}s --latency -s tools/bench/tokens.lua "$gw$1" -- "$env_dir/tokens")
  if grep -q "Socket errors" <<<"$out" || ! grep -q "^non200 0$" <<<"$out"; then
    echo "feed_bench: errors on $1:" >&2; echo "$out" >&2; exit 1
  fi
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
}
# HOLD=<seconds>: keep everything up that long first, to look inside.
[ -z "${HOLD:-}" ] || { echo "feed_bench: holding ${HOLD}s; env in $env_dir/env"; sleep "$HOLD"; }
run "/v1/me/feed?page.pageSize=20" 3  # warm-up
run "/v1/me" 2

rounds=${ROUNDS:-5}
declare -a feed_p99 me_p99 feed_rps me_rps
echo "| round | call | req/s | p50 ms | p99 ms |"
echo "| --- | --- | --- | --- | --- |"
for round in $(seq 1 "$rounds"); do
  for call in $( ((round % 2)) && echo "feed me" || echo "me feed"); do
    if [ "$call" = feed ]; then
      run "/v1/me/feed?page.pageSize=20" "$seconds"; feed_p99+=($p99); feed_rps+=($rps)
      echo "| $round | GET /v1/me/feed | $rps | $p50 | $p99 |"
    else
      run "/v1/me" "$seconds"; me_p99+=($p99); me_rps+=($rps)
      echo "| $round | GET /v1/me | $rps | $p50 | $p99 |"
    fi
  done
done
fp=$(median "${feed_p99[@]}"); mp=$(median "${me_p99[@]}")
echo
echo "feed_bench: first pages from the cache: $(curl -fsS http://127.0.0.1:$personal_metrics_port/metrics | grep '^feed_cache_lookups_total' | tr '\n' ' ')"
echo
echo "feed_bench: median p99 feed $fp ms (goal 15), GET /v1/me $mp ms; ratio $(awk -v a="$fp" -v b="$mp" 'BEGIN {printf "%.2f", a / b}')x;" \
  "median req/s feed $(median "${feed_rps[@]}"), GET /v1/me $(median "${me_rps[@]}")"
