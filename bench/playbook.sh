#!/usr/bin/env bash
# Playbook benchmarks (issue 11) on the namespace bed with a real OpenSSH server on every node
# (install/bed/vigil-bed up --sshd): the vigil CLI runs in the bed's client namespace, as an
# operator's machine, and reaches the nodes over SSH.
#
#   sudo bench/playbook.sh [TRIALS]          (default 5)
#     plan2    `vigil playbook plan` of the recipe on 2 hosts (nodes fresh)        target <= 3 s
#     apply2   `vigil playbook apply` of the recipe on 2 hosts, packages already
#              present, every trial on fresh nodes (`vigil-bed reset`)             target <= 10 s
#     apply8s / cpu8    the 8-host apply with --forks 1, and the machine's busy CPU during apply8
#     apply1 / apply8   the same apply on 1 host (--limit ha1) and on 8 hosts, the
#              same 8-node cluster file and variables: only the parallelism differs
#                                                                                  target apply8 <= 1.5 x apply1
#   Each figure is the wall time of the whole command (JVM start included), as an operator sees it;
#   median and max over the trials; the machine is printed first.
#   Environment: BED (default pbench), SUBNET (default 79), WORK_DIR (default /tmp/vigil-bench-playbook),
#                RECIPE (default apache-shared-disk: playbooks/RECIPE/playbook.yaml of the distribution),
#                HOSTS_FROM=config|inventory (how the CLI learns the hosts; default config: the
#                cluster file, with the bed's key and known_hosts in the operator's ~/.ssh).
# One bed of 8 nodes serves every figure: each node is its own namespace with its own sshd, /etc and
# /var (an overlay over the host's), so 8 hosts are 8 machines to the CLI, not 8 ports on one.
# Needs root, apache2, openssh-server, openssh-client, python3, and the built distribution.
# Exit 0 when every target is met, 1 when one is missed or a run failed, 2 on bad usage.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$(readlink -f "$0")")/lib.sh"

usage() { sed -n '6,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
trials=${1:-5}
[[ $trials =~ ^[1-9][0-9]*$ ]] || usage
[[ $(id -u) -eq 0 ]] || { echo "needs root: network namespaces, mounts, sshd" >&2; exit 2; }
for c in ip nsenter /usr/sbin/sshd ssh-keygen python3 java; do
  command -v "$c" >/dev/null || { echo "missing: $c" >&2; exit 2; }
done
ensure_built
bedtool="$repo/install/target/vigil/bed/vigil-bed"
recipe=${RECIPE:-apache-shared-disk}
playbook="$repo/install/target/vigil/playbooks/$recipe/playbook.yaml"
[[ -f $playbook ]] || { echo "no recipe $recipe in the distribution ($playbook): build it first" >&2; exit 2; }
hosts_from=${HOSTS_FROM:-config}
case $hosts_from in config|inventory) ;; *) usage ;; esac

bed=${BED:-pbench}
work=${WORK_DIR:-/tmp/vigil-bench-playbook}
bed_made=0
cleanup() {
  trap - EXIT INT TERM
  if ((bed_made)); then "$bedtool" down "$bed" >/dev/null 2>&1 || "$bedtool" down "$bed" || true; fi
}
trap cleanup EXIT
trap 'echo "interrupted; cleaning up" >&2; cleanup; exit 130' INT TERM

rm -rf "$work"; mkdir -p "$work"
if "$bedtool" list 2>/dev/null | grep -q "^$bed\b"; then
  echo "bed $bed exists already: a previous run was interrupted? removing it" >&2
  "$bedtool" down "$bed"
fi
bed_made=1
"$bedtool" up "$bed" --nodes 8 --subnet "${SUBNET:-79}" --sshd >/dev/null
eval "$("$bedtool" env "$bed")"
read -r -a all_nodes <<<"$NODES"

# ---- the operator's side: home (~/.ssh), cluster files, inventories, variables

home=$work/home
mkdir -p "$home/.ssh"; chmod 700 "$home/.ssh"
cp "$SSH_KEY" "$home/.ssh/id_ed25519"; cp "$SSH_KEY.pub" "$home/.ssh/id_ed25519.pub"
cp "$SSH_KNOWN_HOSTS" "$home/.ssh/known_hosts"; chmod 600 "$home/.ssh/id_ed25519"

