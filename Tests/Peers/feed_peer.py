#!/usr/bin/env python3
"""HTTP(S) record endpoint for EHC Sync's HTTP feed tests (Python stdlib only).

Listens on 127.0.0.1 only. Prints the chosen port as the first line of stdout, then
serves until killed or until its stdin closes (so it never outlives the test process).

    python3 feed_peer.py --port 0 --data records.json [--cert server.pem --key server.key] [--control FILE]

The records are the JSON array in --data, read again on every request, so a test
changes what the endpoint serves by rewriting the file. Every request is appended to
the JSON list that GET /log returns: path, query, selected headers, arrival time.

Routes (GET):
    /feed   the records, with these query parameters:
              since=T        only records with updated_at >= T (RFC 3339)
              validator=etag|lm|none   ETag (a hash of the answer) or Last-Modified
                             (the newest updated_at), and 304 when the client's matches
              paging=body|link|none    pages of page_size records: "next" in a
                             {"records", "next"} body (absolute URL), or a relative
                             Link: <...>; rel="next" header with a plain array body
              page_size=N    (default 2); page=K (1-based) is set by the next links
              fail_page=K    page K answers fail_status (default 500; with fail_retry_after=S,
                             a Retry-After of S) while the file
                             named by fail_file exists
              delay=S        sleep S seconds before answering
              swap_page=K&swap_file=NAME   once page K's answer is made (from the
                             records as they were), the file NAME beside --data, when it
                             exists, replaces --data: the records change between two
                             pages of one walk, before the client has page K
    /status/CODE?retry_after=X&body=TEXT   that status, with Retry-After when given
    /html                  200 with an HTML error page
    /truncated?mode=short  200 with JSON cut off in the middle (complete transfer)
    /truncated?mode=close  Content-Length of the whole JSON, half sent, then closed
    /drip?interval=S       a JSON body one byte every S seconds
    /big?bytes=N           a JSON array of N bytes or more
    /gzip?bytes=N          the same, gzip-encoded on the wire (Content-Encoding: gzip)
    /redirect?to=URL       302 to URL
    /file?name=NAME        200 with the file NAME beside --data, as JSON
    /stall?after=N         200 with the JSON records' Content-Length, N bytes of them, then nothing
    /log                   the requests seen so far (not logged itself)

Network faults (--control FILE, for the reliability harness). The file holds a JSON object
the test rewrites (atomically); a watcher thread applies it within 20 ms:
    {"mode": "up"}         normal service
    {"mode": "refuse"}     the listening socket is closed: connection refused
    {"mode": "hang"}       connections are accepted and never answered (closed when the
                           client hangs up or the mode changes)
    {"mode": "429", "retry_after": "seconds" | "date" | null, "wait": S}
                           every request but /log answers 429, with Retry-After S seconds,
                           an HTTP-date S seconds ahead, or none
    {"mode": "drip", "bytes": N, "interval": S}   /feed's body N bytes every S seconds
    {"mode": "stall"}      /feed's headers and half its body, then nothing until the mode changes
Every /feed answer that was written whole counts its records' versions (request_id,
updated_at) as served, per value of the query's `feed` parameter (one client each). A
/feed request whose `since` is later than the oldest version not yet served is a skipped
cursor: its log entry says "since_ok": false. Log entries also carry the wall-clock time
("wall"), the mode, the status answered, the Retry-After sent, "served" (the answer was
written whole) and "ended" (monotonic time the answer ended, or the client hung up).
"""
import argparse
import gzip
import hashlib
import json
import os
import ssl
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlencode, urlsplit

# The transport tests' peer, beside this file: its Handler (TLS handshake per
# connection, quiet log, answer), Server and stdin watch serve here too.
import http_peer

