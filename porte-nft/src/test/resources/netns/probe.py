"""Probe client for porte's namespace tests. Reads lines "id source destination port [protocol]"
(protocol tcp when left out; udp; icmp, whose port is ignored), starts every probe at once
(non-blocking), then prints "id outcome" for each:
  refused  refused at once: a TCP reset, or for UDP and ICMP an ICMP unreachable
  timeout  no answer within the connect timeout (for UDP and ICMP: within both timeouts)
  data     TCP: connected and the server's greeting arrived; UDP: the echo came back; ICMP: the
           echo reply came back
  nodata   TCP only: connected, but the greeting did not arrive within the data timeout
  error:X  anything else (X is the errno name)
A UDP or ICMP probe cannot tell "the request was dropped" from "the answer was dropped": both are
a timeout. ICMP probes use ping sockets (net.ipv4.ping_group_range must admit our group).
Usage: probe.py CONNECT_TIMEOUT_S DATA_TIMEOUT_S"""
import errno
import selectors
import socket
import struct
import sys
import time

connect_timeout = float(sys.argv[1])
data_timeout = float(sys.argv[2])
PAYLOAD = b"porte\n"
# What an ICMP error about a datagram becomes on a connected socket: port unreachable, admin
# prohibited (IPv4: host unreachable; IPv6: permission denied).
UNREACHABLE = (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.EACCES, errno.ENETUNREACH)


def name(err):
    return "error:" + errno.errorcode.get(err, str(err))


def open_tcp(family, src, dst, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    # Close with a reset: no TIME_WAIT piles up between policies.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.setblocking(False)
    s.bind((src, 0))
    err = s.connect_ex((dst, port))
    if err not in (0, errno.EINPROGRESS):
        s.close()
        raise OSError(err, "connect")
    return s


def open_datagram(family, proto, src, dst, port):
    if proto == "udp":
        s = socket.socket(family, socket.SOCK_DGRAM)
        message = PAYLOAD
    else:
        v6 = family == socket.AF_INET6
        s = socket.socket(family, socket.SOCK_DGRAM, socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
        # Echo request; the kernel fills in the identifier and the checksum.
        message = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, 0, 1) + PAYLOAD
        port = 0
    s.setblocking(False)
    s.bind((src, 0))
    # Connected, so that an ICMP error about the datagram is reported on this socket.
    s.connect((dst, port))
    try:
        s.send(message)
    except PermissionError:
        # Dropped by this namespace's own output hook (deny or reject alike), which the kernel
        # tells the sender at once. What follows is what a client sees: silence, or the ICMP
        # error a reject sends.
        pass
    return s


def answered(proto, data):
    if proto == "udp":
        return data == PAYLOAD
    return data[0] in (0, 129) and data.endswith(PAYLOAD)  # echo reply (IPv4, IPv6)


sel = selectors.DefaultSelector()
results = {}
pending = {}
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    pid, src, dst, port = parts[0], parts[1], parts[2], int(parts[3])
    proto = parts[4] if len(parts) > 4 else "tcp"
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    try:
        if proto == "tcp":
            s = open_tcp(family, src, dst, port)
            pending[s] = (pid, proto, "connecting", time.monotonic() + connect_timeout)
            sel.register(s, selectors.EVENT_WRITE)
        else:
            s = open_datagram(family, proto, src, dst, port)
            pending[s] = (pid, proto, "reading", time.monotonic() + connect_timeout + data_timeout)
            sel.register(s, selectors.EVENT_READ)
    except OSError as e:
        results[pid] = "refused" if e.errno in (errno.ECONNREFUSED,) else name(e.errno)

while pending:
    soonest = min(deadline for _, _, _, deadline in pending.values())
    for key, _ in sel.select(max(0.0, soonest - time.monotonic())):
        s = key.fileobj
        pid, proto, state, _ = pending[s]
        if state == "connecting":
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                pending[s] = (pid, proto, "reading", time.monotonic() + data_timeout)
                sel.modify(s, selectors.EVENT_READ)
                continue
            results[pid] = "refused" if err == errno.ECONNREFUSED else name(err)
        else:
            try:
                data = s.recv(256)
                if proto == "tcp":
                    results[pid] = "data" if data.startswith(b"porte") else "error:closed"
                else:
                    results[pid] = "data" if answered(proto, data) else "error:unexpected"
            except OSError as e:
                results[pid] = "refused" if proto != "tcp" and e.errno in UNREACHABLE else name(e.errno)
        sel.unregister(s)
        del pending[s]
        s.close()
    t = time.monotonic()
    for s in [s for s, (_, _, _, d) in pending.items() if d <= t]:
        pid, proto, state, _ = pending.pop(s)
        results[pid] = "timeout" if state == "connecting" or proto != "tcp" else "nodata"
        sel.unregister(s)
        s.close()

for pid, outcome in results.items():
    print(pid, outcome)
