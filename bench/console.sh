#!/usr/bin/env bash
# The operator console's three figures, with the real OpenSSH client in a private tmux server:
# 3 agents on 127.0.0.61-63 (lan preset) and `vigil console` following them over their TCP
# control ports (its default), all from the built distribution.
#
#   bench/console.sh [samples] [sessions] [seconds]     defaults 12, 20, 60
#
# 1. login: `ssh` started in a fresh tmux window -> the first full frame (all three nodes ALIVE,
#    the latest-events section and the operator's name on screen), the console already running;
#    capture-pane polled every 10 ms. Target: median <= 1.5 s.
# 2. event -> screen: kill -9 of n3 (the console follows n1); the event is n1's log line
#    "node n3 is dead" (its own wall-clock timestamp), visible when a capture-pane poll (every
#    10 ms) shows n3 [DEAD]; n3 is restarted between samples. Target: median <= 250 ms.
# 3. footprint: the console's resident memory (VmRSS) freshly started, idle after the tests above,
#    and with `sessions` dashboards open for `seconds`, during which n3 is killed and restarted
#    twice so every dashboard has something to redraw; and the agents' heartbeat sender slips
#    over that window (`vigil status --json` heartbeat.slips / maxSlipMs, which must stay within
#    warntime; n1 and n2, since n3's counters restart with it).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

samples=${1:-12}
sessions=${2:-20}
seconds=${3:-60}
nodes=(n1 n2 n3)
addrs=(127.0.0.61 127.0.0.62 127.0.0.63)
port=${PORT:-7761}
control_port=${CONTROL_PORT:-7762}
ssh_port=${SSH_PORT:-7763}
work=${WORK_DIR:-/tmp/vigil-bench-console}
tmux_server=vigil-bench-console-$$
ensure_built
needs_tools ssh ssh-keygen tmux python3

console_pid=
cleanup() { console_bench_cleanup "$work" "$tmux_server" "$console_pid" "${nodes[@]}"; }
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work"
write_cluster "$work/cluster.yaml" lan "$port" "${addrs[@]}"
echo "control: {port: $control_port}" >> "$work/cluster.yaml"
for n in "${nodes[@]}"; do start_agent "$work" "$n"; done
wait_all_alive "$work" 60 "${nodes[@]}" || { echo "agents did not come up" >&2; exit 2; }

ssh-keygen -q -t ed25519 -N "" -C "bench operator" -f "$work/id_ed25519"
(umask 077; echo "role=operator $(cat "$work/id_ed25519.pub")" > "$work/authorized_keys")
setsid "$vigil" console --config "$work/cluster.yaml" --listen "127.0.0.1:$ssh_port" \
    --authorized-keys "$work/authorized_keys" --host-key "$work/host_ed25519" --audit-log "$work/audit.log" \
    >>"$work/console.log" 2>&1 </dev/null &
console_pid=$!
disown "$console_pid"
for _ in $(seq 300); do grep -q "vigil console: listening" "$work/console.log" && break; sleep 0.1; done
grep -q "vigil console: listening" "$work/console.log" || { cat "$work/console.log" >&2; exit 2; }
echo "3 agents alive (lan); console pid $console_pid: $(grep -o 'agents [^ ,]*,[^ ]*' "$work/console.log" | tr -d '\n' | sed 's/,$//')"
sleep 2
fresh_rss=$(awk '/^VmRSS/{print $2}' "/proc/$console_pid/status")

ssh_cmd="ssh -p $ssh_port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes \
-o BatchMode=yes -o LogLevel=ERROR -F /dev/null -i $work/id_ed25519 bench@127.0.0.1"
tmux -L "$tmux_server" -f /dev/null new-session -d -s keep -x 80 -y 24 "sleep 100000"

