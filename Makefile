# Delbar. `make demo` and `make test` work on a fresh Linux machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo demo-idp serve test test-fast browser lint messages db-stop redis-stop stop bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

## Set up, migrate, seed Ystad, Skurup and Trelleborg, then run the web server on http://localhost:8000/, a Celery
## worker and Celery beat together (Procfile, with honcho) and print the logins once all three run. Ctrl-C stops them.
demo: setup
	$(PY) manage.py migrate_schemas --noinput -v 0
	$(PY) manage.py seed_demo >/dev/null
	@mkdir -p var
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

## A local OpenID Connect provider to try single sign-on with the demo (docs/sso.md, "Try it in the demo"): the test
## suite's django-oauth-toolkit provider on http://127.0.0.1:8001/o with a client for Ystad and one person. Ctrl-C stops it.
demo-idp: setup
	@rm -rf var/demo-idp && mkdir -p var/demo-idp
	@echo "Issuer: http://127.0.0.1:8001/o   Client id: delbar-demo-ystad   Client secret: delbar-demo-secret-0123456789abcdef"
	@echo "Log in at the provider as: sso.demo / demo-idp-password (sso.demo@ystad.example)"
	OIDC_PROVIDER_DATA=var/demo-idp OIDC_PROVIDER_PORT=8001 \
	OIDC_PROVIDER_CLIENTS='[{"client_id": "delbar-demo-ystad", "client_secret": "delbar-demo-secret-0123456789abcdef", "redirect_uris": ["http://ystad.localhost:8000/konto/oidc/sso/login/callback/"]}]' \
	OIDC_PROVIDER_USERS='[{"username": "sso.demo", "password": "demo-idp-password", "email": "sso.demo@ystad.example", "name": "Sara Sso", "verified": true}]' \
	$(PY) tests/oidc_provider/run.py

serve: setup
	$(PY) manage.py runserver 0.0.0.0:8000

## Set up and run every test, browser tests included
test: setup browser
	DELBAR_TESTING=1 $(PY) -m pytest

test-fast: setup
	DELBAR_TESTING=1 $(PY) -m pytest -m "not browser and not worker"

## A Chromium for Playwright: the system's (Debian's chromium) when there is one, else Playwright's own
browser: setup
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
		echo "Using system Chromium: $$(command -v chromium || command -v chromium-browser)"; \
	else \
		$(PY) -m playwright install chromium; \
	fi

## Ruff, the import contracts of docs/architecture.md ([tool.importlinter] in pyproject.toml), no missing migration
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

## Extract and compile translations (compiling needs no gettext: scripts/compilemessages.py uses polib)
messages: setup
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=bench --ignore=tests
	$(PY) scripts/compilemessages.py

## Stop the embedded PostgreSQL (its data in .pgdata/ is kept)
db-stop:
	$(PY) -m platform_.embedded_db stop

## Stop the embedded Redis (its data in .redisdata/ is kept)
redis-stop:
	$(PY) -m platform_.embedded_redis stop

## Stop both
stop: db-stop redis-stop

bench: setup
	$(PY) bench/tenancy_overhead.py
	$(PY) bench/provisioning.py
	$(PY) bench/migrate_noop.py
	$(PY) bench/search.py
	$(PY) bench/availability.py
	$(PY) bench/exchange_search.py
	$(PY) bench/impact.py
	$(PY) bench/matching.py

clean:
	rm -rf $(VENV) staticfiles