LOG = []
LOG_LOCK = threading.Lock()
ARGS = None
# The fault mode from --control (see the module's doc) and the versions served whole.
CONTROL = {"mode": "up"}
SERVED = set()
SERVER = None
SERVER_LOCK = threading.Lock()


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Handler(http_peer.Handler):
    server_version = "ehc-feed-peer"

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.entry = {}
        if url.path != "/log":
            self.entry = {
                "path": url.path, "query": query, "time": time.monotonic(), "wall": time.time(),
                "mode": CONTROL.get("mode", "up"),
                "headers": {k.lower(): v for k, v in self.headers.items()
                            if k.lower() in ("if-none-match", "if-modified-since", "user-agent",
                                             "authorization", "accept", "accept-encoding")},
            }
            with LOG_LOCK:
                LOG.append(self.entry)
        try:
            if url.path != "/log" and self.fault():
                return
            self.dispatch(url.path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.entry["ended"] = time.monotonic()

    def answer(self, status, body, headers):
        self.entry["status"] = status
        super().answer(status, body, headers)

    def fault(self):
        """Answers for the fault modes that replace every answer; True when it did."""
        mode = CONTROL.get("mode", "up")
        if mode == "hang":
            self.wait_for_close(lambda: CONTROL.get("mode") != "hang")
            self.close_connection = True
            return True
        if mode == "429":
            headers = {"Content-Type": "text/plain"}
            wait = CONTROL.get("wait", 1)
            kind = CONTROL.get("retry_after")
            if kind == "seconds":
                headers["Retry-After"] = str(wait)
            elif kind == "date":
                headers["Retry-After"] = format_datetime(datetime.fromtimestamp(time.time() + wait, timezone.utc), usegmt=True)
            self.entry["retry_after"] = headers.get("Retry-After")
            self.answer(429, b"too many requests", headers)
            return True
        return False

    def dispatch(self, path, query):
        if path == "/log":
            with LOG_LOCK:
                seen = [dict(entry) for entry in LOG]
            self.answer(200, json.dumps(seen).encode(), {"Content-Type": "application/json"})
        elif path == "/feed":
            self.feed(query)
        elif path.startswith("/status/"):
            headers = {"Content-Type": "text/plain"}
            if "retry_after" in query:
                headers["Retry-After"] = query["retry_after"]
            self.answer(int(path.rsplit("/", 1)[1]), query.get("body", "").encode(), headers)
        elif path == "/html":
            page = b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\n<body>Down for maintenance</body></html>\n"
            self.answer(200, page, {"Content-Type": "text/html"})
        elif path == "/truncated":
            whole = json.dumps(self.records()).encode()
            half = whole[: len(whole) // 2]
            if query.get("mode") == "close":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(whole)))
                self.end_headers()
                self.wfile.write(half)
                self.wfile.flush()
                self.close_connection = True
            else:
                self.answer(200, half, {"Content-Type": "application/json"})
        elif path == "/drip":
            self.drip_records(float(query.get("interval", "1")))
        elif path == "/stall":
            self.stall_records(int(query.get("after", "10")))
        elif path in ("/big", "/gzip"):
            body = self.padded(int(query.get("bytes", "1000")))
            if path == "/gzip":
                self.answer(200, gzip.compress(body), {"Content-Type": "application/json", "Content-Encoding": "gzip"})
            else:
                self.answer(200, body, {"Content-Type": "application/json"})
        elif path == "/file":
            name = os.path.basename(query.get("name", ""))
            with open(os.path.join(os.path.dirname(ARGS.data), name), "rb") as f:
                self.answer(200, f.read(), {"Content-Type": "application/json"})
        elif path == "/redirect":
            self.answer(302, b"", {"Location": query.get("to", "/feed")})
        else:
            self.answer(404, b"no such route", {"Content-Type": "text/plain"})

    def records(self):
        with open(ARGS.data, "rb") as f:
            return json.load(f)

    def feed(self, query):
        if "delay" in query:
            time.sleep(float(query["delay"]))
        records = self.records()
        if "since" in query:
            since = parse_time(query["since"])
            with LOG_LOCK:
                pending = [parse_time(r["updated_at"]) for r in records
                           if (query.get("feed", ""), r["request_id"], r["updated_at"]) not in SERVED]
            self.entry["since_ok"] = not pending or since <= min(pending)
            records = [r for r in records if parse_time(r["updated_at"]) >= since]
        headers = {"Content-Type": "application/json"}
        validator = query.get("validator", "none")
        paging = query.get("paging", "none")
        page = int(query.get("page", "1"))
        size = int(query.get("page_size", "2"))
        if page == 1 and validator == "etag":
            tag = '"' + hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()[:16] + '"'
            headers["ETag"] = tag
            if self.headers.get("If-None-Match") == tag:
                return self.answer(304, b"", headers)
        if page == 1 and validator == "lm" and records:
            newest = max(parse_time(r["updated_at"]) for r in records).astimezone(timezone.utc)
            headers["Last-Modified"] = format_datetime(newest.replace(microsecond=0), usegmt=True)
            since = self.headers.get("If-Modified-Since")
            if since and parsedate_to_datetime(since) >= newest.replace(microsecond=0):
                return self.answer(304, b"", headers)
        if "fail_page" in query and page == int(query["fail_page"]) and os.path.exists(query.get("fail_file", "")):
            status = int(query.get("fail_status", "500"))
            headers = {"Content-Type": "text/plain"}
            if "fail_retry_after" in query:
                headers["Retry-After"] = query["fail_retry_after"]
            return self.answer(status, b"page store offline\nsecond line", headers)
        if "swap_page" in query and page == int(query["swap_page"]):
            swap = os.path.join(os.path.dirname(ARGS.data), os.path.basename(query.get("swap_file", "")))
            if os.path.isfile(swap):
                os.replace(swap, ARGS.data)
        if paging == "none":
            return self.serve(query, records, json.dumps(records).encode(), headers)
        chunk = records[(page - 1) * size: page * size]
        more = page * size < len(records)
        following = dict(query)
        following["page"] = str(page + 1)
        next_path = "/feed?" + urlencode(following)
        if paging == "body":
            host = self.headers.get("Host")
            scheme = "https" if isinstance(self.request, ssl.SSLSocket) else "http"
            body = {"records": chunk, "next": f"{scheme}://{host}{next_path}" if more else None}
            return self.serve(query, chunk, json.dumps(body).encode(), headers)
        if more:
            headers["Link"] = f'<{next_path}>; rel="next", </feed?page=1>; rel="first"'
        return self.serve(query, chunk, json.dumps(chunk).encode(), headers)

    def serve(self, query, records, body, headers):
        """A 200 of /feed, whole or as the fault mode says; its records count as served
        only once the whole body has been written."""
        mode = CONTROL.get("mode", "up")
        if mode not in ("drip", "stall"):
            self.answer(200, body, headers)
            whole = True
        else:
            self.entry["status"] = 200
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            whole = self.drip(body) if mode == "drip" else self.stall(body)
        if whole:
            with LOG_LOCK:
                SERVED.update((query.get("feed", ""), r["request_id"], r["updated_at"]) for r in records)
        self.entry["served"] = whole

    def drip(self, body):
        step = int(CONTROL.get("bytes", 16))
        interval = float(CONTROL.get("interval", 0.05))
        try:
            for start in range(0, len(body), step):
                self.wfile.write(body[start:start + step])
                self.wfile.flush()
                time.sleep(interval)
        except OSError:
            self.close_connection = True
            return False
        return True

    def stall(self, body):
        try:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.wait_for_close(lambda: CONTROL.get("mode") != "stall")
        except OSError:
            pass
        self.close_connection = True
        return False

    def wait_for_close(self, give_up=lambda: False):
        """Returns once the client has closed the connection (or `give_up()`)."""
        self.request.settimeout(0.02)
        while not give_up():
            try:
                if not self.request.recv(1):
                    return
            except TimeoutError:
                pass
            except ssl.SSLWantReadError:
                pass

    def padded(self, count):
        """A JSON array of one record padded with a long unknown key to `count` bytes."""
        record = {"request_id": "BIG-1", "updated_at": "2026-03-02T10:00:00Z", "pad": ""}
        size = len(json.dumps([record]))
        record["pad"] = "x" * max(0, count - size)
        return json.dumps([record]).encode()

    def drip_records(self, interval):
        body = json.dumps(self.records()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass
        self.close_connection = True

    def stall_records(self, after):
        body = json.dumps(self.records()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body[:after])
            self.wfile.flush()
            self.wait_for_close()
        except OSError:
            pass
        self.close_connection = True


def start_server():
    """Listens on ARGS.port (the port of the first start, when that was 0)."""
    global SERVER
    server = http_peer.Server(("127.0.0.1", ARGS.port), Handler)
    if ARGS.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ARGS.cert, ARGS.key)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    ARGS.port = server.server_address[1]
    SERVER = server
    # A short poll interval, so that "refuse" closes the socket within a few milliseconds.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()


def watch_control():
    """Applies --control's changes; "refuse" closes the listening socket, and leaving
    it opens the same port again."""
    global SERVER
    seen = None
    while True:
        try:
            with open(ARGS.control, "rb") as f:
                text = f.read()
        except OSError:
            text = seen
        if text and text != seen:
            seen = text
            new = json.loads(text)
            with SERVER_LOCK:
                if new.get("mode") == "refuse" and SERVER is not None:
                    SERVER.shutdown()
                    SERVER.server_close()
                    SERVER = None
                CONTROL.clear()
                CONTROL.update(new)
                if new.get("mode") != "refuse" and SERVER is None:
                    start_server()
        time.sleep(0.02)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--data", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--control")
    ARGS = parser.parse_args()

    start_server()
    if ARGS.control:
        threading.Thread(target=watch_control, daemon=True).start()
    print(ARGS.port, flush=True)
    http_peer.exit_when_stdin_closes()


if __name__ == "__main__":
    main()
