#!/usr/bin/env bash
# No false deaths under load: 3 agents at the `fast` preset (keepalive 50 ms, deadtime 250 ms) on
# loopback, both cores saturated by `stress-ng --cpu 2`, and allocation pressure inside each agent
# (the benchmark-only VIGIL_BENCH_ALLOC_MB_PER_S hook, see agent/.../AllocationPressure.java).
#
#   bench/no-false-death.sh [minutes]       default 10
#   ALLOC_MB_PER_S=32 CPU_HOGS=2 PRESET=instant bench/no-false-death.sh 1   (PRESET: default fast)
#
# At the end (before stopping the agents, so shutdown is not counted) it reports, over all logs:
#   "is dead" lines and late->dead sequences (both must be 0), "late heartbeat" warnings,
#   and per agent: heartbeats sent, heartbeat.slips, heartbeat.maxSlipMs, and the longest GC pause.
# Exit status 0 when there was no false death, 1 otherwise.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

minutes=${1:-10}
alloc=${ALLOC_MB_PER_S:-32}
hogs=${CPU_HOGS:-2}
nodes=(n1 n2 n3)
addrs=(127.0.0.21 127.0.0.22 127.0.0.23)
port=${PORT:-7721}
work=${WORK_DIR:-/tmp/vigil-bench-nfd}
command -v stress-ng >/dev/null || { echo "stress-ng is needed" >&2; exit 2; }
ensure_built

stress_pid=
cleanup() {
  [[ -n $stress_pid ]] && kill -TERM "$stress_pid" 2>/dev/null || true
  for n in "${nodes[@]}"; do stop_agent "$work" "$n"; done
}
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work"
preset=${PRESET:-fast}
write_cluster "$work/cluster.yaml" "$preset" "$port" "${addrs[@]}"

export VIGIL_BENCH_ALLOC_MB_PER_S=$alloc
# GC log per agent, to report the longest pause (the agents' own flags stay as the launcher sets them).
export JAVA_TOOL_OPTIONS="-Xlog:gc:file=$work/gc-%p.log"
for n in "${nodes[@]}"; do start_agent "$work" "$n"; done
unset JAVA_TOOL_OPTIONS VIGIL_BENCH_ALLOC_MB_PER_S
wait_all_alive "$work" 30 "${nodes[@]}" || { echo "agents did not all come up" >&2; tail "$work"/*.log >&2; exit 2; }

seconds=$((minutes * 60))
echo "all 3 agents alive ($preset preset); stress-ng --cpu $hogs + ${alloc} MB/s allocation in each agent for ${minutes} min"
stress-ng --cpu "$hogs" --timeout "$((seconds + 60))s" --quiet &
stress_pid=$!
start=$(date +%s)
# Progress every minute; bounded by the requested duration.
for ((m = 1; m <= minutes; m++)); do
  sleep 60
  echo "  $(date +%T) minute $m/$minutes: dead lines so far $(cat "$work"/n*.log | grep -c 'is dead' || true), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
elapsed=$(($(date +%s) - start))

# Collect everything while the agents and the stress still run.
declare -A sent slips maxslip gcmax gccount
for n in "${nodes[@]}"; do
  j=$(status_json "$work" "$n")
  sent[$n]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["heartbeat"]["sent"])' <<<"$j")
  slips[$n]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["heartbeat"]["slips"])' <<<"$j")
  maxslip[$n]=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["heartbeat"]["maxSlipMs"])' <<<"$j")
  pid=$(cat "$work/$n.pid")
  gcmax[$n]=$(grep -ho 'Pause.* [0-9.]*ms$' "$work/gc-$pid.log" 2>/dev/null | grep -o '[0-9.]*ms$' | tr -d ms | sort -g | tail -1)
  gccount[$n]=$(grep -c 'Pause' "$work/gc-$pid.log" 2>/dev/null || true)
done
kill -TERM "$stress_pid" 2>/dev/null || true; wait "$stress_pid" 2>/dev/null || true; stress_pid=
mkdir -p "$work/snapshot-logs"; cp "$work"/n*.log "$work/snapshot-logs/"

dead=$(cat "$work"/snapshot-logs/n*.log | grep -c 'is dead' || true)
late=$(cat "$work"/snapshot-logs/n*.log | grep -c 'late heartbeat' || true)
linkdead=$(cat "$work"/snapshot-logs/n*.log | grep -c 'link .* dead' || true)
# late->dead: a "node X is dead" whose previous line about X in the same log was a late warning.
late_to_dead=0
for f in "$work"/snapshot-logs/n*.log; do
  c=$(awk '/late heartbeat: node /{for(i=1;i<=NF;i++) if($i=="node"){last[$(i+1)]="late"}}
           /node [^ ]+ is dead/{for(i=1;i<=NF;i++) if($i=="node"){ if(last[$(i+1)]=="late") n++; last[$(i+1)]="dead"}}
           /heard again after a late/{for(i=1;i<=NF;i++) if($i=="node"){last[$(i+1)]="alive"}}
           END{print n+0}' "$f")
  late_to_dead=$((late_to_dead + c))
done

echo
echo "no-false-death: $preset preset, ${elapsed} s,"
echo "stress-ng --cpu $hogs, VIGIL_BENCH_ALLOC_MB_PER_S=$alloc, $(nproc) CPUs"
printf '%-5s %8s %7s %11s %9s %11s\n' node sent slips maxSlipMs gcPauses maxGcPauseMs
for n in "${nodes[@]}"; do
  printf '%-5s %8s %7s %11s %9s %11s\n' "$n" "${sent[$n]}" "${slips[$n]}" "${maxslip[$n]}" "${gccount[$n]:-?}" "${gcmax[$n]:-?}"
done
echo "'is dead' lines: $dead   late->dead: $late_to_dead   'late heartbeat' warnings: $late   link-dead lines: $linkdead"
if ((dead == 0 && late_to_dead == 0)); then echo "RESULT: PASS (no false deaths)"; else echo "RESULT: FAIL"; fi
echo "logs: $work/snapshot-logs/"
((dead == 0 && late_to_dead == 0))
