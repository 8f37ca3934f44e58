#!/bin/sh
# Written by the rabbitmq recipe (Vigil): forms the RabbitMQ cluster, once. Run by the playbook on
# every node at the same time; {{node1}} is the seed the others join. Each node starts its
# broker, the others join the seed's cluster (join_cluster), the seed makes the vhost {{vhost}}
# (quorum queues by default) and {{amqp_user}}'s rights in it, and every node stops its broker
# again once all {{node_count}} have joined *and started*: from then on the cluster (Vigil) runs
# RabbitMQ. Bounded: fails after {{form_timeout}} seconds.
set -eu
seed=rabbit@{{node1}}
me=rabbit@$(hostname -s)
deadline=$(( $(date +%s) + {{form_timeout}} ))
left() { l=$(( deadline - $(date +%s) )); if [ "$l" -gt 1 ]; then echo "$l"; else echo 1; fi; }
# Every rabbitmqctl call bounded by what is left (some of its waits take no timeout we can trust).
ctl() { timeout "$(left)" rabbitmqctl -q "$@"; }
fail() { echo "rabbitmq recipe: $*" >&2; service rabbitmq-server stop >/dev/null 2>&1 || true; exit 1; }
# The barrier, in the cluster's own metadata (global parameters, replicated to every member):
# each node, once it runs as a member, sets vigil_started_<node>; the seed, once all have, sets
# vigil_formed; the others stop when they read it; the seed stops last, when it runs alone.
# Why so: with cluster_partition_handling = pause_minority a broker that sees the majority go
# (a clean stop too) pauses itself and answers no query, so the last reader must never be left
# alone. Counting members let two nodes stop while the third was between join_cluster and
# start_app (its start then waited for peers that had gone); every node counting the markers let
# two stop between two reads of the third, which was paused before it saw them.
started() { ctl list_global_parameters --no-table-headers | grep -c '^vigil_started_'; }
formed() { ctl list_global_parameters --no-table-headers | grep -c '^vigil_formed[[:space:]]'; }
# Running nodes as this node sees them; 0 when its broker is paused.
running() { ctl cluster_status --formatter json | grep -o '"running_nodes":\[[^]]*\]' | grep -o 'rabbit@' | wc -l; }

service rabbitmq-server start
ctl await_startup || fail "$me did not start"
if [ "$me" = "$seed" ]; then
    if ! ctl list_users | grep -q "^{{amqp_user}}[[:space:]]"; then
        # A broker its package started first has its own users already: make sure of ours.
        ctl add_user '{{amqp_user}}' '{{amqp_password}}'
    fi
    ctl list_vhosts | grep -qx '{{vhost}}' || ctl add_vhost '{{vhost}}' --default-queue-type quorum
    ctl set_permissions -p '{{vhost}}' '{{amqp_user}}' '.*' '.*' '.*'
else
    ctl stop_app
    ctl reset
    # The seed may still be booting: retry until the deadline.
    until ctl join_cluster "$seed"; do
        [ "$(left)" -gt 2 ] || fail "$me could not join $seed"
        sleep 2
    done
    ctl start_app
fi
ctl set_global_parameter "vigil_started_$(hostname -s)" true
if [ "$me" = "$seed" ]; then
    until [ "$(started)" -ge {{node_count}} ]; do
        [ "$(left)" -gt 2 ] || fail "not all {{node_count}} nodes joined and started"
        sleep 1
    done
    ctl set_global_parameter vigil_formed true
    # The others stop once they read vigil_formed; alone (or paused, which here means the same),
    # the seed stops too.
    until [ "$(running)" -le 1 ]; do
        [ "$(left)" -gt 2 ] || fail "the other nodes did not stop"
        sleep 1
    done
else
    # While this node waits the seed runs, so this node is never in a minority.
    until [ "$(formed)" -ge 1 ]; do
        [ "$(left)" -gt 2 ] || fail "$seed did not see all {{node_count}} nodes joined and started"
        sleep 1
    done
fi
service rabbitmq-server stop
mkdir -p /var/lib/vigil/handed-over
touch /var/lib/vigil/handed-over/rabbitmq-clustered
