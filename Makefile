# Pauta: `make run` starts everything, `make test` runs the whole suite. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint install test-deps migrate messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip "setuptools<81" wheel
	# XStatic-Bootstrap's sdist needs pkg_resources at build time, so it is built with the setuptools above.
	$(PIP) install -q --no-build-isolation "XStatic-Bootstrap>=5.3"
	$(PIP) install -q -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

test-deps: $(VENV)/.test-installed

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py run_pauta

test: test-deps
	$(VENV)/bin/pytest

lint: test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# makemessages needs GNU gettext; the catalogue is compiled with polib, so running Pauta never does.
messages: test-deps
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=node_modules
	$(PY) -c "import polib; polib.pofile('locale/es/LC_MESSAGES/django.po').save_as_mofile('locale/es/LC_MESSAGES/django.mo')"

bench: test-deps
	$(PY) bench/style.py
	$(PY) bench/links.py
	$(PY) bench/calendar_views.py
	$(PY) bench/publish.py

clean:
	rm -rf $(VENV) var
