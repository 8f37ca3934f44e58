# Shared helpers for the bench/*.sh scripts (sourced, not run).
# Every agent runs from the built distribution, on loopback only, with its own files under $work.

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
vigil="$repo/install/target/vigil/bin/vigil"

ensure_built() {
  if [[ ! -x $vigil ]]; then
    echo "building Vigil..." >&2
    (cd "$repo" && ./mvnw -B -q package -DskipTests)
  fi
}

# write_cluster FILE PRESET PORT ADDR...   nodes are named n1..nN in address order
write_cluster() {
  local file=$1 preset=$2 port=$3; shift 3
  local dir; dir=$(dirname "$file")
  (umask 077; head -c 32 /dev/urandom | base64 > "$dir/authkey")
  {
    echo "cluster: bench"
    echo "auth: {keyfile: authkey}"
    echo "timing: {preset: $preset}"
    echo "nodes:"
    local i=1 a
    for a in "$@"; do echo "  - {name: n$i, address: $a}"; i=$((i + 1)); done
    echo "links:"
    echo "  - {type: udp, mode: unicast, port: $port}"
  } > "$file"
}

# start_agent WORKDIR NODE   (appends to WORKDIR/NODE.log; pid in WORKDIR/NODE.pid)
start_agent() {
  local w=$1 n=$2
  setsid "$vigil" agent --config "$w/cluster.yaml" --node "$n" --socket "$w/$n.sock" \
      --state-dir "$w/state/$n" >>"$w/$n.log" 2>&1 </dev/null &
  echo $! > "$w/$n.pid"
  disown $!   # no "Killed" job notices when a benchmark kill -9s it
}

# stop_agent WORKDIR NODE: SIGTERM, then SIGKILL after 5 s; only the PID we started.
stop_agent() {
  local w=$1 n=$2 pid
  [[ -f $w/$n.pid ]] || return 0
  pid=$(cat "$w/$n.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$w/$n.pid"
}

# status_json WORKDIR NODE
status_json() {
  "$vigil" status --json --socket "$1/$2.sock" 2>/dev/null || true
}

# count_alive WORKDIR NODE: how many nodes (self included) NODE reports alive
count_alive() {
  status_json "$1" "$2" | grep -o '"state" : "alive"' | wc -l
}

# wait_all_alive WORKDIR TIMEOUT_S NODE...: every NODE sees all NODEs alive
wait_all_alive() {
  local w=$1 timeout=$2; shift 2
  local want=$# deadline=$((SECONDS + timeout)) ok n
  while ((SECONDS < deadline)); do
    ok=1
    for n in "$@"; do
      [[ $(count_alive "$w" "$n") -eq $want ]] || { ok=0; break; }
    done
    ((ok)) && return 0
    sleep 0.1
  done
  return 1
}

# json_field JSON KEY: first numeric value of "KEY" : N
json_num() {
  grep -o "\"$2\" : [0-9]*" <<<"$1" | head -1 | grep -o '[0-9]*$'
}

# For the scripts that drive `vigil console` through ssh in a private tmux server (console.sh,
# wizard.sh). needs_tools TOOL...: exit 2 naming the first missing one.
needs_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
  done
}

# console_bench_cleanup WORKDIR TMUX_SERVER CONSOLE_PID NODE...: the tmux server (and the socket
# file kill-server leaves), the console (SIGTERM, SIGKILL after 5 s) and the agents; only what the
# script started, by PID or by its private server's name.
console_bench_cleanup() {
  local w=$1 server=$2 pid=$3 n; shift 3
  tmux -L "$server" kill-server 2>/dev/null || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$server"
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  for n in "$@"; do stop_agent "$w" "$n"; done
}
