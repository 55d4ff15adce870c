#!/usr/bin/env bash
# The scan path against its reference: GET /s/{slug} through the gateway
# (resolve, record the scan in the Redis stream, 302) beside a static nginx
# `return 302` on the same machine, both with wrk -t2 -c64.
#
#   tools/bench/scan_bench.sh [seconds] [rounds]      (default 10 s, 3 rounds)
#
# Starts its own MariaDB, Redis, center, gateway and nginx on loopback ports
# under build/bench-env and stops them afterwards. The center's scan rollup
# (the stream's consumer) is off by default, as it would run on another node
# than the gateway: SCAN_ROLLUP=1 runs it here too, on the same two cores.
# PLATFORM=up measures the platform exactly as ./tools/up started it instead
# (every service, the rollup in the center, the landing node, on this
# machine): its gateway, Redis and demo merchant; nothing is flushed or
# stopped but the nginx this script starts.
# Checks that every scan wrk got an answer for is in the stream. Prints a
# Markdown table.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
rounds=${2:-3}
env_dir=$root/build/bench-env
center_port=15092
gateway_port=18092
nginx_port=18099

platform=${PLATFORM:-bench}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -f "$env_dir/nginx/nginx.pid" ]; then kill "$(cat "$env_dir/nginx/nginx.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if [ "$platform" != up ]; then ./tools/deps stop "$env_dir" >/dev/null; fi
}
trap cleanup EXIT

if [ "$platform" = up ]; then
  [ -f var/env ] && [ -f var/demo.json ] || { echo "scan_bench: PLATFORM=up needs ./tools/up running" >&2; exit 1; }
  set -a; . var/env; set +a
  gw=$(jq -r .gateway var/demo.json | sed "s/localhost/127.0.0.1/")
  curl -fs -o /dev/null "$gw/readyz" || { echo "scan_bench: the gateway at $gw is not ready" >&2; exit 1; }
  mkdir -p "$env_dir"
else
./tools/build qrcloud-center qrcloud-gateway bench_decide >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
# Start from an empty Redis: the bench's stream must not carry earlier runs.
for _ in $(seq 1 600); do [ "$(redis-cli -p "$QRCLOUD_REDIS_PORT" PING 2>/dev/null)" = PONG ] && break; sleep 0.1; done
redis-cli -p "$QRCLOUD_REDIS_PORT" FLUSHALL >/dev/null
export QRCLOUD_MYSQL_DATABASE=qrcloud_center_scanbench QRCLOUD_LOG_LEVEL=warn

build/bin/qrcloud-center --grpc_port=$center_port --metrics_port=0 --listen_address=127.0.0.1 \
  --public_url=http://127.0.0.1:$gateway_port --media_dir="$env_dir/media" \
  --receipt_key_file="$env_dir/receipt.key" \
  --scan_rollup=$([ "${SCAN_ROLLUP:-0}" = 1 ] && echo true || echo false) ${CENTER_FLAGS:-} >"$env_dir/center.log" 2>&1 &
pids+=($!)
build/bin/qrcloud-gateway --http_port=$gateway_port --http_address=127.0.0.1 \
  --backends=center=127.0.0.1:$center_port --scan_spool="$env_dir/scans.spool" ${GATEWAY_FLAGS:-} \
  >"$env_dir/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$gateway_port/readyz" && break; sleep 0.1; done
gw=http://127.0.0.1:$gateway_port
fi

mkdir -p "$env_dir/nginx/logs"
cat > "$env_dir/nginx/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $env_dir/nginx/nginx.pid;
error_log $env_dir/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 302 https://example.com/; }
  }
}
NGINX
nginx -c "$env_dir/nginx/nginx.conf" -p "$env_dir/nginx"

if [ "$platform" = up ]; then
  # The demo merchant (qualified by the seed) makes the code.
  token=$(curl -fsS -X POST "$gw/v1/sessions" \
    -d "$(jq -c '{login: .merchant.login, password: .merchant.password}' var/demo.json)" | jq -r .token)
