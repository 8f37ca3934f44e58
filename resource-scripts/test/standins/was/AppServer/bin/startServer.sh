#!/bin/sh
# Stand-in for WAS's startServer.sh SERVER [-profileName P] [-timeout S] (a TEST FIXTURE).
. "$(dirname "$0")/was-standin-lib.sh"
was_profile "$@"
echo "ADMU0116I: Tool information is being logged in file $PROFILE_DIR/logs/$SERVER/startServer.log"
echo "ADMU0128I: Starting tool with the $PROFILE profile"
echo "ADMU3100I: Reading configuration for server: $SERVER"
if _pid=$(was_pid); then
    echo "ADMU3027E: An instance of the server may already be running: $SERVER"
    echo "ADMU3111E: Server launch failed. Check the log file $PROFILE_DIR/logs/$SERVER/startServer.log"
    exit 255
fi
mkdir -p "$PROFILE_DIR/logs/$SERVER"
rm -f "$PIDFILE"
setsid "$WAS_ROOT/java/bin/java" -Dwas.install.root="$WAS_ROOT" -Duser.install.root="$PROFILE_DIR" \
    com.ibm.wsspi.bootstrap.WSPreLauncher -nosplash -application com.ibm.ws.bootstrap.WSLauncher \
    com.ibm.ws.runtime.WsServer "config=$PROFILE_DIR/config" "serverindex=$INDEX" "pidfile=$PIDFILE" \
    "$CELL" "$NODE" "$SERVER" </dev/null >>"$PROFILE_DIR/logs/$SERVER/SystemOut.log" 2>&1 &
echo "ADMU3200I: Server launched. Waiting for initialization status."
_i=0
while [ $_i -lt 300 ]; do
    if _pid=$(was_pid); then
        echo "ADMU3000I: Server $SERVER open for e-business; process id is $_pid"
        exit 0
    fi
    sleep 0.1; _i=$((_i + 1))
done
echo "ADMU3011E: Server launched but failed initialization. startServer.log, SystemOut.log(or job log in zOS) and other log files under $PROFILE_DIR/logs/$SERVER should contain failure information."
exit 255
