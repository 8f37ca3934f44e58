#!/usr/bin/env bash
# The setup wizards' three targets (issue 13), with the real OpenSSH client in a private tmux server
# beside a live cluster: 3 agents on 127.0.0.71-73 at the `fast` preset (keepalive 50 ms, the
# tightest heartbeat schedule a wizard could disturb) and `vigil console --config` following them,
# all from the built distribution. The wizard is a recipe of this script's own on `local` (twenty
# files and a command under WORK_DIR/www, so the plan and the apply have work to do and touch
# nothing else of the machine); the console's engine is the one every recipe runs in.
#
#   bench/wizard.sh [samples] [presses]     defaults 5, 30
#
# 1. key press -> on screen: a character typed into the form's text field (tmux send-keys) until a
#    capture-pane poll (every 5 ms) shows it; `presses` samples. Includes tmux's and ssh's own
#    latency, as an operator's terminal would. Target: every press <= 100 ms (median and max shown).
# 2. summary -> plan: Enter on the summary until the plan's headline is on screen; `samples` runs,
#    each then applied (a, y) and closed, so the console runs form, plan and apply `samples` times.
#    Target: <= 3 s.
# 3. heartbeats: every agent's sender slips (`vigil status --json` heartbeat.slips, maxSlipMs) before
#    and after all of the above. Target: no new slip on any agent.
# Exit 0 when every target is met, 1 when one is missed, 2 when the run could not be made.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

samples=${1:-5}
presses=${2:-30}
[[ $samples =~ ^[1-9][0-9]*$ && $presses =~ ^[1-9][0-9]*$ ]] || { sed -n '9,19p' "$0" >&2; exit 2; }
nodes=(n1 n2 n3)
addrs=(127.0.0.71 127.0.0.72 127.0.0.73)
port=${PORT:-7771}
control_port=${CONTROL_PORT:-7772}
ssh_port=${SSH_PORT:-7773}
work=${WORK_DIR:-/tmp/vigil-bench-wizard}
tmux_server=vigil-bench-wizard-$$
ensure_built
needs_tools ssh ssh-keygen tmux python3

console_pid=
cleanup() { console_bench_cleanup "$work" "$tmux_server" "$console_pid" "${nodes[@]}"; }
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work/recipes/bench-files" "$work/www"
write_cluster "$work/cluster.yaml" fast "$port" "${addrs[@]}"
echo "control: {port: $control_port}" >> "$work/cluster.yaml"
for n in "${nodes[@]}"; do start_agent "$work" "$n"; done
wait_all_alive "$work" 60 "${nodes[@]}" || { echo "agents did not come up" >&2; exit 2; }

{
  echo "name: bench files"
  echo "hosts: [local]"
  echo "vars:"
  echo "  dir:   {type: path, description: \"where the files go\"}"
  echo "  title: {type: string, default: \"bench\", description: \"a line in every file\"}"
  echo "steps:"
  for i in $(seq 1 20); do
    echo "  - name: file $i"
    echo "    file: {path: \"{{dir}}/f$i.conf\", content: \"title={{title}} n=$i\\n\", mode: \"0644\"}"
  done
  echo "  - name: a command"
  echo "    command: {cmd: \"touch {{dir}}/done\", creates: \"{{dir}}/done\"}"
} > "$work/recipes/bench-files/playbook.yaml"

ssh-keygen -q -t ed25519 -N "" -C "bench operator" -f "$work/id_ed25519"
(umask 077; echo "role=operator $(cat "$work/id_ed25519.pub")" > "$work/authorized_keys")
setsid "$vigil" console --config "$work/cluster.yaml" --listen "127.0.0.1:$ssh_port" \
    --authorized-keys "$work/authorized_keys" --host-key "$work/host_ed25519" --audit-log "$work/audit.log" \
    --playbooks "$work/recipes" --wizard-saves "$work/saved" >>"$work/console.log" 2>&1 </dev/null &
console_pid=$!
disown "$console_pid"
for _ in $(seq 300); do grep -q "vigil console: listening" "$work/console.log" && break; sleep 0.1; done
grep -q "vigil console: listening" "$work/console.log" || { cat "$work/console.log" >&2; exit 2; }

