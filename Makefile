# Malpro: the two commands are `make run` and `make test`; the rest are their parts.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run serve setup test fuzz lint fmt messages bench lock clean

install: $(STAMP)

# Rebuilt only when the lock changes, so an up-to-date venv makes no noise.
$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)
	@echo "venv ready: $(VENV)"

setup: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py load_agencies
	$(BIN)/python manage.py load_categories
	$(BIN)/python manage.py seed_demo

run: setup serve

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	@# pytest exits 5 when it collected nothing: a suite that ran no test has not passed.
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "make test: no tests were collected (pytest exit 5)" >&2; fi; \
	  exit $$status

# The API fuzzer (schemathesis, a few minutes): every operation of the OpenAPI schema as a
# buyer, a seller, an officer and a city admin; any 5xx fails. `make test` leaves it out.
fuzz: install
	$(BIN)/pytest -m fuzz malpro/core/tests/test_api_fuzz.py

lint: install
	$(BIN)/ruff check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	$(BIN)/python -m bench

# Rebuild the lock from pyproject.toml in a throwaway venv.
lock:
	rm -rf var/lockvenv && $(PYTHON) -m venv var/lockvenv
	var/lockvenv/bin/pip install --quiet --disable-pip-version-check '.[dev]'
	(echo "# Every package make install puts in .venv, pinned (pip freeze of a venv built from pyproject.toml [dev])."; \
	 echo "# Regenerate: make lock"; var/lockvenv/bin/pip freeze --exclude-editable | grep -v '^malpro') > requirements.lock
	rm -rf var/lockvenv

clean:
	rm -rf $(VENV) var
