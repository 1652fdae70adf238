"""A real Rasa 3.6.21 driving dvcbot's action server, as a Rasa deployment would.

Rasa is trained on dvcbot's own ``nlu.yml``, ``domain.yml`` and ``rules.yml`` (DIET, one epoch, and
RulePolicy), served by ``rasa run`` with the action endpoint of ``endpoints.yml`` pointed at
``dvcbot run``; conversations go through Rasa's REST channel. Every turn must get a reply, and
neither log may show a failed custom action, a 404, Rasa's action-limit breaker (the symptom of
actions handing a turn back and forth) or a response placeholder Rasa could not fill.

Rasa's classifier after one epoch is close to a guess, so these conversations check that whatever
Rasa predicts, dvcbot's actions answer it, not that Rasa understood: which action runs is up to Rasa.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.rasa.conversations import CONVERSATIONS
from tests.rasa.rasa_project import (
    PROJECT,
    RasaProject,
    cache_dir,
    dvcbot_command,
    ensure_venv,
    make_project,
    python310,
    rasa_env,
    venv_python,
)
from tests.servers import free_port, wait_for

pytestmark = pytest.mark.skipif(
    python310() is None,
    reason="Rasa 3.6 needs Python 3.10, and none was found (python3.10 on PATH, ~/.pyenv/versions/3.10.13, "
    "or DVCBOT_RASA_PYTHON)",
)

TRAIN_SECONDS = 1800
START_SECONDS = 900  # Rasa loads TensorFlow; on a busy two-core machine that takes minutes


@dataclass(slots=True)
class Servers:
    project: RasaProject
    rasa_url: str
    action_url: str
    token: str
    rasa_log: Path
    dvcbot_log: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


def _post_json(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None, timeout: float = 120
) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _start(command: list[str], log: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)


def _train_if_needed(project: RasaProject, log: Path) -> None:
    if project.model.exists():
        return
    partial = project.model.with_suffix(".partial")
    partial.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    result = project.rasa(
        "train",
        *project.data_args(),
        "--out",
        str(partial),
        "--fixed-model-name",
        "model",
        log=log,
        timeout=TRAIN_SECONDS,
    )
    assert result.returncode == 0, f"rasa train failed, see {log}"
    (partial / "model.tar.gz").replace(project.model)
    partial.rmdir()
    print(f"\nrasa train: {time.monotonic() - started:.0f} s")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    ensure_venv()
    root = tmp_path_factory.mktemp("rasa")
    token = secrets.token_urlsafe(24)
    action_port, rasa_port = free_port(), free_port()
    action_url = f"http://127.0.0.1:{action_port}"
    project = make_project(root, f"{action_url}/webhook")
    rasa_log, dvcbot_log = root / "rasa.log", root / "dvcbot.log"
    _train_if_needed(project, root / "train.log")

    database = f"sqlite:///{root / 'dvcbot.db'}"
    dvcbot_env = {
        **os.environ,
        "DVCBOT_ACTION_SERVER__TOKEN": token,
        "DVCBOT_STORES__TRACKER_URL": database,
        "DVCBOT_STORES__CATALOGUE_URL": database,
        # dvcbot's own model, cached by its fingerprint outside the work tree
        "DVCBOT_MODEL__DIR": str(cache_dir() / "dvcbot-models"),
        # Every call comes from the one Rasa server: its address must not be limited as one person.
        "DVCBOT_SERVER__REQUESTS_PER_MINUTE_PER_ADDRESS": "1000000",
        "DVCBOT_SERVER__REQUEST_BURST_PER_ADDRESS": "1000000",
    }
    servers = Servers(project, f"http://127.0.0.1:{rasa_port}", action_url, token, rasa_log, dvcbot_log)
    started = time.monotonic()
    servers.processes.append(
        _start([*dvcbot_command(), "run", "--port", str(action_port)], dvcbot_log, dvcbot_env, PROJECT)
    )
    env = {**rasa_env(), "DVCBOT_ACTION_SERVER__TOKEN": token}
    servers.processes.append(
        _start(
            [
                str(venv_python()),
                "-m",
                "rasa",
                "run",
                "--model",
                str(project.model),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--port",
                str(rasa_port),
                "-i",
                "127.0.0.1",
            ],
            rasa_log,
            env,
            root,
        )
    )
    try:
        ready = wait_for(
            lambda: (
                all(p.poll() is None for p in servers.processes)
                and _up(f"{action_url}/health")
                and _up(f"{servers.rasa_url}/")
            ),
            timeout=START_SECONDS,
            interval=2,
        )
        assert ready, f"servers did not start; see {dvcbot_log} and {rasa_log}"
        print(f"\nservers up in {time.monotonic() - started:.0f} s")
        yield servers
    finally:
        for process in servers.processes:
            process.terminate()
        for process in servers.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_rasa_validates_the_project_data(servers: Servers) -> None:
    """``rasa data validate`` on dvcbot's domain, NLU data and rules (cached per data hash)."""
    marker = servers.project.validated_marker()
    if not marker.exists():
        log = servers.project.root / "validate.log"
        result = servers.project.rasa("data", "validate", *servers.project.data_args(), log=log, timeout=900)
        assert result.returncode == 0, log.read_text(encoding="utf-8", errors="replace")[-4000:]
        marker.write_text("ok\n")


