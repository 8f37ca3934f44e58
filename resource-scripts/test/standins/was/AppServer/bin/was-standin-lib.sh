# Shared by the stand-in's bin/*.sh (a TEST FIXTURE): the install root, the profile's paths.
# was_profile SERVER ARGS...: sets SERVER, PROFILE, PROFILE_DIR, CELL, NODE, INDEX, PIDFILE.
WAS_ROOT=$(cd "$(dirname "$0")/.." && pwd)
was_profile() {
    SERVER=${1:-server1}; shift
    PROFILE=""
    while [ $# -gt 0 ]; do
        case "$1" in -profileName) PROFILE=$2; shift ;; esac
        shift
    done
    if [ -z "$PROFILE" ]; then
        PROFILE=$(sed -n 's/^defaultProfile=//p' "$WAS_ROOT/properties/profileRegistry.properties" 2>/dev/null)
    fi
    PROFILE_DIR=$WAS_ROOT/profiles/$PROFILE
    if [ -z "$PROFILE" ] || [ ! -f "$PROFILE_DIR/bin/setupCmdLine.sh" ]; then
        echo "ADMU0116I: Tool information is being logged in file $WAS_ROOT/logs/standin.log"
        echo "ADMU7704E: Failed while trying to start the server: the profile ${PROFILE:-(none)} does not exist"
        exit 255
    fi
    . "$PROFILE_DIR/bin/setupCmdLine.sh"
    CELL=$WAS_CELL NODE=$WAS_NODE
    INDEX=$PROFILE_DIR/config/cells/$CELL/nodes/$NODE/serverindex.xml
    PIDFILE=$PROFILE_DIR/logs/$SERVER/$SERVER.pid
}
# The server's pid when it runs (the pid file's process is the stand-in JVM), else nothing.
was_pid() {
    _p=$(cat "$PIDFILE" 2>/dev/null) || return 1
    case "$_p" in ''|*[!0-9]*) return 1 ;; esac
    tr '\0' ' ' </proc/"$_p"/cmdline 2>/dev/null | grep -q "config=$PROFILE_DIR/config " && echo "$_p"
}
