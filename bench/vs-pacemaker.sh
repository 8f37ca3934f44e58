#!/usr/bin/env bash
# Pacemaker + Corosync vs Vigil, side by side on the same namespace bed with the same prober, in
# one run, both managing the same group of unmodified ClusterLabs agents: ocf:heartbeat:IPaddr2
# (the VIP) + ocf:heartbeat:apache (started on takeover; each node's local docroot, bed --hot).
#
#   sudo bench/vs-pacemaker.sh [TRIALS]      (default 5 per side)
#
# Pacemaker 2.1 + Corosync 3.1 (Debian: apt-get install pacemaker corosync crmsh resource-agents)
# run as a real 2-node cluster, each node in its own PID, mount, UTS and IPC namespaces inside
# the bed's network namespace (bench/pm-node-init.sh as its PID 1; shared/design/testbed-notes.md
# §8): corosync knet, crypto none, two_node, token 300 ms, knet ping 200/1000 ms; Pacemaker with
# stonith-enabled=false, no-quorum-policy=ignore, resource-stickiness=100, the group applied with
# `crm configure`. Kill = cut the node's cable, then kill -9 the node's PID 1 (the kernel kills
# the whole PID namespace); reboot = flush eth0, restore its address, boot fresh namespaces.
# Vigil: bench/failover.sh heartbeat fast (the same group, deadtime 250 ms), FENCING=0 (no
# fencing on either side).
# A client probes http://VIP/ with dev.vigil.bench.HttpProbe every PROBE_INTERVAL (default 2ms,
# a fresh connection per probe, 50 ms timeout); the gap is the last good answer from the old
# node -> the first good answer from the new one.
# Environment: BED (default vpm), SUBNET (202), WORK_DIR (/tmp/vigil-bench-vs-pacemaker),
#              PROBE_INTERVAL, SIDES (pacemaker,vigil).
# Exit 0 when every trial of both sides passed its checks (exactly one failover, to the other
# node, no flapping, the group still there after the reboot); only checked trials count.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=bench/bed-lib.sh
source "$here/bed-lib.sh"

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
trials=${1:-5}
[[ $trials =~ ^[1-9][0-9]*$ ]] || usage
sides=${SIDES:-pacemaker,vigil}
[[ $sides =~ ^(pacemaker|vigil)(,(pacemaker|vigil))*$ ]] || usage
probe_interval=${PROBE_INTERVAL:-2ms}
bed=${BED:-vpm}
subnet=${SUBNET:-202}
base=${WORK_DIR:-/tmp/vigil-bench-vs-pacemaker}
work=$base/pacemaker
fb_need_root_and_tools corosync pacemakerd crm crm_mon corosync-cfgtool unshare
[[ -x /usr/lib/ocf/resource.d/heartbeat/IPaddr2 && -x /usr/lib/ocf/resource.d/heartbeat/apache ]] ||
  { echo "missing ClusterLabs agents (apt-get install resource-agents)" >&2; exit 2; }
rm -rf "$base"; mkdir -p "$work"

