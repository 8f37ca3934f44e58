#!/usr/bin/env bash
# Issue 21's fence race at full length: two nodes on the namespace bed with a power switch each
# and no ping target, the heartbeat cable cut at a random moment on a random side, N times with
# priority_fencing_delay (the priority-10 group on ha2: ha2 must survive every cut), then M times
# with delay_base on ha1's switch only (ha1 must survive every cut). It is FenceRaceBedIT with more
# cuts than the test command runs (6 and 4); it prints one line per cut (who was cut, who fenced
# whom, and how long after the cut the loser's agent was gone) and the test's verdict.
#
#   sudo bench/fence-race.sh [N] [M]      default 20 10; FENCERACE_SEED=S repeats a run's cut moments
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
[ "$(id -u)" = 0 ] || { echo "fence-race.sh needs root (network namespaces)" >&2; exit 1; }
seed=()
[ -n "${FENCERACE_SEED:-}" ] && seed=("-Dfencerace.seed=$FENCERACE_SEED")
./mvnw -B -o -pl install -am verify -Djacoco.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -DskipITs=false -Dit.test=FenceRaceBedIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dfencerace.cuts="${1:-20}" -Dfencerace.device.cuts="${2:-10}" "${seed[@]}" 2>&1 \
    | grep --line-buffered -E "FenceRaceBedIT:|Tests run:.*FenceRaceBedIT|BUILD"
