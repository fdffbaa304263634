# The two commands a newcomer needs: `make run` and `make test`.
# Each creates .venv with the interpreter found here and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench check clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Kozani Hub needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kozani-hub run -c config

test: $(STAMP)
	$(BIN)/ruff check kozani_hub integrations tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/kozani-hub check -c config

bench: $(STAMP)
	$(BIN)/kozani-hub bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
