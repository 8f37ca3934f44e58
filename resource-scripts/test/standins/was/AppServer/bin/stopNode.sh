#!/bin/sh
# Stand-in for WAS's stopNode.sh [-profileName P] (a TEST FIXTURE): stopServer.sh for the nodeagent process.
exec "$(dirname "$0")/stopServer.sh" nodeagent "$@"
