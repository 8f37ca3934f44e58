#!/usr/bin/env bash
# No false deaths under load: 3 agents at the `fast` preset (keepalive 50 ms, deadtime 250 ms) on
# loopback, both cores saturated by `stress-ng --cpu 2`, and allocation pressure inside each agent
# (the benchmark-only VIGIL_BENCH_ALLOC_MB_PER_S hook, see agent/.../AllocationPressure.java).
#
#   bench/no-false-death.sh [minutes]       default 10
#   ALLOC_MB_PER_S=32 CPU_HOGS=2 PRESET=instant bench/no-false-death.sh 1   (PRESET: default fast)
#
# A fourth member, n4, is started with them and killed with -9 a second after the others first
# hear it, inside its joining period (Timing.JOINING_PERIOD, 3 s), before the load starts: a dead
# peer is the normal state of a degraded cluster, and one dead that early once left the detector a
# deadline in the past for ever (its real-time thread spun at 100 % of a core and starved the
# others' heartbeats into false deaths). DOOMED_PEER=0 leaves n4 out.
#
# At the end (before stopping the agents, so shutdown is not counted) it reports, over all logs:
#   "is dead" lines other than n4's one per agent, and late->dead sequences (both must be 0),
#   "late heartbeat" warnings, and per agent: heartbeats sent, heartbeat.slips,
#   heartbeat.maxSlipMs, the longest GC pause, and its detector thread's CPU under load (per mille
#   of one core).
# Exit status 0 when there was no false death and no detector thread used more than 1 % of a
# core, 1 otherwise.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

minutes=${1:-10}
alloc=${ALLOC_MB_PER_S:-32}
hogs=${CPU_HOGS:-2}
nodes=(n1 n2 n3)
addrs=(127.0.0.21 127.0.0.22 127.0.0.23)
doomed=${DOOMED_PEER:-1}
((doomed)) && addrs+=(127.0.0.24)
port=${PORT:-7721}
work=${WORK_DIR:-/tmp/vigil-bench-nfd}
command -v stress-ng >/dev/null || { echo "stress-ng is needed" >&2; exit 2; }
ensure_built

stress_pid=
cleanup() {
  [[ -n $stress_pid ]] && kill -TERM "$stress_pid" 2>/dev/null || true
  for n in "${nodes[@]}" n4; do stop_agent "$work" "$n"; done
}
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work"
preset=${PRESET:-fast}
write_cluster "$work/cluster.yaml" "$preset" "$port" "${addrs[@]}"

export VIGIL_BENCH_ALLOC_MB_PER_S=$alloc
# GC log per agent, to report the longest pause (the agents' own flags stay as the launcher sets them).
export JAVA_TOOL_OPTIONS="-Xlog:gc:file=$work/gc-%p.log"
for n in "${nodes[@]}"; do start_agent "$work" "$n"; done
wait_all_alive "$work" 60 "${nodes[@]}" || { echo "agents did not all come up" >&2; tail "$work"/*.log >&2; exit 2; }
if ((doomed)); then
  # n4 joins the running three and dies a second after they all first heard it.
  start_agent "$work" n4
  for _ in $(seq 600); do
    joined=0; for n in "${nodes[@]}"; do grep -q 'node n4 joined' "$work/$n.log" && joined=$((joined + 1)); done
    ((joined == ${#nodes[@]})) && break; sleep 0.1
  done
  ((joined == ${#nodes[@]})) || { echo "n4 did not join" >&2; exit 2; }
  sleep 1
  kill -KILL "$(cat "$work/n4.pid")"; rm -f "$work/n4.pid"
  sleep 5   # past its joining period, and its death seen by all
fi
unset JAVA_TOOL_OPTIONS VIGIL_BENCH_ALLOC_MB_PER_S

# CPU (ms) a thread named NAME of process PID has used so far.
thread_cpu_ms() {
  local pid=$1 name=$2 t total=0 f
  for t in /proc/"$pid"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == "$name" ]] || continue
    f=$(sed 's/.*) //' "$t/stat"); set -- $f
    total=$((total + (${12} + ${13}) * 1000 / $(getconf CLK_TCK)))
  done
  echo "$total"
}
declare -A detector0 detector0_at
for n in "${nodes[@]}"; do
  detector0[$n]=$(thread_cpu_ms "$(cat "$work/$n.pid")" vigil-detector); detector0_at[$n]=$(date +%s%3N)
done

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
declare -A sent slips maxslip gcmax gccount detector
for n in "${nodes[@]}"; do
  # Per mille of one core, over this agent's own window (the reads are seconds apart under load).
  detector[$n]=$(( ($(thread_cpu_ms "$(cat "$work/$n.pid")" vigil-detector) - detector0[$n]) * 1000
                   / ($(date +%s%3N) - detector0_at[$n]) ))
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

# n4's death, once per agent, is the one expected.
dead=$(cat "$work"/snapshot-logs/n*.log | grep 'is dead' | grep -vc 'node n4 is dead' || true)
n4dead=$(cat "$work"/snapshot-logs/n*.log | grep -c 'node n4 is dead' || true)
late=$(cat "$work"/snapshot-logs/n*.log | grep 'late heartbeat' | grep -vc 'node n4 ' || true)
linkdead=$(cat "$work"/snapshot-logs/n*.log | grep 'link .* dead' | grep -vc 'link n4 ' || true)
# late->dead: a "node X is dead" whose previous line about X in the same log was a late warning.
late_to_dead=0
for f in "$work"/snapshot-logs/n*.log; do
  c=$(grep -v 'node n4 ' "$f" | awk '/late heartbeat: node /{for(i=1;i<=NF;i++) if($i=="node"){last[$(i+1)]="late"}}
           /node [^ ]+ is dead/{for(i=1;i<=NF;i++) if($i=="node"){ if(last[$(i+1)]=="late") n++; last[$(i+1)]="dead"}}
           /heard again after a late/{for(i=1;i<=NF;i++) if($i=="node"){last[$(i+1)]="alive"}}
           END{print n+0}')
  late_to_dead=$((late_to_dead + c))
done

echo
echo "no-false-death: $preset preset, ${elapsed} s,"
echo "stress-ng --cpu $hogs, VIGIL_BENCH_ALLOC_MB_PER_S=$alloc, $(nproc) CPUs$( ((doomed)) && echo ", n4 killed in its joining period (seen dead $n4dead times)")"
printf '%-5s %8s %7s %11s %9s %11s %19s\n' node sent slips maxSlipMs gcPauses maxGcPauseMs detectorCpuPermille
for n in "${nodes[@]}"; do
  printf '%-5s %8s %7s %11s %9s %11s %19s\n' "$n" "${sent[$n]}" "${slips[$n]}" "${maxslip[$n]}" "${gccount[$n]:-?}" "${gcmax[$n]:-?}" "${detector[$n]}"
done
echo "about n1..n3: 'is dead' lines: $dead   late->dead: $late_to_dead   'late heartbeat' warnings: $late   link-dead lines: $linkdead"
# The detector sleeps until its next deadline: a few wake-ups per keepalive, far under 1 % of a
# core. More means it polls or spins (it spun at 100 % on a peer dead in its joining period).
spinning=0
for n in "${nodes[@]}"; do ((detector[$n] > 10)) && spinning=$((spinning + 1)); done
echo "detector threads above 1 % of a core: $spinning"
if ((dead == 0 && late_to_dead == 0 && spinning == 0)); then echo "RESULT: PASS (no false deaths, no busy detector)"; else echo "RESULT: FAIL"; fi
echo "logs: $work/snapshot-logs/"
((dead == 0 && late_to_dead == 0 && spinning == 0))
