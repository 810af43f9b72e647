#!/usr/bin/env python3
"""HTTP(S) test peer for EHC Sync's libcurl transport tests (Python stdlib only).

Listens on 127.0.0.1 only. Prints the chosen port as the first line of stdout, then
serves until killed or until its stdin closes (so it never outlives the test process).

    python3 http_peer.py --port 0 [--cert server.pem --key server.key [--client-ca ca.pem]]

Routes (GET unless said):
    /json                 200 JSON with an X-Peer header
    /etag                 200 with ETag "v1"; 304 when If-None-Match is "v1"
    /ratelimited          429 with Retry-After: 7
    /error                500
    /drip?bytes=N&interval=S   Content-Length N, then one byte every S seconds
    /big?bytes=N          N bytes with no Content-Length (connection closes at the end)
    /gzip?bytes=N         N zero bytes, gzip-encoded on the wire (Content-Encoding: gzip)
    /redirect?to=URL      302 to URL
    /chain/N              302 to /chain/N-1; /chain/0 answers 200 "end"
    /echo (GET or POST)   JSON: method, path, headers as [name, value] pairs, body as base64
"""
import argparse
import base64
import gzip
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ehc-test-peer"

    def log_message(self, format, *args):  # quiet: the test reads only stdout's first line
        pass

    def setup(self):
        # With TLS, the handshake runs here, in this connection's thread, so one
        # client that fails it never holds up the listening socket.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        body = self.read_body()

        def number(name, default):
            return int(query.get(name, [default])[0])

        if path == "/json":
            self.answer(200, b'{"ok": true, "items": [1, 2, 3]}',
                        {"Content-Type": "application/json", "X-Peer": "http_peer"})
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.answer(304, b"", {"ETag": '"v1"'})
            else:
                self.answer(200, b"[]", {"ETag": '"v1"', "Content-Type": "application/json"})
        elif path == "/ratelimited":
            self.answer(429, b"slow down", {"Retry-After": "7"})
        elif path == "/error":
            self.answer(500, b"broken", {})
        elif path == "/drip":
            self.drip(number("bytes", "10"), float(query.get("interval", ["2"])[0]))
        elif path == "/big":
            self.stream_unsized(number("bytes", "0"))
        elif path == "/gzip":
            packed = gzip.compress(b"\0" * number("bytes", "0"))
            self.answer(200, packed, {"Content-Encoding": "gzip", "Content-Type": "application/octet-stream"})
        elif path == "/redirect":
            self.answer(302, b"", {"Location": query.get("to", ["/json"])[0]})
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left > 0:
                self.answer(302, b"moved", {"Location": f"/chain/{left - 1}", "X-Hop": str(left)})
            else:
                self.answer(200, b"end", {"X-Hop": "0"})
        elif path == "/echo":
            echo = {
                "method": method,
                "path": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": base64.b64encode(body).decode("ascii"),
            }
            self.answer(200, json.dumps(echo).encode(), {"Content-Type": "application/json"})
        else:
            self.answer(404, b"no such route", {})

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and status != 304:
            self.wfile.write(body)

    def drip(self, count, interval):
        self.send_response(200)
        self.send_header("Content-Length", str(count))
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True

    def stream_unsized(self, count):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"b" * 65536
        try:
            left = count
            while left > 0:
                self.wfile.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
        except OSError:
            pass  # the client stopped reading at its limit
        self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # failed handshakes and dropped clients are part of the tests


def exit_when_stdin_closes():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca")
    args = parser.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
