#!/usr/bin/python3
"""Records the payloads of every IPv4 UDP and TCP packet to or from PORTS seen on any interface
of the network namespace it runs in, for SECONDS, with a raw AF_PACKET socket (no tcpdump here).
Usage: capture_payloads.py SECONDS PORT[,PORT...] OUTFILE; prints the number of packets kept.
Touches nothing: it only reads copies of frames the kernel hands every packet socket."""
import socket
import struct
import sys
import time

seconds, ports, out = float(sys.argv[1]), {int(p) for p in sys.argv[2].split(",")}, sys.argv[3]
ETH_P_ALL = 0x0003
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL))
sock.settimeout(0.2)
kept = 0
deadline = time.monotonic() + seconds
with open(out, "wb") as f:
    print("capturing", flush=True)  # the test waits for this line before it makes traffic
    while time.monotonic() < deadline:
        try:
            frame = sock.recv(65535)
        except socket.timeout:
            continue
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ip = ip[: struct.unpack("!H", ip[2:4])[0]]  # Ethernet pads short frames
        header, proto = (ip[0] & 15) * 4, ip[9]
        l4 = ip[header:]
        if proto == 17 and len(l4) >= 8:
            payload = l4[8:]
        elif proto == 6 and len(l4) >= 20:
            payload = l4[(l4[12] >> 4) * 4:]
        else:
            continue
        src, dst = struct.unpack("!HH", l4[:4])
        if payload and (src in ports or dst in ports):
            f.write(payload)
            kept += 1
print(kept)
