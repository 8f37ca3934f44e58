#!/bin/sh
# Stand-in for WAS's stopManager.sh [-profileName P] (a TEST FIXTURE): stopServer.sh for the dmgr process.
exec "$(dirname "$0")/stopServer.sh" dmgr "$@"
