#!/bin/sh
# Written by the rabbitmq recipe (Vigil): forms the RabbitMQ cluster, once. Run by the playbook on
# every node at the same time; {{node1}} is the seed the others join. Each node starts its
# broker, the others join the seed's cluster (join_cluster), every node waits until all
# {{node_count}} are online, the seed makes the vhost {{vhost}} (quorum queues by default) and
# {{amqp_user}}'s rights in it, and every node stops its broker again once all have joined: from then on the cluster
# (Vigil) runs RabbitMQ. Bounded: fails after {{form_timeout}} seconds.
set -eu
seed=rabbit@{{node1}}
me=rabbit@$(hostname -s)
deadline=$(( $(date +%s) + {{form_timeout}} ))
left() { l=$(( deadline - $(date +%s) )); if [ "$l" -gt 1 ]; then echo "$l"; else echo 1; fi; }
# Every rabbitmqctl call bounded by what is left (some of its waits take no timeout we can trust).
ctl() { timeout "$(left)" rabbitmqctl -q "$@"; }
fail() { echo "rabbitmq recipe: $*" >&2; service rabbitmq-server stop >/dev/null 2>&1 || true; exit 1; }
# Members (disk nodes), not running nodes: a node that joined and already stopped still counts.
members() { ctl cluster_status --formatter json | grep -o '"disk_nodes":\[[^]]*\]' | grep -o 'rabbit@' | wc -l; }

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
# Every node waits until all have joined, so that the seed does not stop before the last joins.
until [ "$(members)" -ge {{node_count}} ]; do
    [ "$(left)" -gt 2 ] || fail "not all {{node_count}} nodes joined"
    sleep 2
done
service rabbitmq-server stop
mkdir -p /var/lib/vigil/handed-over
touch /var/lib/vigil/handed-over/rabbitmq-clustered
