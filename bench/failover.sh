#!/usr/bin/env bash
# Failover benchmark on the namespace test bed: two agents (ha1, ha2) with fencing
# (fence_vigil_netns), a client probing http://VIP/ every 10 ms (dev.vigil.bench.HttpProbe); the
# gap is the last good answer from the old node -> the first good answer from the new one.
#
#   sudo bench/failover.sh MODE PRESET TRIALS
#     cold        VIP + Filesystem + apache in one group, all started on takeover (the demo's cluster)
#     hot         apache a clone on both nodes (bed --hot), the VIP colocated with it: only the VIP moves
#     heartbeat   ClusterLabs' ocf:heartbeat:IPaddr2 + ocf:heartbeat:apache in one group, started on
#                 takeover, local docroots (bed --hot): the group bench/vs-pacemaker.sh gives Pacemaker
#     switchover  the cold group moved by `vigil resource move`; apache's own stop+start is measured
#                 each trial too (maintenance on, `vigil run-agent ocf:vigil:apache stop|start` on the
#                 node, maintenance off)
#   PRESET: lan | fast | instant | wan (TimingPreset.java)
#   Environment: BED (default fbench), SUBNET (default 78), WORK_DIR (default /tmp/vigil-bench-failover),
#                WINDOW_S (seconds probed after the kill; default by mode and preset),
#                FENCING=0 (no fence devices: the ping target breaks the two-node tie, keepalived-style),
#                METRICS=1 (the agents' Prometheus endpoints on, scraped from the client every 5 s),
#                HUNG_ALERT=1 (an alert agent that hangs until its 30 s timeout, told of every event),
#                PROBE_INTERVAL (HttpProbe's grid, default 10ms), BED_REUSE=1 (use the bed BED as it is
#                and leave it up: bench/vs-*.sh). The checked trials' gaps go to WORK_DIR/MODE-PRESET/gaps.txt.
#
# cold/hot kill: the active node's link is cut and every process in its namespace KILLed. The
# survivor declares it dead, fences it (fence_vigil_netns reboot), and takes over. Then the node
# "reboots" (addresses, mounts and stale pid files cleared, link up, agent restarted) and rejoins;
# auto_failback is off so the service stays on the survivor and the next trial kills the other node.
# Per trial it prints the gap, the split from the survivor's log (kill -> "is dead" -> fence started
# -> "fenced" -> last start done), and the agents' max RSS; at the end min/median/max of the gaps.
# Exit 0 when every trial saw exactly one failover to the other node, 1 otherwise.
set -euo pipefail
# shellcheck source=bench/bed-lib.sh
source "$(dirname "$(readlink -f "$0")")/bed-lib.sh"

usage() { sed -n '6,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
mode=${1:-}; preset=${2:-}; trials=${3:-}
case $mode in cold|hot|heartbeat|switchover) ;; *) usage ;; esac
case $preset in lan|fast|instant|wan) ;; *) usage ;; esac
[[ $trials =~ ^[1-9][0-9]*$ ]] || usage

bed=${BED:-fbench}
work=${WORK_DIR:-/tmp/vigil-bench-failover}/$mode-$preset
# shellcheck disable=SC2119 # no extra tools needed
fb_need_root_and_tools
fb_traps
rm -rf "$work"; mkdir -p "$work/trials"

hot=0; cluster_mode=cold
if [[ $mode == hot ]]; then hot=1; cluster_mode=hot; fi
if [[ $mode == heartbeat ]]; then hot=1; cluster_mode=heartbeat; fi   # local docroots, nothing warm
probe_interval=${PROBE_INTERVAL:-10ms}
fb_bed_up "$hot" "${SUBNET:-78}"
fb_write_cluster "$work/cluster.yaml" "$cluster_mode" "$preset"
for n in "${fb_nodes[@]}"; do fb_start_agent "$n"; done
if [[ ${METRICS:-0} == 1 ]]; then
  # Prometheus' part: both endpoints scraped from the client every 5 s while the trials run.
  "$bedtool" client "$bed" -- sh -c "while :; do for a in $HA1_ADDR $HA2_ADDR; do curl -s -o /dev/null -m 2 http://\$a:9469/metrics; done; sleep 5; done" &
  fb_bg_pids+=($!)
