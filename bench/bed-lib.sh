# shellcheck shell=bash disable=SC2154  # bed and work are set by the sourcing script
# Shared helpers for the failover benchmarks on the namespace test bed (sourced, not run):
# bench/failover.sh and bench/hot-soak.sh. Two agents run inside the bed's node namespaces
# (install/bed/vigil-bed), a prober runs in its client namespace. Everything these helpers start
# is recorded by PID under $work and stopped by PID in fb_cleanup; the bed goes with `vigil-bed down`.
# Callers set: bed (bed name), work (their directory) before calling anything here.

# shellcheck source=bench/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bedtool="$repo/install/bed/vigil-bed"
bench_jar="$repo/bench/target/vigil-bench.jar"
fb_nodes=(ha1 ha2)
fb_bed_made=0
fb_bg_pids=()      # probes, samplers, stress-ng: killed by PID on exit

fb_need_root_and_tools() {
  [[ $(id -u) -eq 0 ]] || { echo "needs root: network namespaces, a loop device, mounts" >&2; exit 2; }
  local c missing=()
  for c in ip nsenter losetup mkfs.ext4 apache2 arping python3 java "$@"; do
    command -v "$c" >/dev/null || [[ -x /usr/sbin/$c ]] || missing+=("$c")
  done
  ((${#missing[@]} == 0)) || { echo "missing commands: ${missing[*]}" >&2; exit 2; }
  if [[ ! -x $vigil || ! -f $bench_jar ]]; then
    echo "building Vigil and the bench jar..." >&2
    (cd "$repo" && ./mvnw -B -q -o package -pl install,bench -am -DskipTests -DskipFuzz)
  fi
}

# fb_bed_up HOT(0|1) SUBNET: builds the bed and loads its facts (VIP, HA1_NS, HA1_ADDR, ...).
# BED_REUSE=1: a bed of that name built by the caller (bench/vs-*.sh, which runs a peer on it
# first) is used as it is and left up on exit; its owner takes it down.
fb_bed_up() {
  local hot=$1 subnet=$2 args=()
  ((hot)) && args+=(--hot)
  if [[ ${BED_REUSE:-0} == 1 ]] && "$bedtool" list 2>/dev/null | grep -q "^$bed\b"; then
    eval "$("$bedtool" env "$bed")"
    [[ ${HOT:-0} == "$hot" ]] || { echo "bed $bed has HOT=${HOT:-0}, this run needs $hot" >&2; exit 2; }
    return 0
  fi
  if "$bedtool" list 2>/dev/null | grep -q "^$bed\b"; then
    echo "bed $bed exists already: a previous run was interrupted? removing it" >&2
    "$bedtool" down "$bed"
  fi
  fb_bed_made=1
  "$bedtool" up "$bed" --nodes 2 --subnet "$subnet" "${args[@]}" >/dev/null
  eval "$("$bedtool" env "$bed")"
}

# fb_write_cluster FILE cold|hot|heartbeat PRESET: the demo's cluster (install/demo.sh) with the preset,
# auto_failback off (the service stays on the survivor, so kills alternate between the nodes),
# and fence_vigil_netns per node. cold: Filesystem + IPaddr + apache in one group, started on
# takeover. hot: apache as a clone on both nodes and the VIP colocated with it; only the VIP moves.
# heartbeat: ClusterLabs' unmodified ocf:heartbeat:IPaddr2 + ocf:heartbeat:apache in one group,
# started on takeover, serving each node's local docroot (bed --hot); what Pacemaker runs in
# bench/vs-pacemaker.sh.
fb_write_cluster() {
  local file=$1 mode=$2 preset=$3 dir
  dir=$(dirname "$file")
  (umask 077; head -c 32 /dev/urandom | base64 >"$dir/authkey")
  {
    cat <<YAML
cluster: fbench
auth: {keyfile: $dir/authkey}
timing: {preset: $preset}
nodes:
  - {name: ha1, address: $HA1_ADDR}
  - {name: ha2, address: $HA2_ADDR}
links:
  - {type: udp, mode: unicast, port: 694}
YAML
    # METRICS=1: each agent's Prometheus endpoint on (docs/metrics.md), for its memory cost.
    if [[ ${METRICS:-0} == 1 ]]; then echo 'metrics: {listen: ":9469"}'; fi
    # HUNG_ALERT=1: an alert agent that hangs (sleep 1000, killed at its 30 s timeout) told of every
    # event, to show the takeover does not wait for it (docs/alerts.md); each run is one line in
    # hung-alert.runs, the proof that it ran.
    if [[ ${HUNG_ALERT:-0} == 1 ]]; then
      printf '#!/bin/sh\necho "$CRM_alert_kind $CRM_alert_node $CRM_alert_desc" >>%s\nsleep 1000\n' \
        "$dir/hung-alert.runs" >"$dir/hung-alert.sh"; chmod 755 "$dir/hung-alert.sh"
      echo 'alerts:'
      echo "  - {name: hung, kind: agent, path: $dir/hung-alert.sh, timeout: 30s}"
    fi
    if [[ $mode == cold ]]; then
      cat <<YAML
resources:
  - {id: data, agent: "ocf:vigil:Filesystem", params: {device: $DISK, directory: $MOUNT, fstype: ext4}}
  - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: $VIP, cidr_netmask: 24, nic: eth0},
     monitor: {interval: 5s, timeout: 10s}}
  - {id: web,  agent: "ocf:vigil:apache", params: {configfile: $NODE_APACHE_CONF},
     monitor: {interval: 5s, timeout: 20s}}
groups:
  - {id: www, members: [data, vip, web], prefer: ha1}
YAML
    elif [[ $mode == heartbeat ]]; then
      cat <<YAML
resources:
  - {id: vip,  agent: "ocf:heartbeat:IPaddr2", params: {ip: $VIP, cidr_netmask: 24, nic: eth0},
     monitor: {interval: 5s, timeout: 20s}}
  - {id: web,  agent: "ocf:heartbeat:apache", params: {configfile: $NODE_APACHE_CONF, httpd: /usr/sbin/apache2},
     monitor: {interval: 5s, timeout: 20s}}
groups:
  - {id: www, members: [vip, web], prefer: ha1}
YAML
    else
      cat <<YAML
resources:
  - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: $VIP, cidr_netmask: 24, nic: eth0},
     monitor: {interval: 5s, timeout: 10s}}
  - {id: web,  agent: "ocf:vigil:apache", params: {configfile: $NODE_APACHE_CONF}, clone: true,
     monitor: {interval: 5s, timeout: 20s}}
constraints:
  - {type: colocation, id: vip-with-web, target: vip, with: web, score: INFINITY}
YAML
    fi
    # The client stands in for the gateway: the ping heuristic before fencing, and with
    # FENCING=0 the two-node tie-breaker (keepalived's way: no fencing at all).
    cat <<YAML
policy: {auto_failback: false, no_quorum: stop}
ping: [$CLIENT_ADDR]
YAML
    if [[ ${FENCING:-1} != 0 ]]; then
      cat <<YAML
fencing:
  - {id: power-ha1, agent: fence_vigil_netns, host_map: {ha1: ha1},
     params: {netns: $HA1_NS, dev: eth0, address: $HA1_ADDR/24, mntns: $HA1_MNTNS}}
  - {id: power-ha2, agent: fence_vigil_netns, host_map: {ha2: ha2},
     params: {netns: $HA2_NS, dev: eth0, address: $HA2_ADDR/24, mntns: $HA2_MNTNS}}
YAML
    fi
  } >"$file"
  "$vigil" config check "$file" >/dev/null
}

