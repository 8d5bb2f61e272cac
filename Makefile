# gonghui — the two commands of the README.
#   make run    install, migrate, load the demo county on first start, serve on http://127.0.0.1:8000
#   make test   install dev dependencies and run the whole suite on SQLite, then on PostgreSQL
#   make lint   ruff, ruff format, mypy, no missing migrations, no module in src/ over 500 lines
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) sh scripts/run.sh

test: install-dev
	sh scripts/test.sh

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	GONGHUI_DATA_DIR=$$(mktemp -d) $(BIN)/gonghui makemigrations --check --dry-run >/dev/null
	$(BIN)/python scripts/module_sizes.py

clean:
	rm -rf $(VENV) build *.egg-info
