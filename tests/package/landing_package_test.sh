#!/usr/bin/env bash
# The qrcloud-landing Debian package (issue 12, part 7), installed on this
# machine and its node started from it:
#   1. tools/package-landing makes the .deb from the build; dpkg-deb shows the
#      node, its unit and its settings (a conffile), the maintainer scripts and
#      Depends computed by dpkg-shlibdeps, and nothing else of the platform;
#   2. dpkg -i: the system user, /var/lib/qrcloud-landing 0700 as its own,
#      /etc/qrcloud-landing readable by it only; systemd-analyze verifies the
#      installed unit and rates its hardening (where systemd-analyze exists);
#   3. the node started as the unit starts it (no systemd runs here as PID 1):
#      its ExecStart, User, Group, UMask and EnvironmentFile read from the
#      installed unit, the ports moved to free ones; it answers on its LAN port
#      (/healthz, /v1/menu, its sync status with the desk token), the desk
#      (qrcloudctl desk sync) reaches it with the token where the package
#      says, its files are its user's, and SIGTERM stops it cleanly;
#   4. reinstalling (an upgrade's path) keeps the shop's data and desk token;
#   5. dpkg -r keeps data and settings, dpkg --purge removes everything, and
#      the machine is as before (users, groups, systemd state, paths).
# Root only (exit 77, skipped, otherwise), and skipped where a qrcloud-landing
# package, user or directory already exists: it never touches a real install.
# Anything it installed is purged on any failure.
#   tests/package/landing_package_test.sh <build-dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: landing_package_test.sh <build-dir>}" && pwd)
pkg=qrcloud-landing
unit=/lib/systemd/system/qrcloud-landing.service
state=/var/lib/qrcloud-landing
settings=/etc/qrcloud-landing

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAIL: $*"
  exit 1
}
[ "$(id -u)" -eq 0 ] || skip "installs a package: needs root"
for tool in dpkg dpkg-deb cpack setpriv curl jq flock; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
# One run at a time on a machine (dpkg would refuse a second anyway).
exec 9>"${TMPDIR:-/tmp}/qrcloud-landing-package-test.lock"
flock -w 600 9 || fail "another landing package test holds the lock"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv "not-installed"; then
  skip "the $pkg package is on this machine: not touching it"
fi
if getent passwd "$pkg" >/dev/null || getent group "$pkg" >/dev/null || [ -e "$state" ] ||
   [ -e "$settings" ]; then
  skip "a $pkg user, group, $state or $settings exists: not touching it"
fi

work=$(mktemp -d)
# What the package may change, to compare once it is purged.
snapshot() {
  getent passwd | cut -d: -f1,3 | sort
  getent group | cut -d: -f1,3 | sort
  { find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled \
      /var/lib/systemd/deb-systemd-helper-masked 2>/dev/null || true; } | sort
  ls -d "$state" "$settings" /usr/bin/qrcloud-landing "$unit" 2>/dev/null || true
}
snapshot >"$work/before"

node_pid=""
cleanup() {
  local status=$?
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -9 "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv "not-installed"; then
    dpkg --purge "$pkg" >>"$work/dpkg.log" 2>&1 || echo "cleanup: dpkg --purge $pkg failed"
  fi
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] && { echo "--- $(basename "$log")"; tail -n 40 "$log"; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# 1. The package and what it holds.
deb=$("$root/tools/package-landing" --no-build "$build" "$work/out" 2>"$work/package.log") ||
  fail "tools/package-landing failed"
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
for path in ./usr/bin/qrcloud-landing ./lib/systemd/system/qrcloud-landing.service \
            ./etc/qrcloud-landing/landing.env; do
  grep -qx -- "$path" <<<"$contents" || fail "the package lacks $path"
done
others=$(grep -E '^\./usr/bin/.' <<<"$contents" | grep -vx ./usr/bin/qrcloud-landing || true)
[ -z "$others" ] || fail "the package holds more than the node: $others"
[ "$(dpkg-deb -f "$deb" Package)" = "$pkg" ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
depends=$(dpkg-deb -f "$deb" Depends)
names=$(sed -e 's/ *([^)]*)//g' -e 's/, */\n/g' <<<"$depends")
for lib in adduser libc6 libstdc++6 libsqlite3-0 libgrpc++1.51 libprotobuf32 libsodium23; do
  grep -qxF "$lib" <<<"$names" || fail "Depends lacks $lib: $depends"
done
info=$(dpkg-deb -I "$deb")
for script in postinst prerm postrm conffiles; do
  grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines +(\* +)?$script( |$)" <<<"$info" ||
    fail "the control archive lacks $script"
done
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" = "$settings/landing.env" ] ||
  fail "conffiles is not $settings/landing.env"

# 2. Installed.
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || fail "dpkg -i failed"
[ "$(dpkg-query -W -f='${Status}' "$pkg")" = "install ok installed" ] || fail "not installed"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd "$pkg") || fail "no $pkg user"
[ "$uid" -lt 1000 ] || fail "$pkg is not a system user (uid $uid)"
[ "$home" = "$state" ] || fail "$pkg's home is $home"
case $shell in */nologin | */false) ;; *) fail "$pkg has a login shell: $shell" ;; esac
[ "$(stat -c '%U:%G %a' "$state")" = "$pkg:$pkg 700" ] ||
  fail "$state is $(stat -c '%U:%G %a' "$state"), not $pkg:$pkg 700"
