#!/usr/bin/env bash
# Runs ClusterLabs' ocf-tester against each Vigil OCF agent in throwaway
# namespaces, so the host is left untouched:
#   IPaddr     - in a private network namespace with a veth pair and 10.213.0.1/24
#   Filesystem - on a loop-device ext4 image, in a private mount namespace
#   apache     - apache2 with its own config/pid/log/port, inside a network namespace
# Prints one line per agent (PASS/FAIL/SKIP), exits non-zero on any failure.
# Needs root, ocf-tester (resource-agents), iproute2, losetup, mkfs.ext4, apache2, curl.
# Usage: run-ocf-tester.sh [-v] [AGENT...]   (default: IPaddr Filesystem apache)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
AGENTS_DIR=${VIGIL_OCF_DIR:-$HERE/../ocf/vigil}
AGENTS_DIR=$(cd "$AGENTS_DIR" && pwd)
OCF_TESTER=${OCF_TESTER:-/usr/sbin/ocf-tester}
VERBOSE=0
if [ "${1:-}" = "-v" ]; then VERBOSE=1; shift; fi
if [ $# -gt 0 ]; then WANT=("$@"); else WANT=(IPaddr Filesystem apache); fi

if [ "$(id -u)" -ne 0 ]; then echo "run-ocf-tester: must run as root" >&2; exit 2; fi
if [ ! -x "$OCF_TESTER" ]; then echo "run-ocf-tester: $OCF_TESTER missing (apt-get install resource-agents)" >&2; exit 2; fi

TMP=$(mktemp -d /tmp/vigil-ocf-test.XXXXXX)
chmod 755 "$TMP"   # apache workers (www-data) read the document root below it
SUFFIX=$$
NETNS_IP="vigil-ocf-ip-$SUFFIX"
NETNS_WEB="vigil-ocf-web-$SUFFIX"
LOOPDEV=""
FAILED=0

cleanup() {
    # apache: stop via the agent, then make sure by pid file.
    if [ -f "$TMP/web/run/apache2.pid" ]; then
        pid=$(cat "$TMP/web/run/apache2.pid" 2>/dev/null)
        case "$pid" in ''|*[!0-9]*) ;; *) kill -TERM "$pid" 2>/dev/null; sleep 1; kill -KILL "$pid" 2>/dev/null ;; esac
    fi
    ip netns pids "$NETNS_WEB" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    ip netns pids "$NETNS_IP" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NETNS_WEB" 2>/dev/null
    ip netns del "$NETNS_IP" 2>/dev/null
    [ -n "$LOOPDEV" ] && losetup -d "$LOOPDEV" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_tester NAME LOGFILE CMD...: run, record a one-line result.
result() {
    local agent=$1 rc=$2 log=$3 secs=$4
    if [ "$rc" -eq 0 ] && grep -q "passed all tests" "$log"; then
        echo "PASS $agent (ocf-tester, ${secs}s)"
        [ "$VERBOSE" = 1 ] && sed 's/^/    /' "$log"
    else
        echo "FAIL $agent (ocf-tester rc=$rc, ${secs}s)"
        sed 's/^/    /' "$log"
        FAILED=1
    fi
}

need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { echo "missing: $c"; return 1; }
    done
}

test_IPaddr() {
    local log=$TMP/IPaddr.log start=$SECONDS rc
    need ip >"$log" || { result IPaddr 1 "$log" 0; return; }
    ip netns add "$NETNS_IP" &&
    ip -n "$NETNS_IP" link set lo up &&
    ip -n "$NETNS_IP" link add vocf0 type veth peer name vocf1 &&
    ip -n "$NETNS_IP" link set vocf0 up &&
    ip -n "$NETNS_IP" link set vocf1 up &&
    ip -n "$NETNS_IP" addr add 10.213.0.1/24 dev vocf0 >>"$log" 2>&1 || { result IPaddr 1 "$log" 0; return; }
    # nic omitted on purpose: the agent must find vocf0 by subnet. Per-instance
    # state goes to a private HA_RSCTMP.
    mkdir -p "$TMP/rsctmp"
    timeout 120 ip netns exec "$NETNS_IP" env HA_RSCTMP="$TMP/rsctmp" \
        "$OCF_TESTER" -n vigil_ip -o ip=10.213.0.100 -o cidr_netmask=24 "$AGENTS_DIR/IPaddr" >>"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ip -n "$NETNS_IP" -o addr show | grep -q 10.213.0.100; then
        echo "address left behind after ocf-tester" >>"$log"; rc=1
    fi
    result IPaddr $rc "$log" $((SECONDS - start))
}