addr_of() { local v="${1^^}_ADDR"; echo "${!v}"; }

# write_operator_files N: cluster-N.yaml, inventory-N.yaml and vars-N.yaml for the first N nodes.
# (The journal of each apply stays on each node, in its own /var/lib/vigil/playbooks; a reset empties it.)
write_operator_files() {
  local n=$1 i node
  {
    echo "cluster: pbench"
    echo "auth: {keyfile: /etc/vigil/authkey}"
    echo "timing: {preset: fast}"
    echo "nodes:"
    for ((i = 0; i < n; i++)); do node=${all_nodes[$i]}; echo "  - {name: $node, address: $(addr_of "$node")}"; done
    echo "links:"
    echo "  - {type: udp, mode: unicast, port: 694}"
    # A power switch per node, as the bed's tests have (a 2-node cluster needs one to be valid).
    echo "fencing:"
    for ((i = 0; i < n; i++)); do
      node=${all_nodes[$i]}
      echo "  - {id: power-$node, agent: fence_vigil_netns, host_map: {$node: $node}, timeout: 20s,"
      echo "     params: {netns: $BED-$node, dev: eth0, address: $(addr_of "$node")/$PREFIX, mntns: $MNTNS_DIR/$node}}"
    done
  } >"$work/cluster-$n.yaml"
  {
    echo "hosts:"
    for ((i = 0; i < n; i++)); do
      node=${all_nodes[$i]}
      echo "  $node: {address: $(addr_of "$node"), ssh: {user: root, port: 22, key: $SSH_KEY, known_hosts: $SSH_KNOWN_HOSTS}}"
    done
  } >"$work/inventory-$n.yaml"
  # The recipe's variables: keep in step with PlaybookBedIT.APACHE_VARS (the recipes are written
  # alongside; adjust both together).
  cat >"$work/vars-$n.yaml" <<YAML
vip: $VIP
cidr_netmask: $PREFIX
nic: eth0
device: $DISK
fstype: ext4
mount_point: $MOUNT
port: 80
server_name: www.vigil-bed.test
primary: ${all_nodes[0]}
monitor_interval: 2s
YAML
}
write_operator_files 2
write_operator_files 8

# The nodes get the operator's cluster file and a cluster key, as installing Vigil would (and as
# PlaybookBedIT's SEED_NODE_CLUSTER_FILE does): a recipe's cluster step merges into that file.
(umask 077; head -c 32 /dev/urandom | base64 >"$work/authkey")
seed_nodes() {
  local n=$1 i
  for ((i = 0; i < n; i++)); do
    "$bedtool" exec "$bed" "${all_nodes[$i]}" -- sh -c 'mkdir -p /etc/vigil && cat >/etc/vigil/cluster.yaml' <"$work/cluster-$n.yaml"
    "$bedtool" exec "$bed" "${all_nodes[$i]}" -- sh -c 'umask 077 && cat >/etc/vigil/authkey' <"$work/authkey"
  done
}

# reset_nodes N: the first N nodes reinstalled (their own /etc, /var... emptied back to the host's).
reset_nodes() {
  local n=$1 i
  for ((i = 0; i < n; i++)); do "$bedtool" reset "$bed" "${all_nodes[$i]}"; done
}

# cli N VERB [ARGS...]: `vigil playbook VERB` of the recipe for the N-node cluster, in the client
# namespace, with the operator's home; prints the wall time in ms; output in $work/last.out.
cli_ms() {
  local n=$1 verb=$2 t0 t1 rc=0; shift 2
  local hosts=(--config "$work/cluster-$n.yaml")
  [[ $hosts_from == inventory ]] && hosts=(--inventory "$work/inventory-$n.yaml")
  t0=$(date +%s%N)
  ip netns exec "$CLIENT_NS" env -u SSH_AUTH_SOCK HOME="$home" \
      JAVA_TOOL_OPTIONS="-Duser.home=$home" \
      "$vigil" playbook "$verb" "$playbook" --vars "$work/vars-$n.yaml" "${hosts[@]}" "$@" --json \
      >"$work/last.out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  if ((rc != 0)); then
    echo "vigil playbook $verb ($n-node cluster, $*) failed (exit $rc):" >&2
    tail -n 20 "$work/last.out" >&2
    return 1
  fi
  echo $(((t1 - t0) / 1000000))
}

