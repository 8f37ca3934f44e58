#!/usr/bin/env bash
# Drills back to back on the namespace bed: N switchovers of the web group (Filesystem + IPaddr +
# apache, fencing configured), alternating ha1 -> ha2 -> ha1, each a whole `vigil drill run --yes
# --json` from the bed's client namespace with an HTTP probe of the VIP every 10 ms. Then the
# drills' probe at 10 ms measured alone against the same page (dev.vigil.bench.DrillProbeCost),
# with its connections reused (the default) and with a fresh one per probe (`reuse: false`).
# The bed's apache runs with KeepAlive On here (Debian's default; the bed's own is Off).
#
#   sudo bench/drills.sh [N] [PRESET]      default 10 drills at `fast`
#
# Reports, against issue 12's targets:
#   - heartbeat slips: each agent's `heartbeat.slips` counter (vigil status) before the first
#     drill and after the last, and each report's per-drill slips (target: 0 throughout);
#   - report written after the drill ends: the report file's modification time minus the end of
#     the drill's restore phase (startedAtMs + the phase's end), per drill (target <= 1 s);
#   - the client gap and verdict of each drill, for context;
#   - probing every 10 ms: CPU of the probe's threads as a share of one core (target <= 2 %).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/bed-lib.sh"

n=${1:-10}
preset=${2:-fast}
bed=${BED:-dbench}
work=${WORK_DIR:-/tmp/vigil-bench-drills}
fb_need_root_and_tools
fb_traps
rm -rf "$work"; mkdir -p "$work"
fb_bed_up 0 "${SUBNET:-93}"
for i in 1 2; do conf=HA${i}_APACHE_CONF; sed -i 's/^KeepAlive Off$/KeepAlive On/' "${!conf}"; done
fb_write_cluster "$work/cluster.yaml" cold "$preset"
for node in "${fb_nodes[@]}"; do fb_start_agent "$node"; done
fb_wait_settled cold 120 >/dev/null || { echo "the cluster did not settle" >&2; exit 1; }

{
  echo "drills:"
  for to in ha2 ha1; do
    cat <<YAML
  - name: to-$to
    kind: switchover
    target: www
    to: $to
    probes: [{name: page, http: "http://$VIP/", interval: 10ms, timeout: 500ms}]
    expect: {service_back_within: 60s, resources: {www: $to}, single_holder: [vip], fenced: false}
    limits: {budget: 5m, settle: 2m}
YAML
  done
} >"$work/drills.yaml"

slips() { for node in "${fb_nodes[@]}"; do echo "$node=$(fb_status "$node" | python3 -c 'import json,sys; print(json.load(sys.stdin)["heartbeat"]["slips"])')"; done; }
before=$(slips | tr '\n' ' ')
echo "$n switchover drills at $preset on bed $bed; heartbeat slips before: $before"
for i in $(seq 1 "$n"); do
  name=$([[ $((i % 2)) == 1 ]] && echo to-ha2 || echo to-ha1)
  # The unix socket reaches ha1's agent from the client's network namespace (sockets are paths).
  ip netns exec "$CLIENT_NS" "$vigil" drill run "$name" --yes --json --file "$work/drills.yaml" \
      --config "$work/cluster.yaml" --socket "$work/ha1.sock" --state-dir "$work/drill-state" \
      >"$work/drill-$i.json" 2>"$work/drill-$i.err" || true
  fb_wait_settled cold 120 >/dev/null || { echo "drill $i: the cluster did not settle after it" >&2; exit 1; }
done
after=$(slips | tr '\n' ' ')

python3 - "$work/drill-state/reports" "$before" "$after" "$n" <<'PY'
import json, os, sys
d, before, after, n = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), int(sys.argv[4])
rows, lat = [], []
for f in sorted(os.listdir(d)):
    r = json.load(open(os.path.join(d, f)))
    restore = next(p for p in r["phases"] if p["phase"] == "restore")
    end = r["startedAtMs"] + restore["startMs"] + restore["durationMs"]
    written = os.stat(os.path.join(d, f)).st_mtime_ns / 1e6
    lat.append(written - end)
    rows.append((r["drill"], r["verdict"], r.get("gapMs"), round(written - end, 1), r.get("heartbeatSlips")))
for i, row in enumerate(rows, 1):
    print("  drill %2d %-7s %-5s gap %5s ms, report written %6.1f ms after restore ended, slips %s" % ((i,) + row))
passed = sum(1 for r in rows if r[1] == "pass")
per_drill = sum(sum((r[4] or {}).values()) for r in rows)
b = {k: int(v) for k, v in (x.split("=") for x in before)}
a = {k: int(v) for k, v in (x.split("=") for x in after)}
delta = {k: a[k] - b[k] for k in a}
lat.sort()
print("drills: %d of %d reports, %d passed" % (len(rows), n, passed))
print("report written after the drill ends (<= 1000 ms): median %.1f ms, max %.1f ms -> %s"
      % (lat[len(lat) // 2], lat[-1], "met" if lat and lat[-1] <= 1000 else "NOT met"))
print("heartbeat slips over all drills (0): %s (per-drill reports: %d) -> %s"
      % (" ".join("%s +%d" % kv for kv in sorted(delta.items())), per_drill,
         "met" if all(v == 0 for v in delta.values()) and per_drill == 0 else "NOT met"))
PY

echo "probing $VIP every 10 ms for 20 s from the client namespace (DrillProbeCost, target <= 2 % of a core), load $(cut -d' ' -f1-3 /proc/loadavg):"
# With the JVM flags of the launcher (install/src/bin/vigil), which `vigil drill run` runs under.
for reuse in true false; do
  ip netns exec "$CLIENT_NS" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k -Xmx48m \
      -cp "$bench_jar" dev.vigil.bench.DrillProbeCost "http://$VIP/" --interval 10ms --duration 20s --reuse "$reuse"
done
