#!/usr/bin/env python3
"""An HTTP prober independent of Vigil's: another language, another process, its own clock.

independent-prober.py HOST PORT INTERVAL_MS TIMEOUT_MS OUT

Starts a GET on a fresh connection every INTERVAL_MS on a fixed grid, each on its own thread,
whatever earlier ones are doing (a request hanging on a vanished address does not blind the
prober), until SIGTERM; then writes one line per request to OUT: start and end on
CLOCK_MONOTONIC in ns, and 1 (a 2xx/3xx status line came) or 0. Bounded: at most 200 requests
in flight (a slot with that many is recorded as failed) and 30 minutes.
"""
import signal, socket, sys, threading, time

host, port, interval_ms, timeout_ms, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
samples, lock = [], threading.Lock()
in_flight = threading.BoundedSemaphore(200)


def attempt(start):
    ok = 0
    try:
        with socket.create_connection((host, port), timeout=timeout_ms / 1000) as s:
            s.settimeout(max(0.001, timeout_ms / 1000 - (time.monotonic_ns() - start) / 1e9))
            s.sendall(b"GET / HTTP/1.0\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
            line = s.recv(64).split(b"\r\n", 1)[0].split(b" ")
            ok = int(len(line) >= 2 and line[0].startswith(b"HTTP/") and line[1][:1] in (b"2", b"3"))
    except (OSError, ValueError):
        ok = 0
    end = time.monotonic_ns()
    with lock:
        samples.append((start, end, ok))
    in_flight.release()


step = interval_ms * 1_000_000
next_slot = time.monotonic_ns()
deadline = next_slot + 30 * 60 * 1_000_000_000
while not stop.is_set() and next_slot < deadline:
    if in_flight.acquire(blocking=False):
        threading.Thread(target=attempt, args=(time.monotonic_ns(),), daemon=True).start()
    else:
        with lock:
            samples.append((next_slot, next_slot, 0))
    next_slot += step
    now = time.monotonic_ns()
    if next_slot < now:
        next_slot = now + (step - (now - next_slot) % step)  # skip missed slots, as the drill's probes do
    stop.wait((next_slot - now) / 1e9)
time.sleep(timeout_ms / 1000 + 0.1)  # let the requests in flight end
with lock, open(out + ".tmp", "w") as f:
    for s in sorted(samples):
        f.write("%d %d %d\n" % s)
import os
os.replace(out + ".tmp", out)
