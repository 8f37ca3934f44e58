#!/usr/bin/env bash
# keepalived vs Vigil, side by side on the same namespace bed with the same prober, in one run.
#
#   sudo bench/vs-keepalived.sh [TRIALS]      (default 5 per side and pair)
#
# Pairs (PAIRS=fast,slow by default; PAIRS=fast runs only the first):
#   fast  keepalived VRRPv3, advert_int 0.01 (10 ms), vrrp_rt_priority 50
#         vs Vigil hot standby at `instant`, FENCING=0 (bench/failover.sh hot instant)
#   slow  keepalived defaults (VRRPv2, advert_int 1)  vs Vigil hot standby at `lan`, FENCING=0
# Both: priorities 150 (ha1) / 100 (ha2), the VIP on eth0, apache warm on both nodes (bed --hot),
# a client probing http://VIP/ with dev.vigil.bench.HttpProbe every PROBE_INTERVAL (default 2ms,
# fresh connection per probe, 50 ms timeout). The gap is the last good answer from the old node
# -> the first good answer from the new one. Kill = cut the node's cable, KILL every process in
# its namespace (fb_kill_node); reboot = flush eth0, link up with the base address, start again.
# Environment: BED (default vka), SUBNET (201), WORK_DIR (/tmp/vigil-bench-vs-keepalived),
#              PAIRS, PROBE_INTERVAL.
# Needs root, keepalived (apt-get install keepalived), apache2, arping, java, python3.
# Exit 0 when every trial of both sides passed its checks (exactly one failover, to the other
# node, no flapping); only checked trials count in the statistics.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=bench/bed-lib.sh
source "$here/bed-lib.sh"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
trials=${1:-5}
[[ $trials =~ ^[1-9][0-9]*$ ]] || usage
pairs=${PAIRS:-fast,slow}
[[ $pairs =~ ^(fast|slow)(,(fast|slow))*$ ]] || usage
probe_interval=${PROBE_INTERVAL:-2ms}
bed=${BED:-vka}
subnet=${SUBNET:-201}
base=${WORK_DIR:-/tmp/vigil-bench-vs-keepalived}
work=$base/keepalived   # fb_* helpers: the peer's pid files, logs, probe files
fb_need_root_and_tools keepalived
vs_cleanup() { vs_stop_failover; fb_cleanup; }
trap vs_cleanup EXIT
trap 'echo "interrupted; cleaning up" >&2; vs_cleanup; exit 130' INT TERM
rm -rf "$base"; mkdir -p "$work"

fb_bed_up 1 "$subnet"
echo "bed $bed (VIP $VIP, subnet $SUBNET); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg); $(keepalived --version 2>&1 | head -1)"
echo "$trials trial(s) per side, pairs: $pairs, probing every $probe_interval"


# ka_conf NODE fast|slow: keepalived.conf for NODE.
ka_conf() {
  local n=$1 pair=$2 prio=100 conf=$work/$1-$2.conf
  [[ $n == ha1 ]] && prio=150
  {
    echo "global_defs {"
    echo "  router_id $n"
    if [[ $pair == fast ]]; then
      echo "  vrrp_version 3"
      # Real-time VRRP process: at 10 ms adverts on a busy 2-core host keepalived otherwise
      # takes over spuriously (testbed-notes §8: 9 in 10 one-minute windows, 0 with this).
      echo "  vrrp_rt_priority 50"
    fi
    echo "}"
    echo "vrrp_instance www {"
    echo "  state BACKUP"
    echo "  interface eth0"
    echo "  virtual_router_id 51"
    echo "  priority $prio"
    [[ $pair == fast ]] && echo "  advert_int 0.01"
    echo "  virtual_ipaddress {"
    echo "    $VIP/24 dev eth0"
    echo "  }"
    echo "}"
  } >"$conf"
  keepalived -t -f "$conf" 2>>"$work/config-test.log" || { echo "keepalived rejects $conf:" >&2; cat "$work/config-test.log" >&2; exit 1; }
  echo "$conf"
}

