#!/usr/bin/env bash
# The redis recipe's failover, measured as its clients see it (issue 15), on the namespace bed
# with a real OpenSSH server on every node (install/bed/vigil-bed up --nodes 3 --sshd): the recipe
# is applied with `vigil playbook apply` (as the operator would), the agents run from the cluster
# file it wrote, and a writer in the client namespace (dev.vigil.bench.RedisWriter) pushes
# RPUSH writes with sequence numbers through the floating IP every INTERVAL_MS. Each run the
# master's node loses power (its link cut and every process in it KILLed at once); once a replica
# is promoted, the other follows it and the IP is there, the writer runs 3 s more, stops, reads the
# list back and reports the write gap (last ack before -> first ack after) and the acknowledged
# writes missing from the new master. The dead node boots, rejoins as a replica, and the next run
# kills the new master. MODE=partition instead cuts the master off from the other nodes only
# (nft drops in its namespace; the client still reaches it): it keeps acknowledging writes until
# the others fence it (fence_vigil_netns KILLs everything in it), the case min-replicas-to-write is for.
# FRONT=haproxy applies the recipe with `front: haproxy` and writes through haproxy instead (port
# 6380 of a node that is a replica when the run starts: its haproxy's check must find the new master).
#
#   sudo bench/redis-failover.sh [RUNS]          (default 5; for each MIN_REPLICAS)
#   Environment: MODE (power-cut | partition, default power-cut), FRONT (vip | haproxy, default vip),
#                MIN_REPLICAS (default "0 1": the values of min-replicas-to-write, a fresh bed each),
#                MAX_LAG (min-replicas-max-lag, default 10), INTERVAL_MS (default 2), BED (default rbench),
#                SUBNET (default 81), WORK_DIR (default /tmp/vigil-bench-redis), PRESET (timing, default fast),
#                WRITER_CLASSES (where dev/vigil/bench/RedisWriter.class is; default bench/target/classes)
# Needs root, redis-server, redis-tools, resource-agents, openssh-server, openssh-client, python3, java,
# and the built distribution and bench classes (./mvnw -pl install,bench -am package -DskipTests).
# Exit 0 when every run failed over (a new master, the other replica following, the IP there), 1 if not.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$(readlink -f "$0")")/lib.sh"

usage() { sed -n '17,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
[[ $(id -u) -eq 0 ]] || { echo "needs root: network namespaces, mounts, sshd" >&2; exit 2; }
for c in ip nsenter /usr/sbin/sshd ssh-keygen python3 java redis-server redis-cli; do
  command -v "$c" >/dev/null || { echo "missing: $c" >&2; exit 2; }
done
[[ -x /usr/lib/ocf/resource.d/heartbeat/redis ]] || { echo "missing: resource-agents (ocf:heartbeat:redis)" >&2; exit 2; }
ensure_built
classes=${WRITER_CLASSES:-$repo/bench/target/classes}
[[ -f $classes/dev/vigil/bench/RedisWriter.class ]] || { echo "no $classes/dev/vigil/bench/RedisWriter.class: ./mvnw -pl bench -am package -DskipTests" >&2; exit 2; }
bedtool="$repo/install/target/vigil/bed/vigil-bed"
playbook="$repo/install/target/vigil/playbooks/redis/playbook.yaml"
[[ -f $playbook ]] || { echo "no redis recipe in the distribution ($playbook): build it first" >&2; exit 2; }

bed=${BED:-rbench}
work=${WORK_DIR:-/tmp/vigil-bench-redis}
interval=${INTERVAL_MS:-2}
max_lag=${MAX_LAG:-10}
preset=${PRESET:-fast}
mode=${MODE:-power-cut}
subnet=${SUBNET:-81}   # (the bed's facts, sourced below, have a SUBNET of their own)
case $mode in power-cut|partition) ;; *) usage ;; esac
front=${FRONT:-vip}
case $front in vip|haproxy) ;; *) usage ;; esac
password="bench-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
bed_made=0
writer_pid=""
agent_pids=()
cleanup() {
  trap - EXIT INT TERM
  [[ -z $writer_pid ]] || kill -KILL "$writer_pid" 2>/dev/null || true
  if ((bed_made)); then "$bedtool" down "$bed" >/dev/null 2>&1 || "$bedtool" down "$bed" || true; fi
}
trap cleanup EXIT
trap 'echo "interrupted; cleaning up" >&2; cleanup; exit 130' INT TERM

