#!/usr/bin/env bash
# porte's gateway against its peers on loopback, in one run: direct to the backend, HAProxy in
# `mode tcp`, and `porte gateway`, with the same number of threads for HAProxy and porte.
#   (a) new connections per second: wrk with "Connection: close" against nginx
#   (b) requests per second on kept-alive connections: wrk against nginx
#   (c) bulk throughput: iperf3
#   (d) porte's RSS with 10,000 idle connections
# Needs nginx, haproxy, wrk, iperf3, socat and python3 (Debian packages of the same names).
# Safe by construction: loopback only, every load bounded in time, and only the processes this
# script started are stopped, by PID.
#
# Each of (a), (b), (c) is measured ROUNDS times, the three contenders taking turns within a round
# (in reverse order every other round), and the median is reported, so that a burst of other work
# on the machine hits all of them alike.
# porte is started through ./porte, as a user starts it (with the launcher's JVM defaults;
# PORTE_JAVA_OPTS overrides them). Two more references for bulk throughput: HAProxy with
# `option splice-auto` (zero-copy relaying), and socat, the plainest userspace relay there is (one
# process per connection, 512 KiB read() then write()): what any relay can reach on this machine, as
# a second TCP hop on loopback costs about what the first one does. And the ceiling of any
# userspace relay here (src/main/c/ceiling-relay.c, built with cc when there is one): a thread per
# direction blocking in 512 KiB read() and write(), or in splice() through a 1 MiB pipe, with
# nothing else to do; porte's bulk figure is read against it as well as against direct.
#
#   porte-bench/run-gateway-bench.sh          # THREADS=2 SECONDS_EACH=5 ROUNDS=4 CONNS=50 IDLE=10000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS=${THREADS:-2}
SECONDS_EACH=${SECONDS_EACH:-5}
# An even number of rounds runs each order of the contenders equally often.
ROUNDS=${ROUNDS:-4}
CONNS=${CONNS:-50}
IDLE=${IDLE:-10000}
fd_limit=$(ulimit -Hn)
for tool in nginx haproxy wrk iperf3 socat python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install $tool)" >&2; exit 3; }
done
ulimit -n "$fd_limit"
# Each idle connection costs porte two descriptors (client and backend side); where the hard
# limit cannot hold that many, measure as many as fit and say so.
if [[ $fd_limit != unlimited ]] && (( IDLE * 2 + 500 > fd_limit )); then
  echo "bench: open-file hard limit $fd_limit holds $(( (fd_limit - 500) / 2 )) proxied connections, not $IDLE; measuring that many" >&2
  IDLE=$(( (fd_limit - 500) / 2 ))
fi
maxconn=$(( fd_limit / 2 - 700 ))

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Ports: nginx 18080, HAProxy 18081, porte 18082; iperf3 15201, HAProxy 15202, porte 15203,
# HAProxy with splice 15204, socat 15205, the ceiling relay copying 15206 and splicing 15207.
mkdir -p "$work/www" "$work/nginx"
head -c 1024 /dev/zero | tr '\0' 'p' > "$work/www/index.html"
cat > "$work/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections $(( maxconn * 2 )); }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:18080 backlog=4096; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)

iperf3 -s -B 127.0.0.1 -p 15201 >/dev/null 2>&1 & pids+=($!)

cat > "$work/haproxy.cfg" <<CONF
global
  nbthread $THREADS
  maxconn $maxconn
  # splice-auto's pipes cost two descriptors each; by default a quarter of maxconn of them would
  # push HAProxy past the open-file limit and it would refuse to start.
  maxpipes 256
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend web
  bind 127.0.0.1:18081
  default_backend nginx
backend nginx
  server n 127.0.0.1:18080
frontend bulk
  bind 127.0.0.1:15202
  default_backend iperf
backend iperf
  server i 127.0.0.1:15201
frontend bulk_splice
  bind 127.0.0.1:15204
  option splice-auto
  default_backend iperf_splice
backend iperf_splice
  option splice-auto
  server i 127.0.0.1:15201
CONF
haproxy -f "$work/haproxy.cfg" -db & haproxy_pid=$!; pids+=($haproxy_pid)
socat -b 524288 TCP-LISTEN:15205,bind=127.0.0.1,fork,reuseaddr TCP:127.0.0.1:15201 2>/dev/null & pids+=($!)
ceiling_ports=()
if command -v cc >/dev/null && cc -O2 -pthread -o "$work/ceiling-relay" "$root/porte-bench/src/main/c/ceiling-relay.c"; then
  "$work/ceiling-relay" 15206 15201 copy & pids+=($!)
  "$work/ceiling-relay" 15207 15201 splice & pids+=($!)
  ceiling_ports=(15206 15207)