test_Filesystem() {
    local log=$TMP/Filesystem.log start=$SECONDS rc
    need losetup mkfs.ext4 unshare truncate >"$log" || { result Filesystem 1 "$log" 0; return; }
    truncate -s 64M "$TMP/disk.img" && mkfs.ext4 -q -F "$TMP/disk.img" >>"$log" 2>&1 &&
    LOOPDEV=$(losetup -f --show "$TMP/disk.img" 2>>"$log") || { result Filesystem 1 "$log" 0; return; }
    # Private mount namespace: nothing is mounted on the host. After ocf-tester,
    # also check that stop ends a process holding the mount busy.
    timeout 180 unshare --mount --propagation private bash -c '
        set -u
        tester=$1 agent=$2 dev=$3 dir=$4
        "$tester" -n vigil_fs -o device="$dev" -o directory="$dir" -o fstype=ext4 "$agent" || exit 1
        export OCF_RESKEY_device=$dev OCF_RESKEY_directory=$dir OCF_RESKEY_fstype=ext4
        "$agent" start || { echo "start rc=$?"; exit 1; }
        (cd "$dir" && exec sleep 300) & holder=$!
        sleep 0.5
        "$agent" stop; rc=$?
        if kill -0 $holder 2>/dev/null; then echo "busy holder $holder survived stop"; kill -KILL $holder; exit 1; fi
        [ $rc -eq 0 ] || { echo "stop with busy holder rc=$rc"; exit 1; }
        "$agent" monitor; rc=$?
        [ $rc -eq 7 ] || { echo "monitor after busy stop rc=$rc"; exit 1; }
        echo "busy-mount stop: holder ended, unmounted"
    ' _ "$OCF_TESTER" "$AGENTS_DIR/Filesystem" "$LOOPDEV" "$TMP/mnt" >>"$log" 2>&1
    rc=$?
    losetup -d "$LOOPDEV" 2>/dev/null && LOOPDEV=""
    result Filesystem $rc "$log" $((SECONDS - start))
}

test_apache() {
    local log=$TMP/apache.log start=$SECONDS rc httpd=${APACHE_HTTPD:-/usr/sbin/apache2}
    local mods=${APACHE_MODULES:-/usr/lib/apache2/modules} web=$TMP/web
    need curl >"$log" || { result apache 1 "$log" 0; return; }
    if [ ! -x "$httpd" ] || [ ! -f "$mods/mod_mpm_event.so" ]; then
        echo "apache2 not installed ($httpd, $mods)" >>"$log"; result apache 1 "$log" 0; return
    fi
    mkdir -p "$web/htdocs" "$web/run" "$web/logs"
    echo "vigil ocf test" >"$web/htdocs/index.html"
    cat >"$web/httpd.conf" <<CONF
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule dir_module $mods/mod_dir.so
ServerName localhost
Listen 127.0.0.1:18080
DefaultRuntimeDir $web/run
Mutex file:$web/run default
ErrorLog logs/error.log
User www-data
Group www-data
DocumentRoot $web/htdocs
<Directory $web/htdocs>
  Require all granted
</Directory>
CONF
    ip netns add "$NETNS_WEB" && ip -n "$NETNS_WEB" link set lo up >>"$log" 2>&1 || { result apache 1 "$log" 0; return; }
    # pidfile given as a parameter (forced with -c PidFile); options sets ServerRoot
    # (-d, so the relative ErrorLog lands in $web/logs) and a quoted -C directive.
    timeout 180 ip netns exec "$NETNS_WEB" "$OCF_TESTER" -n vigil_web \
        -o configfile="$web/httpd.conf" -o httpd="$httpd" \
        -o statusurl=http://127.0.0.1:18080/ -o pidfile="$web/run/apache2.pid" \
        -o options="-C \"ServerSignature Off\" -d $web" \
        "$AGENTS_DIR/apache" >>"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && [ -n "$(ip netns pids "$NETNS_WEB" 2>/dev/null)" ]; then
        echo "processes left in the namespace after ocf-tester: $(ip netns pids "$NETNS_WEB")" >>"$log"; rc=1
    fi
    [ $rc -ne 0 ] && [ -f "$web/logs/error.log" ] && { echo "--- error.log"; tail -n 20 "$web/logs/error.log"; } >>"$log"
    result apache $rc "$log" $((SECONDS - start))
}

for a in "${WANT[@]}"; do
    case "$a" in
        IPaddr|Filesystem|apache) "test_$a" ;;
        *) echo "FAIL $a (unknown agent)"; FAILED=1 ;;
    esac
done

if [ $FAILED -ne 0 ]; then echo "run-ocf-tester: FAILED"; exit 1; fi
echo "run-ocf-tester: all passed"
exit 0
