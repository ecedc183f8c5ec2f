"""Probe client for porte's namespace tests. Reads lines "id source destination port" and opens
all the TCP connections at once (non-blocking), then prints "id outcome" for each:
  refused  the connection was refused (RST)
  timeout  no answer to the connection attempt within the connect timeout
  data     connected and the server's greeting arrived
  nodata   connected, but the greeting did not arrive within the data timeout
  error:X  anything else (X is the errno name)
Usage: probe.py CONNECT_TIMEOUT_S DATA_TIMEOUT_S"""
import errno
import selectors
import socket
import struct
import sys
import time

connect_timeout = float(sys.argv[1])
data_timeout = float(sys.argv[2])
sel = selectors.DefaultSelector()
results = {}
pending = {}
now = time.monotonic()
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    pid, src, dst, port = parts[0], parts[1], parts[2], int(parts[3])
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    # Close with a reset: no TIME_WAIT piles up between policies.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.setblocking(False)
    try:
        s.bind((src, 0))
        err = s.connect_ex((dst, port))
    except OSError as e:
        results[pid] = "error:" + errno.errorcode.get(e.errno, str(e.errno))
        s.close()
        continue
    if err not in (0, errno.EINPROGRESS):
        results[pid] = "refused" if err == errno.ECONNREFUSED else "error:" + errno.errorcode.get(err, str(err))
        s.close()
        continue
    pending[s] = (pid, "connecting", time.monotonic() + connect_timeout)
    sel.register(s, selectors.EVENT_WRITE)

while pending:
    soonest = min(deadline for _, _, deadline in pending.values())
    for key, _ in sel.select(max(0.0, soonest - time.monotonic())):
        s = key.fileobj
        pid, state, _ = pending[s]
        if state == "connecting":
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                pending[s] = (pid, "reading", time.monotonic() + data_timeout)
                sel.modify(s, selectors.EVENT_READ)
                continue
            results[pid] = "refused" if err == errno.ECONNREFUSED else "error:" + errno.errorcode.get(err, str(err))
        else:
            try:
                data = s.recv(64)
                results[pid] = "data" if data.startswith(b"porte") else "error:closed"
            except OSError as e:
                results[pid] = "error:" + errno.errorcode.get(e.errno, str(e.errno))
        sel.unregister(s)
        del pending[s]
        s.close()
    t = time.monotonic()
    for s in [s for s, (_, _, d) in pending.items() if d <= t]:
        pid, state, _ = pending.pop(s)
        results[pid] = "timeout" if state == "connecting" else "nodata"
        sel.unregister(s)
        s.close()

for pid, outcome in results.items():
    print(pid, outcome)