nodes=(ha1 ha2 ha3)
addr_of() { local v="${1^^}_ADDR"; echo "${!v}"; }
ns_of() { local v="${1^^}_NS"; echo "${!v}"; }
rcli() { # rcli NODE ARGS...: redis-cli on NODE's own redis
  local n=$1; shift
  "$bedtool" exec "$bed" "$n" -- env REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p 6379 "$@" 2>/dev/null | tr -d '\r'
}
info() { rcli "$1" info replication | sed -n "s/^$2://p"; }
start_agent() {
  "$bedtool" exec "$bed" "$1" -- setsid "$repo/install/target/vigil/bin/vigil" agent --config /etc/vigil/cluster.yaml \
      --node "$1" >>"$work/$1-agent.log" 2>&1 </dev/null &
  disown $!
}
# settled MASTER: MASTER is master, every other live node its linked replica, the VIP on MASTER.
settled() {
  local m=$1 n
  [[ $(info "$m" role) == master ]] || return 1
  for n in "${nodes[@]}"; do
    [[ $n == "$m" || $n == "${2:-}" ]] && continue
    [[ $(info "$n" master_host) == "$m" && $(info "$n" master_link_status) == up ]] || return 1
  done
  ip -n "$(ns_of "$m")" -o addr show dev eth0 | grep -q " $VIP/"
}
wait_for() { # wait_for SECONDS CMD...: polls every 0.2 s
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do (( $(date +%s) < deadline )) || return 1; sleep 0.2; done
}
master_now() { local n; for n in "${nodes[@]}"; do [[ $(info "$n" role) == master ]] && { echo "$n"; return; }; done; }
# power_cut NODE: the link down and every process in the node's namespace KILLed (listed first).
power_cut() {
  local ns pids i
  ns=$(ns_of "$1")
  pids=$(ip netns pids "$ns" || true)
  ip -n "$ns" link set eth0 down
  # shellcheck disable=SC2086
  [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
  for i in $(seq 50); do
    pids=$(ip netns pids "$ns" || true)
    [[ -n $pids ]] || break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.05
  done
}
# partition NODE: NODE hears nothing from the other nodes and reaches none of them (heartbeats and
# replication); the client still reaches it.
partition() {
  local n=$1 o others=""
  for o in "${nodes[@]}"; do [[ $o == "$n" ]] || others+="${others:+, }$(addr_of "$o")"; done
  ip netns exec "$(ns_of "$n")" nft -f - <<NFT
table inet rbench {
  chain in { type filter hook input priority 0; ip saddr { $others } drop; }
  chain out { type filter hook output priority 0; ip daddr { $others } drop; }
}
NFT
}
# boot NODE: what a reboot clears (addresses, the overlays, stale pid files), link up, sshd, agent.
boot() {
  local n=$1 ns
  ns=$(ns_of "$n")
  ip netns exec "$ns" nft delete table inet rbench 2>/dev/null || true
  ip -n "$ns" addr flush dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr replace "$(addr_of "$n")/$PREFIX" dev eth0
  "$bedtool" boot "$bed" "$n" >/dev/null
  rm -rf "$(eval echo "\$${n^^}_DIR")/run/redis" "$(eval echo "\$${n^^}_DIR")/run/resource-agents/"*
  start_agent "$n"
}

echo "machine: $(nproc) vCPU ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
echo "java: $(java -version 2>&1 | head -1); redis: $(redis-server --version | cut -d' ' -f3); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
through="the VIP"; [[ $front == vip ]] || through="haproxy on a replica"
echo "$mode of the master; 3 nodes, timing $preset, a write every ${interval} ms through $through, $runs run(s) per setting, min-replicas-max-lag $max_lag"
failed=0
rm -rf "$work"; mkdir -p "$work"

for minrep in ${MIN_REPLICAS:-0 1}; do
  if "$bedtool" list 2>/dev/null | grep -q "^$bed\b"; then "$bedtool" down "$bed" >/dev/null; fi
  bed_made=1
  "$bedtool" up "$bed" --nodes 3 --subnet "$subnet" --sshd --hot >/dev/null
  eval "$("$bedtool" env "$bed")"
  home=$work/home; rm -rf "$home"; mkdir -p "$home/.ssh"; chmod 700 "$home/.ssh"
  cp "$SSH_KEY" "$home/.ssh/id_ed25519"; cp "$SSH_KNOWN_HOSTS" "$home/.ssh/known_hosts"; chmod 600 "$home/.ssh/id_ed25519"
  {
    echo "cluster: rbench"
    echo "auth: {keyfile: /etc/vigil/authkey}"
    echo "timing: {preset: $preset}"
    echo "nodes:"
    for n in "${nodes[@]}"; do echo "  - {name: $n, address: $(addr_of "$n")}"; done
    echo "links:"
    echo "  - {type: udp, mode: unicast, port: 694}"
    echo "fencing:"
    for n in "${nodes[@]}"; do
      echo "  - {id: power-$n, agent: fence_vigil_netns, host_map: {$n: $n}, timeout: 20s,"
      echo "     params: {netns: $BED-$n, dev: eth0, address: $(addr_of "$n")/$PREFIX, mntns: $MNTNS_DIR/$n}}"
    done
  } >"$work/cluster.yaml"
  cat >"$work/vars.yaml" <<YAML
vip: $VIP
cidr_netmask: $PREFIX
nic: eth0
password: $password
min_replicas_to_write: $minrep
min_replicas_max_lag: $max_lag
appendonly: "no"
op_timeout: 30s
node1: ha1
node2: ha2
node3: ha3
primary: ha1
front: $front
haproxy_port: 6380
YAML
  (umask 077; head -c 32 /dev/urandom | base64 >"$work/authkey")
  for n in "${nodes[@]}"; do
    "$bedtool" exec "$bed" "$n" -- sh -c 'mkdir -p /etc/vigil && cat >/etc/vigil/cluster.yaml' <"$work/cluster.yaml"
    "$bedtool" exec "$bed" "$n" -- sh -c 'umask 077 && cat >/etc/vigil/authkey' <"$work/authkey"
  done
  ip netns exec "$CLIENT_NS" env -u SSH_AUTH_SOCK HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home" \
      "$vigil" playbook apply "$playbook" --vars "$work/vars.yaml" --config "$work/cluster.yaml" --json \
      >"$work/apply-$minrep.out" 2>&1 || { echo "playbook apply failed:" >&2; tail -20 "$work/apply-$minrep.out" >&2; exit 1; }
  for n in "${nodes[@]}"; do start_agent "$n"; done
  wait_for 120 settled ha1 || { echo "redis did not settle with ha1 master; logs in $work" >&2; exit 1; }

  gaps=(); losts=(); ackeds=()
  for ((r = 1; r <= runs; r++)); do
    master=$(master_now)
    # Where the writer connects: the VIP at redis' port, or haproxy on a node that is not the master.
    target=$VIP; port=6379; through_note=""
    if [[ $front == haproxy ]]; then
      for n in "${nodes[@]}"; do [[ $n == "$master" ]] || { target=$(addr_of "$n"); through_note=" (through $n's haproxy)"; break; }; done
      port=6380
    fi
    # The writer writes until a line arrives on its stdin: a FIFO this script holds open (fd 9).
    rm -f "$work/writer.ctl"; mkfifo "$work/writer.ctl"
    ip netns exec "$CLIENT_NS" env REDIS_PASSWORD="$password" java -XX:+UseSerialGC -Xmx64m -cp "$classes" \
        dev.vigil.bench.RedisWriter "$target" "$port" "writes-$r" "$interval" 300 \
        >"$work/writer-$minrep-$r.json" 2>"$work/writer-$minrep-$r.err" <"$work/writer.ctl" &
    writer_pid=$!
    exec 9>"$work/writer.ctl"
    sleep 3
    t0=$(date +%s%3N)
    if [[ $mode == partition ]]; then partition "$master"; else power_cut "$master"; fi
    new=""
    for ((i = 0; i < 600; i++)); do
      for n in "${nodes[@]}"; do
        if [[ $n != "$master" ]] && settled "$n" "$master"; then new=$n; break; fi
      done
      [[ -z $new ]] || break
      sleep 0.2
    done
    t1=$(date +%s%3N)
    sleep 3
    echo stop >&9; exec 9>&-
    wait "$writer_pid" || true
    writer_pid=""
    out=$(cat "$work/writer-$minrep-$r.json")
    if [[ -z $new || -z $out ]]; then
      echo "run $r: no failover from $master (or no writer output); logs in $work" >&2; failed=1
    else
      read -r gap lost acked errs < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["gapMs"], d["lost"], d["acked"], ",".join(f"{k}={v}" for k,v in d["errors"].items()) or "-")' "$out")
      gaps+=("$gap"); losts+=("$lost"); ackeds+=("$acked")
      printf 'min-replicas-to-write %s run %d: %s -> %s settled %5d ms after the %s; write gap %5d ms%s, lost %4d of %6d acked (errors %s)\n' \
          "$minrep" "$r" "$master" "$new" $((t1 - t0)) "$mode" "$gap" "$through_note" "$lost" "$acked" "$errs"
    fi
    boot "$master"
    wait_for 120 settled "$new" || { echo "run $r: $master did not rejoin as a replica of $new; logs in $work" >&2; failed=1; break; }
  done
  if ((${#gaps[@]})); then
    python3 - "$minrep" "${gaps[*]}" "${losts[*]}" <<'PY'
import statistics, sys
m, gaps, losts = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
print(f"min-replicas-to-write {m}: write gap median {statistics.median(gaps):.0f} ms, min {min(gaps)}, max {max(gaps)};"
      f" lost acknowledged writes per failover: {' '.join(map(str, losts))} (total {sum(losts)}, {len(gaps)} runs)")
PY
  fi
  pkill_agents=$(for n in "${nodes[@]}"; do ip netns pids "$(ns_of "$n")"; done)
  # shellcheck disable=SC2086
  [[ -z $pkill_agents ]] || kill -KILL $pkill_agents 2>/dev/null || true
  "$bedtool" down "$bed" >/dev/null; bed_made=0
done
exit $failed
