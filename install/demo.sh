#!/usr/bin/env bash
# The demo: a 2-node Vigil cluster in network namespaces on this machine, running heartbeat's
# classic recipe — a floating IP, a shared ext4 disk and apache2 whose page names the node that
# serves it — with fencing, so a node that dies or freezes is powered off before the other takes
# over. Built on the test bed (install/bed/vigil-bed), which the tests use too.
#   sudo install/demo.sh                 build if needed, start the cluster, show how to use it
#   sudo install/demo.sh --restart ha1   start ha1's agent again (after you killed it or it was fenced)
#   sudo install/demo.sh --console       the same, plus `vigil console` following both agents over TCP,
#                                        an operator key, and the ssh command that opens the text UI
#   sudo install/demo.sh --stop          stop the agents, remove the namespaces, disk and files
# Root is needed: namespaces, a loop device, mounts.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
dir=${VIGIL_DEMO_DIR:-/tmp/vigil-demo}
bed=${VIGIL_DEMO_BED:-vdemo}
subnet=${VIGIL_DEMO_SUBNET:-77}
bedtool="$repo/install/bed/vigil-bed"
vigil="$repo/install/target/vigil/bin/vigil"
nodes=(ha1 ha2)

if [[ $(id -u) -ne 0 ]]; then
  echo "The demo runs two cluster nodes in network namespaces, with a floating IP and a shared" >&2
  echo "loop-device disk: that needs root. Run: sudo $0 ${*:-}" >&2
  exit 1
fi

stop_agent() {
  local n=$1 pidfile="$dir/$1.pid" pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # SIGTERM: the agent stops its resources, then leaves the cluster.
    kill -TERM "$pid"
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "stopped agent $n (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop_console() {
  local pidfile="$dir/console.pid" pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "stopped the console (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop() {
  stop_console
  for n in "${nodes[@]}"; do stop_agent "$n"; done
  "$bedtool" down "$bed" 2>/dev/null || true
  rm -rf "$dir"
}

start_agent() {
  local n=$1
  # In the node's network and mount namespaces, detached from this terminal.
  # No --socket: the cluster file's control: {socket_dir} puts it at $dir/demo-$n.sock, where
  # `vigil status --config $dir/cluster.yaml --node $n` finds it too; $n.sock stays as a link.
  setsid "$bedtool" exec "$bed" "$n" -- "$vigil" agent --config "$dir/cluster.yaml" --node "$n" \
      --state-dir "$dir/state/$n" >>"$dir/$n.log" 2>&1 </dev/null &
  echo $! >"$dir/$n.pid"
  ln -sfn "demo-$n.sock" "$dir/$n.sock"
  echo "started agent $n (pid $!, log $dir/$n.log)"
}

start_console() {
  command -v ssh-keygen >/dev/null || { echo "--console needs ssh-keygen (apt-get install openssh-client)" >&2; exit 1; }
  mkdir -p "$dir/console"
  [[ -f $dir/operator_key ]] || ssh-keygen -q -t ed25519 -N '' -C "demo operator" -f "$dir/operator_key"
  ( umask 077; echo "role=operator $(cat "$dir/operator_key.pub")" >"$dir/console/authorized_keys" )
  # In the client's namespace: the root namespace has no leg on the bed's bridge, the client
  # reaches both nodes' control ports, so the console can follow ha2 when ha1 dies.
  setsid "$bedtool" client "$bed" -- "$vigil" console --config "$dir/cluster.yaml" --listen 127.0.0.1:2222 \
      --authorized-keys "$dir/console/authorized_keys" --host-key "$dir/console/host_ed25519" \
      --audit-log "$dir/console/audit.log" >>"$dir/console.log" 2>&1 </dev/null &
  echo $! >"$dir/console.pid"
  for _ in $(seq 100); do grep -q "listening on" "$dir/console.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "listening on" "$dir/console.log" || { echo "the console did not start; log:" >&2; tail -n 20 "$dir/console.log" >&2; exit 1; }
  echo "started the console (pid $(cat "$dir/console.pid"), log $dir/console.log)"
}

console=
case ${1:-} in
  --stop) stop; exit 0 ;;
  --console) console=1 ;;
  --restart)
    n=${2:?usage: $0 --restart NODE}
    [[ -f $dir/cluster.yaml ]] || { echo "no demo is running; start it with: sudo $0" >&2; exit 1; }
    stop_agent "$n"
    start_agent "$n"
    exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--console | --stop | --restart NODE]" >&2; exit 2 ;;
esac

missing=()
for cmd in apache2 ip nsenter losetup mkfs.ext4 curl arping modprobe; do
  command -v "$cmd" >/dev/null || missing+=("$cmd")
