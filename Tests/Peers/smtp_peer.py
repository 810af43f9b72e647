#!/usr/bin/env python3
"""SMTP test peer for EHC Sync's libcurl transport tests (stdlib + aiosmtpd).

Listens on 127.0.0.1 only. Prints the chosen port as the first line of stdout, then
serves until killed or until its stdin closes (so it never outlives the test process).
Every accepted message is written to SPOOL/NNNN.json (atomically, before the server
answers 250) with its envelope, its exact bytes and whether TLS and AUTH were used.

    python3 smtp_peer.py --port 0 --spool DIR --mode starttls|plain|implicit \
        [--cert server.pem --key server.key] [--auth USER:PASSWORD] [--control FILE]

    starttls   offers STARTTLS and refuses mail before it (require_starttls)
    plain      no TLS at all: a client that insists on TLS must fail
    implicit   TLS from the first byte (smtps)
    --auth     AUTH (PLAIN, LOGIN) required with exactly these credentials
    --control  a file the test rewrites, read at each command: "mail 451 4.3.2 try later"
               answers MAIL FROM with that reply, "data 554 5.3.0 failed" answers the end
               of DATA with it (the message is then not accepted); empty or missing:
               normal service. Every DATA the server reaches, accepted or refused, is
               appended to SPOOL/attempts.ndjson with its Message-ID and the reply.

Spool names continue from the files already there, so a peer started again on the same
spool (a server that was down) keeps the order.
"""
import argparse
import asyncio
import base64
import itertools
import json
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Spool:
    def __init__(self, directory, control=None):
        self.directory = directory
        self.control = control
        done = [n for n in os.listdir(directory) if n.endswith(".json")]
        self.counter = itertools.count(len(done) + 1)

    def fault(self, stage):
        """The reply the control file sets for `stage` ("mail" or "data"), if any."""
        if not self.control:
            return None
        try:
            with open(self.control) as f:
                text = f.read().strip()
        except OSError:
            return None
        word, _, reply = text.partition(" ")
        return reply if word == stage and reply else None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = self.fault("mail")
        if reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.fault("data") or "250 OK"
        if self.control:
            content = envelope.original_content or b""
            message_id = next((line.split(b":", 1)[1].strip().decode("ascii", "replace")
                               for line in content.split(b"\r\n") if line.lower().startswith(b"message-id:")), "")
            with open(os.path.join(self.directory, "attempts.ndjson"), "a") as out:
                out.write(json.dumps({"message_id": message_id, "reply": reply}) + "\n")
        if reply != "250 OK":
            return reply
        transport = server.transport
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": base64.b64encode(envelope.original_content or b"").decode("ascii"),
            "tls": transport is not None and transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
        }
        name = os.path.join(self.directory, f"{next(self.counter):04d}.json")
        with open(name + ".tmp", "w") as out:
            json.dump(record, out)
        os.rename(name + ".tmp", name)
        return "250 OK"


def authenticator(expected):
    user, _, password = expected.partition(":")

    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)

    return check


def exit_when_stdin_closes():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


async def serve(args):
    context = None
    if args.mode in ("starttls", "implicit"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    handler = Spool(args.spool, args.control)
    loop = asyncio.get_running_loop()

    def protocol():
        options = {"hostname": "ehc-test-peer", "loop": loop}
        if args.mode == "starttls":
            options.update(tls_context=context, require_starttls=True)
        if args.auth:
            # With implicit TLS aiosmtpd cannot see the TLS, so it must not insist on it.
            options.update(authenticator=authenticator(args.auth), auth_required=True,
                           auth_require_tls=args.mode != "implicit")
        return SMTP(handler, **options)

    server = await loop.create_server(protocol, "127.0.0.1", args.port,
                                      ssl=context if args.mode == "implicit" else None)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--mode", choices=["starttls", "plain", "implicit"], default="starttls")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--control")
    args = parser.parse_args()
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
