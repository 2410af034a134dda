#!/usr/bin/env python3
# Socket-level probes of mcxsec-kmsd for the abuse-resistance tests (tests/integration/kms_limits.sh),
# all over real TLS connections to 127.0.0.1 (source addresses 127.0.0.x pick the client "address"):
#   flood   --port P --ca CA --src IP[,IP...] --n N [--threads T] [--token FILE] --path PATH --body FILE
#           N POSTs per source address, kept-alive; prints JSON {"codes": {status: count},
#           "retry_after_missing": count of 429/503 answers without a Retry-After header}
#   conncap --port P --ca CA --plan IP:N[,IP:N...]
#           opens N TLS connections from each IP in order and holds them all; prints JSON
#           {IP: connections that completed the TLS handshake} (then closes them)
#   idle    --port P --ca CA [--send-partial] [--dribble]
#           one connection that sends nothing (or half a request head, or a body one octet at a
#           time every 0.5 s); prints the seconds until the server closed it
import argparse
import http.client
import json
import socket
import ssl
import sys
import threading
import time


def ctx_for(ca):
    c = ssl.create_default_context(cafile=ca)
    c.check_hostname = False  # the test certificate names 127.0.0.1 and localhost; sources vary
    return c


def flood(a):
    ctx = ctx_for(a.ca)
    body = open(a.body, "rb").read()
    headers = {"Content-Type": "application/xml"}
    if a.token:
        headers["Authorization"] = "Bearer " + open(a.token).read().strip()
    codes, missing, lock = {}, [0], threading.Lock()

    def run(src, n):
        conn = None
        for _ in range(n):
            for attempt in range(3):
                try:
                    if conn is None:
                        conn = http.client.HTTPSConnection("127.0.0.1", a.port, context=ctx, timeout=20,
                                                           source_address=(src, 0))
                    conn.request("POST", a.path, body=body, headers=headers)
                    r = conn.getresponse()
                    r.read()
                    with lock:
                        codes[str(r.status)] = codes.get(str(r.status), 0) + 1
                        if r.status in (429, 503) and r.getheader("Retry-After") is None:
                            missing[0] += 1
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
                    if attempt == 2:
                        with lock:
                            codes["transport_error"] = codes.get("transport_error", 0) + 1
        if conn is not None:
            conn.close()

    threads = []
    for src in a.src.split(","):
        per = [a.n // a.threads + (1 if i < a.n % a.threads else 0) for i in range(a.threads)]
        for n in per:
            threads.append(threading.Thread(target=run, args=(src, n)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"codes": codes, "retry_after_missing": missing[0]}))


def conncap(a):
    ctx = ctx_for(a.ca)
    held, result = [], {}
    for step in a.plan.split(","):
        src, n = step.rsplit(":", 1)
        result.setdefault(src, 0)
        for _ in range(int(n)):
            s = socket.create_connection(("127.0.0.1", a.port), timeout=5, source_address=(src, 0))
            try:
                t = ctx.wrap_socket(s, server_hostname="127.0.0.1")
                held.append(t)
                result[src] += 1
            except (OSError, ssl.SSLError):
                s.close()
    print(json.dumps(result))
    for t in held:
        t.close()


def idle(a):
    ctx = ctx_for(a.ca)
    s = socket.create_connection(("127.0.0.1", a.port), timeout=60)
    t = ctx.wrap_socket(s, server_hostname="127.0.0.1")
    t0 = time.monotonic()
    if a.send_partial:
        t.sendall(b"POST /keymanagement/identity/v1/init HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    if a.dribble:
        t.sendall(b"POST /keymanagement/identity/v1/init HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/xml\r\nContent-Length: 4000\r\n\r\n")
        t.settimeout(0.5)
        try:
            while time.monotonic() - t0 < 60:
                t.sendall(b" ")
                try:
                    if t.recv(4096) == b"":
                        break
                except socket.timeout:
                    pass
        except (OSError, ssl.SSLError):
            pass
    else:
        try:
            while t.recv(4096) != b"":
                pass
        except (OSError, ssl.SSLError):
            pass
    print("%.2f" % (time.monotonic() - t0))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["flood", "conncap", "idle"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--src", default="127.0.0.1")
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--token")
    p.add_argument("--path", default="/keymanagement/identity/v1/init")
    p.add_argument("--body")
    p.add_argument("--plan")
    p.add_argument("--send-partial", action="store_true")
    p.add_argument("--dribble", action="store_true")
    a = p.parse_args()
    {"flood": flood, "conncap": conncap, "idle": idle}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
