"""bandit finds nothing unhandled in our code (findings are fixed or justified with # nosec)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_has_no_unhandled_findings():
    targets = [p for p in ("advocacy", "worker") if (ROOT / p).is_dir()]
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-c", "pyproject.toml", "-r", *targets],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