# fb_start_agent NODE: the agent inside NODE's network and mount namespaces (the exec chain ends
# in the JVM, so the recorded PID is the agent's).
fb_start_agent() {
  local n=$1
  setsid "$bedtool" exec "$bed" "$n" -- "$vigil" agent --config "$work/cluster.yaml" --node "$n" \
      --socket "$work/$n.sock" --state-dir "$work/state/$n" >>"$work/$n.log" 2>&1 </dev/null &
  echo $! >"$work/$n.pid"
  disown $!
}

fb_status() { "$vigil" status --json --socket "$work/$1.sock" 2>/dev/null || true; }

# fb_settled MODE: prints the node running the VIP when both agents are members of one view and
# the coordinator has nothing left to do (no probes awaited, nothing pending, nobody lost), and
# the service is whole (cold: the group's three resources on one node; heartbeat: its two; hot:
# the VIP on one node, apache on both). Exit 1 otherwise.
fb_settled() {
  local mode=$1
  python3 - "$mode" "$(fb_status ha1)" "$(fb_status ha2)" <<'PY'
import json, sys
mode = sys.argv[1]
try:
    st = {j["node"]: j for j in (json.loads(s) for s in sys.argv[2:] if s.strip())}
except ValueError:
    sys.exit(1)
if set(st) != {"ha1", "ha2"} or any(sorted(j["members"]) != ["ha1", "ha2"] for j in st.values()):
    sys.exit(1)
coord = st["ha1"]["resources"]["coordinator"]
r = st.get(coord, {}).get("resources")
if not r or r.get("waitingFor") or r.get("pending") or r.get("lost") or not r.get("quorate"):
    sys.exit(1)
rows = {row["id"]: row for row in r["resources"]}
if mode in ("cold", "heartbeat"):
    where = {tuple(rows[i]["runningOn"]) for i in (("data", "vip", "web") if mode == "cold" else ("vip", "web"))}
    if len(where) != 1 or len(next(iter(where))) != 1:
        sys.exit(1)
else:
    if len(rows["vip"]["runningOn"]) != 1 or sorted(rows["web"]["runningOn"]) != ["ha1", "ha2"]:
        sys.exit(1)
print(rows["vip"]["runningOn"][0])
PY
}

