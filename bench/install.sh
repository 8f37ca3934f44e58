#!/usr/bin/env bash
# Install target of issue 14: three bare Debian nodes installed by `vigil install` and the cluster
# formed in <= 90 s, apt downloads excluded (reported apart); the package <= 80 MB.
#
#   sudo bench/install.sh          (needs root, debootstrap, systemd-container, openssh-client)
#
# The nodes are what the tests install onto (install/bed/vigil-node-rootfs: minbase Debian with
# systemd, sshd, apache2, no Java; cached in /var/cache/vigil-it), booted with systemd-nspawn in
# network namespaces of our own on one bridge (10.214.0.1-3), the operator in a fourth (.100).
# The figure is one `vigil install` from nothing to "cluster formed": preflight, copying the
# package to each node, `apt-get install ./vigil_*.deb` (its dependencies are on a bare node
# already, so nothing is fetched: the nodes have no route to a mirror at all), the key, the cluster
# file, the agents, the wait until every node sees every other. Reported apart: the apt-get runs
# (from each node's /var/log/apt/history.log, whole seconds) and what apt downloaded (the
# packages in each node's /var/cache/apt/archives/). Booting the nodes is not in the figure.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

[[ $(id -u) == 0 ]] || { echo "bench/install.sh needs root (namespaces, systemd-nspawn)" >&2; exit 2; }
ensure_built
deb=$(ls "$repo"/install/target/vigil_*_*.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || { echo "no install/target/vigil_*.deb: build with ./mvnw package" >&2; exit 2; }
work=${WORK_DIR:-/tmp/vigil-bench-install}
ns=vib$$
nodes=(n1 n2 n3)
declare -A addr=([n1]=10.214.0.1 [n2]=10.214.0.2 [n3]=10.214.0.3 [op]=10.214.0.100)
declare -A nspawn_pid=()

cleanup() {
  local n
  for n in "${!nspawn_pid[@]}"; do
    local init; init=$(container_init "$n" || true)
    [[ -n $init ]] && kill -KILL "$init" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "${nspawn_pid[$n]}" 2>/dev/null || break; sleep 0.1; done
  done
  for n in "${nodes[@]}" op sw; do ip netns delete "$ns-$n" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'echo "interrupted; cleaning up" >&2; exit 130' INT TERM

rm -rf --one-file-system "$work"; mkdir -p "$work"
tar=$("$repo/install/bed/vigil-node-rootfs")
ssh-keygen -q -t ed25519 -N "" -f "$work/id_ed25519"

ip netns add "$ns-sw"
ip -n "$ns-sw" link add br0 type bridge
ip -n "$ns-sw" link set br0 up
for n in "${nodes[@]}" op; do
  ip netns add "$ns-$n"
  ip -n "$ns-sw" link add "$n" type veth peer name eth0 netns "$ns-$n"
  ip -n "$ns-sw" link set "$n" master br0 up
  ip -n "$ns-$n" link set lo up
  ip -n "$ns-$n" addr add "${addr[$n]}/24" dev eth0
  ip -n "$ns-$n" link set eth0 up
done

# container_init NODE: the node's init, the child of its nspawn in a PID namespace other than ours
# (nspawn's short-lived "outer child" is in ours: entering it would run the command on this host).
container_init() {
  local c ours; ours=$(readlink /proc/self/ns/pid)
  for c in $(pgrep -P "${nspawn_pid[$1]}"); do
    [[ $(readlink "/proc/$c/ns/pid" 2>/dev/null) != "$ours" ]] && { echo "$c"; return 0; }
  done
  return 1
}

# in_node NODE CMD...: run CMD inside the booted node (every namespace of its init, empty env).
in_node() {
  local init; init=$(container_init "$1") || { echo "in_node: $1 has no init yet" >&2; return 1; }; shift
  nsenter -t "$init" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

for n in "${nodes[@]}"; do
  root=$work/$n
  mkdir -p "$root"
  tar -C "$root" -xf "$tar"
  echo "$n" > "$root/etc/hostname"
  printf "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n" "$n" > "$root/etc/hosts"
  ln -s /dev/null "$root/etc/systemd/system/systemd-networkd-wait-online.service"
  install -d -m 700 "$root/root/.ssh"
  install -m 600 "$work/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
  systemd-nspawn --keep-unit --register=no --quiet --console=passive --network-namespace-path="/run/netns/$ns-$n" \
      --machine="$n" -D "$root" -b </dev/null >"$work/$n.console.log" 2>&1 &
  nspawn_pid[$n]=$!
done
for n in "${nodes[@]}"; do
  state=
  for _ in $(seq 300); do
    state=$(in_node "$n" systemctl is-system-running 2>/dev/null || true)
    [[ $state == running || $state == degraded ]] && break
    sleep 0.2
  done
  [[ $state == running || $state == degraded ]] || { echo "$n did not boot ($state)" >&2; exit 1; }
  in_node "$n" systemctl start ssh.service
done

(umask 077; cat > "$work/cluster.yaml" <<YAML
cluster: bench
auth: {keyfile: /etc/vigil/authkey}
nodes:
  - {name: n1, address: ${addr[n1]}}
  - {name: n2, address: ${addr[n2]}}
  - {name: n3, address: ${addr[n3]}}
links:
  - {type: udp, mode: unicast, port: 694}
YAML
)
{
  echo "hosts:"
  for n in "${nodes[@]}"; do
    echo "  $n: {address: ${addr[$n]}, ssh: {user: root, port: 22, key: $work/id_ed25519, known_hosts: $work/known_hosts}}"
  done
} > "$work/inventory.yaml"

echo "3 bare nodes booted; vigil install $(basename "$deb") ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
t0=$(date +%s%N)
set +e
ip netns exec "$ns-op" env -u SSH_AUTH_SOCK HOME="$work" "$vigil" install --config "$work/cluster.yaml" \
    --package "$deb" --inventory "$work/inventory.yaml" --accept-new > "$work/install.out" 2>&1
rc=$?
set -e
t1=$(date +%s%N)
if [[ $rc != 0 ]] || ! grep -q '^cluster formed: every node sees every other$' "$work/install.out"; then
  echo "vigil install failed (exit $rc):" >&2; cat "$work/install.out" >&2; exit 1
fi
total_ms=$(( (t1 - t0) / 1000000 ))

apt_s=0 fetched=0
for n in "${nodes[@]}"; do
  # Start-Date/End-Date of the run, e.g. "Start-Date: 2026-12-06  03:20:01".
  s=$(in_node "$n" sh -c "sed -n 's/^Start-Date: //p' /var/log/apt/history.log | tail -n 1")
  e=$(in_node "$n" sh -c "sed -n 's/^End-Date: //p' /var/log/apt/history.log | tail -n 1")
  d=$(( $(date -d "$e" +%s) - $(date -d "$s" +%s) ))
  apt_s=$((apt_s + d))
  c=$(in_node "$n" sh -c 'ls /var/cache/apt/archives/*.deb 2>/dev/null | wc -l')
  fetched=$((fetched + c))
  echo "  $n: apt-get install ./$(basename "$deb"): ${d} s; packages downloaded: $c"
done
size_mb=$(( $(stat -c %s "$deb") / 1000000 ))
installed_mb=$(( $(dpkg-deb -f "$deb" Installed-Size) * 1024 / 1000000 ))  # Installed-Size is in KiB
echo
printf 'three bare nodes installed, cluster formed: %d.%d s (target <= 90 s: %s)\n' \
  $((total_ms / 1000)) $((total_ms % 1000 / 100)) "$( ((total_ms <= 90000)) && echo met || echo NOT met)"
echo "  of which apt-get install on the nodes (sum of 3, one after another): ${apt_s} s; apt downloads: $fetched packages (nothing to exclude)"
echo "package: $(basename "$deb") $size_mb MB (target <= 80 MB: $( ((size_mb <= 80)) && echo met || echo NOT met)), installed $installed_mb MB"
