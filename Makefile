# Exchange: `make run` starts the app with its demo program; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lint messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Compile the gettext catalogues (the .mo files are build output, not committed).
messages: install
	DJANGO_SETTINGS_MODULE=exchange.settings_test $(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: messages
	bin/run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=exchange.settings_test $(BIN)/python manage.py makemigrations --check --dry-run

test: messages lint
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var staticfiles