fi
active=$(fb_wait_settled "$cluster_mode" 90) || { echo "the cluster did not settle; logs in $work" >&2; tail -n 30 "$work"/ha*.log >&2; exit 1; }
j=$(fb_status ha1)
keepalive=$(json_num "$j" keepaliveMs); deadtime=$(json_num "$j" deadtimeMs)
echo "bed $bed (VIP $VIP), $mode at $preset (keepalive $keepalive ms, deadtime $deadtime ms), $trials trial(s); service on $active"
echo "the machine's load now: $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc) (other jobs make the figures noisy); probing every $probe_interval"

# Seconds probed after the kill: detection + fencing + starts, with room to spare.
if [[ $mode == hot ]]; then def_window=$((deadtime / 1000 + 4)); else def_window=$((deadtime / 1000 + 8)); fi
window=${WINDOW_S:-$def_window}
lead_s=1   # probed before the kill, so the old node's last good answer is in the log

shares=(); rejected=()
# reject TRIAL REASON: the trial failed one of its checks; it is left out of the statistics.
reject() { rejected+=("trial $1: $2"); failed=1; }

ms_or_dash() { [[ -n $1 && -n $2 ]] && echo $(($2 - $1)) || echo "?"; }
gaps=(); checked=(); failed=0; apache_own=(); rejoin_failures=0
: >"$work/gaps.txt"

# "vigil run-agent" prints "duration: N ms"; the agent's own time, without the CLI's JVM start.
apache_op_ms() {
  local node=$1 op=$2 out
  out=$("$bedtool" exec "$bed" "$node" -- "$vigil" run-agent ocf:vigil:apache "$op" \
        -p "configfile=$NODE_APACHE_CONF" --timeout 30s 2>>"$work/run-agent.err") || { echo "apache $op on $node failed: $out" >&2; return 1; }
  sed -n 's/^duration: \([0-9]*\) ms$/\1/p' <<<"$out"
}

# A node just (re)joined is given JOINING_DEADTIME (1 s) by its peers for JOINING_PERIOD (3 s)
# (Timing.java), so a kill right after a rejoin would measure that grace, not the preset: every
# trial waits until the last rejoin is 3.5 s old. A real failure hits nodes that have been up.
joined_ms=$(date +%s%3N)
await_joining_period() {
  local left=$((joined_ms + 3500 - $(date +%s%3N)))
  ((left <= 0)) || sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
}

