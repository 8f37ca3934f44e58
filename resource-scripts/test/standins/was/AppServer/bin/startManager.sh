#!/bin/sh
# Stand-in for WAS's startManager.sh [-profileName P] (a TEST FIXTURE): startServer.sh for the dmgr process.
exec "$(dirname "$0")/startServer.sh" dmgr "$@"
