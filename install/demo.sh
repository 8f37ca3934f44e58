#!/usr/bin/env bash
# The demo: a 3-node Vigil cluster of real agent processes on this machine (loopback addresses
# 127.0.0.11-13, unicast heartbeats), then `vigil status` from each node.
#   install/demo.sh           build if needed, start the cluster, show status
#   install/demo.sh --stop    stop the agents (they leave politely) and remove the demo files
# Needs no root: sockets and state live under $VIGIL_DEMO_DIR (default /tmp/vigil-demo).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
dir=${VIGIL_DEMO_DIR:-/tmp/vigil-demo}
vigil="$repo/install/target/vigil/bin/vigil"
nodes=(ha1 ha2 ha3)

stop() {
  for n in "${nodes[@]}"; do
    pidfile="$dir/$n.pid"
    if [[ -f $pidfile ]]; then
      pid=$(cat "$pidfile")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        echo "stopped $n (pid $pid)"
      fi
      rm -f "$pidfile"
    fi
  done
  rm -rf "$dir"
}

if [[ ${1:-} == --stop ]]; then stop; exit 0; fi

if [[ ! -x $vigil ]]; then
  echo "building Vigil (first run only)..."
  (cd "$repo" && ./mvnw -B -q package -DskipTests)
fi
if [[ -d $dir ]]; then stop; fi
mkdir -p "$dir"
umask 077
head -c 32 /dev/urandom | base64 > "$dir/authkey"
cat > "$dir/cluster.yaml" <<YAML
cluster: demo
auth: {keyfile: authkey}
timing: {preset: lan}
nodes:
  - {name: ha1, address: 127.0.0.11}
  - {name: ha2, address: 127.0.0.12}
  - {name: ha3, address: 127.0.0.13}
links:
  - {type: udp, mode: unicast, port: 7694}
YAML
"$vigil" config check "$dir/cluster.yaml"
for n in "${nodes[@]}"; do
  setsid "$vigil" agent --config "$dir/cluster.yaml" --node "$n" \
      --socket "$dir/$n.sock" --state-dir "$dir/state/$n" >"$dir/$n.log" 2>&1 < /dev/null &
  echo $! > "$dir/$n.pid"
  echo "started agent $n (pid $!, log $dir/$n.log)"
done

echo "waiting for the three agents to see each other..."
for _ in $(seq 100); do
  ready=1
  for n in "${nodes[@]}"; do
    out=$("$vigil" status --json --socket "$dir/$n.sock" 2>/dev/null || true)
    [[ $(grep -o '"state" : "alive"' <<<"$out" | wc -l) -eq 3 ]] || ready=0
  done
  [[ $ready -eq 1 ]] && break
  sleep 0.2
done
for n in "${nodes[@]}"; do
  echo
  echo "\$ vigil status --socket $dir/$n.sock"
  "$vigil" status --socket "$dir/$n.sock"
done
cat <<TXT

The cluster runs in the background. Try:
  $vigil status --json --socket $dir/ha1.sock
  kill -9 \$(cat $dir/ha2.pid)      # ha1 and ha3 declare ha2 dead about 1 s later (lan preset)
  tail -f $dir/ha1.log
Stop it with: install/demo.sh --stop
TXT
