#!/bin/sh
# Stand-in for WAS's startNode.sh [-profileName P] (a TEST FIXTURE): startServer.sh for the nodeagent process.
exec "$(dirname "$0")/startServer.sh" nodeagent "$@"
