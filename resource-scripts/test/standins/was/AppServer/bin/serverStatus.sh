#!/bin/sh
# Stand-in for WAS's serverStatus.sh SERVER|-all [-profileName P] (a TEST FIXTURE).
. "$(dirname "$0")/was-standin-lib.sh"
[ "${1:-}" = -all ] && set -- server1 "$@"
was_profile "$@"
echo "ADMU0116I: Tool information is being logged in file $PROFILE_DIR/logs/$SERVER/serverStatus.log"
echo "ADMU0128I: Starting tool with the $PROFILE profile"
echo "ADMU0500I: Retrieving server status for $SERVER"
if _pid=$(was_pid); then
    echo "ADMU0508I: The Application Server \"$SERVER\" is STARTED"
else
    echo "ADMU0509I: The Application Server \"$SERVER\" cannot be reached. It appears to be stopped."
fi
exit 0
