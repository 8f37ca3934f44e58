#!/usr/bin/python3
"""Stand-in for IBM MQ's control commands and queue manager processes (a TEST FIXTURE).

One program, many names (symlinks in bin/): crtmqm, addmqinf, strmqm, endmqm, dspmq, runmqsc,
and the queue manager's own processes (amqzxma0, amqzlaa0, amqpcsea, ...), which are real,
long-lived, killable processes whose `comm` is that name and whose arguments carry `-m QM`, as
IBM MQ's do. Output formats and exit codes follow IBM's documentation (see README.md).

Configuration (environment, e.g. from the ibmmq agent's env_file):
  MQ_STANDIN_PREFIX    where mqs.ini lives (IBM's /var/mqm); default /var/mqm
  MQ_STANDIN_LIFETIME  seconds a queue manager process lives at most (bounded); default 3600
Per queue manager, a file `standin.fault` in its data directory injects faults:
  hang-immediate  endmqm -i hangs and ends nothing (endmqm -p still works)
  hang-all        endmqm -i and -p hang, and the processes ignore SIGTERM (only SIGKILL ends them)
"""
import os
import signal
import subprocess
import sys
import time

PREFIX = os.environ.get("MQ_STANDIN_PREFIX", "/var/mqm")
LIFETIME = float(os.environ.get("MQ_STANDIN_LIFETIME", "3600"))
HERE = os.path.dirname(os.path.realpath(__file__))
# bin/ holds the names as symlinks; a copy that turned them into files (a build that does not
# keep symlinks) runs from bin/ itself.
BIN = os.path.join(HERE, "bin") if os.path.isdir(os.path.join(HERE, "bin")) else HERE
# The execution controller first; the others as a real queue manager runs them.
FAMILY = ["amqzxma0", "amqzfuma", "amqzmuc0", "amqzmur0", "amqrrmfa", "amqzlaa0", "amqpcsea", "runmqchi"]
WORDS = {"RUNNING": "Running", "ENDED NORMALLY": "Ended normally", "ENDED IMMEDIATELY": "Ended immediately",
         "ENDED PREEMPTIVELY": "Ended preemptively", "ENDED UNEXPECTEDLY": "Ended unexpectedly",
         "QUIESCING": "Quiescing", "ENDING IMMEDIATELY": "Ending immediately",
         "ENDING PREEMPTIVELY": "Ending preemptively", "STARTING": "Starting"}


def registry():
    """mqs.ini's QueueManager stanzas: name -> data directory."""
    out, name, path = {}, None, None
    try:
        with open(os.path.join(PREFIX, "mqs.ini")) as f:
            lines = f.read().splitlines() + ["QueueManager:"]
    except FileNotFoundError:
        return out
    for line in lines:
        s = line.strip()
        if s.endswith(":"):
            if name and path:
                out[name] = path
            name, path = None, None
        elif s.startswith("Name="):
            name = s[5:]
        elif s.startswith("DataPath="):
            path = s[9:]
    return out


def register(name, datapath):
    os.makedirs(PREFIX, exist_ok=True)
    if name in registry():
        return
    with open(os.path.join(PREFIX, "mqs.ini"), "a") as f:
        f.write("QueueManager:\n   Name=%s\n   Prefix=%s\n   Directory=%s\n   DataPath=%s\n" % (name, PREFIX, name, datapath))