# ka_boot NODE PAIR: the node's apache (warm) and keepalived, as the node's boot would start them.
ka_boot() {
  local n=$1 pair=$2 conf
  conf=$(ka_conf "$n" "$pair")
  "$bedtool" exec "$bed" "$n" -- /usr/sbin/apache2 -f "$NODE_APACHE_CONF" -k start
  # A killed node leaves its pid files; their PIDs may still be unreaped zombies, and keepalived
  # then refuses to start ("daemon is already running"). A reboot clears them.
  rm -f "$work/$n-keepalived.pid" "$work/$n-vrrp.pid"
  # -n: no fork, so the recorded PID is keepalived's parent (SIGTERM stops it and its VRRP child).
  setsid "$bedtool" exec "$bed" "$n" -- keepalived -n -l -D -G -P -f "$conf" \
      -p "$work/$n-keepalived.pid" -r "$work/$n-vrrp.pid" >>"$work/$n.log" 2>&1 </dev/null &
  echo $! >"$work/$n.pid"
  disown $!
}

# ka_holders: the nodes whose eth0 holds the VIP (a killed node keeps it on its dead link).
ka_holders() {
  local n
  for n in "${fb_nodes[@]}"; do
    ip -n "$(fb_ns "$n")" -o addr show dev eth0 2>/dev/null | grep -q " $VIP/" && echo "$n"
  done
  return 0
}

# ka_answer: the node that serves http://VIP/ to the client now, or nothing.
ka_answer() {
  "$bedtool" client "$bed" -- curl -s --max-time 1 "http://$VIP/" 2>/dev/null | sed -n 's/.*node=\([a-z0-9]*\).*/\1/p' | head -1
}

# ka_wait_settled TIMEOUT_S: prints the master once ha1 (priority 150: it preempts) alone holds
# the VIP, both keepalived run, the client is served by ha1, and this has held for 1 s.
ka_wait_settled() {
  local deadline=$((SECONDS + $1)) h a stable=0 n
  while ((SECONDS < deadline)); do
    h=$(ka_holders); a=$(ka_answer)
    for n in "${fb_nodes[@]}"; do kill -0 "$(cat "$work/$n.pid" 2>/dev/null || echo 0)" 2>/dev/null || h=; done
    if [[ $h == ha1 && $a == ha1 ]]; then
      stable=$((stable + 1))
      ((stable < 5)) || { echo "$h"; return 0; }
    else
      stable=0
    fi
    sleep 0.2
  done
  return 1
}

# run_keepalived PAIR: TRIALS kills of the master; its checked gaps to $work/PAIR/gaps.txt.
peer_failed=0
run_keepalived() {
  local pair=$1 dir=$work/$1 window master victim survivor t tdir report fo gap holders ok
  mkdir -p "$dir"; : >"$dir/gaps.txt"
  # Master_Down_Interval = 3 adverts + skew; defaults: 3.6 s. The window holds it with room.
  if [[ $pair == fast ]]; then window=2; else window=6; fi
  fb_reset_nodes
  for n in "${fb_nodes[@]}"; do ka_boot "$n" "$pair"; done
  master=$(ka_wait_settled 60) || { echo "keepalived ($pair) did not settle; logs in $work" >&2; tail -n 20 "$work"/ha*.log >&2; exit 1; }
  echo "keepalived ($pair): master $master"
  for ((t = 1; t <= trials; t++)); do
    victim=$master; survivor=$(fb_other "$victim")
    tdir=$dir/trials/$t; mkdir -p "$tdir"
    fb_probe "$tdir/probe.csv" $((1 + window)) "$probe_interval"
    # The probe JVM needs a moment; then a random phase against the adverts.
    sleep "1.$((RANDOM % 500 + 200))"
    fb_kill_node "$victim"
    wait "$fb_probe_pid" || true
    holders=$(ka_holders | grep -vx "$victim" | tr '\n' ' ')
    report=$(java -cp "$bench_jar" dev.vigil.bench.HttpProbe --summary "$tdir/probe.csv")
    echo "$report" >"$tdir/summary.txt"
    fo=$(grep -c '^  failover ' <<<"$report" || true)
    gap=$(grep -o "^  failover $victim -> $survivor: gap [0-9]*" <<<"$report" | grep -o '[0-9]*$' || true)
    sw=$(grep -c '^  switch ' <<<"$report" || true)
    ok=1
    if [[ $fo -ne 1 || -z $gap || $sw -ne 0 ]]; then
      echo "  trial $t: expected one failover $victim -> $survivor, the probe saw: $(head -c 600 <<<"$report")" >&2; ok=0
    fi
    [[ $holders == "$survivor " ]] || { echo "  trial $t: after the window the VIP is on '${holders}', expected $survivor" >&2; ok=0; }
    ((ok)) && echo "$gap" >>"$dir/gaps.txt" || peer_failed=1
    # Reboot: what a reboot clears, then apache and keepalived as at boot. ha1 (priority 150)
    # preempts and takes the VIP back, as keepalived does by default, so ha1 is the victim of
    # every trial and ha2 (priority 100) the backup that detects: Master_Down = 3 x advert +
    # (256 - 100) / 256 x advert.
    ip -n "$(fb_ns "$victim")" addr flush dev eth0
    ip -n "$(fb_ns "$victim")" link set eth0 up
    ip -n "$(fb_ns "$victim")" addr replace "$(fb_addr "$victim")/24" dev eth0
    rm -rf "$(fb_node_dir "$victim")/run/apache2/"*
    ka_boot "$victim" "$pair"
    master=$(ka_wait_settled 60) || { echo "  trial $t: keepalived did not settle after the reboot; logs in $work" >&2; exit 1; }
    printf '  keepalived %s trial %2d: %s -> %s gap %s ms%s\n' "$pair" "$t" "$victim" "$survivor" "${gap:-?}" "$( ((ok)) || echo ' (FAILED its checks, not counted)')"
    # Let the returning master's gratuitous ARPs and the preemption finish before the next kill.
    sleep 1
  done
  for n in "${fb_nodes[@]}"; do fb_stop_agent "$n"; done
}

