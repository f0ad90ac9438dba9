# The two commands of the README: `make run` and `make test`. Each builds .venv when
# requirements change, so a fresh clone needs nothing done by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
ADDRESS ?= localhost
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test init chromium caddy bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Creates or migrates the database and generates the secrets if missing.
init: $(VENV)/.runtime
	$(BIN)/python -m portal init

run: init
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests drive Debian's chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The HTTPS test puts Debian's Caddy in front of the portal, as an office server would.
caddy:
	@command -v caddy >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq caddy >/dev/null; }

test: $(VENV)/.dev chromium caddy
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest

bench: $(VENV)/.dev chromium
	for script in bench/[!_]*.py; do $(BIN)/python $$script || exit 1; done
