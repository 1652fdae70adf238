# The two commands: `make run` serves the assistant, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test shell train bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

HOST ?= 127.0.0.1
PORT ?= 5005

run: $(VENV)/.installed  # make run PORT=8080 [HOST=0.0.0.0]
	$(BIN)/dvcbot run --host $(HOST) --port $(PORT)

shell: $(VENV)/.installed
	$(BIN)/dvcbot shell

train: $(VENV)/.installed
	$(BIN)/dvcbot train

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed
	$(BIN)/python bench/core.py

clean:
	rm -rf $(VENV) models dvcbot.db dvcbot.db-*
