"""Test server for porte's namespace tests: listens on the given TCP ports (IPv4 and IPv6),
greets each client at once with b"porte\n" and keeps the connection until the client goes.
The greeting is the "download": a client that connects but never reads it tells us the data
leaving on an inbound connection was stopped. UDP ports given as N/udp echo each datagram, from
the address it was sent to (the client namespace has many addresses: a reply from another one
would not belong to the client's flow)."""
import selectors
import socket
import sys

IP_PKTINFO = 8  # linux/in.h; Python's socket module does not name it


def udp_socket(family):
    """One socket per family: each family's "where was this sent" option is its own."""
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    else:
        s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    return s


sel = selectors.DefaultSelector()
for spec in sys.argv[1:]:
    port, _, proto = spec.partition("/")
    if proto == "udp":
        for family, anywhere in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = udp_socket(family)
            s.bind((anywhere, int(port)))
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, "udp")
        continue
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(port)))
    s.listen(512)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, "listen")
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
                data, ancillary, _, peer = sock.recvmsg(2048, 256)
                # Handing the received packet info back makes the kernel answer from that address.
                sock.sendmsg([data], ancillary, 0, peer)
            elif not sock.recv(4096):
                sel.unregister(sock)
                sock.close()
        except OSError:
            if role == "conn":
                sel.unregister(sock)
                sock.close()
