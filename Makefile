# Exchange: `make run` starts the app with its demo program; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where `make lock` reads packages and their hashes: PyPI itself, not the indexes or wheel folders a local pip
# configuration may add (PIP_CONFIG_FILE=/dev/null), so that the lock holds the hashes PyPI publishes.
LOCK_INDEX_URL ?= https://pypi.org/simple
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	--index-url $(LOCK_INDEX_URL) $(PIP_COMPILE_ARGS)

.PHONY: install lock audit run test test-tools lint messages clean

# Everything installed comes from the lock files, each file checked against its hash.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Pins every package under requirements.txt and requirements-dev.txt, with hashes, keeping the pins already locked
# that still fit; `make lock PIP_COMPILE_ARGS=--upgrade` moves every package to its newest release. The development
# lock is constrained by the runtime lock, so that both install the same version of a package they share.
lock: install
	$(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint=requirements.lock --output-file=requirements-dev.lock requirements-dev.txt

# Known vulnerabilities in the locked packages (bin/audit-dependencies says what it does when the service is away).
audit: install
	$(BIN)/python bin/audit-dependencies requirements.lock requirements-dev.lock

# Compile the gettext catalogues (the .mo files are build output, not committed).
messages: install
	DJANGO_SETTINGS_MODULE=exchange.settings_test $(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: messages
	bin/run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=exchange.settings_test $(BIN)/python manage.py makemigrations --check --dry-run

# Chromium for the browser tests and msgfmt for the catalogues, installed or asked for before anything else runs.
test-tools:
	bin/check-test-tools

test: test-tools messages lint
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var staticfiles
