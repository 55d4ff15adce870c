#!/usr/bin/env bash
# The gateway's cost: a signed-in GET /v1/merchants/{id} through the gateway
# with wrk, beside the same call made directly over gRPC (grpc_load), in one
# run on one machine, all at 64 concurrent requests. A second gateway, calling
# the center through grpc++ instead of its own client, is measured too.
#
#   tools/bench/gateway_bench.sh [seconds]      (default 10)
#
# Starts its own MariaDB, Redis, center and gateway on loopback ports under
# build/bench-env and stops them afterwards. Prints a Markdown table for
# docs/benchmarks.md. Besides req/s and latency it reports CPU time per
# request of every process involved (from /proc), the most direct measure
# of what the gateway adds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
env_dir=build/bench-env
center_port=15091
gateway_port=18091
grpcxx_gateway_port=18092

./tools/build qrcloud-center qrcloud-gateway grpc_load >/dev/null
./tools/deps start "$env_dir" 13395 16395
set -a; . "$env_dir/env"; set +a
export QRCLOUD_MYSQL_DATABASE=qrcloud_center_bench QRCLOUD_LOG_LEVEL=warn

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT

build/bin/qrcloud-center --grpc_port=$center_port --metrics_port=0 --listen_address=127.0.0.1 \
  --media_dir="$env_dir/media" --receipt_key_file="$env_dir/receipt.key" >"$env_dir/center.log" 2>&1 &
center_pid=$!; pids+=($center_pid)
# Two gateways in front of the one center: the default (its own gRPC client
# on the HTTP io threads) and, as the reference for that client, one calling
# through grpc++'s generic stub. Each is idle while the other is measured.
# Rate limits stay on (they are part of the real path), set high enough
# that the benchmark's single token and address are never refused.
start_gateway() {  # <port> <flags...>
  local port=$1; shift
  build/bin/qrcloud-gateway --http_port=$port --http_address=127.0.0.1 \
    --backends=center=127.0.0.1:$center_port \
    --rate_limit_per_token=100000000 --rate_limit_per_address=100000000 "$@" ${GATEWAY_FLAGS:-} \
    >"$env_dir/gateway-$port.log" 2>&1 &
  pids+=($!)
}
start_gateway $gateway_port
gateway_pid=${pids[-1]}
start_gateway $grpcxx_gateway_port --backend_client=grpc
grpcxx_gateway_pid=${pids[-1]}
for port in $gateway_port $grpcxx_gateway_port; do
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break
    sleep 0.1
  done
done

gw=http://127.0.0.1:$gateway_port
login="bench-$$-$RANDOM@example.com"
curl -fsS -X POST $gw/v1/accounts -d "{\"kind\":\"MERCHANT\",\"login\":\"$login\",\"password\":\"bench-password\"}" >/dev/null
session=$(curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"$login\",\"password\":\"bench-password\"}")
token=$(jq -r .token <<<"$session")
mid=$(jq -r .account.merchantId <<<"$session")

