"""`python -m worker.mailsink`: the local SMTP sink that `make run` starts when no MAIL_SERVER
is set, so a newcomer sees the welcome e-mail and the reminders instead of a retry loop.

It accepts every message on 127.0.0.1:--smtp-port (aiosmtpd), prints one line per message
(recipients and subject) and shows the last --keep messages on a small page at
http://127.0.0.1:--http-port/ (plain text bodies, HTML-escaped; nothing leaves the machine).
"""

from __future__ import annotations

import argparse
import html
import signal
import sys
import threading
from collections import deque
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Mailbox:
    """The caught messages, newest last; bounded so a long run does not grow without end."""

    def __init__(self, keep: int = 200) -> None:
        self.messages: deque[tuple[datetime, list[str], EmailMessage]] = deque(maxlen=keep)
        self.total = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append((datetime.now(UTC), list(envelope.rcpt_tos), message))
            self.total += 1
        print(f"mail | to {', '.join(envelope.rcpt_tos)}: {message.get('Subject', '')}",
              flush=True)
        return "250 OK"

    def snapshot(self) -> list[tuple[datetime, list[str], EmailMessage]]:
        with self._lock:
            return list(self.messages)


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, KeyError):  # an unknown charset: show the raw payload
        return str(part.get_payload())


def render(mailbox: Mailbox) -> str:
    rows = []
    for when, recipients, message in reversed(mailbox.snapshot()):
        rows.append(
            "<article><h2>{subject}</h2><p>{when} · to {to} · Message-ID {mid}</p>"
            "<pre>{body}</pre></article>".format(
                subject=html.escape(str(message.get("Subject", ""))),
                when=when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                to=html.escape(", ".join(recipients)),
                mid=html.escape(str(message.get("Message-ID", ""))),
                body=html.escape(_text(message)),
            )
        )
    body = "\n".join(rows) or "<p>No e-mail caught yet.</p>"
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Caught e-mail</title><style>body{font-family:sans-serif;max-width:50rem;"
        "margin:auto;padding:1rem}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}"
        "</style></head><body><main><h1>Caught e-mail</h1>"
        f"<p>{mailbox.total} message(s) caught by the local sink; nothing was sent out.</p>"
        f"{body}</main></body></html>"
    )


def make_http_server(mailbox: Mailbox, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's hook
            payload = render(mailbox).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args) -> None:  # quiet: the launcher's log is for mail lines
            return

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main(argv: list[str] | None = None) -> int:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--keep", type=int, default=200)
    args = parser.parse_args(argv)

    mailbox = Mailbox(args.keep)
    controller = Controller(mailbox, hostname="127.0.0.1", port=args.smtp_port)
    controller.start()
    http_server = make_http_server(mailbox, args.http_port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    print(f"mail | SMTP sink on 127.0.0.1:{args.smtp_port}; caught mail at "
          f"http://127.0.0.1:{args.http_port}/", flush=True)
    try:
        stop.wait()
    finally:
        http_server.shutdown()
        http_server.server_close()
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
