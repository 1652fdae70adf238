#!/usr/bin/env bash
# Builds the Python 3.10 venv with Rasa 3.6.21 that tests/rasa drives, outside the repository:
# ${DVCBOT_RASA_VENV:-$HOME/.cache/dvcbot/rasa-3.6.21}. Idempotent: a finished venv (its ".complete"
# marker names the Rasa version) is reused at once; an interrupted build is started again from
# scratch in a ".partial" directory, which is moved into place only when pip succeeded.
# Without Python 3.10 it prints why and exits 0: the test then skips with the same reason.
set -euo pipefail

RASA_VERSION="3.6.21"
VENV="${DVCBOT_RASA_VENV:-$HOME/.cache/dvcbot/rasa-$RASA_VERSION}"
if [ -f "$VENV/.complete" ] && [ "$(cat "$VENV/.complete")" = "rasa==$RASA_VERSION" ]; then
  echo "rasa venv: reusing $VENV"
  exit 0
fi

is_python310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
PYTHON=""
# Each candidate is run, not only found: a pyenv shim named python3.10 exists whatever version is active.
candidates=("${DVCBOT_RASA_PYTHON:-}" python3.10 "$HOME/.pyenv/versions/3.10.13/bin/python" /root/.pyenv/versions/3.10.13/bin/python)
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.' || true); do
    candidates+=("$(pyenv root)/versions/$version/bin/python")
  done
fi
for candidate in "${candidates[@]}"; do
  if [ -n "$candidate" ] && is_python310 "$candidate"; then PYTHON="$candidate"; break; fi
done

if [ -z "$PYTHON" ]; then
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