for ((t = 1; t <= trials; t++)); do
  await_joining_period
  victim=$active; survivor=$(fb_other "$victim")
  tdir=$work/trials/$t; mkdir -p "$tdir"
  own=""
  if [[ $mode == switchover ]]; then
    # apache's own stop+start on the active node, the cluster told to keep its hands off.
    "$vigil" maintenance on --socket "$work/$victim.sock" >/dev/null
    stop_ms=$(apache_op_ms "$victim" stop); start_ms=$(apache_op_ms "$victim" start)
    "$vigil" maintenance off --socket "$work/$victim.sock" >/dev/null
    own=$((stop_ms + start_ms))
    apache_own+=("$own")
    fb_wait_settled cold 60 >/dev/null || { echo "trial $t: not settled after maintenance" >&2; exit 1; }
  fi

  fb_sampler "$tdir/rss.txt" $((lead_s + window + 90)) &
  sampler_pid=$!; fb_bg_pids+=("$sampler_pid")
  fb_probe "$tdir/probe.csv" $((lead_s + window)) "$probe_interval"
  # The probe JVM needs a moment before its first probe; then a random phase against the beats.
  sleep "$lead_s.$((RANDOM % 500 + 200))"
  t0=$(date +%s%3N)
  if [[ $mode == switchover ]]; then
    "$vigil" resource move www "$survivor" --socket "$work/$victim.sock" >"$tdir/move.out" 2>&1 ||
      { echo "trial $t: move failed: $(cat "$tdir/move.out")" >&2; reject "$t" "the move failed"; }
  else
    fb_kill_node "$victim"
    t0=$fb_cut_ms   # the split counts from the cut, not from before fb_kill_node listed the pids
  fi
  wait "$fb_probe_pid" || true

  # The split, from the survivor's log (and the victim's for a switchover's stops).
  slog=$work/$survivor.log; vlog=$work/$victim.log
  if [[ $mode == switchover ]]; then
    web_stop=$(grep -o "resource web stop on $victim: stopped ([0-9]* ms)" "$vlog" | tail -1 | grep -o '[0-9]* ms' || true)
    web_start=$(grep -o "resource web start on $survivor: started ([0-9]* ms)" "$slog" | tail -1 | grep -o '[0-9]* ms' || true)
    split="apache's own stop+start ${own} ms ($stop_ms + $start_ms); in the move: web stop ${web_stop:-?}, web start ${web_start:-?}"
  else
    dead=$(fb_log_ms "$slog" "$t0" "node $victim is dead")
    fstart=$(fb_log_ms "$slog" "$t0" "fencing node $victim")
    fdone=$(fb_log_ms "$slog" "$t0" "node $victim fenced")
    last=web; [[ $mode == hot ]] && last=vip
    sdone=$(fb_log_ms "$slog" "$t0" "resource $last start on $survivor: started")
    starts=""; agents_ms=0
    for r in data vip web; do
      [[ $mode == hot && $r != vip ]] && continue
      [[ $mode == heartbeat && $r == data ]] && continue
      d=$(grep -o "resource $r start on $survivor: started ([0-9]* ms)" "$slog" | tail -1 | sed 's/.*(\([0-9]*\) ms)$/\1/' || true)
      starts+=" $r ${d:-?} ms"
      if [[ -n $d && -n $agents_ms ]]; then agents_ms=$((agents_ms + d)); else agents_ms=; fi
    done
    fence="fence $(ms_or_dash "$fstart" "$fdone") ms (from +$(ms_or_dash "$t0" "$fstart"))"
    if [[ ${FENCING:-1} != 0 ]]; then
      if [[ -n $fstart && -n $fdone && -n $agents_ms ]]; then agents_ms=$((agents_ms + fdone - fstart)); else agents_ms=; fi
    else
      fence="no fencing"
    fi
    # Vigil's own share: from the death to the last start done, less what the agents (fence
    # and starts, one after another on the critical path) took themselves.
    share="?"
    if [[ -n $dead && -n $sdone && -n $agents_ms ]]; then share=$((sdone - dead - agents_ms)); fi
    split="dead +$(ms_or_dash "$t0" "$dead"), $fence, $last started +$(ms_or_dash "$t0" "$sdone") ms after the kill (starts:$starts); Vigil's own share $share ms"
  fi

  report=$(java -cp "$bench_jar" dev.vigil.bench.HttpProbe --summary "$tdir/probe.csv")
  echo "$report" >"$tdir/summary.txt"
  fo=$(grep -c '^  failover ' <<<"$report" || true)
  gap=$(grep -o "^  failover $victim -> $survivor: gap [0-9]*" <<<"$report" | grep -o '[0-9]*$' || true)
  sw=$(grep -c '^  switch ' <<<"$report" || true)
  if [[ $fo -ne 1 || -z $gap || $sw -ne 0 ]]; then
    echo "trial $t: expected one failover $victim -> $survivor, the probe saw: $(head -c 600 <<<"$report")" >&2
    reject "$t" "not exactly one failover $victim -> $survivor ($fo seen, $sw switch(es) with no failed probe)"
  else
    gaps+=("$gap"); checked+=("$tdir/probe.csv")
    [[ $mode == switchover || $share == "?" ]] || shares+=("$share")
  fi

  if [[ $mode != switchover ]]; then
    # A rejoining agent can be declared dead again while its JVM starts (seen at instant): the
    # survivor then fences it, its agent dies, and it is booted again. Counted, at most 3 boots.
    boots=0; active=
    while ((boots < 3)) && [[ -z $active ]]; do
      boots=$((boots + 1))
      fb_boot_node "$victim"
      deadline=$((SECONDS + 90))
      while ((SECONDS < deadline)); do
        if active=$(fb_settled "$cluster_mode"); then break; fi
        active=
        if ! kill -0 "$(cat "$work/$victim.pid" 2>/dev/null || echo 0)" 2>/dev/null; then
          echo "  trial $t: $victim's agent died while rejoining (boot $boots): $survivor declared it dead $(grep -c "node $victim is dead" "$slog" || true) time(s) so far and fenced it; booting it again" >&2
          rejoin_failures=$((rejoin_failures + 1))
          sleep 1; break
        fi
        sleep 0.2
      done
    done
    [[ -n $active ]] || { echo "trial $t: the cluster did not settle again; logs in $work" >&2; exit 1; }
    joined_ms=$(date +%s%3N)
  else
    "$vigil" resource clear www --socket "$work/$survivor.sock" >/dev/null
    active=$(fb_wait_settled "$cluster_mode" 90) || { echo "trial $t: the cluster did not settle again; logs in $work" >&2; exit 1; }
  fi
  kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true
  if [[ $active != "$survivor" ]]; then
    echo "trial $t: the service went back to $active (auto_failback is off)" >&2
    reject "$t" "the service went back to $active"
    if [[ ${checked[-1]:-} == "$tdir/probe.csv" ]]; then
      unset 'checked[-1]' 'gaps[-1]'
      [[ $mode == switchover || $share == "?" ]] || unset 'shares[-1]'
    fi
  fi
  [[ ${checked[-1]:-} != "$tdir/probe.csv" ]] || echo "${gaps[-1]}" >>"$work/gaps.txt"
  rss=$(fb_rss_max "$tdir/rss.txt") || reject "$t" "agents' memory not sampled ($rss)"
  printf '  trial %2d: %s -> %s gap %s ms; %s; RSS max %s\n' "$t" "$victim" "$survivor" "${gap:-?}" "$split" "$rss"
