# Shared by the benchmarks that drive the platform through its REST API
# (orders_bench.sh, landing_bench.sh): sourced, after `gw` (the gateway's
# URL), `center_port` and the deps' environment (QRCLOUD_REDIS_PORT) are set.
#
#   bench_admin <env_dir>          → $admin: an administrator's session token
#   bench_merchant <login>         → $token, $mid: a merchant whose
#                                    qualification is approved
#   bench_decide <type> <subject>  approves the subject's latest submission of
#                                  that type, as the audit service would

bench_admin() {
  local pw="$1/admin-password"
  build/bin/qrcloud-center ensure-admin admin@qrcloud.local "$pw" >/dev/null
  admin=$(curl -fsS -X POST "$gw/v1/sessions" \
    -d "{\"login\":\"admin@qrcloud.local\",\"password\":\"$(cat "$pw")\"}" | jq -r .token)
}

bench_decide() {
  build/bin/bench_decide --center="127.0.0.1:$center_port" --token="$admin" \
    --redis_port="$QRCLOUD_REDIS_PORT" --type="$1" --subject="$2"
}

bench_merchant() {
  local session
  curl -fsS -X POST "$gw/v1/accounts" \
    -d "{\"kind\":\"MERCHANT\",\"login\":\"$1\",\"password\":\"bench-password\"}" >/dev/null
  session=$(curl -fsS -X POST "$gw/v1/sessions" -d "{\"login\":\"$1\",\"password\":\"bench-password\"}")
  token=$(jq -r .token <<<"$session")
  mid=$(jq -r .account.merchantId <<<"$session")
  curl -fsS -X POST "$gw/v1/merchants/$mid/qualification" -H "authorization: Bearer $token" \
    -d '{"licenseNumber":"91350100M000100Y43","legalName":"Bench"}' >/dev/null
  bench_decide qualification.submitted "$mid"
}
