#!/usr/bin/env bash
# How the heartbeat layer scales: N real agents (the distribution's launcher, so production's JVM
# flags) on loopback, each on its own address 127.0.77.i, one cluster file, the `lan` preset
# (80 ms keepalive, 1 s deadtime), unicast all-to-all. For each N:
#   1. starts the agents and waits until every agent's log shows a view of all N members;
#   2. after a warm-up, measures for a window: CPU per agent (utime+stime from /proc/PID/stat, read
#      by one python process: no fork per sample), RSS (VmRSS from /proc/PID/status, sampled each
#      second, max), and UDP datagrams sent and received in this network namespace
#      (/proc/net/snmp Udp OutDatagrams/InDatagrams; loopback, so every datagram counts once each
#      way; divided by N it is per agent; any other UDP in the host namespace is included);
#   3. kill -9 of the last agent, then the time until EVERY survivor has logged "node nN is dead"
#      (the agents' own timestamped log lines, read from their files: polling `vigil status`
#      would start N JVMs per poll and load the machine being measured); also counts false
#      deaths (any other node declared dead: from the full view on, and separately while the N
#      JVMs start, under the load they make together) and late-heartbeat warnings;
#   4. stops every agent it started, by PID.
#
#   bench/scale.sh [N...]        default: 8 16 32 64
#   WINDOW=30 WARMUP=10 PORT=7790 PRESET=lan bench/scale.sh 8 16
#   MODE=multicast bench/scale.sh 64   the heartbeat link in multicast mode (one send per beat)
#
# Targets (issue 16): at 64 nodes, every survivor agrees <= deadtime + 1 s after a death,
# <= 2 % of a core and <= 64 MB per agent. Prints the machine's load average before and after:
# 32 and 64 JVMs on a small shared machine measure under their own load.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

