#!/usr/bin/env bash
# Runs ClusterLabs' ocf-tester against each Vigil OCF agent in throwaway
# namespaces, so the host is left untouched:
#   IPaddr     - in a private network namespace with a veth pair and 10.213.0.1/24
#   Filesystem - on a loop-device ext4 image, in a private mount namespace
#   apache     - apache2 with its own config/pid/log/port, inside a network namespace
#   nfsserver  - nfs-ganesha (+ rpcbind) in a network namespace with its own /run (tmpfs)
#   exportfs   - ganesha exports (everyone, and a network) against a running nfsserver there
#   nfs-kernel - both agents' kernel backend against fake rpc.nfsd/rpc.mountd/exportfs/rpc.statd
#                /mount that record their arguments (this kernel has no nfsd): the contract
#   ibmmq, WAS6, wasnd, db2, loadleveler - Vigil's ibmmq, wasnd and loadleveler, ClusterLabs' WAS6 and db2
#                (unmodified) against the IBM stand-ins of test/standins/ (see its README)
#   lvs        - Vigil's lvs against the ipvsadm stand-in (no IPVS in this kernel), real servers
#                on a namespace's loopback
# Prints one line per agent (PASS/FAIL/SKIP), exits non-zero on any failure.
# Needs root, ocf-tester (resource-agents), iproute2, losetup, mkfs.ext4, apache2, curl;
# nfsserver/exportfs need nfs-ganesha, nfs-ganesha-vfs, rpcbind, libnfs-utils (SKIP without).
# Usage: run-ocf-tester.sh [-v] [AGENT...]
#   (default: IPaddr Filesystem apache nfsserver exportfs nfs-kernel ibmmq WAS6 wasnd db2 loadleveler lvs)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
AGENTS_DIR=${VIGIL_OCF_DIR:-$HERE/../ocf/vigil}
AGENTS_DIR=$(cd "$AGENTS_DIR" && pwd)
OCF_TESTER=${OCF_TESTER:-/usr/sbin/ocf-tester}
VERBOSE=0
if [ "${1:-}" = "-v" ]; then VERBOSE=1; shift; fi
if [ $# -gt 0 ]; then WANT=("$@"); else WANT=(IPaddr Filesystem apache nfsserver exportfs nfs-kernel ibmmq WAS6 wasnd db2 loadleveler lvs); fi

if [ "$(id -u)" -ne 0 ]; then echo "run-ocf-tester: must run as root" >&2; exit 2; fi
if [ ! -x "$OCF_TESTER" ]; then echo "run-ocf-tester: $OCF_TESTER missing (apt-get install resource-agents)" >&2; exit 2; fi

TMP=$(mktemp -d /tmp/vigil-ocf-test.XXXXXX)
chmod 755 "$TMP"   # apache workers (www-data) read the document root below it
SUFFIX=$$
NETNS_IP="vigil-ocf-ip-$SUFFIX"
NETNS_WEB="vigil-ocf-web-$SUFFIX"
NETNS_NFS="vigil-ocf-nfs-$SUFFIX"
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
    ip netns pids "$NETNS_NFS" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NETNS_NFS" 2>/dev/null
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

# drop_netns NS LOG: kills what a test left running in namespace NS (a failure, recorded in
# LOG: returns 1) and deletes the namespace.
drop_netns() {
    local ns=$1 log=$2 left=0 i
    # A process the test killed on its way out may still be exiting: give it 2 s to be gone.
    for i in $(seq 1 20); do
        [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
        sleep 0.1
    done
    if [ -n "$(ip netns pids "$ns" 2>/dev/null)" ]; then
        echo "left running: $(ip netns pids "$ns" | xargs -r ps -o pid=,args= -p)" >>"$log"; left=1
        ip netns pids "$ns" | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    fi
    ip netns del "$ns" 2>/dev/null
    return $left
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
    if [ $rc -eq 0 ]; then
        # A stale pid file naming another process (a pid reused after a crash): not running,
        # and stop leaves that process alone.
        sleep 60 & local other=$!
        echo "$other" >"$web/run/apache2.pid"
        local mon stop
        OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf} OCF_RESKEY_configfile="$web/httpd.conf" OCF_RESKEY_httpd="$httpd" \
            OCF_RESKEY_pidfile="$web/run/apache2.pid" OCF_RESOURCE_INSTANCE=vigil_web "$AGENTS_DIR/apache" monitor >>"$log" 2>&1
        mon=$?
        OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf} OCF_RESKEY_configfile="$web/httpd.conf" OCF_RESKEY_httpd="$httpd" \
            OCF_RESKEY_pidfile="$web/run/apache2.pid" OCF_RESOURCE_INSTANCE=vigil_web "$AGENTS_DIR/apache" stop >>"$log" 2>&1
        stop=$?
        if [ $mon -ne 7 ] || [ $stop -ne 0 ] || ! kill -0 "$other" 2>/dev/null; then
            echo "stale pid file: monitor $mon (want 7), stop $stop (want 0), pid $other $(kill -0 "$other" 2>/dev/null && echo alive || echo killed)" >>"$log"
            rc=1
        else
            echo "stale pid file: monitor 7, stop 0, pid $other left alone" >>"$log"
        fi
        kill "$other" 2>/dev/null; wait "$other" 2>/dev/null
    fi
    if [ $rc -eq 0 ] && [ -n "$(ip netns pids "$NETNS_WEB" 2>/dev/null)" ]; then
        echo "processes left in the namespace after ocf-tester: $(ip netns pids "$NETNS_WEB")" >>"$log"; rc=1
    fi
    [ $rc -ne 0 ] && [ -f "$web/logs/error.log" ] && { echo "--- error.log"; tail -n 20 "$web/logs/error.log"; } >>"$log"
    result apache $rc "$log" $((SECONDS - start))
}

# A fresh network namespace for one NFS test; processes left from an earlier one are ended.
nfs_netns() {
    ip netns pids "$NETNS_NFS" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NETNS_NFS" 2>/dev/null
    ip netns add "$NETNS_NFS" && ip -n "$NETNS_NFS" link set lo up
}

