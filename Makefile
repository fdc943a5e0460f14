# The two commands of the README: `make run` and `make test`. Both create .venv and install
# the project on first use (and again whenever pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run DEBUG=1` shows Django's debug pages; by default people see the site's error pages.
DEBUG ?= 0

.PHONY: install run test faults walk bench messages check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Web, worker and beat on the embedded default (SQLite, filesystem broker, console mail).
run: install
	@mkdir -p var/broker/out var/broker/processed
	@echo "  database: migrating and loading the demo network"
	@$(BIN)/python manage.py migrate --noinput -v0
	@$(BIN)/python manage.py seed_demo > var/seed_demo.log
	@$(BIN)/python manage.py collectstatic --noinput -v0
	@HOST=$(HOST) PORT=$(PORT) DEBUG=$(DEBUG) $(BIN)/python -m core.run_all

# The suite runs on two pytest-xdist workers (this machine's two cores; `TEST_WORKERS=auto` takes
# one per core, at most four: each takes a Redis database of its own, core/settings/test.py;
# `TEST_WORKERS=0` runs it in one process). The serialized-rollback tests run before the plain
# transactional ones in every worker (tests/conftest.py). Measured 2026-12-03 on the idle 2-core
# machine against PostgreSQL and Redis: 1,424 tests in 5 min 50 s.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

# Exactly once under faults (tests/faults): a worker process SIGKILLed, Redis restarted, SMTP
# refusing, beat's job started twice, each with 300 due digests, against DATABASE_URL
# (PostgreSQL) and REDIS_URL. Prints one line per fault; `make test` leaves these out.
faults: install
	$(BIN)/python -m pytest -m faults -q -p no:cacheprovider tests/faults $(PYTEST_ARGS)

# The walk (tests/web/test_walk.py, issue 15): every page as every role, in German and English,
# at 375, 768 and 1280 px, and the error states, checked with the vendored axe-core (WCAG 2.1
# AA), for sideways scroll, untranslated text and requests to other origins. Screenshots go to
# artifacts/screenshots/<role>-<lang>-<width>-<page>.jpg. `make test` leaves it out.
# The two languages run side by side (WALK_WORKERS=2, pytest-xdist: the second worker takes the next
# Redis database, core/settings/test.py; 0 runs them one after the other), each with its own
# built network and browser. WALK_ROLES=partner,coordinator walks some roles.
# Measured 2026-12-03 on the shared 2-core machine next to five other agents: the whole walk
# (1158 views, axe at all three widths) took 16 min 37 s with WALK_WORKERS=2 at load average 9-17;
# before, axe at two widths and 1044 views took about 20 min at load 11-17. The same 42 partner
# views (axe at three widths, load ~10): 79 s before, 46 s now (axe 39 -> 20 s, screenshots
# 19 -> 11, page loads 13 -> 8): axe is served cacheably from the site's origin, requests are
# watched, not routed (a route turns the HTTP cache off), screenshots are JPEG. WALK_ROLES,
# WALK_PAGES and WALK_AXE_WIDTHS=1280 shorten a run while fixing something.
WALK_WORKERS ?= 2
walk: install
	$(BIN)/python -m pytest -m walk -q -p no:cacheprovider -n $(WALK_WORKERS) tests/web/test_walk.py $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.scale  # PostgreSQL (DATABASE_URL); BENCH_SIZES=10k,100k,1m,sqlite; writes docs/benchmarks.md
	$(BIN)/python -m benchmarks.search_quality

messages: install  # needs GNU gettext; the compiled .mo files are committed
	cd core && ../$(BIN)/python ../manage.py makemessages -l de -l en --no-obsolete
	cd workflows && ../$(BIN)/python ../manage.py makemessages -l de -l en --no-obsolete
	cd network && ../$(BIN)/python ../manage.py makemessages -l de -l en --no-obsolete
	cd notifications && ../$(BIN)/python ../manage.py makemessages -l de -l en --no-obsolete
	cd api && ../$(BIN)/python ../manage.py makemessages -l de -l en --no-obsolete
	$(BIN)/python manage.py makemessages -l de -l en --no-obsolete -i '.venv/*' -i 'core/*' -i 'workflows/*' -i 'network/*' -i 'notifications/*' -i 'api/*' -i 'tests/*' -i 'control/*' -i 'artifacts/*' -i 'benchmarks/*' -i 'docs/*' -i 'var/*' -i 'staticfiles/*'
	$(BIN)/python manage.py compilemessages -i .venv

clean:
	rm -rf $(VENV) var staticfiles