capture() { tmux -L "$tmux_server" capture-pane -p -t "$1" 2>/dev/null || true; }
full_frame() {   # SCREEN: the dashboard is complete
  local s=$1
  [[ $(grep -c ' ALIVE' <<<"$s") -ge 3 && $s == *"LATEST EVENTS"* && $s == *"bench (operator)"* ]]
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { python3 -c 'import sys,statistics; xs=[int(l) for l in open(sys.argv[1]) if l.strip()]; print(f"min {min(xs)} median {statistics.median(xs):.0f} max {max(xs)} ms over {len(xs)} samples")' "$1"; }
log_ms() {   # LOG TEXT: wall-clock ms of the last line containing TEXT
  grep "$2" "$1" | tail -1 | cut -d' ' -f1 |
    python3 -c 'import sys,datetime; print(round(datetime.datetime.strptime(sys.stdin.read().strip(), "%Y-%m-%dT%H:%M:%S.%f").timestamp()*1000))'
}

# ---- 1. login to first full frame ----------------------------------------------------------------
: > "$work/login.txt"
capture keep >/dev/null  # warm the tmux client path
for ((i = 1; i <= samples; i++)); do
  t0=$(date +%s%N)
  tmux -L "$tmux_server" new-window -d -t keep -n "login$i" "$ssh_cmd"
  for _ in $(seq 1000); do
    full_frame "$(capture "keep:login$i")" && break
    sleep 0.01
  done
  t1=$(date +%s%N)
  full_frame "$(capture "keep:login$i")" || { echo "login $i: no full frame" >&2; capture "keep:login$i" >&2; exit 1; }
  echo $(( (t1 - t0) / 1000000 )) >> "$work/login.txt"
  tmux -L "$tmux_server" kill-window -t "keep:login$i"
  sleep 0.3
done
echo "login to first full frame: $(median "$work/login.txt")   target median <= 1500 ms"

# ---- 2. event -> screen --------------------------------------------------------------------------
: > "$work/event.txt"; : > "$work/kill.txt"
tmux -L "$tmux_server" new-window -d -t keep -n watch "$ssh_cmd"
for _ in $(seq 1000); do full_frame "$(capture keep:watch)" && break; sleep 0.01; done
dead_shown() { capture keep:watch | grep -q 'n3.*\[DEAD\]'; }
for ((i = 1; i <= samples; i++)); do
  before=$(grep -c "node n3 is dead" "$work/n1.log" || true)
  kill_ms=$(now_ms)
  kill -KILL "$(cat "$work/n3.pid")"
  shown=
  for _ in $(seq 1500); do
    if dead_shown; then shown=$(now_ms); break; fi
    sleep 0.01
  done
  [[ -n $shown ]] || { echo "sample $i: n3 never shown dead" >&2; exit 1; }
  for _ in $(seq 100); do (( $(grep -c "node n3 is dead" "$work/n1.log" || true) > before )) && break; sleep 0.05; done
  event=$(log_ms "$work/n1.log" "node n3 is dead")
  echo $((shown - event)) >> "$work/event.txt"
  echo $((shown - kill_ms)) >> "$work/kill.txt"
  rm -f "$work/n3.pid"
  start_agent "$work" n3
  wait_all_alive "$work" 60 "${nodes[@]}" || { echo "n3 did not come back" >&2; exit 1; }
  for _ in $(seq 500); do dead_shown || break; sleep 0.01; done
  sleep 0.5
done
echo "event (n1 logs n3 dead) -> on screen: $(median "$work/event.txt")   target median <= 250 ms"
echo "kill -9 -> on screen (deadtime 1000 ms included): $(median "$work/kill.txt")"
tmux -L "$tmux_server" kill-window -t keep:watch

# ---- 3. memory with N sessions, and the agents' heartbeats meanwhile ------------------------------
rss() { awk '/^VmRSS/{print $2}' "/proc/$console_pid/status"; }
threads() { awk '/^Threads/{print $2}' "/proc/$console_pid/status"; }
sleep 2
idle_rss=$(rss); idle_threads=$(threads)
declare -A slips0
for n in n1 n2; do slips0[$n]=$(json_num "$(status_json "$work" "$n")" slips); done
for ((i = 1; i <= sessions; i++)); do
  tmux -L "$tmux_server" new-window -d -t keep -n "s$i" "$ssh_cmd"
done
open=0
for _ in $(seq 600); do
  open=0
  for ((i = 1; i <= sessions; i++)); do full_frame "$(capture "keep:s$i")" && open=$((open + 1)); done
  ((open == sessions)) && break
  sleep 0.1
done
echo "$open of $sessions dashboards open; holding them for $seconds s"
max_rss=0
for ((i = 0; i < seconds; i++)); do
  r=$(rss); ((r > max_rss)) && max_rss=$r
  if ((i == 10 || i == seconds / 2 + 5)); then kill -KILL "$(cat "$work/n3.pid")"; fi
  if ((i == 15 || i == seconds / 2 + 10)); then rm -f "$work/n3.pid"; start_agent "$work" n3; fi
  sleep 1
done
wait_all_alive "$work" 60 "${nodes[@]}" || echo "n3 did not rejoin" >&2
busy_threads=$(threads)
open=0
for ((i = 1; i <= sessions; i++)); do full_frame "$(capture "keep:s$i")" && open=$((open + 1)); done
warntime=$(json_num "$(status_json "$work" n1)" warntimeMs)
echo "console RSS: fresh $((fresh_rss / 1024)) MB; idle after the tests above $((idle_rss / 1024)) MB ($idle_threads threads); with $sessions sessions max $((max_rss / 1024)) MB ($busy_threads threads); $open dashboards still complete at the end"
for n in n1 n2; do
  s=$(status_json "$work" "$n")
  slips=$(json_num "$s" slips); maxslip=$(json_num "$s" maxSlipMs)
  verdict=yes; ((maxslip <= warntime)) || verdict=NO
  echo "$n heartbeats: $((slips - ${slips0[$n]})) new slips during the window, maxSlipMs $maxslip since start (warntime $warntime ms): within warntime: $verdict"
done
