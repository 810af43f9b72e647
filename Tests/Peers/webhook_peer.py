#!/usr/bin/env python3
"""Webhook receiver for EHC Sync's channel tests (Python stdlib only).

Listens on 127.0.0.1; prints its port as stdout's first line; exits when stdin closes.
Checks every request's Standard Webhooks signature with its own HMAC (an independent
implementation) and appends one JSON line per request to --spool:
{"path", "id", "timestamp", "signature_ok", "content_type", "body"}.

    python3 webhook_peer.py --port 0 --secret-file S --spool F [--control FILE]

Paths: /ok answers 200; /flaky answers 500 (Retry-After: 1) to the first request of
each webhook-id and 200 after; /bad answers 400; /slow answers 429 with Retry-After: 120;
/hold?before=M&ms=N waits a random 0 to M ms, then takes the request only if the sender
is still connected (one killed in that time has not delivered: nothing is recorded), then
records it and waits a random 0 to N ms before answering (one killed in that time has
delivered but not yet recorded the delivery).
--control names a file the test rewrites, read at each request: "503" or "500 2" (a
status, and a Retry-After in seconds) answers every request so; empty or missing: the
path decides. Each spool line also has the "status" answered.
"""
import argparse, base64, hashlib, hmac, json, random, socket, sys, threading, time
from urllib.parse import parse_qs, urlsplit
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

seen = set()
lock = threading.Lock()


def key_from(secret):
    if secret.endswith("\n"):
        secret = secret[:-1]
    return base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        hold = urlsplit(self.path).path == "/hold"
        if hold:
            before = float(parse_qs(urlsplit(self.path).query).get("before", ["0"])[0])
            time.sleep(random.uniform(0, before) / 1000)
            if not self.sender_connected():
                self.close_connection = True
                return
        msg_id = self.headers.get("webhook-id", "")
        ts = self.headers.get("webhook-timestamp", "")
        sig = self.headers.get("webhook-signature", "")
        expected = "v1," + base64.b64encode(
            hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        ok = any(hmac.compare_digest(expected, s) for s in sig.split(" "))
        with lock:
            first = msg_id not in seen
            seen.add(msg_id)
        status, extra = 200, {}
        forced = control()
        if forced:
            status = int(forced[0])
            if len(forced) > 1:
                extra = {"Retry-After": forced[1]}
        elif self.path == "/bad":
            status = 400
        elif self.path == "/flaky" and first:
            status, extra = 500, {"Retry-After": "1"}
        elif self.path == "/slow":
            status, extra = 429, {"Retry-After": "120"}
        with lock:
            with open(ARGS.spool, "a") as f:
                f.write(json.dumps({"path": self.path, "id": msg_id, "timestamp": ts, "signature_ok": ok,
                                    "content_type": self.headers.get("Content-Type", ""),
                                    "body": body.decode("utf-8"), "status": status}) + "\n")
        if hold:
            ms = float(parse_qs(urlsplit(self.path).query).get("ms", ["100"])[0])
            time.sleep(random.uniform(0, ms) / 1000)
        reply = b"error: try later\n" if status >= 400 else b"ok\n"
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def sender_connected(self):
        """False once the sender has closed its end (it was killed): a peek sees EOF or a reset."""
        try:
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
        except BlockingIOError:
            return True
        except OSError:
            return False


def control():
    """The status (and Retry-After) the control file forces, as words, or None."""
    if not ARGS.control:
        return None
    try:
        with open(ARGS.control) as f:
            words = f.read().split()
    except OSError:
        return None
    return words or None


def main():
    global ARGS, KEY
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--secret-file", required=True)
    p.add_argument("--spool", required=True)
    p.add_argument("--control")
    ARGS = p.parse_args()
    KEY = key_from(open(ARGS.secret_file).read())
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()


if __name__ == "__main__":
    main()