declare -A slips0 max0
for n in "${nodes[@]}"; do
  j=$(status_json "$work" "$n"); slips0[$n]=$(json_num "$j" slips); max0[$n]=$(json_num "$j" maxSlipMs)
done

capture() { tmux -L "$tmux_server" capture-pane -p -t ui 2>/dev/null || true; }
keys() { tmux -L "$tmux_server" send-keys -t ui "$@"; }
now_ns() { date +%s%N; }
await() {   # TEXT [TRIES at 5 ms]: true once TEXT is on screen
  local text=$1 tries=${2:-2000}
  for ((k = 0; k < tries; k++)); do
    [[ $(capture) == *"$text"* ]] && return 0
    sleep 0.005
  done
  echo "not on screen: $text" >&2; capture >&2; return 1
}
stats() { python3 -c 'import sys,statistics; xs=[int(l) for l in open(sys.argv[1]) if l.strip()]; xs.sort(); print(f"min {xs[0]} median {statistics.median(xs):.0f} p95 {xs[max(0, -(-len(xs) * 95 // 100) - 1)]} max {xs[-1]} ms over {len(xs)}")' "$1"; }
maxof() { sort -n "$1" | tail -1; }

ssh_cmd="ssh -p $ssh_port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes \
-o BatchMode=yes -o LogLevel=ERROR -F /dev/null -i $work/id_ed25519 -t bench@127.0.0.1"
tmux -L "$tmux_server" -f /dev/null new-session -d -s ui -x 80 -y 24 "$ssh_cmd"
await "bench (operator)" || exit 2
keys w; await "Recipes in " || exit 2
keys Enter; await "bench-files: answers (1/5)" || exit 2

# ---- 1. key press -> on screen (the form's dir field) -----------------------------------------------
: > "$work/keys.txt"
keys -l "/"
await "/_" || exit 2
typed="/"
for ((i = 1; i <= presses; i++)); do
  c=$(printf "\\x$(printf %x $((97 + (i - 1) % 26)))")
  typed="$typed$c"
  t0=$(now_ns)
  keys -l "$c"
  await "$typed""_" 400 || exit 1
  echo $(( ($(now_ns) - t0) / 1000000 )) >> "$work/keys.txt"
  sleep 0.05
done
keys -N $((presses + 1)) BSpace
echo "key press -> on screen: $(stats "$work/keys.txt")   target <= 100 ms"

# ---- 2. summary -> plan, then apply; samples times ------------------------------------------------
: > "$work/plan.txt"
for ((i = 1; i <= samples; i++)); do
  if ((i > 1)); then keys Enter; await "bench-files: answers (1/5)" || exit 1; fi
  mkdir -p "$work/www/run$i"   # the recipe writes into it
  keys -l "$work/www/run$i"
  keys Enter; await "bench-files: summary (2/5)" || exit 1
  t0=$(now_ns)
  keys Enter
  await "nothing has been changed yet" 1200 || exit 1
  echo $(( ($(now_ns) - t0) / 1000000 )) >> "$work/plan.txt"
  keys a; await "[y/N]" || exit 1
  keys y; await "Done: bench files" 12000 || exit 1
  [[ $(capture) != *"failed=1"* ]] || { echo "apply $i failed" >&2; capture >&2; exit 1; }
  keys Enter; await "Recipes in " || exit 1
done
echo "summary Enter -> plan on screen (21 steps on local): $(stats "$work/plan.txt")   target <= 3000 ms"
ls "$work/www/run$samples/done" >/dev/null || { echo "the last apply did not write its files" >&2; exit 1; }

# ---- 3. the agents' heartbeats meanwhile -------------------------------------------------------------
fail=0
for n in "${nodes[@]}"; do
  j=$(status_json "$work" "$n")
  s=$(json_num "$j" slips); m=$(json_num "$j" maxSlipMs)
  echo "$n: heartbeat slips during the run $((s - ${slips0[$n]})) (total $s, maxSlipMs $m, before ${max0[$n]})   target 0"
  ((s == ${slips0[$n]})) || fail=1
done
(( $(maxof "$work/keys.txt") <= 100 )) || fail=1
(( $(maxof "$work/plan.txt") <= 3000 )) || fail=1
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
exit $fail
