#!/usr/bin/env bash
# Footprint of one agent with 3 peers: 4 agents on loopback at the `lan` preset (keepalive 80 ms);
# after a warm-up, samples the measured agent's (n1) resident memory every second from
# /proc/PID/status (VmRSS, with RssAnon/RssFile) and its CPU time (utime+stime from /proc/PID/stat)
# over the window.
#
#   bench/footprint.sh [seconds]          measuring window, default 300; WARMUP=30 seconds before it
#   VIGIL_JAVA_OPTS="..." bench/footprint.sh 60    try other JVM flags (replaces the launcher's)
#   PRESET=instant bench/footprint.sh 60           another timing preset (default lan)
#   METRICS=1 bench/footprint.sh 60                 with the Prometheus endpoint on (metrics:
#                                                   {listen: ":9469"}), scraped once a second
#
# Reports max and mean RSS in MB and the mean CPU use as % of one core. Targets: RSS <= 64 MB,
# CPU <= 1 %. Nothing else talks to the measured agent during the window (no status polling).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

seconds=${1:-300}
warmup=${WARMUP:-30}
nodes=(n1 n2 n3 n4)
addrs=(127.0.0.41 127.0.0.42 127.0.0.43 127.0.0.44)
port=${PORT:-7741}
work=${WORK_DIR:-/tmp/vigil-bench-footprint}
ensure_built

cleanup() { for n in "${nodes[@]}"; do stop_agent "$work" "$n"; done; }
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work"
preset=${PRESET:-lan}
write_cluster "$work/cluster.yaml" "$preset" "$port" "${addrs[@]}"
metrics=${METRICS:-0}
[[ $metrics == 1 ]] && echo 'metrics: {listen: ":9469"}' >> "$work/cluster.yaml"
for n in "${nodes[@]}"; do start_agent "$work" "$n"; done
wait_all_alive "$work" 60 "${nodes[@]}" || { echo "agents did not come up" >&2; exit 2; }
pid=$(cat "$work/n1.pid")
echo "4 agents alive ($preset); measuring n1 (pid $pid) after ${warmup} s warm-up for ${seconds} s"
echo "flags: $(tr '\0' ' ' < "/proc/$pid/cmdline" | grep -o -- ' -X[^ ]*' | tr -d '\n')"
sleep "$warmup"

# utime + stime: fields 14 and 15 of /proc/PID/stat, i.e. 12 and 13 after "pid (comm) ".
ticks() { sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
hz=$(getconf CLK_TCK)
t0=$(date +%s%N); c0=$(ticks)
max=0 sum=0 count=0 maxanon=0 maxfile=0
for ((i = 0; i < seconds; i++)); do
  read -r rss anon file threads < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} /^Threads/{t=$2} END{print r, a, f, t}' "/proc/$pid/status")
  ((rss > max)) && max=$rss && maxanon=$anon && maxfile=$file
  sum=$((sum + rss)); count=$((count + 1))
  if [[ $metrics == 1 ]]; then
    curl -s -o /dev/null --max-time 2 "http://${addrs[0]}:9469/metrics" || echo "scrape of n1 failed" >&2
  fi
  sleep 1
done
t1=$(date +%s%N); c1=$(ticks)
alive=$(count_alive "$work" n1)
python3 - "$max" "$sum" "$count" "$maxanon" "$maxfile" "$threads" "$c0" "$c1" "$hz" "$t0" "$t1" "$alive" <<'PY'
import sys
mx, s, n, anon, file, threads, c0, c1, hz, t0, t1, alive = map(int, sys.argv[1:])
wall = (t1 - t0) / 1e9
cpu = (c1 - c0) / hz
pct = 100 * cpu / wall
print(f"window {wall:.1f} s, {n} RSS samples, {threads} threads, n1 sees {alive}/4 alive at the end")
print(f"RSS max {mx/1024:.1f} MB (anon {anon/1024:.1f} + file/shmem {file/1024:.1f}), mean {s/n/1024:.1f} MB   target <= 64 MB: {'yes' if mx/1024 <= 64 else 'NO'}")
print(f"CPU {cpu:.2f} s in {wall:.1f} s = {pct:.2f} % of one core   target <= 1 %: {'yes' if pct <= 1 else 'NO'}")
PY
