#!/usr/bin/env bash
# Issue 16's fault-injection soak at full length: SoakBedIT (3 nodes on the namespace bed, faults
# from a seed: kill -9 of an agent or a node, SIGSTOP shorter and longer than deadtime, partitions,
# 30 % loss, a flapping link, apache killed, a hung stop; a checker sampling every 10 ms) for N
# minutes instead of the test command's 3. The seed is random unless given, and printed first:
# `sudo bench/soak.sh 30 SEED` replays a run's schedule exactly. It prints the schedule, the test's
# summary lines and its verdict; the history and the agents' logs are in install/target/soak-it.
#
#   sudo bench/soak.sh [minutes] [seed]      default 30 and a random seed; SOAK_NODES=5 for 5 nodes
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
[ "$(id -u)" = 0 ] || { echo "soak.sh needs root (network namespaces)" >&2; exit 1; }
minutes="${1:-30}"
seed="${2:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}"
echo "soak: $minutes min, seed $seed, ${SOAK_NODES:-3} nodes (sudo bench/soak.sh $minutes $seed replays it)"
./mvnw -B -o -pl install -am verify -Djacoco.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -DskipITs=false -Dit.test=SoakBedIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dsoak.seed="$seed" -Dsoak.duration="PT${minutes}M" -Dsoak.nodes="${SOAK_NODES:-3}" 2>&1 \
    | grep --line-buffered -E "SoakBedIT:|^  +[0-9.]+s |violation|Tests run:.*SoakBedIT|BUILD"