done
if ((${#missing[@]})); then
  echo "missing commands: ${missing[*]}; install them with:" >&2
  echo "  apt-get install apache2 iproute2 util-linux e2fsprogs curl arping kmod" >&2
  exit 1
fi
if [[ ! -x $vigil ]]; then
  echo "building Vigil (first run only)..."
  (cd "$repo" && ./mvnw -B -q package -DskipTests -DskipFuzz)
fi
if [[ -d $dir ]] || "$bedtool" list 2>/dev/null | grep -qx "$bed"; then
  echo "removing the previous demo first"
  stop
fi

vip=$("$bedtool" up "$bed" --nodes 2 --subnet "$subnet")
eval "$("$bedtool" env "$bed")"
mkdir -p "$dir"
( umask 077; head -c 32 /dev/urandom | base64 >"$dir/authkey" )
cat >"$dir/cluster.yaml" <<YAML
# The demo cluster: heartbeat's "ha1 $vip Filesystem::$DISK::$MOUNT::ext4 apache2",
# written the Vigil way. install/demo.sh wrote it; see docs/cluster-file.md for every key.
cluster: demo
auth: {keyfile: $dir/authkey}
timing: {preset: lan}
nodes:
  - {name: ha1, address: $HA1_ADDR}
  - {name: ha2, address: $HA2_ADDR}
links:
  - {type: udp, mode: unicast, port: 694}
resources:
  - {id: data, agent: "ocf:vigil:Filesystem", params: {device: $DISK, directory: $MOUNT, fstype: ext4}}
  - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: $vip, cidr_netmask: 24, nic: eth0},
     monitor: {interval: 5s, timeout: 10s}}
  - {id: web,  agent: "ocf:vigil:apache", params: {configfile: $NODE_APACHE_CONF},
     monitor: {interval: 5s, timeout: 20s}}
groups:
  - {id: www, members: [data, vip, web], prefer: ha1}
policy: {auto_failback: true, no_quorum: stop}
# The agents' sockets live here, as demo-ha1.sock and demo-ha2.sock: every vigil command given
# this file (--config, or VIGIL_CONFIG) and a node finds its agent without --socket.
control: {socket_dir: $dir}
# The client stands in for the default gateway: a node that cannot reach it does not fence
# (a node whose cable was cut must not win the fence race against the healthy one).
ping: [$CLIENT_ADDR]
# Power switches of the bed: "off" kills every process of the node, removes its addresses and
# unmounts what it mounted, as pulling the plug would.
fencing:
  - {id: power-ha1, agent: fence_vigil_netns, host_map: {ha1: ha1},
     params: {netns: $HA1_NS, dev: eth0, address: $HA1_ADDR/24, mntns: $HA1_MNTNS}}
  - {id: power-ha2, agent: fence_vigil_netns, host_map: {ha2: ha2},
     params: {netns: $HA2_NS, dev: eth0, address: $HA2_ADDR/24, mntns: $HA2_MNTNS}}
YAML
"$vigil" config check "$dir/cluster.yaml"
for n in "${nodes[@]}"; do start_agent "$n"; done

echo "waiting for the web page at http://$vip/ ..."
page=
for _ in $(seq 120); do
  page=$("$bedtool" client "$bed" -- curl -s --max-time 1 "http://$vip/" 2>/dev/null | grep -o 'node=ha[0-9]' || true)
  [[ -n $page ]] && break
  sleep 0.5
done
[[ -n $page ]] || { echo "the service did not come up; logs:" >&2; tail -n 20 "$dir"/ha*.log >&2; exit 1; }

echo
echo "\$ vigil status --socket $dir/ha1.sock"
"$vigil" status --socket "$dir/ha1.sock" | sed -n '/^Coordinator/,$p'
cat <<TXT

The cluster runs in the background; the client namespace gets "$page" from http://$vip/.

Watch it:
  $vigil status --socket $dir/ha1.sock        (or ha2.sock; --json for scripts)
  $vigil status --config $dir/cluster.yaml --node ha1   (the same: the file says where the sockets are)
  watch -n 0.5 "$bedtool client $bed -- curl -s --max-time 1 http://$vip/ | grep node="
  tail -f $dir/ha1.log $dir/ha2.log

Cause a failover (the page then says node=ha2 after about a second):
  kill -9 \$(cat $dir/ha1.pid)                       # ha1's agent dies; ha2 fences ha1, then takes over
  $bedtool exec $bed ha1 -- ip link set eth0 down    # cut ha1's cable
  $vigil resource move www ha2 --socket $dir/ha1.sock   # a planned switchover ("clear" undoes it)
  $vigil node standby ha1 --socket $dir/ha2.sock        # ("node online ha1" undoes it)
Bring ha1 back (the group fails back: auto_failback is on):
  sudo $0 --restart ha1
Stop everything:
  sudo $0 --stop
TXT
if [[ -n $console ]]; then
  start_console
  cat <<TXT

The operator console follows both agents over TCP from the client namespace. Open it with:
  sudo $bedtool client $bed -- ssh -t -p 2222 -i $dir/operator_key -o StrictHostKeyChecking=accept-new \\
      -o UserKnownHostsFile=$dir/console/known_hosts operator@127.0.0.1
Then kill -9 ha1's agent: the screen says the agent is lost (greyed, with the last good status's
time) and moves to ha2's agent; sudo $0 --restart ha1 brings ha1 back.
TXT
fi