# fb_wait_settled MODE TIMEOUT_S: prints the active node; fails after the timeout.
fb_wait_settled() {
  local mode=$1 deadline=$((SECONDS + $2)) a
  while ((SECONDS < deadline)); do
    if a=$(fb_settled "$mode"); then echo "$a"; return 0; fi
    sleep 0.2
  done
  return 1
}

fb_other() { [[ $1 == ha1 ]] && echo ha2 || echo ha1; }
fb_ns() { [[ $1 == ha1 ]] && echo "$HA1_NS" || echo "$HA2_NS"; }
fb_addr() { [[ $1 == ha1 ]] && echo "$HA1_ADDR" || echo "$HA2_ADDR"; }
fb_node_dir() { [[ $1 == ha1 ]] && echo "$HA1_DIR" || echo "$HA2_DIR"; }

# fb_kill_node NODE: the abrupt death: the cable is cut first (no packet leaves after this
# instant, recorded in fb_cut_ms), then every process in the node's namespace is KILLed, the
# agent included. Bounded.
# Live processes of a namespace: zombies are dead already (this machine's PID 1 reaps them late).
fb_live_pids() {
  local p
  for p in $(ip netns pids "$1" 2>/dev/null || true); do
    # The state is the field after the parenthesised command name (which may contain spaces).
    case $(sed -n 's/^.*) \([A-Za-z]\).*$/\1/p' "/proc/$p/stat" 2>/dev/null) in
      Z|X|"") ;;   # dead (zombie), exiting, or gone already
      *) echo "$p" ;;
    esac
  done
}