sizes=("$@"); ((${#sizes[@]})) || sizes=(8 16 32 64)
window=${WINDOW:-30}
warmup=${WARMUP:-10}
port=${PORT:-7790}
preset=${PRESET:-lan}
mode=${MODE:-unicast}
work=${WORK_DIR:-/tmp/vigil-bench-scale}
ensure_built

nodes=()
cleanup() { local n; for n in "${nodes[@]}"; do stop_agent "$work" "$n"; done; }
trap cleanup EXIT

results=()
for n in "${sizes[@]}"; do
  ((n >= 2 && n <= 64)) || { echo "N must be 2..64 (a heartbeat carries at most 64 view members): $n" >&2; exit 2; }
  rm -rf "$work"; mkdir -p "$work"
  addrs=(); nodes=()
  for ((i = 1; i <= n; i++)); do addrs+=("127.0.77.$i"); nodes+=("n$i"); done
  write_cluster "$work/cluster.yaml" "$preset" "$port" "${addrs[@]}"
  if [[ $mode == multicast ]]; then
    sed -i "s|  - {type: udp, mode: unicast, port: $port}|  - {type: udp, mode: multicast, group: 239.77.77.77, interface: lo, port: $port}|" "$work/cluster.yaml"
  fi
  echo "== $n agents ($preset, $mode), load $(cut -d' ' -f1-3 /proc/loadavg)"
  for node in "${nodes[@]}"; do start_agent "$work" "$node"; done
  pids=(); for node in "${nodes[@]}"; do pids+=("$(cat "$work/$node.pid")"); done
  row=$(python3 - "$work" "$n" "$warmup" "$window" "${pids[@]}" <<'PY'
import datetime, os, re, signal, sys, time
work, n, warmup, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pids = [int(p) for p in sys.argv[5:]]
names = [f"n{i}" for i in range(1, n + 1)]
hz = os.sysconf("SC_CLK_TCK")
view_re = re.compile(r"view \d+ = \[([^\]]*)\]")
dead_re = re.compile(r"^(\S+) .* node (n\d+) is dead;")

def log(name):
    try:
        with open(f"{work}/{name}.log", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []

def full_view(name):
    last = None
    for line in log(name):
        m = view_re.search(line)
        if m:
            last = m.group(1)
    return last is not None and len(last.split(", ")) == n

def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / hz

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

def udp():
    with open("/proc/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Udp:")]
    head, vals = rows[0], rows[1]
    return int(vals[head.index("InDatagrams")]), int(vals[head.index("OutDatagrams")])

def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False

start = time.monotonic()
deadline = start + 60 + 3 * n
pending = set(names)
while pending and time.monotonic() < deadline:
    pending = {x for x in pending if not full_view(x)}
    if not all(alive(p) for p in pids):
        print(f"an agent exited during start-up; see {work}/*.log", file=sys.stderr); sys.exit(2)
    time.sleep(0.5)
if pending:
    print(f"no full view of {n} after {time.monotonic() - start:.0f} s on {sorted(pending)[:5]}...", file=sys.stderr); sys.exit(2)
joined = time.monotonic() - start
steady_from = datetime.datetime.now()
print(f"   full view of {n} at {steady_from:%H:%M:%S}", file=sys.stderr)
time.sleep(warmup)

c0 = [cpu(p) for p in pids]; u0 = udp(); t0 = time.monotonic()
rss = [0.0] * n
for _ in range(window):
    rss = [max(r, rss_mb(p)) for r, p in zip(rss, pids)]
    time.sleep(1)
c1 = [cpu(p) for p in pids]; u1 = udp(); t1 = time.monotonic()
wall = t1 - t0
pct = sorted(100 * (b - a) / wall for a, b in zip(c0, c1))
mean_pct = sum(pct) / n
rx = (u1[0] - u0[0]) / wall / n
tx = (u1[1] - u0[1]) / wall / n
# per received datagram: all of an agent's CPU (its sending, timers, GC included) over what it received
us_per_rx = 1e6 * (mean_pct / 100) / rx if rx else float("nan")

victim, vpid = names[-1], pids[-1]
killed_at = datetime.datetime.now()
print(f"   kill -9 of {victim} at {killed_at:%H:%M:%S.%f}", file=sys.stderr)
os.kill(vpid, signal.SIGKILL)
survivors = names[:-1]
seen = {}
deadline = time.monotonic() + 15
while len(seen) < len(survivors) and time.monotonic() < deadline:
    time.sleep(0.25)
    for s in survivors:
        if s in seen:
            continue
        for line in log(s):
            m = dead_re.match(line)
            if m and m.group(2) == victim:
                at = datetime.datetime.fromisoformat(m.group(1))
                if at >= killed_at - datetime.timedelta(seconds=1):
                    seen[s] = (at - killed_at).total_seconds()
                    break
# Deaths of nodes nobody killed: while N JVMs start at once (start-up, under the load they make
# themselves) and from the full view on (steady state, which must have none).
def false_deaths(since, until):
    return sum(1 for s in names for line in log(s)
               if (m := dead_re.match(line)) and m.group(2) != victim
               and since <= datetime.datetime.fromisoformat(m.group(1)) < until)
far = datetime.datetime.max
start_deaths, steady_deaths = false_deaths(datetime.datetime.min, steady_from), false_deaths(steady_from, far)
late_re = re.compile(r"^(\S+) .*late heartbeat: node (n\d+)")
steady_lates = sum(1 for s in survivors for line in log(s)
                   if (m := late_re.match(line)) and m.group(2) != victim
                   and datetime.datetime.fromisoformat(m.group(1)) >= steady_from)
agreed = f"{max(seen.values()):.3f}" if len(seen) == len(survivors) else f">15 ({len(seen)}/{len(survivors)})"
first = f"{min(seen.values()):.3f}" if seen else "-"
print(f"| {n} | {joined:.0f} | {mean_pct:.2f} (max {pct[-1]:.2f}) | {max(rss):.1f} | {tx:.0f} / {rx:.0f} | {us_per_rx:.0f} | {first} / {agreed} | {steady_deaths} ({start_deaths}) | {steady_lates} |")
PY
  ) || { echo "scale run of $n failed" >&2; exit 1; }
  echo "$row"; results+=("$row")
  cleanup; nodes=()
  echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done

echo
echo "window ${window} s after ${warmup} s warm-up; $(nproc) cores; $(java -version 2>&1 | head -1)"
echo "| N | full view after (s) | CPU per agent, % of a core: mean (max) | RSS max (MB) | datagrams/s per agent sent / received | µs CPU per received datagram | kill -9 → first / last survivor says dead (s) | false deaths from full view on (during start-up) | late warnings from full view on |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
