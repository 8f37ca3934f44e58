#!/usr/bin/env bash
# Hot-standby soak: no spurious takeover at the most aggressive preset under CPU load. The hot
# cluster of bench/failover.sh (apache a clone on both nodes, the VIP colocated with it, fencing
# with fence_vigil_netns) runs at `instant` (keepalive 4 ms, deadtime 20 ms) on the namespace bed
# while `stress-ng --cpu 2` saturates both cores; nobody is killed, so every death, fence or VIP
# start in the agents' logs is spurious.
#
#   sudo bench/hot-soak.sh [MINUTES]        default 10
#   Environment: PRESET (default instant), CPU_HOGS (default 2), BED (default fsoak),
#                SUBNET (default 79), WORK_DIR (default /tmp/vigil-bench-hot-soak)
#
# Prints progress each minute and at the end (before stopping anything, so shutdown is not
# counted): "is dead" lines, fences, VIP starts after the cluster settled (spurious takeovers),
# late-heartbeat warnings, each agent's heartbeat slips and stalls, and the agents' max RSS.
# Exit 0 when there was no death, no fence and no VIP move; 1 otherwise.
set -euo pipefail
# shellcheck source=bench/bed-lib.sh
source "$(dirname "$(readlink -f "$0")")/bed-lib.sh"

minutes=${1:-10}
[[ $minutes =~ ^[1-9][0-9]*$ ]] || { sed -n '8,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
preset=${PRESET:-instant}
hogs=${CPU_HOGS:-2}
bed=${BED:-fsoak}
work=${WORK_DIR:-/tmp/vigil-bench-hot-soak}
fb_need_root_and_tools stress-ng
fb_traps
rm -rf "$work"; mkdir -p "$work"

fb_bed_up 1 "${SUBNET:-79}"
fb_write_cluster "$work/cluster.yaml" hot "$preset"
for n in "${fb_nodes[@]}"; do fb_start_agent "$n"; done
active=$(fb_wait_settled hot 90) || { echo "the cluster did not settle; logs in $work" >&2; tail -n 30 "$work"/ha*.log >&2; exit 1; }
# Count only what happens from here on: the logs' lengths now.
declare -A base hb0
for n in "${fb_nodes[@]}"; do base[$n]=$(wc -l <"$work/$n.log"); hb0[$n]=$(fb_status "$n"); done
since() { tail -n "+$((base[$1] + 1))" "$work/$1.log"; }
count() { # count REGEX: matching lines in both logs since the start of the soak
  local c=0 n k
  for n in "${fb_nodes[@]}"; do k=$(since "$n" | grep -c -- "$1" || true); c=$((c + k)); done
  echo "$c"
}

seconds=$((minutes * 60))
echo "bed $bed (VIP $VIP), hot cluster at $preset, VIP and apache on $active, apache on both;"
echo "stress-ng --cpu $hogs for $minutes min on $(nproc) CPUs (load before: $(cut -d' ' -f1-3 /proc/loadavg); other jobs add noise)"
fb_sampler "$work/rss.txt" $((seconds + 120)) 2 &
fb_bg_pids+=("$!")
stress-ng --cpu "$hogs" --timeout "$((seconds + 60))s" --quiet &
stress_pid=$!; fb_bg_pids+=("$stress_pid")
start=$SECONDS
for ((m = 1; m <= minutes; m++)); do
  sleep 60 & nap=$!; fb_bg_pids+=("$nap"); wait "$nap"   # so a TERM is handled at once
  echo "  $(date +%T) minute $m/$minutes: deaths $(count ' is dead'), fences $(count 'fencing node'), VIP starts $(count 'resource vip start on'), late warnings $(count 'late heartbeat'), RSS ha1 $(( $(fb_rss_kb ha1 || echo 0) / 1024 )) MB, ha2 $(( $(fb_rss_kb ha2 || echo 0) / 1024 )) MB, load $(cut -d' ' -f1 /proc/loadavg)"
done
elapsed=$((SECONDS - start))

# Everything is read while the stress and the agents still run.
deaths=$(count ' is dead'); fences=$(count 'fencing node'); vipstarts=$(count 'resource vip start on')
late=$(count 'late heartbeat'); frozen=$(count 'this agent was frozen')
now=$(fb_settled hot || echo "not settled")
echo "heartbeats during the soak (slips: sent more than half a keepalive late; maxSlipMs is since the agent started):"
printf '%-4s %8s %6s %7s %10s\n' node sent slips stalls maxSlipMs
for n in "${fb_nodes[@]}"; do
  python3 - "$n" "${hb0[$n]}" "$(fb_status "$n")" <<'PY'
import json, sys
try:
    a, b = (json.loads(x)["heartbeat"] for x in sys.argv[2:4])
    print(f"{sys.argv[1]:<4} {b['sent'] - a['sent']:>8} {b['slips'] - a['slips']:>6} {b['stalls'] - a['stalls']:>7} {b['maxSlipMs']:>10}")
except (ValueError, KeyError):
    print(f"{sys.argv[1]:<4} no answer")
PY
done
kill -TERM "$stress_pid" 2>/dev/null || true
mkdir -p "$work/snapshot-logs"; for n in "${fb_nodes[@]}"; do since "$n" >"$work/snapshot-logs/$n.log"; done

echo
echo "hot soak at $preset: ${elapsed} s under stress-ng --cpu $hogs"
echo "spurious: deaths $deaths, fences $fences, VIP moves (starts) $vipstarts, frozen-agent stops $frozen; late-heartbeat warnings $late"
echo "VIP on $active at the start, on $now at the end"
rss_ok=1; rss=$(fb_rss_max "$work/rss.txt") || rss_ok=0
echo "agents RSS max: $rss"
echo "logs since the start of the soak: $work/snapshot-logs/"
if ((deaths == 0 && fences == 0 && vipstarts == 0 && rss_ok)); then echo "RESULT: PASS (no spurious takeover)"; exit 0; fi
echo "RESULT: FAIL"
exit 1