# stats NAME MS...: "NAME median M ms, max X ms (N trials)"; sets $median
stats() {
  local name=$1; shift
  median=$(printf '%s\n' "$@" | sort -n | python3 -c 'import sys,statistics; print(round(statistics.median(int(l) for l in sys.stdin)))')
  local max; max=$(printf '%s\n' "$@" | sort -n | tail -1)
  printf '%-8s median %6d ms, max %6d ms  (%d trials: %s)\n' "$name" "$median" "$max" $# "$*"
}

echo "machine: $(nproc) vCPU ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
echo "java: $(java -version 2>&1 | head -1); load now: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs make the figures noisy)"
echo "recipe $recipe, bed $bed (8 nodes, VIP $VIP), hosts from --$hosts_from, $trials trial(s) each"
failed=0

# ---- plan on 2 hosts (plans change nothing: the same fresh nodes every trial)
reset_nodes 8; seed_nodes 2
plan2=()
for ((t = 1; t <= trials; t++)); do plan2+=("$(cli_ms 2 plan)") || exit 1; done
stats plan2 "${plan2[@]}"; m_plan2=$median

# ---- apply on 2 hosts, fresh nodes every trial
apply2=()
for ((t = 1; t <= trials; t++)); do
  reset_nodes 2; seed_nodes 2
  apply2+=("$(cli_ms 2 apply)") || exit 1
done
stats apply2 "${apply2[@]}"; m_apply2=$median

# The machine's busy CPU time so far, in ms (every process: the CLI, the nodes' sshd and shells).
cpu_busy_ms() { awk '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) * 10; exit }' /proc/stat; }

# ---- 1 host vs 8, the same 8-node cluster; alternated so that load drifts hit both alike.
# apply8s is the same 8-host apply with --forks 1 (one host after the other): what parallelism
# buys on this bed; cpu8 the whole machine's busy CPU time during an 8-host apply, which says
# whether the bed's 8 "hosts", sharing this machine's cores, leave the run CPU-bound.
apply1=(); apply8=(); apply8s=(); cpu8=()
for ((t = 1; t <= trials; t++)); do
  reset_nodes 8; seed_nodes 8
  apply1+=("$(cli_ms 8 apply --limit "${all_nodes[0]}")") || exit 1
  reset_nodes 8; seed_nodes 8
  c0=$(cpu_busy_ms)
  apply8+=("$(cli_ms 8 apply)") || exit 1
  cpu8+=("$(( $(cpu_busy_ms) - c0 ))")
  reset_nodes 8; seed_nodes 8
  apply8s+=("$(cli_ms 8 apply --forks 1)") || exit 1
done
stats apply1 "${apply1[@]}"; m_apply1=$median
stats apply8 "${apply8[@]}"; m_apply8=$median
stats apply8s "${apply8s[@]}"; m_apply8s=$median
stats cpu8 "${cpu8[@]}"; m_cpu8=$median
echo "apply8: busy CPU ${m_cpu8} ms over ${m_apply8} ms of wall time on $(nproc) vCPUs" \
     "($(python3 -c "print(f'{$m_cpu8 / $m_apply8 / $(nproc) * 100:.0f}')") % of the machine);" \
     "parallel vs one host at a time: $(python3 -c "print(f'{$m_apply8s / $m_apply8:.2f}')")x faster"

# check OK TEXT: prints TEXT with its verdict; a miss fails the run.
check() { if (($1)); then echo "$2: met"; else echo "$2: MISSED"; failed=1; fi; }
echo
check $((m_plan2 <= 3000)) "plan on 2 hosts:       median $m_plan2 ms (target <= 3000 ms)"
check $((m_apply2 <= 10000)) "apply on 2 hosts:      median $m_apply2 ms (target <= 10000 ms)"
ratio=$(python3 -c "print(f'{$m_apply8 / $m_apply1:.2f}')")
check $((m_apply8 * 2 <= m_apply1 * 3)) "apply on 8 hosts vs 1: $m_apply8 / $m_apply1 ms = ${ratio}x (target <= 1.5x)"
exit "$failed"
