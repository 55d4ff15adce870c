#!/usr/bin/env bash
# Search for people over 100,000 campaigns (issue 11): p99 of Chinese and of
# English searches through the gateway at 64 concurrent clients, each run
# beside the gateway's lightest authenticated call (GET /v1/me: the session
# from Redis, nothing else; as in feed_bench.sh) in the same session, rounds
# interleaved, medians reported.
#
#   tools/bench/search_bench.sh [seconds] [campaigns]     (default 10 s, 100000)
#   ROUNDS=5 (default)   KEEP_DATA=1 reuses the campaigns seeded by a former run
#   SKIP_BUILD=1 when the binaries are built already
#
# Starts its own MariaDB and Redis under build/bench-env-search (so it never
# meets another benchmark's), seeds the campaigns with search_seed (the
# center's own stores and search documents, many to a transaction: see
# search_seed.cc for what they look like), then starts the center (which
# reads every search document before it serves) and the gateway on
# loopback. Each search run cycles through 21 queries (tools/bench/paths.lua)
# signed in as a person; some of them filter by distance, tag or interest.
# Prints a Markdown table for docs/benchmarks.md, with the server CPU per
# request of each process (from /proc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-10}
campaigns=${2:-100000}
rounds=${ROUNDS:-5}
env_dir=$root/build/bench-env-search
center_port=15097
gateway_port=18097
database=qrcloud_center_searchbench

[ "${SKIP_BUILD:-0}" = 1 ] || ./tools/build qrcloud-center qrcloud-gateway search_seed >/dev/null
./tools/deps start "$env_dir" auto auto
set -a; . "$env_dir/env"; set +a
export QRCLOUD_MYSQL_DATABASE=$database QRCLOUD_LOG_LEVEL=warn
sql() { mariadb --no-defaults -h127.0.0.1 -P"$QRCLOUD_MYSQL_PORT" -u"$QRCLOUD_MYSQL_USER" \
  -p"$QRCLOUD_MYSQL_PASSWORD" -N "$@"; }
redis-cli -p "$QRCLOUD_REDIS_PORT" FLUSHALL >/dev/null

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  ./tools/deps stop "$env_dir" >/dev/null
}
trap cleanup EXIT

have=$(sql -e "SELECT COUNT(*) FROM $database.campaigns" 2>/dev/null || echo 0)
if [ "${KEEP_DATA:-0}" != 1 ] || [ "$have" -lt "$campaigns" ]; then
  sql -e "DROP DATABASE IF EXISTS $database"
  build/bin/search_seed --campaigns="$campaigns" --merchants=$(( campaigns / 5 )) \
    --mysql_port="$QRCLOUD_MYSQL_PORT" --mysql_database=$database 2>/dev/null | grep '^search_seed'
fi
live=$(sql -e "SELECT COUNT(*) FROM $database.campaign_search WHERE live")

start=$(date +%s.%N)
build/bin/qrcloud-center --grpc_port=$center_port --metrics_port=0 --listen_address=127.0.0.1 \
  --media_dir="$env_dir" --receipt_key_file="$env_dir/receipt.key" --scan_rollup=false \
  --log_level=info ${CENTER_FLAGS:-} >"$env_dir/center.log" 2>&1 &
center_pid=$!; pids+=($center_pid)
build/bin/qrcloud-gateway --http_port=$gateway_port --http_address=127.0.0.1 \
  --backends=center=127.0.0.1:$center_port \
  --rate_limit_per_token=100000000 --rate_limit_per_address=100000000 ${GATEWAY_FLAGS:-} \
  >"$env_dir/gateway.log" 2>&1 &
gateway_pid=$!; pids+=($gateway_pid)
gw=http://127.0.0.1:$gateway_port
for _ in $(seq 1 600); do
  curl -fs "$gw/readyz" 2>/dev/null | grep -q '"ready"' && break
  sleep 0.1
done
# From the center's start to its index read (its log's clock is local time).
loaded_at=$(grep -m1 'search index loaded' "$env_dir/center.log" | awk '{print $1}')
ready=$(awk -v s="$start" -v e="$(date -d "${loaded_at/T/ }" +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
center_rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$center_pid/status)

# A person, signed in, for the searches and the reference.
login="searchbench-person-$$@example.com"
curl -fsS -X POST $gw/v1/accounts -d "{\"kind\":\"PERSON\",\"login\":\"$login\",\"password\":\"bench-password\"}" >/dev/null
person_token=$(curl -fsS -X POST $gw/v1/sessions -d "{\"login\":\"$login\",\"password\":\"bench-password\"}" | jq -r .token)

# The queries, percent-encoded as a browser sends them. Distances are from
# the centres of Chongqing and Shanghai, where the seeded shops cluster.
cq="lat=29.563&lng=106.551"
sh="lat=31.230&lng=121.474"
paths_of() {  # paths_of <file> <query>...: one search path per line
  local file=$1; shift
  : >"$file"
  for q in "$@"; do
    local text=${q%%|*} rest=""
    [[ "$q" == *"|"* ]] && rest="&${q#*|}"
    echo "/v1/campaigns:search?q=$(jq -rn --arg q "$text" '$q|@uri')$rest" >>"$file"
  done
}
paths_of "$env_dir/zh.txt" 火锅 重庆火锅 重庆老火锅 "老火锅 双人套餐" 奶茶 烤鱼 小龙虾 咖啡 成都串串 \
  酸菜鱼 早茶 火鍋 麻辣烫 北京烤鸭 "甜品 买一送一" 健身 面 "火锅|$cq&radiusM=5000" \
  "奶茶|tags=takeaway" "咖啡|interests=date&interests=friends" "寿司|$sh&radiusM=3000"
