#!/usr/bin/python3
"""Stand-in for IBM Tivoli Workload Scheduler LoadLeveler (a TEST FIXTURE).

Names (symlinks in bin/): llctl, llstatus, and the daemons LoadL_master, LoadL_negotiator,
LoadL_schedd, LoadL_startd (real, long-lived, killable processes; comm is the name).
  llctl start   starts LoadL_master, which starts the other daemons (the negotiator only where
                this machine is the central manager) and ends them when it gets SIGTERM.
  llctl stop    stops them (SIGTERM to the master, waits); `llctl -g` is not supported.
  llstatus      asks the central manager's negotiator over TCP (NEGOTIATOR_STREAM_PORT, 9614
                by default) and prints the machine table; exit 255 (-1) when it cannot connect.
Configuration: LOADL_STANDIN_CONFIG names a LoadL_config-style file (default
/etc/LoadL.cfg): CENTRAL_MANAGER_LIST = host, NEGOTIATOR_STREAM_PORT = port,
LOADL_STANDIN_ROLE = central_manager|node. LOADL_STANDIN_LIFETIME bounds the daemons (3600 s).
"""
import os
import signal
import socket
import subprocess
import sys
import time

CONFIG = os.environ.get("LOADL_STANDIN_CONFIG", "/etc/LoadL.cfg")
LIFETIME = float(os.environ.get("LOADL_STANDIN_LIFETIME", "3600"))
HERE = os.path.dirname(os.path.realpath(__file__))
BIN = os.path.join(HERE, "bin") if os.path.isdir(os.path.join(HERE, "bin")) else HERE
DAEMONS = ["LoadL_master", "LoadL_negotiator", "LoadL_schedd", "LoadL_startd"]


def config():
    c = {"CENTRAL_MANAGER_LIST": "127.0.0.1", "NEGOTIATOR_STREAM_PORT": "9614", "LOADL_STANDIN_ROLE": "central_manager"}
    try:
        for line in open(CONFIG):
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                c[k.strip()] = v.strip()
    except FileNotFoundError:
        pass
    return c


def daemons():
    """pid, name of this configuration's daemons (their arguments name the config file)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            comm = open("/proc/%s/comm" % d).read().strip()
            # comm holds 15 characters: LoadL_negotiator shows as LoadL_negotiato.
            comm = next((n for n in DAEMONS if n[:15] == comm), None)
            if comm is None:
                continue
            if open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            args = open("/proc/%s/cmdline" % d, "rb").read().split(b"\0")
        except OSError:
            continue
        if CONFIG.encode() in args:
            out.append((int(d), comm))
    return out


def llctl(args):
    op = args[-1] if args else ""
    if op == "start":
        if any(n == "LoadL_master" for _, n in daemons()):
            print("llctl: 2512-104 LoadL_master is already running on this machine.")
            return 255
        subprocess.Popen([os.path.join(BIN, "LoadL_master"), "-f", CONFIG], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        want = 4 if config()["LOADL_STANDIN_ROLE"] == "central_manager" else 3
        deadline = time.monotonic() + 10
        while len(daemons()) < want and time.monotonic() < deadline:
            time.sleep(0.05)
        print("llctl: Attempting to start LoadLeveler on host %s." % socket.gethostname())
        print("LoadL_master 5.1.0.0 rsat1510a 2016/01/01 SLES 12 400")
        return 0 if len(daemons()) >= want else 255
    if op == "stop":
        master = [p for p, n in daemons() if n == "LoadL_master"]
        if not master:
            print("llctl: 2512-106 LoadL_master is not running on this machine.")
            return 255
        for p in master:
            os.kill(p, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while daemons() and time.monotonic() < deadline:
            time.sleep(0.05)
        print("llctl: Sent stop command to host %s." % socket.gethostname())
        return 0
    print("llctl: 2512-100 usage: llctl [-h host] start|stop")
    return 255


def llstatus(args):
    c = config()
    cm, port = c["CENTRAL_MANAGER_LIST"].split()[0], int(c["NEGOTIATOR_STREAM_PORT"])
    try:
        with socket.create_connection((cm, port), timeout=5) as s:
            table = s.makefile().read()
    except OSError as e:
        print('llstatus: 2539-463 Cannot connect to %s "LoadL_negotiator" on port %d. errno = %d'
              % (cm, port, e.errno or 0))
        print("llstatus: 2512-301 An error occurred while receiving data from the LoadL_negotiator daemon on host %s." % cm)
        return 255
    sys.stdout.write(table)
    return 0


def daemon(name, args):
    children = []
    stop = [False]

    def term(*_):
        stop[0] = True
    signal.signal(signal.SIGTERM, term)
    server = None
    if name == "LoadL_master":
        names = DAEMONS[1:] if config()["LOADL_STANDIN_ROLE"] == "central_manager" else DAEMONS[2:]
        for n in names:
            children.append(subprocess.Popen([os.path.join(BIN, n), "-f", CONFIG], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    elif name == "LoadL_negotiator":
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("0.0.0.0", int(config()["NEGOTIATOR_STREAM_PORT"])))
        server.listen(8)
        server.settimeout(0.2)
    deadline = time.monotonic() + LIFETIME
    while not stop[0] and time.monotonic() < deadline:
        if server:
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            host = socket.gethostname()
            conn.sendall(("%-26s%-7s%4s%5s %-7s%4s %5s %5s %-9s %s\n" % ("Name", "Schedd", "InQ", "Act", "Startd", "Run", "LdAvg", "Idle", "Arch", "OpSys")
                          + "%-26s%-7s%4d%5d %-7s%4d %5s %5d %-9s %s\n" % (host, "Avail", 0, 0, "Idle", 0, "0.00", 9999, "x86_64", "Linux2")
                          + "\nx86_64/Linux2              1 machines      0  jobs      0  running tasks\n"
                          + "Total Machines             1 machines      0  jobs      0  running tasks\n\n"
                          + "The Central Manager is defined on %s\n\nThe BACKFILL scheduler is in use\n\n"
                            "All machines on the machine_list are present.\n" % config()["CENTRAL_MANAGER_LIST"]).encode())
            conn.close()
        else:
            time.sleep(0.2)
            if children and any(c.poll() is not None for c in children):
                pass  # a real master restarts a dead daemon; the stand-in leaves it dead (monitor sees it)
    for c in children:
        c.terminate()
    for c in children:
        try:
            c.wait(5)
        except subprocess.TimeoutExpired:
            c.kill()
    return 0


def main():
    name = os.path.basename(sys.argv[0])
    if name == "llctl":
        return llctl(sys.argv[1:])
    if name == "llstatus":
        return llstatus(sys.argv[1:])
    if name in DAEMONS:
        return daemon(name, sys.argv[1:])
    print("llstandin: unknown name %s" % name, file=sys.stderr)
    return 255


if __name__ == "__main__":
    sys.exit(main())
