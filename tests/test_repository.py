"""What a clone looks like after `make run`: its files ignored, its port settable (issue 10, item 11)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git clone")


@pytest.mark.parametrize(
    "path",
    ["dvcbot.db", "dvcbot.db-wal", "dvcbot.db-shm", "dvcbot-dossier-service.db", "dvcbot-dossier-service.db-wal",
     "dvcbot-dossier-service.db-shm"],
)
def test_the_files_make_run_leaves_are_ignored(path: str) -> None:
    result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
    assert result.returncode == 0, f"{path} would show in git status"


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_run_takes_a_port() -> None:
    dry = subprocess.run(["make", "-n", "-W", "pyproject.toml", "run", "PORT=8123"], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert "dvcbot run --host 127.0.0.1 --port 8123" in dry.stdout
