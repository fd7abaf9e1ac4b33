"""Local sinks for reminder tests: an SMTP server that can refuse or hold, and a webhook server."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.worker.conftest import SmtpSink


class ReminderSmtpSink(SmtpSink):
    """SmtpSink that refuses chosen recipients (550) and can hold the n-th MAIL command."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: set[str] = set()
        self.mail_commands = 0
        self.hold_at: int | None = None
        # Keep the n-th message, then hold back the "250" that tells the client so: a kill
        # then is the crash after the hand-off and before the sender recorded it.
        self.data_commands = 0
        self.hold_data_at: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        self.mail_commands += 1
        if self.hold_at is not None and self.mail_commands == self.hold_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        self.data_commands += 1
        if self.hold_data_at is not None and self.data_commands == self.hold_data_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return answer

    def message_ids(self, address: str) -> list[str]:
        return [str(m["Message-ID"]) for m in self.to(address)]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def counts(self, kind: str | None = None) -> Counter:
        """Messages per recipient; with `kind`, only reminders of that kind."""
        with self._lock:
            pairs = list(zip(self.messages, self.envelopes, strict=True))
        return Counter(
            rcpt for message, (_sender, rcpts) in pairs for rcpt in rcpts
            if kind is None or str(message["X-Advocacy-Reminder"] or "").startswith(f"{kind}:")
        )


class HttpSink:
    """A real HTTP server on a free port in a thread: keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        sink = self
        self.bodies: list[dict] = []
        self.status = 200
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with sink._lock:
                    status = sink.status
                    if status < 300:
                        sink.bodies.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> HttpSink:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