need_ganesha() {
    local c missing=""
    for c in ganesha.nfsd rpcbind rpcinfo nfs-ls showmount; do
        command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
    done
    [ -f /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so ] || ls /usr/lib/*/ganesha/libfsalvfs.so >/dev/null 2>&1 ||
        missing="$missing libfsalvfs.so(nfs-ganesha-vfs)"
    [ -z "$missing" ] && return 0
    echo "SKIP $1 (missing:$missing; apt-get install nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils)"
    return 1
}

# ganesha and rpcbind run in a network namespace with a private /run (tmpfs): rpcbind's
# socket and state, and the agents' state_dir, never touch the host's.
test_nfsserver() {
    local log=$TMP/nfsserver.log start=$SECONDS rc
    need_ganesha nfsserver || return
    nfs_netns >"$log" 2>&1 || { result nfsserver 1 "$log" 0; return; }
    timeout 180 ip netns exec "$NETNS_NFS" unshare --mount --propagation private bash -c '
        set -u
        tester=$1 agent=$2 tmp=$3
        mount -t tmpfs tmpfs /run || exit 1
        "$tester" -n vigil_nfs -o server=ganesha -o logfile="$tmp/ganesha.log" \
            -o nfs_shared_infodir="$tmp/nfs-info" -o grace_period=5 -o lease_lifetime=5 "$agent" || exit 1
        # The recovery backend keeps NFSv4 client state in nfs_shared_infodir.
        [ -d "$tmp/nfs-info/v4recov" ] || { echo "no v4recov in nfs_shared_infodir"; ls -R "$tmp/nfs-info"; exit 1; }
    ' _ "$OCF_TESTER" "$AGENTS_DIR/nfsserver" "$TMP" >>"$log" 2>&1
    rc=$?
    # ganesha.nfsd and the rpcbind the agent started must be gone (stop ends both).
    sleep 0.2
    if [ $rc -eq 0 ] && [ -n "$(ip netns pids "$NETNS_NFS" 2>/dev/null)" ]; then
        echo "left running after ocf-tester: $(ip netns pids "$NETNS_NFS" | xargs -r ps -o pid=,comm= -p)" >>"$log"; rc=1
    fi
    [ $rc -ne 0 ] && [ -f "$TMP/ganesha.log" ] && { echo "--- ganesha.log"; grep -E ":(CRIT|MAJ|FATAL) :" "$TMP/ganesha.log" | tail -n 10; } >>"$log"
    result nfsserver $rc "$log" $((SECONDS - start))
}

test_exportfs() {
    local log=$TMP/exportfs.log start=$SECONDS rc
    need_ganesha exportfs || return
    nfs_netns >"$log" 2>&1 || { result exportfs 1 "$log" 0; return; }
    mkdir -p "$TMP/export/sub" && echo "vigil exportfs test" >"$TMP/export/file.txt"
    timeout 240 ip netns exec "$NETNS_NFS" unshare --mount --propagation private bash -c '
        set -u
        tester=$1 agents=$2 tmp=$3
        mount -t tmpfs tmpfs /run || exit 1
        export OCF_RESKEY_server=ganesha OCF_RESKEY_logfile=$tmp/ganesha-x.log
        "$agents/nfsserver" start || { echo "nfsserver start rc=$?"; exit 1; }
        rc=0
        "$tester" -n vigil_exp_all -o directory="$tmp/export" -o clientspec="*" \
            -o options=rw,no_root_squash,sync -o fsid=11 "$agents/exportfs" || rc=1
        # A network clientspec: the node itself may only list (MDONLY_RO), not read data.
        "$tester" -n vigil_exp_net -o directory="$tmp/export/sub/" -o clientspec=10.213.9.0/24 \
            -o fsid=12 -o pseudo=/sub "$agents/exportfs" || rc=1
        if [ $rc -eq 0 ]; then
            export OCF_RESKEY_directory=$tmp/export OCF_RESKEY_clientspec=10.213.9.0/24 OCF_RESKEY_fsid=13
            "$agents/exportfs" start || { echo "start (network) rc=$?"; rc=1; }
            nfs-ls "nfs://127.0.0.1$tmp/export" | grep -q file.txt || { echo "nfs-ls from the node failed"; rc=1; }
            if nfs-cat "nfs://127.0.0.1$tmp/export/file.txt" >/dev/null 2>&1; then
                echo "the node read file data through an export that does not admit it"; rc=1
            fi
            OCF_CHECK_LEVEL=10 "$agents/exportfs" monitor || { echo "depth-10 monitor rc=$?"; rc=1; }
            "$agents/exportfs" stop || { echo "stop rc=$?"; rc=1; }
            showmount -e --no-headers 127.0.0.1 | grep -q "^$tmp/export " && { echo "still listed after stop"; rc=1; }
            OCF_RESKEY_options=rw,nosuchoption "$agents/exportfs" validate-all; [ $? -eq 6 ] || { echo "bad option not rc 6"; rc=1; }
        fi
        [ -z "$(ls -A /run/vigil-nfs/exports.d)" ] || { echo "export blocks left: $(ls /run/vigil-nfs/exports.d)"; rc=1; }
        "$agents/nfsserver" stop || { echo "nfsserver stop rc=$?"; rc=1; }
        "$agents/exportfs" start 2>&1 | grep -q "start the nfsserver resource first" || { echo "start without server did not fail clearly"; rc=1; }
        exit $rc
    ' _ "$OCF_TESTER" "$AGENTS_DIR" "$TMP" >>"$log" 2>&1
    rc=$?
    [ $rc -ne 0 ] && [ -f "$TMP/ganesha-x.log" ] && { echo "--- ganesha.log"; grep -E ":(CRIT|MAJ|FATAL) :" "$TMP/ganesha-x.log" | grep -v -e DBUS -e krb5 | tail -n 10; } >>"$log"
    result exportfs $rc "$log" $((SECONDS - start))
}

# The kernel backend cannot run here (no nfsd in this kernel). Fake nfs-utils commands on
# PATH record their arguments and keep the state the agents read back (nfsd thread count,
# export table, a process named rpc.mountd); ocf-tester drives both agents, then the
# recorded command lines are checked against the nfs-utils contract.
test_nfs-kernel() {
    local log=$TMP/nfs-kernel.log start=$SECONDS rc fake=$TMP/fake-nfs-utils
    mkdir -p "$fake/bin" "$fake/daemon" "$fake/proc" "$fake/info"
    cp "$(command -v sleep)" "$fake/daemon/rpc.mountd"
    local c
    for c in rpc.statd mount umount; do
        printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" "$fake" >"$fake/bin/$c"
    done
    cat >"$fake/bin/rpc.nfsd" <<FAKE
#!/bin/sh
echo "rpc.nfsd \$*" >>"$fake/calls"
for a in "\$@"; do n=\$a; done
echo "\$n" >"$fake/proc/threads"
FAKE
    cat >"$fake/bin/rpc.mountd" <<FAKE
#!/bin/sh
echo "rpc.mountd \$*" >>"$fake/calls"
# Daemonizes like the real one; the process is named rpc.mountd.
setsid "$fake/daemon/rpc.mountd" 600 </dev/null >/dev/null 2>&1 &
FAKE
    cat >"$fake/bin/exportfs" <<FAKE
#!/bin/sh
tab="$fake/etab"; touch "\$tab"
if [ \$# -eq 0 ]; then
    # The real listing: DIR padded to 16 then the client, or DIR alone and the client
    # on the next line; * shows as <world>.
    while IFS="\$(printf '\\t')" read -r d c; do
        [ "\$c" = "*" ] && c="<world>"
        if [ \${#d} -gt 15 ]; then printf '%s\\n\\t\\t%s\\n' "\$d" "\$c"; else printf '%-16s%s\\n' "\$d" "\$c"; fi
    done <"\$tab"
    exit 0
fi
echo "exportfs \$*" >>"$fake/calls"
case "\$1" in
    -o) spec=\${3%%:*}; dir=\${3#*:}; printf '%s\\t%s\\n' "\$dir" "\$spec" >>"\$tab" ;;
    -u) spec=\${2%%:*}; dir=\${2#*:}; grep -vxF "\$(printf '%s\\t%s' "\$dir" "\$spec")" "\$tab" >"\$tab.n"; mv "\$tab.n" "\$tab" ;;
    -au) : >"\$tab" ;;
esac
FAKE
    chmod +x "$fake"/bin/*
    nfs_netns >"$log" 2>&1 || { result nfs-kernel 1 "$log" 0; return; }
    timeout 180 ip netns exec "$NETNS_NFS" env PATH="$fake/bin:$PATH" VIGIL_NFSD_PROCDIR="$fake/proc" bash -c '
        set -u
        tester=$1 agents=$2 fake=$3
        "$tester" -n vigil_knfs -o server=kernel -o rpcbind=false -o state_dir="$fake/state" \
            -o nfs_shared_infodir="$fake/info" -o nfsd_threads=4 -o mountd_port=20050 "$agents/nfsserver" || exit 1
        cp "$fake/calls" "$fake/calls.server"; : >"$fake/calls"
        "$tester" -n vigil_kexp -o server=kernel -o directory=/srv/vigil-contract/export/ \
            -o clientspec=10.213.8.0/24 -o options=rw,no_root_squash -o fsid=21 "$agents/exportfs" || exit 1
        "$tester" -n vigil_kexp2 -o server=kernel -o directory=/srv/a -o clientspec="*" -o fsid=22 "$agents/exportfs" || exit 1
    ' _ "$OCF_TESTER" "$AGENTS_DIR" "$fake" >>"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        # The first start, in order, then the matching stop.
        local want_start="mount --bind $fake/info /var/lib/nfs
rpc.statd --no-notify
exportfs -r
rpc.nfsd -p 2049 4
rpc.mountd -p 20050"
        local want_stop="rpc.nfsd 0
exportfs -au
exportfs -f
umount /var/lib/nfs"
        local got_start got_stop
        got_start=$(head -n 5 "$fake/calls.server")
        got_stop=$(sed -n '6,9p' "$fake/calls.server")
        [ "$got_start" = "$want_start" ] || { printf 'start calls:\n%s\nwanted:\n%s\n' "$got_start" "$want_start"; rc=1; }
        [ "$got_stop" = "$want_stop" ] || { printf 'stop calls:\n%s\nwanted:\n%s\n' "$got_stop" "$want_stop"; rc=1; }
        for l in "exportfs -o rw,no_root_squash,fsid=21 10.213.8.0/24:/srv/vigil-contract/export" \
                 "exportfs -u 10.213.8.0/24:/srv/vigil-contract/export" \
                 "exportfs -o fsid=22 *:/srv/a" "exportfs -u *:/srv/a"; do
            grep -qxF "$l" "$fake/calls" || { echo "missing call: $l"; rc=1; }
        done
        [ -s "$fake/etab" ] && { echo "exports left in the fake table:"; cat "$fake/etab"; rc=1; }
        [ -n "$(ip netns pids "$NETNS_NFS" 2>/dev/null)" ] && { echo "processes left: $(ip netns pids "$NETNS_NFS")"; rc=1; }
        { echo "--- recorded server calls"; cat "$fake/calls.server"; echo "--- recorded export calls"; cat "$fake/calls"; } >>"$log"
    fi
    result nfs-kernel $rc "$log" $((SECONDS - start))
}

# --- IBM product stand-ins (test/standins/*: IBM MQ, WAS, DB2, LoadLeveler cannot be installed
# here; the stand-ins follow the documented commands, outputs, exit codes and processes).
STANDINS=$HERE/standins

# PIDs of processes whose command line contains TEXT (the stand-ins' processes name their
# queue manager, profile or instance, which carry this run's suffix).
pids_with() {
    ps -e -o pid=,args= | awk -v t="$1" 'index($0, t) && !/awk -v t/ {print $1}'
}

kill_with() {
    local p
    for p in $(pids_with "$1"); do kill -KILL "$p" 2>/dev/null; done
}

test_ibmmq() {
    local log=$TMP/ibmmq.log start=$SECONDS rc=0 mq=$TMP/mq agent=$AGENTS_DIR/ibmmq
    local qm=VQ1_$SUFFIX other=VQ2_$SUFFIX
    need python3 timeout >"$log" || { result ibmmq 1 "$log" 0; return; }
    mkdir -p "$mq"
    # The data and logs go where a recipe puts them (the shared disk), mqs.ini to MQ_STANDIN_PREFIX;
    # env_file is how the agent hands that to every MQ command.
    printf 'export MQ_STANDIN_PREFIX=%s/var MQ_STANDIN_LIFETIME=300\n' "$mq" >"$mq/env"
    ( . "$mq/env"; "$STANDINS/mq/bin/crtmqm" -md "$mq/shared/data" -ld "$mq/shared/log" "$qm" &&
      "$STANDINS/mq/bin/crtmqm" -md "$mq/shared/data" -ld "$mq/shared/log" "$other" ) >>"$log" 2>&1 || rc=1
    local params="-o qmgr=$qm -o mquser=root -o mq_installation_path=$STANDINS/mq -o env_file=$mq/env"
    # shellcheck disable=SC2086
    [ $rc -eq 0 ] && { timeout 180 "$OCF_TESTER" -n vigil_mq $params -o immediate_stop_timeout=5 \
        -o preemptive_stop_timeout=3 "$agent" >>"$log" 2>&1 || rc=1; }
    if [ $rc -eq 0 ]; then
        timeout 240 bash -c '
            set -u
            agent=$1 mq=$2 qm=$3 other=$4 bin=$5
            export OCF_RESKEY_qmgr=$qm OCF_RESKEY_mquser=root OCF_RESKEY_mq_installation_path=${bin%/bin}
            export OCF_RESKEY_env_file=$mq/env OCF_RESKEY_immediate_stop_timeout=2 OCF_RESKEY_preemptive_stop_timeout=2
            . "$mq/env"
            fam() { ps -e -o pid=,comm=,args= | awk -v qm="$1" "\$2 ~ /^(amq|runmq)/ && / -m / && \$0 ~ (\" -m \" qm \"( |\$)\") {print \$1}"; }
            st() { "$bin/dspmq" -n -m "$qm" | sed -n "s/.*STATUS(\(.*\))/\1/p"; }
            alive() { [ -r /proc/$1/stat ] && ! awk "{exit (\$3 == \"Z\") ? 0 : 1}" /proc/$1/stat 2>/dev/null; }
            fail() { echo "FAILED: $*"; "$bin/dspmq" -n; ps -e -o pid=,comm=,args= | grep -e "-m VQ" | grep -v grep; exit 1; }
            # Another queue manager runs beside it and must never be touched.
            "$bin/strmqm" "$other" >/dev/null || fail "strmqm $other"
            others=$(fam "$other" | sort | tr "\n" " ")

            # 1. A crash: the execution controller dies, the other processes stay (stale).
            "$agent" start || fail "start rc=$?"
            OCF_CHECK_LEVEL=10 "$agent" monitor || fail "depth-10 monitor (ping qmgr) rc=$?"
            ec=$(ps -e -o pid=,comm=,args= | awk -v qm="$qm" "\$2 == \"amqzxma0\" && \$0 ~ (\"-m \" qm) {print \$1}")
            kill -KILL $ec; sleep 0.3
            stale=$(fam "$qm" | tr "\n" " ")
            [ -n "$stale" ] || fail "no stale processes after the crash"
            [ "$(st)" = "ENDED UNEXPECTEDLY" ] || fail "dspmq after crash: $(st)"
            "$agent" monitor; r=$?; [ $r -eq 7 ] || fail "monitor of a dead queue manager rc=$r (want 7)"
            # strmqm alone refuses while stale processes live (AMQ8041E, rc 24) ...
            "$bin/strmqm" "$qm" >/dev/null; r=$?; [ $r -eq 24 ] || fail "stand-in strmqm with stale processes rc=$r (want 24)"
            # ... the agent cleans them first.
            "$agent" start || fail "start after crash rc=$?"
            # (a killed process may stay a zombie until its reaper gets to it: not alive)
            for p in $stale; do alive $p && fail "stale process $p survived start"; done
            [ "$(st)" = RUNNING ] || fail "not RUNNING after start: $(st)"
            echo "crash: monitor 7, stale processes ($stale) cleaned by start, RUNNING again"

            # 2. endmqm -i hangs: stop escalates to endmqm -p after immediate_stop_timeout.
            echo hang-immediate >"$mq/shared/data/$qm/standin.fault"
            t0=$(date +%s)
            "$agent" stop || fail "stop with hung endmqm -i rc=$?"
            t=$(( $(date +%s) - t0 ))
            [ $t -ge 2 ] || fail "stop took ${t}s: it did not wait immediate_stop_timeout=2"
            [ "$(st)" = "ENDED PREEMPTIVELY" ] || fail "after escalation dspmq says $(st), want ENDED PREEMPTIVELY"
            [ -z "$(fam "$qm")" ] || fail "processes left: $(fam "$qm")"
            pgrep -f "endmqm -i $qm" >/dev/null && fail "the hung endmqm -i was left running"
            echo "hung endmqm -i: escalated to endmqm -p in ${t}s, nothing left"

            # 3. Nothing ends it (endmqm -i and -p hang, TERM ignored): the agent kills the family.
            echo hang-all >"$mq/shared/data/$qm/standin.fault"
            "$agent" start || fail "start (hang-all) rc=$?"
            t0=$(date +%s)
            "$agent" stop || fail "stop with everything hung rc=$?"
            t=$(( $(date +%s) - t0 ))
            [ $t -ge 4 ] || fail "stop took ${t}s: it did not try endmqm -i and -p for their timeouts"
            [ -z "$(fam "$qm")" ] || fail "processes left after kill: $(fam "$qm")"
            pgrep -f "endmqm -[ip] $qm" >/dev/null && fail "a hung endmqm was left running"
            "$agent" monitor; r=$?; [ $r -eq 7 ] || fail "monitor after forced stop rc=$r"
            rm -f "$mq/shared/data/$qm/standin.fault"
            echo "everything hung: killed in ${t}s, monitor 7"

            # 4. Refusals: an unknown queue manager (5), -x (6), a bad name (6).
            OCF_RESKEY_qmgr=NOSUCHQM "$agent" start 2>/dev/null; r=$?; [ $r -eq 5 ] || fail "start of unknown QM rc=$r (want 5)"
            OCF_RESKEY_strmqm_opts="-x" "$agent" validate-all 2>/dev/null; r=$?; [ $r -eq 6 ] || fail "-x rc=$r (want 6)"
            OCF_RESKEY_qmgr="Q M" "$agent" validate-all 2>/dev/null; r=$?; [ $r -eq 6 ] || fail "bad name rc=$r (want 6)"
            OCF_RESKEY_mquser=nosuchuser "$agent" validate-all 2>/dev/null; r=$?; [ $r -eq 5 ] || fail "no user rc=$r (want 5)"

            now=$(fam "$other" | sort | tr "\n" " ")
            [ "$now" = "$others" ] || fail "the other queue manager was touched: $others -> $now"
            "$bin/endmqm" -p "$other" >/dev/null
            echo "other queue manager untouched; refusals ok"
        ' _ "$agent" "$mq" "$qm" "$other" "$STANDINS/mq/bin" >>"$log" 2>&1 || rc=1
    fi
    kill_with "-m $qm"; kill_with "-m $other"; kill_with "endmqm -i $qm"; kill_with "endmqm -p $qm"
    result ibmmq $rc "$log" $((SECONDS - start))
}

# ClusterLabs' WAS6, unmodified, against the WAS stand-in. WAS6 knows only
# /opt/IBM/WebSphere/AppServer (or /usr/IBM/...): a private mount namespace puts a copy of the
# stand-in there (tmpfs on /opt), and a network namespace keeps its ports to itself.
# WAS6's own monitor answers 1, not 7, for a stopped server (it only fetches /snoop with wget):
# ocf-tester's checks of that fail against any WAS; exactly those are expected here, and
# start/status/monitor/stop are then checked one by one.
test_WAS6() {
    local log=$TMP/WAS6.log start=$SECONDS rc=0 ra=${WAS6_AGENT:-/usr/lib/ocf/resource.d/heartbeat/WAS6} ns=vigil-ocf-was-$SUFFIX
    need python3 wget netstat unshare >"$log" || { result WAS6 1 "$log" 0; return; }
    [ -f "$ra" ] || { echo "missing $ra (resource-agents)" >>"$log"; result WAS6 1 "$log" 0; return; }
    cp -r "$STANDINS/was/AppServer" "$TMP/was-root"
    ip netns add "$ns" && ip -n "$ns" link set lo up || { result WAS6 1 "$log" 0; return; }
    timeout 300 ip netns exec "$ns" unshare --mount --propagation private bash -c '
        set -u
        tester=$1 ra=$2 tmp=$3
        export WAS_STANDIN_LIFETIME=300 HA_RSCTMP=$tmp/was-rsctmp
        mkdir -p "$HA_RSCTMP"
        mount -t tmpfs tmpfs /opt && mkdir -p /opt/IBM/WebSphere/AppServer &&
            mount --bind "$tmp/was-root" /opt/IBM/WebSphere/AppServer || exit 1
        bin=/opt/IBM/WebSphere/AppServer/bin
        # The profile on "the shared disk" (a directory here), as the websphere recipe puts it.
        "$bin/manageprofiles.sh" -create -profileName vigil -profilePath "$tmp/was-shared/vigil" \
            -cellName vcell -nodeName vnode -startingPort 19060 || exit 1
        fail() { echo "FAILED: $*"; exit 1; }
        "$tester" -n vigil_was -o profile=vigil "$ra" >"$tmp/was-tester.out" 2>&1
        cat "$tmp/was-tester.out"
        unexpected=$(grep "^\* rc=" "$tmp/was-tester.out" | grep -v -e "Monitoring a stopped resource should return 7" \
            -e "The initial probe for a stopped resource should return 7 or 5")
        [ -z "$unexpected" ] || fail "ocf-tester failures other than WAS6 monitor-when-stopped: $unexpected"
        grep -q "^\* rc=1: Monitoring a stopped resource should return 7" "$tmp/was-tester.out" ||
            echo "note: WAS6 now answers 7 for a stopped server"
        export OCF_ROOT=/usr/lib/ocf OCF_RESKEY_profile=vigil OCF_RESOURCE_INSTANCE=vigil_was
        "$ra" status; r=$?; [ $r -eq 7 ] || fail "status of a stopped server rc=$r (want 7)"
        "$ra" validate-all || fail "validate-all rc=$?"
        "$ra" start || fail "start rc=$?"
        "$ra" start || fail "second start rc=$?"
        "$ra" monitor || fail "monitor (wget /snoop) rc=$?"
        "$ra" status || fail "status rc=$?"
        "$bin/serverStatus.sh" server1 -profileName vigil | grep -q "ADMU0508I.*STARTED" || fail "serverStatus.sh does not say STARTED"
        "$ra" stop || fail "stop rc=$?"
        "$ra" stop || fail "second stop rc=$?"
        "$ra" status; r=$?; [ $r -eq 7 ] || fail "status after stop rc=$r"
        OCF_RESKEY_profile=nosuch "$ra" validate-all 2>/dev/null; r=$?; [ $r -ne 0 ] || fail "validate-all of an unknown profile rc=0"
        # A node where the group does not run, as the websphere recipe leaves it: the profile on the
        # local disk of the node (its ports known), the shared disk (its tranlog/) not mounted, and other
        # programs listening (sshd, the agent): they are not the server, so stop answers 0.
        mkdir -p /opt/IBM/WebSphere/AppServer/profiles/vigil/tranlog
        timeout 60 python3 -c "import socket,time; s=socket.socket(); s.bind((\"127.0.0.1\", 2222)); s.listen(); time.sleep(60)" &
        other=$!
        for _ in $(seq 50); do netstat -ltn 2>/dev/null | grep -q ":2222 " && break; sleep 0.1; done
        netstat -ltn | grep -q ":2222 " || fail "the other listener did not start"
        "$ra" status; r=$?; [ $r -eq 7 ] || fail "status beside another listener rc=$r (want 7)"
        "$ra" stop; r=$?; [ $r -eq 0 ] || fail "stop beside another listener rc=$r (want 0)"
        "$ra" monitor; r=$?; [ $r -eq 1 ] || fail "monitor beside another listener rc=$r (WAS6 answers 1)"
        kill $other; wait $other 2>/dev/null
        echo "WAS6: status 7 stopped, start twice, monitor (snoop), stop twice, unknown profile refused; beside another listener: status 7, stop 0, monitor 1"
    ' _ "$OCF_TESTER" "$ra" "$TMP" >>"$log" 2>&1 || rc=1
    drop_netns "$ns" "$log" || rc=1
    # result() wants ocf-tester's "passed all tests"; WAS6 cannot pass its stopped-monitor checks.
    [ $rc -eq 0 ] && echo "WAS6 passed all tests (but the known monitor-when-stopped ones, see above)" >>"$log"
    result WAS6 $rc "$log" $((SECONDS - start))
}

# ClusterLabs' db2, unmodified, against the DB2 stand-in. The agent su's to the instance user
# and reads ~INSTANCE/sqllib: the user exists only inside a private mount namespace, where
# copies of /etc/passwd, group and shadow with that user are bind-mounted (the host's files
# are never changed). The agent checks that ksh exists (DB2 needs it); without ksh a shim
# on PATH satisfies that check (the stand-in does not use ksh).
test_db2() {
    local log=$TMP/db2.log start=$SECONDS rc=0 ra=${DB2_AGENT:-/usr/lib/ocf/resource.d/heartbeat/db2}
    local inst=db2v$SUFFIX uid=61900 home=$TMP/db2home
    need python3 unshare su >"$log" || { result db2 1 "$log" 0; return; }
    [ -f "$ra" ] || { echo "missing $ra (resource-agents)" >>"$log"; result db2 1 "$log" 0; return; }
    while getent passwd $uid >/dev/null || getent group $uid >/dev/null; do uid=$((uid + 1)); done
    mkdir -p "$home" "$TMP/db2etc" "$TMP/db2shim"
    cp -a "$STANDINS/db2/sqllib" "$home/sqllib"
    chown -R $uid:$uid "$home"
    cp /etc/passwd /etc/group "$TMP/db2etc/"
    cp /etc/shadow "$TMP/db2etc/shadow" 2>/dev/null || : >"$TMP/db2etc/shadow"
    echo "$inst:x:$uid:$uid:DB2 stand-in instance:$home:/bin/sh" >>"$TMP/db2etc/passwd"
    echo "$inst:x:$uid:" >>"$TMP/db2etc/group"
    echo "$inst:!:20000:0:99999:7:::" >>"$TMP/db2etc/shadow"
    command -v ksh >/dev/null 2>&1 || ln -s /bin/sh "$TMP/db2shim/ksh"
    timeout 300 unshare --mount --propagation private bash -c '
        set -u
        tester=$1 ra=$2 tmp=$3 inst=$4 home=$5
        for f in passwd group shadow; do mount --bind "$tmp/db2etc/$f" /etc/$f || exit 1; done
        export PATH=$tmp/db2shim:$PATH HA_RSCTMP=$tmp/db2-rsctmp
        mkdir -p "$HA_RSCTMP"
        asinst() { su "$inst" -c ". $home/sqllib/db2profile; DB2_STANDIN_LIFETIME=300 $*"; }
        fail() { echo "FAILED: $*"; asinst db2nps 0; exit 1; }
        # The database the recipe creates once: db2start, create, db2stop.
        asinst db2start >/dev/null && asinst db2 create database VIGILDB >/dev/null && asinst db2stop force >/dev/null ||
            fail "creating the database"
        export DB2_STANDIN_LIFETIME=300
        # db2 offers notify for its promotable HADR mode; its pre-start notify needs Pacemaker
        # (crm_node, crm_attribute), absent here and never sent by Vigil: that one check is expected.
        "$tester" -n vigil_db2 -o instance="$inst" -o dblist=VIGILDB "$ra" >"$tmp/db2-tester.out" 2>&1
        cat "$tmp/db2-tester.out"
        unexpected=$(grep "^\* rc=" "$tmp/db2-tester.out" | grep -v "The notify action cannot fail")
        [ -z "$unexpected" ] || fail "ocf-tester failures other than notify: $unexpected"
        grep -q "Aborting tests" "$tmp/db2-tester.out" && fail "ocf-tester aborted"
        export OCF_ROOT=/usr/lib/ocf OCF_RESKEY_instance=$inst OCF_RESOURCE_INSTANCE=vigil_db2
        # Without dblist the agent reads the database directory (db2 list database directory).
        "$ra" start || fail "start rc=$?"
        [ -f "$home/sqllib/standin/active/VIGILDB" ] || fail "start did not activate VIGILDB"
        "$ra" monitor || fail "monitor rc=$?"
        # A deactivated database: db2pd no longer reports it, monitor fails (1).
        asinst db2 deactivate db VIGILDB >/dev/null
        "$ra" monitor; r=$?; [ $r -eq 1 ] || fail "monitor of a deactivated database rc=$r (want 1)"
        asinst db2 activate db VIGILDB >/dev/null
        # A hung db2stop: after 4/5 of the stop timeout the agent uses db2nkill.
        echo hang-stop >"$home/sqllib/standin/fault"
        t0=$(date +%s)
        OCF_RESKEY_CRM_meta_timeout=5000 "$ra" stop || fail "stop with hung db2stop rc=$?"
        t=$(( $(date +%s) - t0 ))
        rm -f "$home/sqllib/standin/fault"
        [ $t -ge 4 ] || fail "stop took ${t}s: it did not wait for db2stop"
        [ -z "$(asinst db2nps 0 | tail -n +3)" ] || fail "engine processes left after db2nkill"
        "$ra" monitor; r=$?; [ $r -eq 7 ] || fail "monitor after stop rc=$r"
        # Engine crash: some processes die, monitor says failed (1), not stopped.
        "$ra" start || fail "start again rc=$?"
        asinst db2nps 0 | awk "/db2(wdog|ckpwd)/ {print \$2}" | xargs -r kill -KILL
        sleep 0.3
        "$ra" monitor; r=$?; [ $r -eq 1 ] || fail "monitor with 3 of 5 engine processes rc=$r (want 1)"
        "$ra" stop || fail "stop after crash rc=$?"
        echo "db2: ocf-tester, dblist from the directory, deactivated db -> 1, hung db2stop -> db2nkill in ${t}s, partial crash -> 1"
    ' _ "$OCF_TESTER" "$ra" "$TMP" "$inst" "$home" >>"$log" 2>&1 || rc=1
    # Engine processes of the instance must be gone (by its uid: the user exists only inside the
    # namespace). ClusterLabs' db2 leaves a hung db2stop behind (it kills only its own subshell):
    # that one is ended here without failing the test.
    local left
    left=$(ps -e -o pid=,uid=,stat=,comm= | awk -v u=$uid '$2 == u && $3 !~ /^Z/ && $4 ~ /^db2(sysc|wdog|ckpwd|acd|gds)$/ {print $1}')
    if [ -n "$left" ]; then
        echo "engine processes left: $(echo $left | xargs -r ps -o pid=,args= -p)" >>"$log"; rc=1
    fi
    for p in $(ps -e -o pid=,uid= | awk -v u=$uid '$2 == u {print $1}'); do kill -KILL "$p" 2>/dev/null; done
    [ $rc -eq 0 ] && echo "db2 passed all tests (but the notify one that needs Pacemaker, see above)" >>"$log"
    result db2 $rc "$log" $((SECONDS - start))
}

# ocf:vigil:loadleveler against the LoadLeveler stand-in, in a network namespace (the
# negotiator's port 9614), as root (ll_user=root; LoadLeveler's own user is `loadl`).
test_loadleveler() {
    local log=$TMP/loadleveler.log start=$SECONDS rc=0 ns=vigil-ocf-ll-$SUFFIX ll=$TMP/ll
    need python3 timeout >"$log" || { result loadleveler 1 "$log" 0; return; }
    mkdir -p "$ll"
    printf 'CENTRAL_MANAGER_LIST = 127.0.0.1\nNEGOTIATOR_STREAM_PORT = 9614\nLOADL_STANDIN_ROLE = central_manager\n' >"$ll/LoadL_config"
    printf 'export LOADL_STANDIN_CONFIG=%s/LoadL_config LOADL_STANDIN_LIFETIME=300\n' "$ll" >"$ll/env"
    ip netns add "$ns" && ip -n "$ns" link set lo up || { result loadleveler 1 "$log" 0; return; }
    timeout 240 ip netns exec "$ns" bash -c '
        set -u
        tester=$1 agent=$2 ll=$3 home=$4
        "$tester" -n vigil_ll -o ll_user=root -o ll_home="$home" -o env_file="$ll/env" -o stop_timeout=3 "$agent" || exit 1
        export OCF_RESKEY_ll_user=root OCF_RESKEY_ll_home=$home OCF_RESKEY_env_file=$ll/env OCF_RESKEY_stop_timeout=2
        fail() { echo "FAILED: $*"; ps -e -o pid=,comm= | grep LoadL; exit 1; }
        "$agent" start || fail "start rc=$?"
        OCF_CHECK_LEVEL=10 "$agent" monitor || fail "depth-10 monitor (llstatus) rc=$?"
        . "$ll/env"; "$home/bin/llstatus" | grep -q "The Central Manager is defined on 127.0.0.1" || fail "llstatus output"
        # The negotiator dies: monitor 1, llstatus -1 (255).
        kill -KILL $(ps -e -o pid=,comm= | awk "\$2 == \"LoadL_negotiato\" {print \$1}")
        sleep 0.3
        "$agent" monitor; r=$?; [ $r -eq 1 ] || fail "monitor without negotiator rc=$r (want 1)"
        "$home/bin/llstatus" >/dev/null; r=$?; [ $r -eq 255 ] || fail "llstatus without negotiator rc=$r (want 255)"
        "$agent" stop || fail "stop rc=$?"
        [ -z "$(ps -e -o stat=,comm= | grep -v "^Z" | grep " LoadL_")" ] || fail "daemons left after stop"
        "$agent" monitor; r=$?; [ $r -eq 7 ] || fail "monitor after stop rc=$r"
        OCF_RESKEY_ll_user=nosuchuser "$agent" validate-all 2>/dev/null; r=$?; [ $r -eq 5 ] || fail "unknown user rc=$r"
        echo "loadleveler: depth-10 monitor via llstatus, dead negotiator -> 1, stop leaves nothing"
    ' _ "$OCF_TESTER" "$AGENTS_DIR/loadleveler" "$ll" "$STANDINS/loadleveler" >>"$log" 2>&1 || rc=1
    drop_netns "$ns" "$log" || rc=1
    result loadleveler $rc "$log" $((SECONDS - start))
}

# ocf:vigil:wasnd (deployment manager, node agent) against the WAS stand-in, placed as for WAS6.
test_wasnd() {
    local log=$TMP/wasnd.log start=$SECONDS rc=0 ns=vigil-ocf-wasnd-$SUFFIX
    need python3 unshare >"$log" || { result wasnd 1 "$log" 0; return; }
    rm -rf "$TMP/wasnd-root"; cp -r "$STANDINS/was/AppServer" "$TMP/wasnd-root"
    ip netns add "$ns" && ip -n "$ns" link set lo up || { result wasnd 1 "$log" 0; return; }
    timeout 300 ip netns exec "$ns" unshare --mount --propagation private bash -c '
        set -u
        tester=$1 agent=$2 tmp=$3
        export WAS_STANDIN_LIFETIME=300
        mount -t tmpfs tmpfs /opt && mkdir -p /opt/IBM/WebSphere/AppServer &&
            mount --bind "$tmp/wasnd-root" /opt/IBM/WebSphere/AppServer || exit 1
        bin=/opt/IBM/WebSphere/AppServer/bin
        "$bin/manageprofiles.sh" -create -profileName Dmgr01 -cellName vcell -nodeName vcellmgr -startingPort 19200 >/dev/null &&
        "$bin/manageprofiles.sh" -create -profileName App01 -cellName vcell -nodeName vnode -startingPort 19300 >/dev/null || exit 1
        fail() { echo "FAILED: $*"; exit 1; }
        "$tester" -n vigil_dmgr -o process=dmgr -o profile=Dmgr01 -o stop_timeout=10 "$agent" || fail "ocf-tester dmgr"
        "$tester" -n vigil_nodeagent -o process=nodeagent -o profile=App01 -o stop_timeout=10 "$agent" || fail "ocf-tester nodeagent"
        export OCF_RESKEY_process=dmgr OCF_RESKEY_profile=Dmgr01 OCF_RESKEY_stop_timeout=2
        "$agent" start || fail "start rc=$?"
        OCF_CHECK_LEVEL=10 "$agent" monitor || fail "depth-10 monitor (serverStatus.sh) rc=$?"
        # A stop script that hangs: the agent ends it after stop_timeout and kills the process.
        # It leaves its pid: the check below looks at that process, not at every "sleep 300" on
        # the machine (other tests running beside this one start some).
        printf "#!/bin/sh\necho \$\$ >$tmp/hung-stop.pid\nexec sleep 300\n" >"$bin/stopManager.sh"
        t0=$(date +%s)
        "$agent" stop || fail "stop with a hung stopManager.sh rc=$?"
        t=$(( $(date +%s) - t0 ))
        [ $t -ge 2 ] || fail "stop took ${t}s: it did not wait stop_timeout"
        "$agent" monitor; r=$?; [ $r -eq 7 ] || fail "monitor after stop rc=$r"
        ps -e -o stat=,comm=,args= | awk "\$1 !~ /^Z/ && \$2 == \"java\" && /Dmgr01\/config/" | grep -q . && fail "dmgr left running"
        hung=$(cat "$tmp/hung-stop.pid" 2>/dev/null); [ -n "$hung" ] || fail "the hung stopManager.sh never ran"
        tr "\0" " " <"/proc/$hung/cmdline" 2>/dev/null | grep -q "^sleep 300" && fail "the hung stopManager.sh was left running"
        OCF_RESKEY_process=server1 "$agent" validate-all 2>/dev/null; r=$?; [ $r -eq 6 ] || fail "process=server1 rc=$r (want 6)"
        echo "wasnd: dmgr and nodeagent under ocf-tester, depth-10 monitor, hung stopManager.sh ended in ${t}s"
    ' _ "$OCF_TESTER" "$AGENTS_DIR/wasnd" "$TMP" >>"$log" 2>&1 || rc=1
    drop_netns "$ns" "$log" || rc=1
    result wasnd $rc "$log" $((SECONDS - start))
}

# ocf:vigil:lvs against the ipvsadm stand-in (this kernel has no IPVS: see
# test/standins/ipvsadm/ipvsadm), in a network namespace whose loopback holds two real
# servers (python3's http.server on 127.0.0.1:18091 and :18092), the table in $TMP.
test_lvs() {
    local log=$TMP/lvs.log start=$SECONDS rc=0 ns=vigil-ocf-lvs-$SUFFIX
    need python3 curl timeout >"$log" || { result lvs 1 "$log" 0; return; }
    ip netns add "$ns" && ip -n "$ns" link set lo up || { result lvs 1 "$log" 0; return; }
    mkdir -p "$TMP/lvs/www" && echo ok >"$TMP/lvs/www/health"
    timeout 120 ip netns exec "$ns" bash -c '
        set -u
        tester=$1 agent=$2 ipvsadm=$3 tmp=$4
        export IPVSADM_STANDIN_TABLE=$tmp/lvs/table.json
        serve() { (cd "$tmp/lvs/www" && exec python3 -m http.server "$1" --bind 127.0.0.1 >/dev/null 2>&1) & echo $!; }
        up() { for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$1/health" && return 0; sleep 0.1; done; return 1; }
        rs1=$(serve 18091); rs2=$(serve 18092)
        trap "kill $rs1 $rs2 2>/dev/null; wait $rs1 $rs2 2>/dev/null" EXIT
        up 18091 && up 18092 || { echo "the real servers did not start"; exit 1; }
        "$tester" -n vigil_lvs -o vip=10.213.5.50 -o port=80 -o forwarding=nat -o scheduler=rr \
            -o real_servers="127.0.0.1:18091:3 127.0.0.1:18092" -o check=http -o check_path=/health \
            -o check_timeout=1 -o ipvsadm="$ipvsadm" "$agent" || exit 1
        export OCF_RESKEY_vip=10.213.5.50 OCF_RESKEY_port=80 OCF_RESKEY_forwarding=nat OCF_RESKEY_scheduler=rr \
            OCF_RESKEY_real_servers="127.0.0.1:18091:3,127.0.0.1:18092" OCF_RESKEY_check=http \
            OCF_RESKEY_check_path=/health OCF_RESKEY_check_timeout=1 OCF_RESKEY_ipvsadm=$ipvsadm
        fail() { echo "FAILED: $*"; "$ipvsadm" -L -n; exit 1; }
        weight() { "$ipvsadm" -L -n -t 10.213.5.50:80 | awk -v rs="$1" "\$1 == \"->\" && \$2 == rs {print \$4}"; }
        "$agent" start || fail "start rc=$?"
        [ "$(weight 127.0.0.1:18091)" = 3 ] && [ "$(weight 127.0.0.1:18092)" = 1 ] || fail "weights after start"
        "$ipvsadm" -L -n -t 10.213.5.50:80 | grep -q "^TCP  10.213.5.50:80 rr$" || fail "service line"
        n=$(wc -l <"$IPVSADM_STANDIN_TABLE.log")
        "$agent" start || fail "second start rc=$?"
        [ -z "$(tail -n +$((n + 1)) "$IPVSADM_STANDIN_TABLE.log" | grep -v "^-L")" ] || fail "a second start changed rules"
        # A real server goes unhealthy: quiescent, weight 0; back: its weight again.
        kill $rs2; wait $rs2 2>/dev/null
        "$agent" monitor || fail "monitor with a failing real server rc=$? (want 0)"
        [ "$(weight 127.0.0.1:18092)" = 0 ] || fail "failing real server weight $(weight 127.0.0.1:18092) (want 0)"
        [ "$(weight 127.0.0.1:18091)" = 3 ] || fail "healthy real server touched"
        rs2=$(serve 18092); up 18092 || fail "real server 2 did not come back"
        trap "kill $rs1 $rs2 2>/dev/null; wait $rs1 $rs2 2>/dev/null" EXIT
        "$agent" monitor || fail "monitor rc=$?"
        [ "$(weight 127.0.0.1:18092)" = 1 ] || fail "recovered real server weight $(weight 127.0.0.1:18092) (want 1)"
        # Not quiescent: removed while failing, added back.
        mv "$tmp/lvs/www/health" "$tmp/lvs/www/health.off"
        OCF_RESKEY_quiescent=false "$agent" monitor || fail "monitor rc=$?"
        [ -z "$("$ipvsadm" -L -n -t 10.213.5.50:80 | grep "^  -> [0-9]")" ] || fail "not quiescent: failing real servers still listed"
        mv "$tmp/lvs/www/health.off" "$tmp/lvs/www/health"
        OCF_RESKEY_quiescent=false "$agent" monitor || fail "monitor rc=$?"
        [ "$(weight 127.0.0.1:18091)" = 3 ] && [ "$(weight 127.0.0.1:18092)" = 1 ] || fail "weights after the checks pass again"
        # A rule someone else changed, and a real server no longer configured, are corrected.
        "$ipvsadm" -e -t 10.213.5.50:80 -r 127.0.0.1:18091 -m -w 9
        "$ipvsadm" -a -t 10.213.5.50:80 -r 127.0.0.1:18093 -m -w 1
        "$agent" monitor || fail "monitor rc=$?"
        [ "$(weight 127.0.0.1:18091)" = 3 ] && [ -z "$(weight 127.0.0.1:18093)" ] || fail "drift not corrected"
        "$agent" stop || fail "stop rc=$?"
        "$agent" monitor; r=$?; [ $r -eq 7 ] || fail "monitor after stop rc=$r"
        "$agent" stop || fail "second stop rc=$?"
        OCF_RESKEY_real_servers=127.0.0.1:18091 OCF_RESKEY_forwarding=dr "$agent" validate-all 2>/dev/null; r=$?
        [ $r -eq 6 ] || fail "dr with another port rc=$r (want 6)"
        OCF_RESKEY_ipvsadm=/nonexistent/ipvsadm "$agent" validate-all 2>/dev/null; r=$?; [ $r -eq 5 ] || fail "no ipvsadm rc=$r (want 5)"
        OCF_RESKEY_ipvsadm=/nonexistent/ipvsadm "$agent" stop || fail "stop without ipvsadm rc=$?"
        echo "lvs: idempotent start, a real server down (weight 0 / removed) and back, drift corrected, stop twice"
    ' _ "$OCF_TESTER" "$AGENTS_DIR/lvs" "$STANDINS/ipvsadm/ipvsadm" "$TMP" >>"$log" 2>&1 || rc=1
    drop_netns "$ns" "$log" || rc=1
    [ $rc -eq 0 ] && echo "lvs passed all tests" >>"$log"
    result lvs $rc "$log" $((SECONDS - start))
}

for a in "${WANT[@]}"; do
    case "$a" in
        IPaddr|Filesystem|apache|nfsserver|exportfs|nfs-kernel|ibmmq|WAS6|wasnd|db2|loadleveler|lvs) "test_$a" ;;
        *) echo "FAIL $a (unknown agent)"; FAILED=1 ;;
    esac
done

if [ $FAILED -ne 0 ]; then echo "run-ocf-tester: FAILED"; exit 1; fi
echo "run-ocf-tester: all passed"
exit 0