mysqld_pid=$(cat "$env_dir/mysql.pid")
redis_pid=$(cat "$env_dir/redis.pid")
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks of: center, the gateway under test (none for the direct path), MariaDB, Redis.
snapshot() { echo "$(ticks $center_pid) $([ "$1" = - ] && echo 0 || ticks "$1") $(ticks $mysqld_pid) $(ticks $redis_pid)"; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
# cpu_per_request <before> <after> <requests>: CPU ms per request of each process.
cpu_per_request() {
  local b=($1) a=($2) n=$3 out=()
  for i in 0 1 2 3; do out+=("$(awk -v d=$(( ${a[$i]} - ${b[$i]} )) -v hz=$hz -v n=$n 'BEGIN {printf "%.3f", d / hz * 1000 / n}')"); done
  echo "${out[*]}"
}
sum() { awk '{s=0; for (i=1;i<=NF;i++) s+=$i; printf "%.3f", s}' <<<"$*"; }
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# run_wrk <port> <gateway pid> <seconds>: sets rps p50 p99 cpu (total) cpu_parts.
run_wrk() {
  local before after out n bad parts
  before=$(snapshot "$2")
  out=$(wrk -t2 -c64 -d${3}s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$1/v1/merchants/$mid")
  after=$(snapshot "$2")
  bad=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -z "$bad" ] || { echo "errors through the gateway on port $1: $bad" >&2; exit 1; }
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  parts=($(cpu_per_request "$before" "$after" "$n"))
  cpu=$(sum "${parts[@]}")
  cpu_parts="${parts[0]} + ${parts[1]} + ${parts[2]} + ${parts[3]}"
}
# run_direct <seconds>: the same, for grpc_load straight at the center.
run_direct() {
  local before after out n errors parts
  before=$(snapshot -)
  # grpc_load's own warm-up is off: the same window is measured as for wrk.
  out=$(build/bin/grpc_load --target=127.0.0.1:$center_port --token="$token" --merchant="$mid" \
    --concurrency=64 --duration=${1}s --warmup=0s)
  after=$(snapshot -)
  errors=$(awk '$1=="requests" {print $4}' <<<"$out")
  [ "$errors" = 0 ] || { echo "errors on the direct path: $errors" >&2; exit 1; }
  n=$(awk '$1=="requests" {print $2}' <<<"$out")
  rps=$(awk '$1=="req/s" {print $2}' <<<"$out")
  p50=$(awk '$1=="p50_ms" {printf "%.2f", $2}' <<<"$out")
  p99=$(awk '$1=="p99_ms" {printf "%.2f", $2}' <<<"$out")
  parts=($(cpu_per_request "$before" "$after" "$n"))
  cpu=$(sum "${parts[@]}")
  cpu_parts="${parts[0]} + ${parts[1]} + ${parts[2]} + ${parts[3]}"
}

# Warm all three paths up.
run_wrk $gateway_port $gateway_pid 2
run_wrk $grpcxx_gateway_port $grpcxx_gateway_pid 2
run_direct 2

rounds=${ROUNDS:-5}
rows=()
declare -a gw_rps gw_p50 gw_cpu gx_rps gx_cpu d_rps d_p50 d_cpu tput_ratio p50_ratio cpu_ratio gx_cpu_ratio
for round in $(seq 1 "$rounds"); do
  # The order turns each round, so drift on the machine falls on every path alike.
  for path in $(case $((round % 3)) in 1) echo "gw gx direct" ;; 2) echo "direct gw gx" ;; 0) echo "gx direct gw" ;; esac); do
    case $path in
      gw) run_wrk $gateway_port $gateway_pid "$seconds"
          gw_rps+=($rps); gw_p50+=($p50); gw_cpu+=($cpu)
          rows+=("| $round | REST via gateway | $rps | $p50 | $p99 | $cpu ($cpu_parts) |") ;;
      gx) run_wrk $grpcxx_gateway_port $grpcxx_gateway_pid "$seconds"
          gx_rps+=($rps); gx_cpu+=($cpu)
          rows+=("| $round | REST via gateway, grpc++ client | $rps | $p50 | $p99 | $cpu ($cpu_parts) |") ;;
      direct) run_direct "$seconds"
          d_rps+=($rps); d_p50+=($p50); d_cpu+=($cpu)
          rows+=("| $round | gRPC direct | $rps | $p50 | $p99 | $cpu ($cpu_parts) |") ;;
    esac
  done
  i=$((round - 1))
  tput_ratio+=("$(ratio "${gw_rps[$i]}" "${d_rps[$i]}")")
  p50_ratio+=("$(ratio "${gw_p50[$i]}" "${d_p50[$i]}")")
  cpu_ratio+=("$(ratio "${gw_cpu[$i]}" "${d_cpu[$i]}")")
  gx_cpu_ratio+=("$(ratio "${gx_cpu[$i]}" "${d_cpu[$i]}")")
done

echo
echo "GET /v1/merchants/{id}, signed in, 64 concurrent, ${seconds} s per run, $rounds rounds;"
echo "$(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}')), everything on this one machine."
echo
echo "| round | path | req/s | p50 ms | p99 ms | server CPU ms/request (center + gateway + MariaDB + Redis) |"
echo "| ---: | --- | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "median req/s: gateway $(median "${gw_rps[@]}"), gateway with grpc++ client $(median "${gx_rps[@]}"), direct $(median "${d_rps[@]}")"
echo "median server CPU ms/request: gateway $(median "${gw_cpu[@]}"), with grpc++ client $(median "${gx_cpu[@]}"), direct $(median "${d_cpu[@]}")"
echo "gateway / direct, median of the rounds (per round):"
echo "  throughput $(median "${tput_ratio[@]}") (${tput_ratio[*]})"
echo "  p50 latency $(median "${p50_ratio[@]}") (${p50_ratio[*]})"
echo "  server CPU per request $(median "${cpu_ratio[@]}") (${cpu_ratio[*]}); with the grpc++ client $(median "${gx_cpu_ratio[@]}") (${gx_cpu_ratio[*]})"
