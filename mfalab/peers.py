"""Who is on the other end of a connection: the uid that owns the client's socket, for
loopback TCP (client_uid, same_user) and for Unix sockets (unix_same_user).

A TCP port on 127.0.0.1 is open to every user of the machine (a JupyterHub or The Littlest
JupyterHub puts every learner on one localhost). The lab's live servers call
`same_user(...)` for each new connection and refuse any other uid, so another learner
can neither open the bank's pages nor sign in to someone else's lab. Linux reports the
owner of every socket in /proc/net/tcp; where that table does not exist (macOS), nothing
can be checked and a single-user machine is assumed (docs/workshops.md says so).
"""

import os
import socket
import struct

TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
LOOPBACK = ("0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F")


def _port(address):
    return int(address.rsplit(":", 1)[1], 16)


def _host(address):
    return address.rsplit(":", 1)[0]


def client_uid(server_port, client_port):
    """The uid owning the client end of the connection client_port -> server_port on loopback,
    or None when the kernel's socket tables cannot be read. Raises LookupError when the
    tables exist but hold no such connection (it came from elsewhere, or is gone)."""
    readable = False
    for table in TABLES:
        try:
            with open(table) as lines:
                next(lines, None)
                readable = True
                for line in lines:
                    fields = line.split()
                    local, remote, uid = fields[1], fields[2], fields[7]
                    if (_port(local) == client_port and _port(remote) == server_port
                            and _host(local) in LOOPBACK and _host(remote) in LOOPBACK):
                        return int(uid)
        except OSError:
            continue
    if not readable:
        return None
    raise LookupError(f"no loopback connection from port {client_port} to port {server_port}")


def allowed_uids():
    """This process's user, and root (who can read the lab's files anyway: the grader)."""
    return {os.geteuid(), 0}


def same_user(server_port, client_address):
    """True when the connection comes from this user (or root); False for any other uid."""
    try:
        uid = client_uid(server_port, client_address[1])
    except LookupError:
        return False
    return uid is None or uid in allowed_uids()


def unix_same_user(connection):
    """Whether the peer of a Unix-socket connection runs as this process's uid (the kernel's
    SO_PEERCRED, not a claim of the peer). A folder or socket whose permissions are looser
    than meant then still lets no other user in."""
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()
