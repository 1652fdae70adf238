"""A Rasa 3.6 project made of dvcbot's own data, and the servers of the real-Rasa test.

The Rasa venv lives outside the repository (``tests/rasa/ensure_venv.sh`` builds it); trained Rasa
models are cached beside it, keyed by a hash of everything that goes into training, so only a
change of the data or the config trains again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RASA_VERSION = "3.6.21"
PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = PROJECT / "bot/data/domain.yml"
RULES = PROJECT / "bot/data/rules.yml"
NLU = PROJECT / "nlu/data/nlu.yml"
ENSURE_VENV = Path(__file__).with_name("ensure_venv.sh")

# The smallest pipeline that still has Rasa's own intent classifier and entity extractor (DIET,
# one epoch: its entities are spans such as "nghỉ việc sau 3 năm đóng bảo hiểm", which dvcbot must
# cope with) and the synonym mapper that turns the annotated spans into catalogue codes.
CONFIG = """\
recipe: default.v1
language: vi
assistant_id: dvcbot-action-server-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: 1
    number_of_transformer_layers: 0
  - name: EntitySynonymMapper
policies:
  - name: RulePolicy
"""


def cache_dir() -> Path:
    return Path(os.environ.get("DVCBOT_RASA_CACHE", Path.home() / ".cache/dvcbot"))


def venv_dir() -> Path:
    return Path(os.environ.get("DVCBOT_RASA_VENV", cache_dir() / f"rasa-{RASA_VERSION}"))


def venv_python() -> Path:
    return venv_dir() / "bin/python"


def venv_ready() -> bool:
    marker = venv_dir() / ".complete"
    return marker.exists() and marker.read_text().strip() == f"rasa=={RASA_VERSION}"


def python310() -> str | None:
    """The Python 3.10 that Rasa 3.6 needs, looked for as ``ensure_venv.sh`` does: each candidate is
    run, since a pyenv shim named ``python3.10`` exists whichever version is active."""
    candidates = [
        os.environ.get("DVCBOT_RASA_PYTHON"),
        shutil.which("python3.10"),
        str(Path.home() / ".pyenv/versions/3.10.13/bin/python"),
        "/root/.pyenv/versions/3.10.13/bin/python",
    ]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            probe = subprocess.run(
                [candidate, "-c", "import sys; sys.exit(sys.version_info[:2] != (3, 10))"],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except OSError:
            continue
        if probe.returncode == 0:
            return candidate
    return None


def ensure_venv() -> None:
    """Build the venv if it is missing (minutes; ``.ci/run`` does it before the tests)."""
    if not venv_ready():
        subprocess.run(["bash", str(ENSURE_VENV)], check=True)


def data_key() -> str:
    digest = hashlib.sha256(f"rasa=={RASA_VERSION}\n{CONFIG}".encode())
    for path in (DOMAIN, RULES, NLU):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RasaProject:
    """The project directory Rasa runs in: config, the data files, endpoints and credentials."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def model(self) -> Path:
        return cache_dir() / "rasa-models" / f"{data_key()}.tar.gz"

    def rasa(self, *args: str, log: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
        with log.open("ab") as out:
            return subprocess.run(
                [str(venv_python()), "-m", "rasa", *args],
                check=False,
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                env=rasa_env(),
            )

    def data_args(self) -> list[str]:
        return ["--config", str(self.config), "--domain", str(DOMAIN), "--data", str(NLU), str(RULES)]

    def validated_marker(self) -> Path:
        return cache_dir() / "rasa-models" / f"{data_key()}.validated"


def make_project(root: Path, action_url: str) -> RasaProject:
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yml").write_text(CONFIG, encoding="utf-8")
    # The token form of Rasa's endpoints.yml that the README shows. Rasa reads ${...} from its
    # environment only in a plain (unquoted) YAML value: quoted, it would send the text as written.
    (root / "endpoints.yml").write_text(
        f"action_endpoint:\n  url: {action_url}\n  headers:\n"
        "    Authorization: Bearer ${DVCBOT_ACTION_SERVER__TOKEN}\n",
        encoding="utf-8",
    )
    (root / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    (cache_dir() / "rasa-models").mkdir(parents=True, exist_ok=True)
    return RasaProject(root)


def rasa_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(
        {
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
    )
    return env


def dvcbot_command() -> list[str]:
    """``dvcbot`` of the venv running the tests."""
    script = Path(sys.executable).with_name("dvcbot")
    return (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())"]
    )