else
  echo "bench: no C compiler (cc): the ceiling relay's bulk rows are left out (apt-get install gcc)" >&2
fi

cat > "$work/porte.yaml" <<CONF
inbound:
  - allow: [18082/tcp, 15203/tcp]
services:
  18082: { to: 127.0.0.1:18080 }
  15203: { to: 127.0.0.1:15201 }
CONF
"$root/porte" --version >/dev/null   # builds the jar if needed, before anything is timed
# The launcher execs java, so this PID is porte's JVM.
PORTE_LOG_LEVEL=WARN "$root/porte" gateway --policy "$work/porte.yaml" \
  --listen 127.0.0.1 --io-threads "$THREADS" --max-per-source 50000 --max-connections 50000 \
  > "$work/porte.out" 2> "$work/porte.err" & porte_pid=$!; pids+=($porte_pid)

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on 127.0.0.1:$1" >&2; exit 3
}
for port in 18080 18081 18082 15201 15202 15203 15204 15205 "${ceiling_ports[@]}"; do wait_port "$port"; done

rps() {  # wrk's Requests/sec for one URL; extra wrk arguments follow
  local url=$1; shift
  wrk -t "$THREADS" -c "$CONNS" -d "${SECONDS_EACH}s" "$@" "$url" | awk '/Requests\/sec/ {print $2}'
}
gbits() {  # iperf3 receiver throughput in Gbit/s
  iperf3 -c 127.0.0.1 -p "$1" -t "$SECONDS_EACH" -J | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9, 2))'
}
ratio() { python3 -c "print(f'{float($1)/float($2):.2f}')"; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system, in clock ticks
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }         # user alone: the proxy's own code, not the kernel's
hz=$(getconf CLK_TCK)
# TCP segments sent on this host (every party of a loopback test: client, proxy, server), from
# the kernel's own counter; per connection it shows whether a proxy costs packets, not only CPU.
tcp_out_segs() { awk '/^Tcp:/ && $1 == "Tcp:" && $2 ~ /^[0-9]+$/ {print $12}' /proc/net/snmp; }
# Busy and total clock ticks of all CPUs: what a run left idle says whether it was CPU-bound.
machine_ticks() { awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8; print busy, busy + $5 + $6}' /proc/stat; }
busy_share() {  # percent of all CPUs busy between two machine_ticks readings
  python3 -c "b0, t0, b1, t1 = map(int, '$1 $2'.split()); print(round(100 * (b1 - b0) / max(1, t1 - t0)))"
}

# Warm porte's JIT, as the peers are compiled ahead of time: a gateway in service runs warm, and a
# cold JVM would measure the compiler, not the relay (the first seconds run at about 80%). A
# profile of a Connection: close load finds C2 compiling in 58% of the gateway's user time over
# the first 16 s, 11% from 16 to 26 s and 2% after: hence 25 s.
wrk -t "$THREADS" -c "$CONNS" -d 5s http://127.0.0.1:18082/ >/dev/null
wrk -t "$THREADS" -c "$CONNS" -d 20s -H 'Connection: close' http://127.0.0.1:18082/ >/dev/null