else
# A qualified merchant (codes that leave the platform need one), approved as
# the audit service would.
admin_pw="$env_dir/admin-password"
build/bin/qrcloud-center ensure-admin admin@qrcloud.local "$admin_pw" >/dev/null
admin=$(curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"admin@qrcloud.local\",\"password\":\"$(cat "$admin_pw")\"}" | jq -r .token)
login="scanbench-$$-$RANDOM@example.com"
curl -fsS -X POST $gw/v1/accounts -d "{\"kind\":\"MERCHANT\",\"login\":\"$login\",\"password\":\"bench-password\"}" >/dev/null
session=$(curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"$login\",\"password\":\"bench-password\"}")
token=$(jq -r .token <<<"$session"); mid=$(jq -r .account.merchantId <<<"$session")
curl -fsS -X POST $gw/v1/merchants/$mid/qualification -H "authorization: Bearer $token" \
  -d '{"licenseNumber":"91350100M000100Y43","legalName":"Bench"}' >/dev/null
build/bin/bench_decide --center=127.0.0.1:$center_port --token="$admin" --redis_port="$QRCLOUD_REDIS_PORT" \
  --type=qualification.submitted --subject="$mid"
fi
slug=$(curl -fsS -X POST $gw/v1/codes -H "authorization: Bearer $token" -d '{"targetUrl":"https://example.com/"}' | jq -r .slug)
curl -fs -o /dev/null "$gw/s/$slug"  # resolve once

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
# Both sides get a phone's User-Agent: a scan without one is a script, recorded but not counted.
ua="User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
run() {  # run <url> → "req/s p50 p99 requests"
  local out; out=$(wrk -t2 -c64 -d${seconds}s --latency -H "$ua" "$1")
  echo "$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out") $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")") $(awk '/requests in/ {print $1}' <<<"$out")"
}
# Scans in the stream after entry id $1: each entry is a batch, one line per scan.
last_id() { redis-cli -p "$QRCLOUD_REDIS_PORT" --raw XREVRANGE scans + - COUNT 1 | head -1; }
scans_after() {
  local from=${1:--}
  [ "$from" != - ] && from="($from"
  redis-cli -p "$QRCLOUD_REDIS_PORT" --raw XRANGE scans "$from" + | grep -c '^eid=' || true
}

wrk -t2 -c64 -d2s -H "$ua" "$gw/s/$slug" >/dev/null
wrk -t2 -c64 -d2s -H "$ua" "http://127.0.0.1:$nginx_port/" >/dev/null

rows=(); ratios=(); gw_all=(); ng_all=()
for round in $(seq 1 "$rounds"); do
  read -r ng_rps ng_p50 ng_p99 _ <<<"$(run "http://127.0.0.1:$nginx_port/")"
  before=$(last_id)
  read -r gw_rps gw_p50 gw_p99 gw_requests <<<"$(run "$gw/s/$slug")"
  recorded=$(scans_after "${before:--}")
  # wrk counts a request when its answer arrived; each answer follows its record.
  if (( recorded < gw_requests )); then
    echo "scan_bench: only $recorded scans recorded for $gw_requests answers" >&2
    exit 1
  fi
  rows+=("| $round | nginx return 302 | $ng_rps | $ng_p50 | $ng_p99 | |")
  rows+=("| $round | gateway /s/{slug} | $gw_rps | $gw_p50 | $gw_p99 | $recorded recorded for $gw_requests answered |")
  ratios+=("$(awk -v a="$gw_rps" -v b="$ng_rps" 'BEGIN {printf "%.2f", a / b}')")
  gw_all+=("$gw_rps"); ng_all+=("$ng_rps")
done
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo
echo "GET /s/{slug} vs nginx return 302, wrk -t2 -c64, ${seconds} s per run, $rounds rounds;"
if [ "$platform" = up ]; then
  echo "the platform as ./tools/up started it (every service, the scan rollup in the center, the landing node)"
else
  echo "scan rollup on this machine during the run: $([ "${SCAN_ROLLUP:-0}" = 1 ] && echo yes || echo no)"
fi
echo "$(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}')), everything on this one machine."
echo
echo "| round | server | req/s | p50 ms | p99 ms | scans |"
echo "| ---: | --- | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "median req/s: gateway $(median "${gw_all[@]}"), nginx $(median "${ng_all[@]}")"
echo "median ratio gateway/nginx: $(median "${ratios[@]}") (per round: ${ratios[*]})"
