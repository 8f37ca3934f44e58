#!/usr/bin/env bash
# Failure-detection time: 3 agents on loopback, all alive, then `kill -9` one and measure how long
# each survivor takes to log "node X is dead". The kill time is `date +%s.%N` taken right before
# the kill; the detection time is the millisecond timestamp of the survivor's log line (logback,
# wall clock, same machine). The killed node is restarted and re-joins before the next trial; the
# victim rotates n1, n2, n3, and a random 0-1 s pause before each kill spreads the kill over the
# heartbeat phase.
#
#   bench/detection.sh [presets] [trials]    presets: comma list of lan,fast,wan (default lan,fast)
#                                            trials per preset: default 20 (2 samples per trial)
#
# Prints p50 / p99 / max per preset (nearest-rank over all samples) and whether p50 and p99 stay
# within deadtime + keepalive, the bound a timeout detector promises (silence is noticed at most
# one keepalive after the last beat plus deadtime; the detector wakes exactly at each deadline).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

presets=${1:-lan,fast}
trials=${2:-20}
nodes=(n1 n2 n3)
addrs=(127.0.0.31 127.0.0.32 127.0.0.33)
base_port=${PORT:-7731}
root=${WORK_DIR:-/tmp/vigil-bench-detection}
ensure_built

work=
cleanup() {
  if [[ -n $work ]]; then for n in "${nodes[@]}"; do stop_agent "$work" "$n"; done; fi
}
trap cleanup EXIT
rm -rf "$root"; mkdir -p "$root"

# ms since epoch of the last "node VICTIM is dead" line in LOG
dead_ms() {
  grep "node $2 is dead" "$1" | tail -1 | cut -d' ' -f1 |
    python3 -c 'import sys,datetime; print(round(datetime.datetime.strptime(sys.stdin.read().strip(), "%Y-%m-%dT%H:%M:%S.%f").timestamp()*1000))'
}

summary=()
port=$base_port
IFS=, read -ra preset_list <<<"$presets"
for preset in "${preset_list[@]}"; do
  case $preset in
    lan|fast|wan|serial) ;;
    *) echo "unknown preset $preset (lan, fast, wan, serial)" >&2; exit 2 ;;
  esac
  work=$root/$preset
  mkdir -p "$work"
  write_cluster "$work/cluster.yaml" "$preset" "$port" "${addrs[@]}"
  port=$((port + 1))
  for n in "${nodes[@]}"; do start_agent "$work" "$n"; done
  wait_all_alive "$work" 60 "${nodes[@]}" || { echo "$preset: agents did not come up" >&2; exit 2; }
  # The preset's timers as the agent runs them, so the bound follows TimingPreset.java.
  status=$(status_json "$work" "${nodes[0]}")
  keepalive=$(json_num "$status" keepaliveMs)
  deadtime=$(json_num "$status" deadtimeMs)
  samples=$work/samples.txt; : > "$samples"
  echo "== $preset (keepalive ${keepalive} ms, deadtime ${deadtime} ms): $trials trials"
  for ((t = 0; t < trials; t++)); do
    victim=${nodes[$((t % 3))]}
    survivors=(); for n in "${nodes[@]}"; do [[ $n == "$victim" ]] || survivors+=("$n"); done
    declare -A before=()
    for s in "${survivors[@]}"; do before[$s]=$(grep -c "node $victim is dead" "$work/$s.log" || true); done
    sleep "0.$((RANDOM % 1000))"
    pid=$(cat "$work/$victim.pid")
    kill_ns=$(date +%s%N)
    kill -KILL "$pid"
    # Wait (bounded) until both survivors have logged the death.
    deadline=$((SECONDS + deadtime / 1000 + 15))
    line="trial $((t + 1)): kill $victim ->"
    for s in "${survivors[@]}"; do
      while [[ $(grep -c "node $victim is dead" "$work/$s.log" || true) -le ${before[$s]} ]]; do
        ((SECONDS < deadline)) || { echo "$preset: $s never declared $victim dead" >&2; exit 1; }
        sleep 0.05
      done
      ms=$(( $(dead_ms "$work/$s.log" "$victim") - kill_ns / 1000000 ))
      echo "$ms" >> "$samples"
      line+=" $s ${ms} ms"
    done
    echo "  $line"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$work/$victim.pid"
    start_agent "$work" "$victim"
    wait_all_alive "$work" 60 "${nodes[@]}" || { echo "$preset: $victim did not re-join" >&2; exit 2; }
  done
  for n in "${nodes[@]}"; do stop_agent "$work" "$n"; done
  summary+=("$(python3 - "$samples" "$preset" "$keepalive" "$deadtime" <<'PY'
import math, sys
xs = sorted(int(l) for l in open(sys.argv[1]) if l.strip())
preset, ka, dt = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rank = lambda p: xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]
p50, p99, mx = rank(50), rank(99), xs[-1]
bound = dt + ka
ok = lambda v: "yes" if v <= bound else "NO"
print(f"{preset:<5} {len(xs):>7} {ka:>9} {dt:>8} {xs[0]:>6} {p50:>6} {p99:>6} {mx:>6} {bound:>7} {ok(p50):>6} {ok(p99):>6}")
PY
)")
done
work=

echo
echo "detection time after kill -9 (ms; survivors' log timestamp - kill time; 2 samples per trial)"
printf '%-5s %7s %9s %8s %6s %6s %6s %6s %7s %6s %6s\n' preset samples keepalive deadtime min p50 p99 max bound p50ok p99ok
printf '%s\n' "${summary[@]}"