declare -A runs=()
# Per contender of (a) (d direct, h HAProxy, p porte): connections made, TCP segments sent, and
# the proxy's CPU ticks, all and in user mode.
declare -A conns=([d]=0 [h]=0 [p]=0) segs=([d]=0 [h]=0 [p]=0) cpu=([h]=0 [p]=0) user=([h]=0 [p]=0)
busy_dir=""; busy_porte=""; cpu_porte_bulk=0; bulk_ticks=0
# One contender's turn at each measure. Within a round the order is reversed every other round:
# a run leaves the machine in a state the next one inherits (sockets in TIME_WAIT, caches, CPU
# frequency), and an A/B of two identical porte processes gave whichever ran second about 8%
# more in a fixed order. Alternating puts each contender first as often as second.
a_turn() {  # KEY PORT [PID]: one (a) run against 127.0.0.1:PORT, the proxy's CPU read from PID
  local key=$1 port=$2 pid=${3:-} t0 u0 s0 r s1
  [[ -n $pid ]] && { t0=$(cpu_ticks "$pid"); u0=$(user_ticks "$pid"); }
  s0=$(tcp_out_segs); r=$(rps "http://127.0.0.1:$port/" -H 'Connection: close'); s1=$(tcp_out_segs)
  if [[ -n $pid ]]; then
    cpu[$key]=$(( cpu[$key] + $(cpu_ticks "$pid") - t0 )); user[$key]=$(( user[$key] + $(user_ticks "$pid") - u0 ))
  fi
  runs[a_$key]+=" $r"; segs[$key]=$(( segs[$key] + s1 - s0 ))
  conns[$key]=$(python3 -c "print(${conns[$key]} + $r * $SECONDS_EACH)")
}
a_direct() { a_turn d 18080; }
a_haproxy() { a_turn h 18081 "$haproxy_pid"; }
a_porte() { a_turn p 18082 "$porte_pid"; }
b_direct() { runs[b_d]+=" $(rps http://127.0.0.1:18080/)"; }
b_haproxy() { runs[b_h]+=" $(rps http://127.0.0.1:18081/)"; }
b_porte() { runs[b_p]+=" $(rps http://127.0.0.1:18082/)"; }
c_direct() {
  local m0
  m0=$(machine_ticks); runs[c_d]+=" $(gbits 15201)"; busy_dir+=" $(busy_share "$m0" "$(machine_ticks)")"
}
c_relays() {
  runs[c_h]+=" $(gbits 15202)"; runs[c_s]+=" $(gbits 15204)"; runs[c_r]+=" $(gbits 15205)"
  if ((${#ceiling_ports[@]})); then runs[c_cc]+=" $(gbits 15206)"; runs[c_cs]+=" $(gbits 15207)"; fi
}
c_porte() {
  local m0 t0 t1 m1
  m0=$(machine_ticks); t0=$(cpu_ticks "$porte_pid"); runs[c_p]+=" $(gbits 15203)"; t1=$(cpu_ticks "$porte_pid"); m1=$(machine_ticks)
  busy_porte+=" $(busy_share "$m0" "$m1")"; cpu_porte_bulk=$(( cpu_porte_bulk + t1 - t0 ))
  bulk_ticks=$(( bulk_ticks + ${m1#* } - ${m0#* } ))
}
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then
    a_direct; a_haproxy; a_porte; b_direct; b_haproxy; b_porte; c_direct; c_relays; c_porte
  else
    a_porte; a_haproxy; a_direct; b_porte; b_haproxy; b_direct; c_porte; c_relays; c_direct
  fi
done
m() { median ${runs[$1]}; }

echo "porte gateway benchmark: threads=$THREADS connections=$CONNS, median of $ROUNDS rounds of ${SECONDS_EACH}s, loopback, $(nproc) CPUs"
printf '%-34s %12s %12s %12s %9s %9s\n' "measure" "direct" "haproxy" "porte" "porte/dir" "porte/hap"
row() {
  printf '%-34s %12s %12s %12s %9s %9s\n' "$1" "$2" "$3" "$4" "$(ratio "$4" "$2")" "$(ratio "$4" "$3")"
}
row "(a) new connections/s (close)" "$(m a_d)" "$(m a_h)" "$(m a_p)"
row "(b) requests/s (keep-alive)" "$(m b_d)" "$(m b_h)" "$(m b_p)"
row "(c) bulk Gbit/s (iperf3)" "$(m c_d)" "$(m c_h)" "$(m c_p)"
printf '%-34s %12s %12s %12s %9s\n' "    haproxy with splice-auto" "$(m c_d)" "$(m c_s)" "" "$(ratio "$(m c_s)" "$(m c_d)") of direct"
printf '%-34s %12s %12s %12s %9s %9s\n' "    socat (plain relay), porte" "$(m c_d)" "$(m c_r)" "$(m c_p)" "$(ratio "$(m c_r)" "$(m c_d)") dir" "$(ratio "$(m c_p)" "$(m c_r)") socat"
if ((${#ceiling_ports[@]})); then
  printf '%-34s %12s %12s %12s %9s %9s\n' "    ceiling relay (C), copy" "$(m c_d)" "$(m c_cc)" "$(m c_p)" "$(ratio "$(m c_cc)" "$(m c_d)") dir" "$(ratio "$(m c_p)" "$(m c_cc)") ceil"
  printf '%-34s %12s %12s %12s %9s %9s\n' "    ceiling relay (C), splice" "$(m c_d)" "$(m c_cs)" "$(m c_p)" "$(ratio "$(m c_cs)" "$(m c_d)") dir" "$(ratio "$(m c_p)" "$(m c_cs)") ceil"
fi
us_per() { python3 -c "print(round($1 * 1e6 / $hz / $2))"; }   # ticks over connections, in microseconds
# Split in the proxy's own code (user) and the kernel's work for it (system: sockets, TCP, the
# syscalls it makes): which of the two a proxy spends more of says where its cost lies.
cpu_line() {  # KEY NAME: the proxy's CPU per connection, all, user and system
  echo "$2 $(us_per "${cpu[$1]}" "${conns[$1]}") us (user $(us_per "${user[$1]}" "${conns[$1]}"), system $(us_per "$(( cpu[$1] - user[$1] ))" "${conns[$1]}"))"
}
echo "(a) CPU per new connection: $(cpu_line h haproxy), $(cpu_line p porte)"
per_conn() { python3 -c "print(f'{$1 / max(1, $2):.1f}')"; }
echo "(a) TCP segments sent per connection (all parties): direct $(per_conn "${segs[d]}" "${conns[d]}"), haproxy $(per_conn "${segs[h]}" "${conns[h]}"), porte $(per_conn "${segs[p]}" "${conns[p]}")"
# How much of the machine bulk used: direct is bound by the one iperf3 client thread, so it
# leaves CPU idle; a relay adds a second loopback transfer (a copy out of one socket and into
# another), and its share shows whether the run ran out of CPUs or waited on the chain of threads.
echo "(c) CPU busy during bulk, all $(nproc) CPUs: direct $(median $busy_dir)%, through porte $(median $busy_porte)% (porte itself $(python3 -c "print(round(100 * $(nproc) * $cpu_porte_bulk / max(1, $bulk_ticks)))")% of one CPU)"
# The machine's speed drifts from round to round (HAProxy alone moved from 11.5k to 14.0k new
# connections/s within one run here), and the ratio of two medians carries that drift. Within a
# round the contenders ran seconds apart, so the median of the ratios taken round by round says
# more about porte against its peer than the ratio of the medians above.
paired() {
  python3 -c 'import statistics, sys
r = [float(a) / float(b) for a, b in zip(sys.argv[1].split(), sys.argv[2].split())]
print(" ".join(f"{x:.2f}" for x in r) + f" (median {statistics.median(r):.2f})")' "$1" "$2"
}
echo "    round by round: (a) porte/haproxy $(paired "${runs[a_p]}" "${runs[a_h]}")"
echo "                    (b) porte/haproxy $(paired "${runs[b_p]}" "${runs[b_h]}")"
echo "                    (c) porte/direct  $(paired "${runs[c_p]}" "${runs[c_d]}")"
if ((${#ceiling_ports[@]})); then
  echo "                    (c) ceiling copy/direct $(paired "${runs[c_cc]}" "${runs[c_d]}")"
  echo "                    (c) porte/ceiling copy  $(paired "${runs[c_p]}" "${runs[c_cc]}")"
fi
echo "    rounds: a direct${runs[a_d]} | haproxy${runs[a_h]} | porte${runs[a_p]}"
echo "            c direct${runs[c_d]} | haproxy${runs[c_h]} | splice${runs[c_s]} | socat${runs[c_r]} | ceiling copy${runs[c_cc]:-} splice${runs[c_cs]:-} | porte${runs[c_p]}"

# (d) RSS of the porte process with IDLE idle connections through it.
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$porte_pid/status"; }
before=$(rss)
python3 - "$IDLE" <<'PY' &
import socket, sys, time
n = int(sys.argv[1]); held = []
for i in range(n):
    s = socket.socket(); s.bind((f"127.0.{1 + i // 5000}.{2 + (i % 5000) // 50}", 0)); s.connect(("127.0.0.1", 18082)); held.append(s)
print(f"opened {len(held)}", flush=True)
time.sleep(20)
PY
idle_pid=$!; pids+=($idle_pid)
for _ in $(seq 1 150); do
  open=$(ss -Htn state established '( dport = :18080 )' | wc -l)
  [[ $open -ge $IDLE ]] && break
  sleep 0.2
done
after=$(rss)
echo "(d) porte RSS: ${before} MB before, ${after} MB with ${open} idle connections; per 10,000: $(python3 -c "print(round($before + ($after - $before) * 10000 / max(1, $open)))") MB (target <= 300 MB)"
kill "$idle_pid" 2>/dev/null || true
