"""Test server for porte's namespace tests: listens on the given TCP ports (IPv4 and IPv6),
greets each client at once with b"porte\n" and keeps the connection until the client goes.
The greeting is the "download": a client that connects but never reads it tells us the data
leaving on an inbound connection was stopped. UDP ports given as N/udp echo each datagram."""
import selectors
import socket
import sys

sel = selectors.DefaultSelector()
for spec in sys.argv[1:]:
    port, _, proto = spec.partition("/")
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(port)))
    if kind == socket.SOCK_STREAM:
        s.listen(512)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, ("listen" if kind == socket.SOCK_STREAM else "udp"))
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        role, sock = key.data, key.fileobj
        try:
            if role == "listen":
                conn, _ = sock.accept()
                conn.setblocking(False)
                conn.send(b"porte\n")
                sel.register(conn, selectors.EVENT_READ, "conn")
            elif role == "udp":
                data, peer = sock.recvfrom(2048)
                sock.sendto(data, peer)
            elif not sock.recv(4096):
                sel.unregister(sock)
                sock.close()
        except OSError:
            if role == "conn":
                sel.unregister(sock)
                sock.close()