@dataclass(slots=True)
class Played:
    conversations: int = 0
    turns: int = 0
    empty: list[tuple[str, str]] = field(default_factory=list)
    placeholders: list[tuple[str, str]] = field(default_factory=list)


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_conversations_over_rasa_get_a_reply_every_turn(servers: Servers) -> None:
    played = Played()
    started = time.monotonic()
    transcript: list[str] = []  # beside the logs, for reading what Rasa and dvcbot answered
    for index, conversation in enumerate(CONVERSATIONS):
        sender = f"rasa-{index:02d}-{secrets.token_hex(3)}"
        played.conversations += 1
        transcript.append(f"# {sender}")
        for text in conversation:
            replies = _post_json(
                f"{servers.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
            )
            played.turns += 1
            texts = [r.get("text") or "" for r in replies if isinstance(r, dict)]
            transcript += [f"> {text}", *(f"  < {t}" for t in texts)]
            if not any(t.strip() for t in texts):
                played.empty.append((sender, text))
            played.placeholders += [(text, t) for t in texts if _PLACEHOLDER.search(t)]
    (servers.project.root / "transcript.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
    rasa_log = servers.rasa_log.read_text(encoding="utf-8", errors="replace")
    dvcbot_log = servers.dvcbot_log.read_text(encoding="utf-8", errors="replace")
    print(
        f"\nreal Rasa: {played.conversations} conversations, {played.turns} turns, {len(played.empty)} empty "
        f"replies, {rasa_log.count('Failed to execute custom action')} failed custom actions, "
        f"{time.monotonic() - started:.0f} s; transcript: {servers.project.root / 'transcript.txt'}"
    )
    assert played.conversations >= 30
    assert played.empty == []
    assert played.placeholders == []
    assert "Failed to execute custom action" not in rasa_log
    assert "Circuit breaker tripped" not in rasa_log
    assert "Tried to set non existent slot" not in rasa_log
    webhook_calls = re.findall(r'"POST /webhook[^"]*" (\d{3})', dvcbot_log)
    assert webhook_calls, "Rasa never called the action server"
    assert set(webhook_calls) == {"200"}, f"action-server answers: {sorted(set(webhook_calls))}"
    assert "Traceback" not in dvcbot_log


def test_the_action_server_refuses_rasa_without_the_token(servers: Servers) -> None:
    body = {"next_action": "action_procedure_fee", "tracker": {"sender_id": "x", "events": []}, "domain": {}}
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post_json(f"{servers.action_url}/webhook", body)
    assert refused.value.code == 401
    answered = _post_json(f"{servers.action_url}/webhook?token={servers.token}", body)
    assert set(answered) == {"events", "responses"}