# run_vigil PAIR: bench/failover.sh hot PRESET on this bed; its checked gaps in its gaps.txt.
vigil_failed=0
run_vigil() {
  local pair=$1 preset rc=0
  if [[ $pair == fast ]]; then preset=instant; else preset=lan; fi
  fb_reset_nodes
  BED=$bed BED_REUSE=1 SUBNET=$subnet WORK_DIR=$base/vigil PROBE_INTERVAL=$probe_interval FENCING=0 \
      vs_failover hot "$preset" "$trials" || rc=$?
  ((rc == 0)) || vigil_failed=1
}

summary=()
for pair in ${pairs//,/ }; do
  echo
  echo "=== pair $pair: keepalived $([[ $pair == fast ]] && echo 'VRRPv3 advert 10 ms' || echo 'defaults (VRRPv2, advert 1 s)') vs Vigil hot $([[ $pair == fast ]] && echo instant || echo lan) ==="
  echo "load before keepalived: $(cut -d' ' -f1-3 /proc/loadavg)"
  run_keepalived "$pair"
  echo "load before Vigil: $(cut -d' ' -f1-3 /proc/loadavg)"
  run_vigil "$pair"
  vpreset=instant; [[ $pair == slow ]] && vpreset=lan
  summary+=("$(python3 - "$pair" "$work/$pair/gaps.txt" "$base/vigil/hot-$vpreset/gaps.txt" "$trials" <<'PY'
import statistics, sys
pair, peer_f, vigil_f, trials = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def read(f):
    try:
        return sorted(int(x) for x in open(f).read().split())
    except FileNotFoundError:
        return []
def fmt(xs):
    if not xs:
        return "no checked trial"
    return f"min {xs[0]} / median {statistics.median(xs):g} / max {xs[-1]} ms ({len(xs)} of {trials} trials checked)"
p, v = read(peer_f), read(vigil_f)
peer = "keepalived VRRPv3 10 ms" if pair == "fast" else "keepalived defaults (1 s)"
vig = "Vigil hot instant" if pair == "fast" else "Vigil hot lan"
ratio = f"{statistics.median(v) / statistics.median(p):.2f}" if p and v else "n/a"
print(f"pair {pair}:\n  {peer:27s} {fmt(p)}\n  {vig:27s} {fmt(v)}\n  ratio of medians (Vigil / keepalived): {ratio}")
PY
)")
done

echo
echo "=== summary: nproc $(nproc), load now $(cut -d' ' -f1-3 /proc/loadavg), probing every $probe_interval ==="
printf '%s\n' "${summary[@]}"
echo "logs and probe files: $base"
((peer_failed == 0 && vigil_failed == 0)) || { echo "some trials failed their checks (see above)"; exit 1; }