done

echo
if ((${#checked[@]} > 0)); then
  echo "$mode at $preset, the $((${#checked[@]})) checked trial(s) of $trials: $(java -cp "$bench_jar" dev.vigil.bench.HttpProbe --summary "${checked[@]}" | tail -1)"
else
  echo "$mode at $preset: no trial passed its checks"
fi
if [[ $mode == switchover && ${#apache_own[@]} -gt 0 ]]; then
  python3 - "${apache_own[@]}" <<'PY'
import statistics, sys
xs = sorted(int(x) for x in sys.argv[1:])
print(f"apache's own stop+start over {len(xs)} trial(s): min {xs[0]} ms, median {statistics.median(xs):.0f} ms, max {xs[-1]} ms"
      f" (target: the move's median gap <= this median + 100 ms)")
PY
fi
if ((${#shares[@]} > 0)); then
  python3 - "${shares[@]}" <<'PY'
import statistics, sys
xs = sorted(int(x) for x in sys.argv[1:])
print(f"Vigil's own share (death -> last start done, less the fence and start agents' run time) over {len(xs)} checked trial(s):"
      f" min {xs[0]} ms, median {statistics.median(xs):.0f} ms, max {xs[-1]} ms (target <= 30 ms)")
PY
fi
((rejoin_failures == 0)) || echo "rejoining node declared dead and fenced again: $rejoin_failures time(s) (each booted again; see the logs)"
if ((${#rejected[@]} > 0)); then
  echo "rejected ${#rejected[@]} trial(s) of $trials, left out of the figures above:"
  printf '  %s\n' "${rejected[@]}"
fi
rss_all=$(fb_rss_max "$work"/trials/*/rss.txt) || failed=1
echo "agents RSS max over all trials: $rss_all"
if [[ ${HUNG_ALERT:-0} == 1 ]]; then
  echo "hung alert agent runs started: $(wc -l <"$work/hung-alert.runs" 2>/dev/null || echo 0) (each hangs until its 30 s timeout or its node's kill)"
fi
echo "logs and probe files: $work"
exit "$failed"
