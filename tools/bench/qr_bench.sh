#!/usr/bin/env bash
# QR throughput: qrcloud's libs/qr (Google Benchmark, tools/bench/qr_benchmark)
# beside the npm `qrcode` package (tools/bench/qrcode_npm_bench.js), on the
# same payload list, level M and 4-module margin, in one run on one machine.
#
#   tools/bench/qr_bench.sh [seconds-per-measurement]     (default 3)
#
# Prints a Markdown table for docs/benchmarks.md: encode + SVG codes/s and
# the ratio to npm qrcode (goal ≥ 5×), encode + 300 px PNG codes/s (goal
# ≥ 4,000/s), 10,000 table codes as A4 sticker sheets (seconds), decoding.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-3}

./tools/build qr_benchmark >/dev/null
if [ ! -d tools/bench/node_modules/qrcode ]; then
  (cd tools/bench && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/bin/qr_benchmark --benchmark_min_time="$seconds" --benchmark_out="$out" \
  --benchmark_out_format=json >/dev/null 2>&1
npm_json=$(node tools/bench/qrcode_npm_bench.js "$seconds")

# items_per_second of the benchmark named $1.
rate() { jq -r --arg n "$1" '.benchmarks[] | select(.name == $n) | .items_per_second' "$out"; }
seconds_of() { jq -r --arg n "$1" '.benchmarks[] | select(.name == $n) | .real_time' "$out"; }
fmt() { printf "%'.0f" "$1"; }

svg1=$(rate "BM_EncodeSvg/real_time/threads:1")
svg2=$(rate "BM_EncodeSvg/real_time/threads:2")
png1=$(rate "BM_EncodePng300/bits:1/real_time/threads:1")
png2=$(rate "BM_EncodePng300/bits:1/real_time/threads:2")
rgb1=$(rate "BM_EncodePng300/bits:24/real_time/threads:1")
sheets=$(seconds_of "BM_TableSheets/10000/iterations:1")
decode_clean=$(rate "BM_DecodeCleanPng")
decode_photo=$(rate "BM_DecodeDegradedPhotos")
npm_svg=$(jq -r .svg_per_s <<<"$npm_json")
npm_png=$(jq -r .png300_per_s <<<"$npm_json")
npm_version=$(jq -r .qrcode <<<"$npm_json")
node_version=$(jq -r .node <<<"$npm_json")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); node $node_version, npm qrcode $npm_version"
echo
echo "| measurement | qrcloud libs/qr | npm qrcode (1 node process) | ratio |"
echo "| --- | --- | --- | --- |"
echo "| encode + SVG, 1 thread | $(fmt "$svg1") codes/s | $(fmt "$npm_svg") codes/s | $(ratio "$svg1" "$npm_svg") |"
echo "| encode + SVG, 2 threads | $(fmt "$svg2") codes/s | (single-threaded) | $(ratio "$svg2" "$npm_svg") |"
echo "| encode + PNG 300 px 1-bit, 1 thread | $(fmt "$png1") codes/s | $(fmt "$npm_png") codes/s | $(ratio "$png1" "$npm_png") |"
echo "| encode + PNG 300 px 1-bit, 2 threads | $(fmt "$png2") codes/s | | |"
echo "| encode + PNG 300 px RGB, 1 thread | $(fmt "$rgb1") codes/s | | |"
echo "| 10,000 table codes + A4 sticker sheets (834 pages) | $(printf '%.1f' "$sheets") s | | |"
echo "| decode a clean 300 px PNG | $(fmt "$decode_clean") /s | | |"
echo "| decode degraded photos (JPEG, 960×720 to 2400×1800) | $(fmt "$decode_photo") /s | | |"
