"""`python -m worker.supervise -- <command>`: keep one process running (what `make run` wraps
the Celery worker in). A worker that exits on its own (a crash, a lost broker it could not
survive) is started again after a short, growing pause; a stop signal is passed on to it
and ends the supervisor too. In production the process manager (systemd, Kubernetes, the
platform's Procfile runner) does this job.
"""

from __future__ import annotations

import signal
import subprocess  # nosec B404
import sys
import time

BACKOFF = (1.0, 2.0, 5.0, 10.0)
HEALTHY_AFTER = 60.0  # a run this long resets the pause to the shortest


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m worker.supervise -- <command ...>", file=sys.stderr)
        return 2
    stopping: list[int] = []
    child: subprocess.Popen | None = None

    def forward(signum: int, _frame) -> None:
        stopping.append(signum)
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    failures = 0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)  # nosec B603
        code = child.wait()
        if stopping:
            return 128 + stopping[0] if code < 0 else code
        failures = 0 if time.monotonic() - started > HEALTHY_AFTER else failures + 1
        pause = BACKOFF[min(max(failures - 1, 0), len(BACKOFF) - 1)]
        print(f"supervise | `{argv[0]}` exited with {code}; starting it again in {pause:g} s",
              flush=True)
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline and not stopping:
            time.sleep(0.1)
        if stopping:
            return 128 + stopping[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