def family_pids(qm):
    """Processes of the family whose arguments name `-m QM`, like the real ones."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % d) as f:
                comm = f.read().strip()
            if comm not in FAMILY:
                continue
            with open("/proc/%s/cmdline" % d, "rb") as f:
                args = f.read().split(b"\0")
            with open("/proc/%s/stat" % d) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if b"-m" in args and args.index(b"-m") + 1 < len(args) and args[args.index(b"-m") + 1] == qm.encode():
            pids.append((int(d), comm))
    return pids


def ec_alive(qm):
    return any(c == "amqzxma0" for _, c in family_pids(qm))


def status_file(qm):
    return os.path.join(registry()[qm], "standin.status")


def read_status(qm):
    try:
        with open(status_file(qm)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return "ENDED NORMALLY"


def write_status(qm, s):
    tmp = status_file(qm) + ".tmp"
    with open(tmp, "w") as f:
        f.write(s + "\n")
    os.replace(tmp, status_file(qm))


def state(qm):
    s = read_status(qm)
    if ec_alive(qm):
        return s if s in ("QUIESCING", "ENDING IMMEDIATELY", "ENDING PREEMPTIVELY") else "RUNNING"
    return s if s.startswith("ENDED") else "ENDED UNEXPECTEDLY"


def fault(qm):
    try:
        with open(os.path.join(registry()[qm], "standin.fault")) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def unknown(qm, rc):
    print("AMQ7048E: The queue manager name is either not valid or not known.")
    return rc


def qm_arg(args):
    pos = [a for a in args if not a.startswith("-")]
    return pos[-1] if pos else None


def crtmqm(args):
    # crtmqm [-md DataDir] [-ld LogDir] QM: data and logs may go to the shared disk.
    qm = qm_arg([a for i, a in enumerate(args) if i == 0 or args[i - 1] not in ("-md", "-ld")])
    md = args[args.index("-md") + 1] if "-md" in args else os.path.join(PREFIX, "qmgrs")
    ld = args[args.index("-ld") + 1] if "-ld" in args else os.path.join(PREFIX, "log")
    if not qm:
        print("AMQ7016E: usage: crtmqm [-md DataPath] [-ld LogPath] QMgrName")
        return 71
    if qm in registry():
        print("AMQ8110E: IBM MQ queue manager already exists.")
        return 8
    data = os.path.join(md, qm)
    os.makedirs(data, exist_ok=True)
    os.makedirs(os.path.join(ld, qm, "active"), exist_ok=True)
    with open(os.path.join(data, "qm.ini"), "w") as f:
        f.write("Log:\n   LogPath=%s\n" % os.path.join(ld, qm))
    register(qm, data)
    print("IBM MQ queue manager '%s' created." % qm)
    return 0


def addmqinf(args):
    # addmqinf -s QueueManager -v Name=QM -v Directory=QM -v Prefix=/var/mqm -v DataPath=/shared/data/QM
    vals = dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a == "-v" and i + 1 < len(args))
    if "Name" not in vals or "DataPath" not in vals:
        print("AMQ6222E: addmqinf needs -v Name=QM and -v DataPath=DIR")
        return 1
    register(vals["Name"], vals["DataPath"])
    print("IBM MQ configuration information added.")
    return 0


def spawn(qm, name):
    return subprocess.Popen([os.path.join(BIN, name), "-m", qm] + (["-x", "-u", "mqm"] if name == "amqzxma0" else []),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, close_fds=True)


def strmqm(args):
    qm = qm_arg(args)
    if qm not in registry():
        print("AMQ7048E: The queue manager name is either not valid or not known.")
        return 16
    if ec_alive(qm):
        print("IBM MQ queue manager '%s' running." % qm)
        return 5
    if family_pids(qm):
        # As the real strmqm: a process of the previous instance still runs (e.g. after a crash).
        print("AMQ8041E: The queue manager cannot be restarted or deleted because processes, "
              "that were previously connected, are still running.")
        return 24
    print("IBM MQ queue manager '%s' starting." % qm)
    write_status(qm, "STARTING")
    for name in FAMILY:
        spawn(qm, name)
    deadline = time.monotonic() + 10
    while len(family_pids(qm)) < len(FAMILY) and time.monotonic() < deadline:
        time.sleep(0.05)
    write_status(qm, "RUNNING")
    print("IBM MQ queue manager '%s' started using V9.3.0.0." % qm)
    return 0


def wait_gone(qm, seconds):
    deadline = time.monotonic() + seconds
    while family_pids(qm) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not family_pids(qm)


def endmqm(args):
    qm = qm_arg(args)
    if qm not in registry():
        return unknown(qm, 16)
    if not ec_alive(qm):
        print("AMQ8146E: IBM MQ queue manager not available.")
        return 40
    f = fault(qm)
    if "-p" in args:
        write_status(qm, "ENDING PREEMPTIVELY")
        if f == "hang-all":
            time.sleep(LIFETIME)
            return 71
        for pid, _ in family_pids(qm):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_gone(qm, 10)
        write_status(qm, "ENDED PREEMPTIVELY")
        print("IBM MQ queue manager '%s' ended." % qm)
        return 0
    immediate = "-i" in args
    write_status(qm, "ENDING IMMEDIATELY" if immediate else "QUIESCING")
    if immediate and f in ("hang-immediate", "hang-all"):
        time.sleep(LIFETIME)  # hung: ends nothing
        return 71
    print("IBM MQ queue manager '%s' ending." % qm)
    for pid, _ in family_pids(qm):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if not immediate and "-w" not in args:
        # -c (the default): control returns at once; the end completes in the background.
        subprocess.Popen([sys.executable, os.path.realpath(__file__), "--finish", qm, "ENDED NORMALLY"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
        return 0
    if not wait_gone(qm, 30):
        return 71
    write_status(qm, "ENDED IMMEDIATELY" if immediate else "ENDED NORMALLY")
    print("IBM MQ queue manager '%s' ended." % qm)
    return 0


def dspmq(args):
    native = "-n" in args
    if "-m" in args:
        qm = args[args.index("-m") + 1] if args.index("-m") + 1 < len(args) else ""
        if qm not in registry():
            return unknown(qm, 72)
        names = [qm]
    else:
        names = sorted(registry())
    for qm in names:
        s = state(qm)
        # The documented layout: QMNAME(...) padded, then STATUS(...); -n keeps the status untranslated.
        print("%-60s%s" % ("QMNAME(%s)" % qm, "STATUS(%s)" % (s if native else WORDS.get(s, s))))
    return 0


def runmqsc(args):
    qm = qm_arg(args)
    print("5724-H72 (C) Copyright IBM Corp. 1994, 2024.")
    if qm not in registry() or state(qm) != "RUNNING":
        print("AMQ8146E: IBM MQ queue manager not available.")
        return 20
    print("Starting MQSC for queue manager %s.\n" % qm)
    n, bad = 0, 0
    for line in sys.stdin.read().splitlines():
        cmd = " ".join(line.split()).upper()
        if not cmd or cmd.startswith("*"):
            continue
        n += 1
        print("     %d : %s" % (n, line.strip()))
        if cmd == "PING QMGR":
            print("AMQ8415I: Ping Queue Manager command complete.")
        elif cmd.startswith("DISPLAY QMGR"):
            print("AMQ8408I: Display Queue Manager details.\n   QMNAME(%s)" % qm)
        else:
            print("AMQ8405I: Syntax error detected at or near end of MQSC command segment.")
            bad += 1
    print("%d MQSC commands read.\nNo commands have a syntax error.\nAll valid MQSC commands were processed." % n
          if not bad else "%d MQSC commands read.\n%d commands have a syntax error." % (n, bad))
    return 10 if bad else 0


def qm_process(args):
    """A queue manager process: lives until ended, at most LIFETIME seconds."""
    qm = args[args.index("-m") + 1]
    stubborn = fault(qm) == "hang-all" if qm in registry() else False
    signal.signal(signal.SIGTERM, signal.SIG_IGN if stubborn else (lambda *_: sys.exit(0)))
    time.sleep(LIFETIME)
    return 0


def finish(args):
    qm, final = args[0], args[1]
    if wait_gone(qm, 30):
        write_status(qm, final)
    return 0


def main():
    name = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if name == "mqstandin.py" and args[:1] == ["--finish"]:
        return finish(args[1:])
    commands = {"crtmqm": crtmqm, "addmqinf": addmqinf, "strmqm": strmqm, "endmqm": endmqm, "dspmq": dspmq, "runmqsc": runmqsc}
    if name in commands:
        return commands[name](args)
    if name in FAMILY:
        return qm_process(args)
    print("mqstandin: unknown name %s" % name, file=sys.stderr)
    return 71


if __name__ == "__main__":
    sys.exit(main())
