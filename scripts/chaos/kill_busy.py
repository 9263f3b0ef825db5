#!/usr/bin/env python3
"""Kill a replica with SIGKILL while it is serving: wait (up to TIMEOUT s) until HAProxy
counts a request in flight on it (`scur` of `show stat` on the stats socket), then kill.

    kill_busy.py SOCKET SERVER PID TIMEOUT

prints `busy` or `idle` (no request came: killed anyway) and the time of the kill.
"""

import os
import signal
import socket
import sys
import time


def in_flight(sock_path, server):
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock_path)
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    for line in data.decode().splitlines():
        fields = line.split(",")
        if len(fields) > 4 and fields[0] == "replicas" and fields[1] == server:
            return int(fields[4] or 0)
    return 0


def main():
    sock_path, server, pid, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    deadline = time.time() + timeout
    busy = False
    while time.time() < deadline:
        if in_flight(sock_path, server) > 0:
            busy = True
            break
        time.sleep(0.005)
    killed_at = time.time()
    os.kill(pid, signal.SIGKILL)
    print("busy" if busy else "idle", killed_at)


if __name__ == "__main__":
    main()
