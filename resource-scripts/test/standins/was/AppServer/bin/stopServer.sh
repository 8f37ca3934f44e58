#!/bin/sh
# Stand-in for WAS's stopServer.sh SERVER [-profileName P] (a TEST FIXTURE).
. "$(dirname "$0")/was-standin-lib.sh"
was_profile "$@"
echo "ADMU0116I: Tool information is being logged in file $PROFILE_DIR/logs/$SERVER/stopServer.log"
echo "ADMU0128I: Starting tool with the $PROFILE profile"
echo "ADMU3100I: Reading configuration for server: $SERVER"
if ! _pid=$(was_pid); then
    echo "ADMU0509I: The server \"$SERVER\" cannot be reached. It appears to be stopped."
    exit 0
fi
echo "ADMU3201I: Server stop request issued. Waiting for stop status."
kill -TERM "$_pid"
_i=0
# Until the process itself is gone (a zombie waiting for its reaper counts as gone).
gone() { [ ! -r /proc/$_pid/stat ] || awk '{exit ($3 == "Z") ? 0 : 1}' /proc/$_pid/stat 2>/dev/null; }
while [ $_i -lt 300 ] && ! gone; do sleep 0.1; _i=$((_i + 1)); done
if ! gone; then
    echo "ADMU3060E: Timed out waiting for server shutdown."
    exit 255
fi
echo "ADMU4000I: Server $SERVER stop completed."
exit 0
