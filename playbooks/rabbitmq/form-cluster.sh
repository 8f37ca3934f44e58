#!/bin/sh
# Written by the rabbitmq recipe (Vigil): forms the RabbitMQ cluster, once. Run by the playbook on
# every node at the same time; {{node1}} is the seed the others join. Each node starts its
# broker, the others join the seed's cluster (join_cluster), every node waits until all
# {{node_count}} are online, the seed makes the vhost {{vhost}} (quorum queues by default) and
# {{amqp_user}}'s rights in it, and every node stops its broker again: from then on the cluster
# (Vigil) runs RabbitMQ. Bounded: fails after {{form_timeout}} seconds.
set -eu
seed=rabbit@{{node1}}
me=rabbit@$(hostname -s)
deadline=$(( $(date +%s) + {{form_timeout}} ))
left() { echo $(( deadline - $(date +%s) )); }
fail() { echo "rabbitmq recipe: $*" >&2; service rabbitmq-server stop >/dev/null 2>&1 || true; exit 1; }

service rabbitmq-server start
rabbitmqctl -q await_startup --timeout "$(left)" || fail "$me did not start"
if [ "$me" = "$seed" ]; then
    if ! rabbitmqctl -q list_users | grep -q "^{{amqp_user}}[[:space:]]"; then
        # A broker its package started first has its own users already: make sure of ours.
        rabbitmqctl -q add_user '{{amqp_user}}' '{{amqp_password}}'
    fi
    rabbitmqctl -q list_vhosts | grep -qx '{{vhost}}' \
        || rabbitmqctl -q add_vhost '{{vhost}}' --default-queue-type quorum
    rabbitmqctl -q set_permissions -p '{{vhost}}' '{{amqp_user}}' '.*' '.*' '.*'
else
    rabbitmqctl -q stop_app
    rabbitmqctl -q reset
    # The seed may still be booting: retry until the deadline.
    until rabbitmqctl -q join_cluster "$seed"; do
        [ "$(left)" -gt 2 ] || fail "$me could not join $seed"
        sleep 2
    done
    rabbitmqctl -q start_app
fi
rabbitmqctl -q await_online_nodes {{node_count}} --timeout "$(left)" || fail "not all {{node_count}} nodes online"
service rabbitmq-server stop
mkdir -p /var/lib/vigil/handed-over
touch /var/lib/vigil/handed-over/rabbitmq-clustered
