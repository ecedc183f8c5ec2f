#!/usr/bin/env bash
# Kernel scale benchmark (needs root, nft, iptables-restore, nginx, wrk). Everything happens in two
# throwaway network namespaces joined by a veth pair; the machine's own firewall is never touched.
#   1. apply time for 100 / 10,000 / 100,000 policy rules: porte's compiled table loaded with one
#      nft -f, against iptables-restore of the equivalent linear rules (porte compile --target
#      iptables). Also porte's compile time (JVM start included).
#   2. new-connection rate: wrk with "Connection: close" against nginx in the host namespace, with
#      no ruleset, with porte's table at 10,000 / 50,000 rules, and with the linear iptables chain.
# The HTTP port is allowed by the LAST rule of each policy, so a linear chain walks every rule.
# Targets (issue 3): apply of 100,000 rules <= 2 s; rate at 50,000 rules >= 95% of the rate at 0
# rules. Both baselines are shown: porte's table with 0 rules (inbound open by default; conntrack
# on, as in every stateful firewall) and no ruleset at all (no conntrack either).
# Usage: porte-bench/run-kernel-bench.sh [wrk-seconds]   (default 5; ROUNDS=3 rounds of the rate part, medians)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-5}"
ROUNDS=${ROUNDS:-3}
[[ $(id -u) -eq 0 ]] || { echo "run-kernel-bench: needs root (network namespaces)" >&2; exit 2; }
for tool in nft iptables-restore nginx wrk ip python3; do
  command -v "$tool" >/dev/null || { echo "run-kernel-bench: $tool is not installed" >&2; exit 2; }
done
"$root/porte" --version >/dev/null   # builds the jar when sources changed
jar="$root/porte-cli/target/porte.jar"

work=$(mktemp -d)
H="porte-bench-$$-h"; C="porte-bench-$$-c"
nginx_pid=""
cleanup() {
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null || true
  ip netns del "$H" 2>/dev/null || true
  ip netns del "$C" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$H"; ip netns add "$C"
ip -n "$H" link add veth-h type veth peer name veth-c netns "$C"
ip -n "$H" addr add 10.231.0.1/24 dev veth-h; ip -n "$C" addr add 10.231.0.2/24 dev veth-c
for ns in "$H" "$C"; do ip -n "$ns" link set lo up; done
ip -n "$H" link set veth-h up; ip -n "$C" link set veth-c up
ip netns exec "$C" sysctl -qw net.ipv4.tcp_tw_reuse=1
ip netns exec "$H" sysctl -qw net.ipv4.tcp_tw_reuse=1

policy() { # N rules: N-1 address+port allows that never match the benchmark client, then 80/tcp.
  # JSON (YAML works as well: a policy file may be up to 64 MiB; 100,000 rules take about 5 MiB).
  python3 - "$1" > "$work/policy-$1.json" <<'PY'
import json, sys
n = int(sys.argv[1])
if n == 0:  # porte's table with no rules at all: the door is open by the inbound default
    print(json.dumps({"replies": "filtered", "defaults": {"inbound": "allow", "outbound": "allow"}, "inbound": []}))
    sys.exit(0)
rules = [{"allow": f"{1024 + i % 60000}/tcp", "from": f"{11 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.0/24"} for i in range(n - 1)]
rules.append({"allow": "80/tcp"})
print(json.dumps({"replies": "filtered", "inbound": rules}))
PY
}

now() { date +%s.%N; }
secs_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }

reset_kernel() {
  ip netns exec "$H" nft flush ruleset
}

echo "== apply time (one transaction) =="
printf '%-8s %12s %12s %16s\n' rules porte-compile "porte nft -f" iptables-restore
for n in 100 10000 100000; do
  policy "$n"
  t0=$(now); java -jar "$jar" compile --policy "$work/policy-$n.json" > "$work/porte-$n.nft"; tc=$(secs_since "$t0")
  java -jar "$jar" compile --policy "$work/policy-$n.json" --target iptables \
    | awk '/^# ==== ip6tables/{exit} {print}' > "$work/ipt-$n.rules"
  reset_kernel
  t0=$(now); ip netns exec "$H" nft -f "$work/porte-$n.nft"; tn=$(secs_since "$t0")
  reset_kernel
  t0=$(now); ip netns exec "$H" iptables-restore < "$work/ipt-$n.rules"; ti=$(secs_since "$t0")
  printf '%-8s %11ss %11ss %15ss\n' "$n" "$tc" "$tn" "$ti"
done

echo "== new-connection rate (wrk -c32, Connection: close, ${secs}s each, ${ROUNDS} rounds) =="
mkdir -p "$work/www"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 10.231.0.1:80 backlog=4096; keepalive_timeout 0; location / { return 200 "ok\n"; } }
}
CONF
ip netns exec "$H" nginx -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 1

rate() {
  ip netns exec "$C" wrk -t2 -c32 -d"${secs}s" -H 'Connection: close' http://10.231.0.1/ \
    | awk '/Requests\/sec/ {print $2}'
}
# Compile every ruleset first; then each round measures every configuration once, in turn, and
# the median of the rounds is reported, so that a burst of other work on the machine hits all of
# them alike instead of one.
configs=(none porte-0)
policy 0
java -jar "$jar" compile --policy "$work/policy-0.json" > "$work/porte-0.nft"
for n in 1 10000 50000; do
  policy "$n"
  java -jar "$jar" compile --policy "$work/policy-$n.json" > "$work/porte-$n.nft"
  java -jar "$jar" compile --policy "$work/policy-$n.json" --target iptables \
    | awk '/^# ==== ip6tables/{exit} {print}' > "$work/ipt-$n.rules"
  configs+=("porte-$n" "ipt-$n")
done
load() {  # puts configuration $1 in force in the host namespace
  reset_kernel
  case $1 in
    porte-*) ip netns exec "$H" nft -f "$work/$1.nft" ;;
    ipt-*) ip netns exec "$H" iptables-restore < "$work/$1.rules" ;;
  esac
}
declare -A runs=()
for round in $(seq 1 "$ROUNDS"); do
  for c in "${configs[@]}"; do
    load "$c"
    runs[$c]+=" $(rate)"
  done
done
reset_kernel
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
pct() { python3 -c "print(round(100*$1/$2))"; }
base=$(median ${runs[none]})
porte0=$(median ${runs[porte-0]})
echo "median of $ROUNDS rounds"
printf '%-28s %10s req/s  (no ruleset, so no conntrack either)    rounds:%s\n' "no ruleset" "$base" "${runs[none]}"
printf '%-28s %10s req/s  (%s%% of no ruleset: the cost of conntrack)    rounds:%s\n' "porte, 0 rules" "$porte0" \
  "$(pct "$porte0" "$base")" "${runs[porte-0]}"
for n in 1 10000 50000; do
  r=$(median ${runs[porte-$n]})
  printf '%-28s %10s req/s  (%s%% of no ruleset, %s%% of porte at 0 rules)    rounds:%s\n' "porte, $n rules" "$r" \
    "$(pct "$r" "$base")" "$(pct "$r" "$porte0")" "${runs[porte-$n]}"
  r=$(median ${runs[ipt-$n]})
  printf '%-28s %10s req/s  (%s%% of no ruleset)    rounds:%s\n' "iptables linear, $n rules" "$r" "$(pct "$r" "$base")" "${runs[ipt-$n]}"
done
echo "(iptables here is $(iptables -V); both run in the same kernel, $(uname -r), $(nproc) cores)"
