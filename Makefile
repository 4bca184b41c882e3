# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# An embedded PostgreSQL under var/ when DATABASE_URL is unset.
WITH_DB = export DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/python -m sanad.embedded_db)}";

.PHONY: run test lint typecheck migrations-check pytest bench install messages makemessages stop clean

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

%.mo: %.po
	msgfmt --check -o $@ $<

# After changing strings: refresh the catalogue, then fill what is empty (scripts/po_fill.py lists it).
makemessages:
	$(WITH_DB) DJANGO_SETTINGS_MODULE=sanad.test_settings $(BIN)/python manage.py makemessages -l ar --no-obsolete \
		--no-location --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'bench/*'
	$(BIN)/python scripts/po_fill.py

run: install
	@$(WITH_DB) ./scripts/run.sh

test: install lint typecheck migrations-check pytest

lint:
	$(BIN)/ruff check .

typecheck:
	$(WITH_DB) $(BIN)/mypy sanad

migrations-check:
	$(WITH_DB) DJANGO_SETTINGS_MODULE=sanad.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

pytest:
	$(WITH_DB) $(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

bench: install
	@$(WITH_DB) $(BIN)/python -m bench.run $(BENCH_ARGS)

stop:
	-$(BIN)/python -m sanad.embedded_db stop

clean: stop
	rm -rf $(VENV) node_modules var