[ "$(stat -c '%U:%G %a' "$settings")" = "root:$pkg 750" ] ||
  fail "$settings is $(stat -c '%U:%G %a' "$settings"), not root:$pkg 750"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 ||
    fail "systemd-analyze verify $unit: $(cat "$work/verify.log")"
  # Exposure on systemd's scale of 0 (locked down) to 10 (threshold 25 = 2.5; "OK" is below 5).
  systemd-analyze security --offline=yes --threshold=25 "$unit" >"$work/security.log" 2>&1 ||
    fail "the unit's exposure: $(tail -n 1 "$work/security.log")"
  echo "unit: $(grep -o 'Overall exposure level.*' "$work/security.log")"
else
  echo "unit: systemd-analyze is not installed, not verified"
fi

# 3. The node, started as the unit starts it.
setting() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
user=$(setting User)
group=$(setting Group)
umask_value=$(setting UMask)
env_file=$(setting EnvironmentFile)
exec_start=$(setting ExecStart)
[ "$user:$group" = "$pkg:$pkg" ] || fail "the unit runs as $user:$group"
[ "$env_file" = "$settings/landing.env" ] || fail "EnvironmentFile=$env_file"
read -r -a command <<<"$exec_start"
[ "${command[0]}" = /usr/bin/qrcloud-landing ] || fail "ExecStart=$exec_start"
grep -q -- "--data_dir=$state" <<<"$exec_start" || fail "ExecStart does not use $state"

# A port nothing listens on, not in $taken.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! grep -qw "$port" <<<"$taken"; then
      echo "$port"
      return
    fi
  done
  return 1
}
base_environment=(PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
while IFS= read -r line; do
  case $line in [A-Z_]*=*) base_environment+=("$line") ;; esac
done <"$env_file"
grep -q '^QRCLOUD_LAN_PORT=8090$' "$env_file" || fail "landing.env does not set the LAN port 8090"
# Free ports instead of the shop's 8090/50060/9060 (tools/up's demo node may
# hold them). Another test running beside this one may take a port between
# its choice and the node's bind: then the node says so and new ones are
# chosen.
pick_ports() {
  taken=""
  lan=$(free_port) && taken="$taken $lan"
  grpc=$(free_port) && taken="$taken $grpc"
  metrics=$(free_port)
  environment=("${base_environment[@]}" "QRCLOUD_LAN_PORT=$lan" "QRCLOUD_GRPC_PORT=$grpc"
               "QRCLOUD_METRICS_PORT=$metrics" QRCLOUD_LISTEN_ADDRESS=127.0.0.1)
}
pick_ports

