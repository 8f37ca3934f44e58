# Shared by the DB2 stand-in's commands (a TEST FIXTURE). State lives in the instance's
# sqllib/standin/: `databases` (the database directory), `active/DB` (activated databases),
# `conn/PID` (the CLP connection of the shell PID, as DB2's back-end process keeps it),
# `fault` (hang-stop: db2stop hangs). Engine processes are real: db2sysc, db2wdog, db2ckpwd,
# db2acd, db2gds (python, comm set by their names), living at most DB2_STANDIN_LIFETIME s.
SQLLIB=$(cd "$(dirname "$0")/.." && pwd)
ST=$SQLLIB/standin
mkdir -p "$ST/active" "$ST/conn"
touch "$ST/databases"
ENGINE="db2sysc db2wdog db2ckpwd db2acd db2gds"
# pid and name of this instance's engine processes (the instance user's, partition 0).
engine_ps() {
    ps -u "$(id -u)" -o pid=,comm=,args= | awk -v names=" $ENGINE " 'index(names, " " $2 " ") && $NF == "0" {print $1, $2}'
}
engine_up() { [ -n "$(engine_ps)" ]; }
known_db() { grep -qix "$1" "$ST/databases"; }
upper() { echo "$1" | tr '[:lower:]' '[:upper:]'; }
stamp() { date '+%m/%d/%Y %H:%M:%S'; }
