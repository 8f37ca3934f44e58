#!/usr/bin/env bash
# RabbitMQ failover benchmark (the rabbitmq recipe, issue 15), on the namespace bed (root):
#
#   sudo bench/rabbitmq-failover.sh [RUNS]        # default 3
#
# Each run is RabbitMqRecipeBedIT on a fresh three-node bed: the recipe applied over SSH, the
# agents started, a publisher in the client namespace (dev.vigil.bench.AmqpFailoverProbe) sending
# persistent messages with confirms to a quorum queue through the floating IP, one every 20 ms,
# the node holding the IP (its haproxy, its RabbitMQ) killed with SIGKILL (every process of the
# node), 50 more confirms, then every message consumed through the IP. Per run it prints the
# tally: confirmed, lost (confirmed, never consumed), duplicates, unconfirmed_delivered (the
# publish failed but the broker had it), failed attempts, and the publish gap (last confirm
# before the kill -> first confirm after it). At the end: gap min/median/max, lost and duplicates
# summed. Logs in WORK_DIR (default /tmp/vigil-bench-rabbitmq). Exit 1 if a run failed.
set -euo pipefail
runs=${1:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "rabbitmq-failover.sh: needs root (network namespaces)" >&2; exit 2; }
cd "$(dirname "$(readlink -f "$0")")/.."
work=${WORK_DIR:-/tmp/vigil-bench-rabbitmq}
mkdir -p "$work"
: > "$work/tallies.txt"
failed=0
for i in $(seq 1 "$runs"); do
    log="$work/run$i.log"
    if ./mvnw -q -o -pl install -am verify -Djacoco.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
            -DskipITs=false -Dit.test=RabbitMqRecipeBedIT -Dfailsafe.failIfNoSpecifiedTests=false >"$log" 2>&1; then
        line=$(grep -o 'ha[0-9] killed: confirmed=.*' "$log" | tail -1)
        echo "run $i: $line"
        echo "$line" >> "$work/tallies.txt"
    else
        echo "run $i: FAILED (see $log)"
        failed=1
    fi
done
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       gaps[n++] = v["gap_ms"] + 0; lost += v["lost"]; dup += v["duplicates"]; conf += v["confirmed"] }
     END { if (n == 0) exit
           asort(gaps)
           printf "runs=%d gap_ms min=%d median=%d max=%d; confirmed=%d lost=%d duplicates=%d\n",
                  n, gaps[1], gaps[int((n + 1) / 2)], gaps[n], conf, lost, dup }' "$work/tallies.txt"
exit $failed
