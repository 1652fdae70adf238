#!/usr/bin/env bash
# Builds the Python 3.10 venv with Rasa 3.6.21 that tests/rasa drives, outside the repository:
# ${DVCBOT_RASA_VENV:-$HOME/.cache/dvcbot/rasa-3.6.21}. Idempotent: a finished venv (its ".complete"
# marker names the Rasa version) is reused at once; an interrupted build is started again from
# scratch in a ".partial" directory, which is moved into place only when pip succeeded.
# Without Python 3.10 it prints why and exits 0: the test then skips with the same reason.
set -euo pipefail

RASA_VERSION="3.6.21"
VENV="${DVCBOT_RASA_VENV:-$HOME/.cache/dvcbot/rasa-$RASA_VERSION}"
PYTHON="${DVCBOT_RASA_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.10 "$HOME/.pyenv/versions/3.10.13/bin/python" /root/.pyenv/versions/3.10.13/bin/python; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$(command -v "$candidate")"; break; fi
  done
  if [ -z "$PYTHON" ] && command -v pyenv >/dev/null 2>&1; then
    version="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.' | tail -n1 || true)"
    if [ -n "$version" ]; then PYTHON="$(pyenv root)/versions/$version/bin/python"; fi
  fi
fi

if [ -f "$VENV/.complete" ] && [ "$(cat "$VENV/.complete")" = "rasa==$RASA_VERSION" ]; then
  echo "rasa venv: reusing $VENV"
  exit 0
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  echo "rasa venv: no Python 3.10 on this machine; the real-Rasa test will be skipped"
  exit 0
fi

started=$(date +%s)
partial="$VENV.partial"
rm -rf "$partial"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$partial"
# pip's own output goes to a log beside the venv; only its tail is shown when it fails.
if ! nice -n 10 "$partial/bin/python" -m pip install -q "rasa==$RASA_VERSION" >"$partial.log" 2>&1; then
  tail -n 40 "$partial.log"
  echo "rasa venv: pip install rasa==$RASA_VERSION failed" >&2
  exit 1
fi
echo "rasa==$RASA_VERSION" >"$partial/.complete"
rm -rf "$VENV"
mv "$partial" "$VENV"  # the venv is run as "$VENV/bin/python -m rasa", which does not mind the move
echo "rasa venv: built $VENV in $(( $(date +%s) - started )) s"