# The nodes' unshare processes (their PID 1's parents, --kill-child): killed by PID on exit.
pm_cleanup() {
  local n p
  vs_stop_failover
  for n in "${fb_nodes[@]}"; do
    for p in $(cat "$work/$n.unshare" "$work/$n.init" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  done
  fb_cleanup
}
trap pm_cleanup EXIT
trap 'echo "interrupted; cleaning up" >&2; pm_cleanup; exit 130' INT TERM

fb_bed_up 1 "$subnet"
echo "bed $bed (VIP $VIP, subnet $SUBNET); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(pacemakerd --version 2>&1 | head -1), $(corosync -v 2>&1 | head -1); $trials trial(s) per side, probing every $probe_interval"


cat >"$work/corosync.conf" <<EOF
totem {
  version: 2
  cluster_name: $bed
  transport: knet
  crypto_cipher: none
  crypto_hash: none
  token: 300
  interface {
    linknumber: 0
    knet_ping_interval: 200
    knet_ping_timeout: 1000
  }
}
nodelist {
  node {
    ring0_addr: $HA1_ADDR
    name: ha1
    nodeid: 1
  }
  node {
    ring0_addr: $HA2_ADDR
    name: ha2
    nodeid: 2
  }
}
quorum {
  provider: corosync_votequorum
  two_node: 1
}
logging {
  to_logfile: yes
  logfile: /var/log/corosync/corosync.log
  to_stderr: no
  to_syslog: no
  timestamp: hires
}
EOF

boots=0
# pm_boot NODE: fresh namespaces, corosync, pacemakerd. Records the unshare PID and the node's
# PID 1 (host PID) in $work/NODE.unshare and $work/NODE.init; logs in $work/NODE/boot-K.
pm_boot() {
  local n=$1 ns logdir init i
  ns=$(fb_ns "$n")
  boots=$((boots + 1))
  logdir=$work/$n/boot-$boots; mkdir -p "$logdir"
  echo "$logdir" >"$work/$n.logdir"
  setsid ip netns exec "$ns" unshare --mount --uts --ipc --pid --fork --kill-child --mount-proc \
      --propagation private "$here/pm-node-init.sh" "$n" "$logdir" "$work/corosync.conf" \
      "$(fb_node_dir "$n")/apache2.conf" >"$logdir/init.log" 2>&1 </dev/null &
  echo $! >"$work/$n.unshare"
  disown $!
  for i in $(seq 100); do
    init=$(cat "/proc/$(cat "$work/$n.unshare")/task/$(cat "$work/$n.unshare")/children" 2>/dev/null | awk '{print $1}')
    [[ -z $init ]] || break
    sleep 0.05
  done
  [[ -n $init ]] || { echo "node $n: no PID 1 after 5 s" >&2; return 1; }
  echo "$init" >"$work/$n.init"
}

# pm_in NODE CMD...: CMD inside the node (all its namespaces), as the node's own tools run;
# killed after PM_IN_TIMEOUT seconds (default 10: crmadmin waits forever for a controller that
# is not up yet).
pm_in() {
  local n=$1; shift
  timeout -s KILL "${PM_IN_TIMEOUT:-10}" nsenter -t "$(cat "$work/$n.init")" -m -u -i -n -p -- "$@"
}

# pm_settled NODE: asks NODE's crm_mon; prints "ACTIVE DC" (the node running the group, the
# DC) when both nodes are online, vip and web both run on that one node, nothing failed, and the
# DC's controller is idle (S_IDLE: no transition running, the rejoined node's probes done).
pm_settled() {
  local xml r
  xml=$(pm_in "$1" crm_mon -1 --output-as=xml 2>/dev/null) || return 1
  r=$(python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.fromstring(sys.argv[1])
except ET.ParseError:
    sys.exit(1)
nodes = {n.get("name"): n for n in root.iter("node") if n.get("online") is not None}
if set(nodes) != {"ha1", "ha2"} or any(n.get("online") != "true" or n.get("pending") == "true" for n in nodes.values()):
    sys.exit(1)
summ = root.find("summary")
if summ is None or summ.find("current_dc") is None or summ.find("current_dc").get("present") != "true":
    sys.exit(1)
where = {}
for r in root.iter("resource"):
    if r.get("id") in ("vip", "web"):
        if r.get("role") != "Started" or r.get("active") != "true" or r.get("failed") == "true" or r.get("pending"):
            sys.exit(1)
        ns = [x.get("name") for x in r.iter("node")]
        if len(ns) != 1:
            sys.exit(1)
        where[r.get("id")] = ns[0]
if set(where) != {"vip", "web"} or where["vip"] != where["web"]:
    sys.exit(1)
fails = root.find("failures")
if fails is not None and len(list(fails)):
    sys.exit(1)
print(where["vip"], summ.find("current_dc").get("name"))
PY
) || return 1
  pm_in "$1" crmadmin -q -S "${r#* }" 2>&1 | grep -q S_IDLE || return 1
  echo "$r"
}

# pm_answer: the node serving http://VIP/ to the client now, or nothing.
pm_answer() {
  "$bedtool" client "$bed" -- curl -s --max-time 1 "http://$VIP/" 2>/dev/null | sed -n 's/.*node=\([a-z0-9]*\).*/\1/p' | head -1
}

# pm_wait_settled ASK_NODE TIMEOUT_S: prints "ACTIVE DC" once ASK_NODE's crm_mon says the
# cluster is settled, the client is served by that node, and both hold for 1 s.
pm_wait_settled() {
  local deadline=$((SECONDS + $2)) a w stable=0
  while ((SECONDS < deadline)); do
    if a=$(pm_settled "$1") && w=$(pm_answer) && [[ $w == "${a% *}" ]]; then
      stable=$((stable + 1))
      ((stable < 3)) || { echo "$a"; return 0; }
    else
      stable=0
    fi
    sleep 0.4
  done
  return 1
}

# pm_kill NODE: cut the cable, then kill -9 the node's PID 1; every process of the node is gone
# after it (checked, bounded).
pm_kill() {
  local n=$1 ns i
  ns=$(fb_ns "$n")
  pm_cut_ms=$(date +%s%3N)
  ip -n "$ns" link set eth0 down
  kill -KILL "$(cat "$work/$n.init")"
  for i in $(seq 100); do
    [[ -n $(fb_live_pids "$ns") ]] || break
    sleep 0.05
  done
  [[ -z $(fb_live_pids "$ns") ]] || { echo "processes survived in $ns: $(fb_live_pids "$ns" | tr '\n' ' ')" >&2; return 1; }
  rm -f "$work/$n.unshare" "$work/$n.init"
}

# pm_phases SURVIVOR_LOGDIR CUT_MS: where the time went, from the survivor's logs (ms after the
# cut): corosync's token loss and new membership (token + consensus), the scheduler's new
# transition (sometimes a second later: the controller's fixed 1-s wait), then pacemaker-execd's
# start of vip and of web, each "start +begin..+end (its own execution time)".
pm_phases() {
  python3 - "$1" "$2" <<'PY'
import datetime, re, sys
logdir, cut = sys.argv[1], int(sys.argv[2])
year = datetime.date.today().year
def ts(line):
    m = re.match(r"(\w{3} \d{1,2} \d\d:\d\d:\d\d)(\.\d+)?", line)
    if not m:
        return None
    t = datetime.datetime.strptime(f"{year} {m.group(1)}", "%Y %b %d %H:%M:%S")
    frac = float(m.group(2)) if m.group(2) else 0.0
    return int((t.timestamp() + frac) * 1000), bool(m.group(2))
out = []
try:
    for line in open(f"{logdir}/corosync/corosync.log", errors="replace"):
        t = ts(line)
        if t and t[0] >= cut - 5 and "Token has not been received" in line and not any(o.startswith("token") for o in out):
            out.append(f"token lost +{t[0] - cut}")
        if t and t[0] >= cut - 5 and "A new membership" in line and "Members left" in line:
            out.append(f"new membership +{t[0] - cut}"); break
except FileNotFoundError:
    pass
try:
    lines = open(f"{logdir}/pacemaker/pacemaker.log", errors="replace").read().splitlines()
except FileNotFoundError:
    lines = []
for line in lines:
    t = ts(line)
    if t and t[0] >= cut and "pacemaker-schedulerd" in line and "Calculated transition" in line:
        out.append(f"transition calculated +{t[0] - cut}"); break
for rsc in ("vip", "web"):
    begin = None
    for line in lines:
        t = ts(line)
        if not t or t[0] < cut or "pacemaker-execd" not in line:
            continue
        if begin is None and f"rsc:{rsc} action:start " in line:
            begin = t[0]
        # "execution time 64ms", or "1.049s" from a second on
        m = re.search(rf"\b{rsc} start \(call \d+, PID \d+\) exited with status (\d+) \(execution time ([\d.]+)(ms|s)\b", line)
        if m:
            b = f"+{begin - cut}.." if begin else ""
            took = round(float(m.group(2)) * (1000 if m.group(3) == "s" else 1))
            out.append(f"{rsc} start {b}+{t[0] - cut} ({took} ms, rc {m.group(1)})"); break
print(", ".join(out) if out else "no phases found in the logs")
PY
}

peer_failed=0
run_pacemaker() {
  local victim survivor t tdir report fo gap ok active dc st role phases n window=6
  fb_reset_nodes unshare init
  mkdir -p "$work/trials"
  for n in "${fb_nodes[@]}"; do pm_boot "$n"; done
  # The first formation waits dc-deadtime (20 s) for a DC; then the configuration.
  local deadline=$((SECONDS + 90))
  until pm_in ha1 crmadmin -q -D 2>&1 | grep -q 'ha[12]'; do
    ((SECONDS < deadline)) || { echo "no DC after 90 s; logs in $work" >&2; exit 1; }
    sleep 2
  done
  if ! PM_IN_TIMEOUT=120 pm_in ha1 crm configure >"$work/crm-configure.log" 2>&1 <<EOF
property stonith-enabled=false no-quorum-policy=ignore
rsc_defaults resource-stickiness=100
primitive vip ocf:heartbeat:IPaddr2 params ip=$VIP cidr_netmask=24 nic=eth0 op monitor interval=5s timeout=20s
primitive web ocf:heartbeat:apache params configfile=$NODE_APACHE_CONF httpd=/usr/sbin/apache2 op monitor interval=5s timeout=20s
group www vip web
commit
EOF
  then
    echo "crm configure failed: $(cat "$work/crm-configure.log")" >&2; exit 1
  fi
  st=$(pm_wait_settled ha1 90) || { echo "Pacemaker did not settle; logs in $work" >&2; exit 1; }
  active=${st% *}; dc=${st#* }
  echo "pacemaker: group www on $active, DC $dc (configuration applied with crm configure)"
  for ((t = 1; t <= trials; t++)); do
    victim=$active; survivor=$(fb_other "$victim")
    role="active"; [[ $dc == "$victim" ]] && role="active and DC"
    tdir=$work/trials/$t; mkdir -p "$tdir"
    fb_probe "$tdir/probe.csv" $((1 + window)) "$probe_interval"
    sleep "1.$((RANDOM % 500 + 200))"
    pm_kill "$victim"
    wait "$fb_probe_pid" || true
    report=$(java -cp "$bench_jar" dev.vigil.bench.HttpProbe --summary "$tdir/probe.csv")
    echo "$report" >"$tdir/summary.txt"
    fo=$(grep -c '^  failover ' <<<"$report" || true)
    gap=$(grep -o "^  failover $victim -> $survivor: gap [0-9]*" <<<"$report" | grep -o '[0-9]*$' || true)
    sw=$(grep -c '^  switch ' <<<"$report" || true)
    ok=1
    if [[ $fo -ne 1 || -z $gap || $sw -ne 0 ]]; then
      echo "  trial $t: expected one failover $victim -> $survivor, the probe saw: $(head -c 600 <<<"$report")" >&2; ok=0
    fi
    phases=$(pm_phases "$(cat "$work/$survivor.logdir")" "$pm_cut_ms")
    # Reboot: addresses back to the base, stale pid files gone, fresh namespaces.
    ip -n "$(fb_ns "$victim")" addr flush dev eth0
    ip -n "$(fb_ns "$victim")" link set eth0 up
    ip -n "$(fb_ns "$victim")" addr replace "$(fb_addr "$victim")/24" dev eth0
    rm -rf "$(fb_node_dir "$victim")/run/apache2/"*
    pm_boot "$victim"
    st=$(pm_wait_settled "$survivor" 120) || { echo "  trial $t: Pacemaker did not settle after the reboot; logs in $work" >&2; exit 1; }
    active=${st% *}; dc=${st#* }
    [[ $active == "$survivor" ]] || { echo "  trial $t: the group went back to $active (stickiness 100)" >&2; ok=0; }
    ((ok)) && echo "$gap" >>"$work/gaps.txt" || peer_failed=1
    printf '  pacemaker trial %2d: %s (%s) -> %s gap %s ms; %s%s\n' "$t" "$victim" "$role" "$survivor" "${gap:-?}" "$phases" "$( ((ok)) || echo ' (FAILED its checks, not counted)')"
  done
  echo "pacemaker nodes' RSS (every process of the node: corosync, the pacemaker daemons, apache): $(for n in "${fb_nodes[@]}"; do
      ip netns pids "$(fb_ns "$n")" | xargs -r -I{} awk '/^VmRSS:/ {s += $2} END {print s}' /proc/{}/status 2>/dev/null |
      awk -v n="$n" '{s += $1} END {printf "%s %.0f MB ", n, s / 1024}'; done)"
  for n in "${fb_nodes[@]}"; do kill -KILL "$(cat "$work/$n.init" 2>/dev/null || echo 0)" 2>/dev/null || true; done
  fb_reset_nodes unshare init
}

vigil_failed=0
run_vigil() {
  local rc=0
  fb_reset_nodes unshare init
  BED=$bed BED_REUSE=1 SUBNET=$subnet WORK_DIR=$base/vigil PROBE_INTERVAL=$probe_interval FENCING=0 \
      vs_failover heartbeat fast "$trials" || rc=$?
  ((rc == 0)) || vigil_failed=1
}

: >"$work/gaps.txt"
if [[ ,$sides, == *,pacemaker,* ]]; then
  echo; echo "=== Pacemaker + Corosync (token 300 ms), load $(cut -d' ' -f1-3 /proc/loadavg) ==="
  run_pacemaker
fi
if [[ ,$sides, == *,vigil,* ]]; then
  echo; echo "=== Vigil cold at fast, FENCING=0, load $(cut -d' ' -f1-3 /proc/loadavg) ==="
  run_vigil
fi

echo
echo "=== summary: nproc $(nproc), load now $(cut -d' ' -f1-3 /proc/loadavg), probing every $probe_interval ==="
python3 - "$work/gaps.txt" "$base/vigil/heartbeat-fast/gaps.txt" "$trials" <<'PY'
import statistics, sys
peer_f, vigil_f, trials = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
print(f"  Pacemaker + Corosync (token 300) {fmt(p)}")
print(f"  Vigil cold at fast               {fmt(v)}")
ratio = f"{statistics.median(v) / statistics.median(p):.2f}" if p and v else "n/a"
print(f"  ratio of medians (Vigil / Pacemaker): {ratio}")
PY
echo "logs and probe files: $base"
((peer_failed == 0 && vigil_failed == 0)) || { echo "some trials failed their checks (see above)"; exit 1; }