paths_of "$env_dir/en.txt" hotpot "milk tea" coffee "pizza for two" dumplings bbq sushi crayfish \
  "roast duck" "dim sum" "fried chicken" yoga "car wash" noodles bakery "chongqing hotpot" \
  "weekend deal" "hotpot|$cq&radiusM=5000" "coffee|tags=takeaway" "sushi|interests=date" \
  "pizza|$sh&radiusM=3000"
echo "/v1/me" >"$env_dir/ref.txt"

# What each query finds (first page, and whether there is a next).
found_table=()
for file in zh en; do
  while read -r path; do
    out=$(curl -fsS "$gw$path" -H "authorization: Bearer $person_token")
    n=$(jq '.campaigns | length' <<<"$out")
    more=$(jq -r 'if .page.nextPageToken then "yes" else "no" end' <<<"$out")
    query=${path#/v1/campaigns:search?}
    found_table+=("| $file | \`$(printf '%b' "${query//%/\\x}")\` | $n | $more |")
    [ "$n" -gt 0 ] || echo "search_bench: nothing found for $path" >&2
  done <"$env_dir/$file.txt"
done

mysqld_pid=$(cat "$env_dir/mysql.pid")
redis_pid=$(cat "$env_dir/redis.pid")
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
snapshot() { echo "$(ticks $center_pid) $(ticks $gateway_pid) $(ticks $mysqld_pid) $(ticks $redis_pid)"; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
cpu_per_request() {
  local b=($1) a=($2) n=$3 out=()
  for i in 0 1 2 3; do out+=("$(awk -v d=$(( ${a[$i]} - ${b[$i]} )) -v hz=$hz -v n=$n 'BEGIN {printf "%.3f", d / hz * 1000 / n}')"); done
  echo "${out[*]}"
}
median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# run <paths file> <token> <seconds>: sets rps p50 p99 cpu.
run() {
  local before after out n bad parts
  before=$(snapshot)
  out=$(wrk -t2 -c64 -d${3}s --latency -H "Authorization: Bearer $2" -s tools/bench/paths.lua "$gw" -- "$1")
  after=$(snapshot)
  bad=$(awk '/Socket errors/ {print} $1=="non200" && $2 != 0 {print}' <<<"$out")
  [ -z "$bad" ] || { echo "search_bench: errors with $1: $bad" >&2; exit 1; }
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  parts=($(cpu_per_request "$before" "$after" "$n"))
  cpu="${parts[0]} + ${parts[1]} + ${parts[2]} + ${parts[3]}"
}

# Warm up every path.
run "$env_dir/ref.txt" "$person_token" 2
run "$env_dir/zh.txt" "$person_token" 2
run "$env_dir/en.txt" "$person_token" 2

rows=()
declare -a ref_p99 zh_p99 en_p99 ref_rps zh_rps en_rps zh_ratio en_ratio
for round in $(seq 1 "$rounds"); do
  # The order turns each round, so drift on the machine falls on each alike.
  for what in $(case $((round % 3)) in 1) echo "ref zh en" ;; 2) echo "zh en ref" ;; 0) echo "en ref zh" ;; esac); do
    case $what in
      ref) run "$env_dir/ref.txt" "$person_token" "$seconds"
           ref_p99+=($p99); ref_rps+=($rps); label="GET /v1/me (reference)" ;;
      zh)  run "$env_dir/zh.txt" "$person_token" "$seconds"
           zh_p99+=($p99); zh_rps+=($rps); label="search, Chinese queries" ;;
      en)  run "$env_dir/en.txt" "$person_token" "$seconds"
           en_p99+=($p99); en_rps+=($rps); label="search, English queries" ;;
    esac
    rows+=("| $round | $label | $rps | $p50 | $p99 | $cpu |")
  done
  i=$((round - 1))
  zh_ratio+=("$(ratio "${zh_p99[$i]}" "${ref_p99[$i]}")")
  en_ratio+=("$(ratio "${en_p99[$i]}" "${ref_p99[$i]}")")
done

echo
echo "$live live campaigns of $campaigns; the center's index read ${ready} s after it started; its RSS then ${center_rss} MiB."
echo "wrk -t2 -c64 -d${seconds}s, $rounds rounds; $(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}')), everything on this one machine."
echo
echo "| what | query | campaigns on the first page | a next page |"
echo "| --- | --- | ---: | --- |"
printf '%s\n' "${found_table[@]}"
echo
echo "| round | call | req/s | p50 ms | p99 ms | server CPU ms/request (center + gateway + MariaDB + Redis) |"
echo "| ---: | --- | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "median p99 ms: Chinese $(median "${zh_p99[@]}"), English $(median "${en_p99[@]}"), reference $(median "${ref_p99[@]}")"
echo "median req/s: Chinese $(median "${zh_rps[@]}"), English $(median "${en_rps[@]}"), reference $(median "${ref_rps[@]}")"
echo "search p99 / reference p99, median of the rounds (per round): Chinese $(median "${zh_ratio[@]}") (${zh_ratio[*]}), English $(median "${en_ratio[@]}") (${en_ratio[*]})"