start_node() {
  local attempt
  for attempt in 1 2 3 4 5; do
    local log_lines
    log_lines=$(wc -l <"$work/node.log" 2>/dev/null || echo 0)
    # shellcheck disable=SC2016  # $0 and $@ are the inner shell's
    (cd / && exec env -i "${environment[@]}" setpriv --reuid="$user" --regid="$group" \
       --init-groups --no-new-privs --inh-caps=-all \
       sh -c 'umask "$0"; exec "$@"' "$umask_value" "${command[@]}") >>"$work/node.log" 2>&1 &
    node_pid=$!
    local deadline=$((SECONDS + 30))
    until curl -fsS -o /dev/null "http://127.0.0.1:$lan/healthz" 2>/dev/null; do
      if ! kill -0 "$node_pid" 2>/dev/null; then
        wait "$node_pid" 2>/dev/null || true
        if tail -n +"$((log_lines + 1))" "$work/node.log" | grep -q "Address already in use"; then
          echo "node: a port was taken meanwhile (attempt $attempt); choosing others"
          pick_ports
          continue 2
        fi
        fail "the node exited at start"
      fi
      ((SECONDS < deadline)) || fail "the node did not answer on its LAN port in 30 s"
      sleep 0.2
    done
    return 0
  done
  fail "the node found no free ports in 5 attempts"
}
stop_node() {
  kill -TERM "$node_pid"
  local status=0
  wait "$node_pid" || status=$?
  node_pid=""
  [ "$status" -eq 0 ] || fail "the node exited $status on SIGTERM"
}

start_node
[ "$(stat -c %U "/proc/$node_pid")" = "$pkg" ] || fail "the node runs as $(stat -c %U "/proc/$node_pid")"
menu=$(curl -fsS "http://127.0.0.1:$lan/v1/menu") || fail "GET /v1/menu failed"
jq -e 'type == "object"' <<<"$menu" >/dev/null || fail "GET /v1/menu answered $menu"
# Not configured yet: a table page is refused, as a page that says why.
page=$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$lan/t/T1?k=nothing")
[[ $page == 4[0-9][0-9]" text/html"* ]] || fail "an unknown table's page answered $page"
curl -fsS "http://127.0.0.1:$metrics/metrics" >/dev/null || fail "no /metrics on $metrics"
for file in landing.db desk-token receipt-signing.key; do
  [ "$(stat -c '%U %a' "$state/$file")" = "$pkg 600" ] ||
    fail "$state/$file is $(stat -c '%U %a' "$state/$file" 2>&1), not $pkg's 0600"
done
desk_token=$(cat "$state/desk-token")
status=$(curl -fsS "http://127.0.0.1:$lan/v1/sync/status" -H "authorization: Bearer $desk_token") ||
  fail "GET /v1/sync/status with the desk token failed"
jq -e 'type == "object"' <<<"$status" >/dev/null || fail "sync status: $status"
if [ -x "$build/bin/qrcloudctl" ]; then
  "$build/bin/qrcloudctl" desk sync --node="127.0.0.1:$grpc" --output=json >"$work/desk.log" 2>&1 ||
    fail "qrcloudctl desk sync with $state/desk-token failed"
  jq -e 'type == "object"' "$work/desk.log" >/dev/null || fail "desk sync printed no JSON"
fi
stop_node
echo "node: answered on its LAN port as $pkg from $state, stopped cleanly"

# 4. Reinstalled: the shop's data and desk token stay.
db_sum=$(sha256sum "$state/landing.db" | cut -d' ' -f1)
dpkg -i "$deb" >>"$work/dpkg.log" 2>&1 || fail "dpkg -i again failed"
[ "$(cat "$state/desk-token")" = "$desk_token" ] || fail "reinstalling changed the desk token"
[ "$(sha256sum "$state/landing.db" | cut -d' ' -f1)" = "$db_sum" ] || fail "reinstalling changed landing.db"
start_node
stop_node

# 5. Removed, then purged.
dpkg -r "$pkg" >>"$work/dpkg.log" 2>&1 || fail "dpkg -r failed"
for path in /usr/bin/qrcloud-landing "$unit"; do
  [ ! -e "$path" ] || fail "dpkg -r left $path"
done
for path in "$settings/landing.env" "$state/landing.db" "$state/desk-token"; do
  [ -f "$path" ] || fail "dpkg -r removed $path (remove keeps settings and the shop's data)"
done
dpkg --purge "$pkg" >>"$work/dpkg.log" 2>&1 || fail "dpkg --purge failed"
[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || echo gone)" != "install ok installed" ] ||
  fail "still installed after purge"
snapshot >"$work/after"
diff "$work/before" "$work/after" >"$work/changed.log" || fail "the machine changed: $(cat "$work/changed.log")"
echo "landing package ok: $(basename "$deb") ($(stat -c %s "$deb") bytes), installed, run, purged"
