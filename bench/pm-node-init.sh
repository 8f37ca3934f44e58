#!/usr/bin/env bash
# PID 1 of one Pacemaker node on the bed (bench/vs-pacemaker.sh), run as
#   ip netns exec BED-haN unshare --mount --uts --ipc --pid --fork --kill-child --mount-proc \
#       --propagation private bench/pm-node-init.sh NODE LOGDIR COROSYNC_CONF APACHE_CONF
# (shared/design/testbed-notes.md §8). The node gets private /run, /dev/shm, /tmp, /etc/corosync,
# /var/lib/pacemaker and /var/lib/corosync (tmpfs: a reboot starts from nothing, the CIB comes
# from the DC), /var/log on the host's LOGDIR (so the logs outlive the node), its hostname,
# then corosync, then pacemakerd, and reaps children until it is killed. libqb's IPC sockets are
# per network namespace and its shared memory lands in the private /dev/shm, so the nodes never
# mix; the private PID namespace keeps the apache agent's `pkill -f` inside the node.
set -u
node=$1 logdir=$2 corosync_conf=$3 apache_conf=$4
# LOGDIR and the configuration files may live below /tmp: bound or read before /tmp is hidden.
mount --bind "$logdir" /var/log || exit 1
mkdir -p /var/log/etc && cp "$corosync_conf" /var/log/etc/corosync.conf
for d in /run /dev/shm /tmp /etc/corosync /var/lib/pacemaker /var/lib/corosync; do
  mount -t tmpfs -o mode=755 tmpfs "$d" || exit 1
done
chmod 1777 /tmp /dev/shm
mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox \
  /var/lib/pacemaker/cores /var/log/pacemaker /var/log/corosync /var/log/crmsh \
  /run/crm /run/resource-agents /run/lock /run/vigil-bed
chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker /run/crm
chmod 750 /var/lib/pacemaker/cib
# The bed's per-node apache config under the one path the cluster configuration names.
ln -s "$apache_conf" /run/vigil-bed/apache2.conf
hostname "$node"
cp /var/log/etc/corosync.conf /etc/corosync/corosync.conf

corosync -f >/var/log/corosync/stdout.log 2>&1 &
for _ in $(seq 200); do
  corosync-cfgtool -s >/dev/null 2>&1 && break
  sleep 0.05
done
PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none PCMK_debug=no \
  pacemakerd >/var/log/pacemaker/stdout.log 2>&1 &
echo "node $node up: corosync and pacemakerd started" >&2

# PID 1 reaps every child, its own and the orphans it inherits (agents' daemons, send_arp).
trap '' TERM INT HUP
while :; do
  wait -n 2>/dev/null || sleep 1
done