fb_kill_node() {
  local n=$1 ns pids i
  ns=$(fb_ns "$n")
  # The victim's processes are listed before the cut and KILLed right after it, and the check
  # that nothing survived waits until the takeover is over: scanning /proc and forking per pid
  # in the survivor's failover window made the benchmark measure its own CPU use on this
  # 2-core host (a dead machine costs the survivor nothing). A process forked in between is
  # caught by the loop; with its link down it reaches nobody meanwhile.
  pids=$(fb_live_pids "$ns")
  # shellcheck disable=SC2034 # read by failover.sh
  fb_cut_ms=$(date +%s%3N)
  ip -n "$ns" link set eth0 down
  # shellcheck disable=SC2086
  [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
  sleep 0.3
  for i in $(seq 50); do
    pids=$(fb_live_pids "$ns")
    [[ -n $pids ]] || break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.05
  done
  pids=$(fb_live_pids "$ns")
  # shellcheck disable=SC2086
  [[ -z $pids ]] || { echo "processes survived in $ns:" >&2; for p in $pids; do echo "  $p $(cat /proc/$p/stat 2>/dev/null | cut -c1-80)" >&2; done; return 1; }
  rm -f "$work/$n.pid"
}

# fb_boot_node NODE: the node "reboots": what a reboot clears is cleared (floating addresses,
# mounts, stale pid files in its /run), the link comes up with the base address, and its agent
# starts again. The fence agent (reboot = off + on) has usually done the network part already.
fb_boot_node() {
  local n=$1 ns nd
  ns=$(fb_ns "$n"); nd=$(fb_node_dir "$n")
  ip -n "$ns" addr flush dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr replace "$(fb_addr "$n")/24" dev eth0
  # shellcheck disable=SC2016
  "$bedtool" exec "$bed" "$n" -- sh -c 'if mountpoint -q "$1"; then umount "$1"; fi' _ "$MOUNT"
  rm -rf "$nd/run/apache2/"* "$nd/run/resource-agents/"*
  fb_start_agent "$n"
}

# fb_reset_nodes [FILE-SUFFIX...]: every process in the bed's node namespaces is the bed's
# (apache, a peer's daemons, a previous side's agents): KILLed by PID, floating addresses and
# stale pid files removed (also $work/NODE.SUFFIX for each suffix given), links up with their
# base address. The side-by-side benchmarks run it between sides so each starts from the same
# clean nodes.
fb_reset_nodes() {
  local n ns pids i s
  for n in "${fb_nodes[@]}"; do
    ns=$(fb_ns "$n")
    for i in $(seq 50); do
      pids=$(fb_live_pids "$ns")
      [[ -n $pids ]] || break
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
      sleep 0.1
    done
    [[ -z $(fb_live_pids "$ns") ]] || { echo "processes survived in $ns" >&2; return 1; }
    rm -f "$work/$n.pid"
    for s in "$@"; do rm -f "$work/$n.$s"; done
    ip -n "$ns" addr flush dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" addr replace "$(fb_addr "$n")/24" dev eth0
    rm -rf "$(fb_node_dir "$n")/run/apache2/"* "$(fb_node_dir "$n")/run/resource-agents/"*
  done
}

# fb_rss_kb NODE: the agent's resident set (VmRSS, kB), empty when it is not running.
fb_rss_kb() {
  local pid
  pid=$(cat "$work/$1.pid" 2>/dev/null) || return 0
  awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true
}

# fb_sampler OUT SECONDS [PER_S]: PER_S times a second (default 10), "epoch_ms ha1_kB ha2_kB" to
# OUT for at most SECONDS, "-" for an agent that is not running: the survivor is sampled while
# the victim is down, which is when it takes the group over. Bash builtins only (a fork per
# sample would load the machine being measured), except the sleep.
fb_sampler() {
  local out=$1 per=${3:-10} i n nap node pid k rest v line
  n=$(($2 * per)); nap=$(awk -v p="$per" 'BEGIN { print 1 / p }')
  for ((i = 0; i < n; i++)); do
    line=${EPOCHREALTIME/./}; line=${line:0:13}
    for node in ha1 ha2; do
      v=-
      if read -r pid 2>/dev/null <"$work/$node.pid" && [[ -r /proc/$pid/status ]]; then
        while read -r k rest; do
          if [[ $k == VmRSS: ]]; then v=${rest%% *}; break; fi
        done 2>/dev/null <"/proc/$pid/status" || true
      fi
      line+=" $v"
    done
    echo "$line" >>"$out"
    sleep "$nap"
  done
}

# fb_rss_max FILE...: "ha1 NN.N MB (+S.S s), ha2 NN.N MB (+S.S s)": each agent's peak and when it
# was sampled, in seconds from the first sample. Fails, saying so, when an agent has no sample.
fb_rss_max() {
  cat "$@" | awk '
    NR == 1 { t0 = $1 }
    { for (i = 2; i <= 3; i++) if ($i != "-" && $i + 0 > max[i]) { max[i] = $i + 0; when[i] = $1 } }
    END {
      bad = 0
      for (i = 2; i <= 3; i++) {
        sep = (i > 2) ? ", " : ""
        if (!(i in max)) { printf "%sha%d: NO SAMPLE", sep, i - 1; bad = 1; continue }
        printf "%sha%d %.1f MB (+%.1f s)", sep, i - 1, max[i] / 1024, (when[i] - t0) / 1000
      }
      exit bad
    }'
}

# fb_probe OUT SECONDS [INTERVAL]: HttpProbe from the client namespace, every INTERVAL (default
# 10ms), in the background.
fb_probe() {
  "$bedtool" client "$bed" -- java -XX:+UseSerialGC -Xmx64m -cp "$bench_jar" dev.vigil.bench.HttpProbe \
      "http://$VIP/" --interval "${3:-10ms}" --timeout 50ms --duration "${2}s" --out "$1" 2>>"$work/probe.err" &
  fb_probe_pid=$!
  fb_bg_pids+=("$fb_probe_pid")
}

# fb_log_ms LOG AFTER_MS REGEX: epoch ms of the first line after AFTER_MS matching REGEX, or empty.
fb_log_ms() {
  python3 - "$@" <<'PY'
import datetime, re, sys
log, after, rx = sys.argv[1], int(sys.argv[2]), re.compile(sys.argv[3])
for line in open(log, errors="replace"):
    try:
        t = datetime.datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").timestamp() * 1000
    except ValueError:
        continue
    if t >= after and rx.search(line):
        print(round(t)); break
PY
}

fb_stop_agent() {
  local n=$1 pid
  pid=$(cat "$work/$n.pid" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$work/$n.pid"
}

# Everything we started, by PID; then the bed (which also kills whatever still runs inside it).
fb_cleanup() {
  local p n
  trap - EXIT INT TERM
  for p in "${fb_bg_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  if [[ -n ${work:-} ]]; then for n in "${fb_nodes[@]}"; do fb_stop_agent "$n"; done; fi
  if ((fb_bed_made)); then "$bedtool" down "$bed" >/dev/null 2>&1 || "$bedtool" down "$bed" || true; fi
}

# vs_failover ARGS...: bench/failover.sh ARGS on the caller's bed (the caller exports BED,
# BED_REUSE=1 and the rest), for bench/vs-*.sh. It runs in the background, its output indented
# with "  vigil: ", so a signal to the caller reaches the caller's trap at once, whose cleanup
# stops it by PID first (vs_stop_failover). Returns failover.sh's exit status.
vs_failover_pid=
vs_failover() {
  local rc=0 fd sed_pid _
  exec {fd}> >(sed -u 's/^/  vigil: /')
  sed_pid=$!
  "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/failover.sh" "$@" >&"$fd" 2>&1 &
  vs_failover_pid=$!
  wait "$vs_failover_pid" || rc=$?
  vs_failover_pid=
  exec {fd}>&-
  for _ in $(seq 50); do kill -0 "$sed_pid" 2>/dev/null || break; sleep 0.05; done
  return "$rc"
}

# vs_stop_failover: SIGTERM to a running vs_failover (its trap stops its agents), bounded wait.
vs_stop_failover() {
  local _
  [[ -n ${vs_failover_pid:-} ]] || return 0
  kill -TERM "$vs_failover_pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$vs_failover_pid" 2>/dev/null || break; sleep 0.1; done
  vs_failover_pid=
}

fb_traps() {
  trap fb_cleanup EXIT
  trap 'echo "interrupted; cleaning up" >&2; fb_cleanup; exit 130' INT TERM
}
