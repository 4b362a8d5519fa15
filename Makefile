# Course commands. Each target installs what it needs first: a virtual
# environment in .venv/ built from the lock (requirements/dev.lock: every
# package of the tree pinned with hashes), the student helpers (utils/) and the
# instructor package (rnn_course, the `rnn-course` command), both editable.
# On a fresh machine with Python 3.11, 3.12 or 3.13, `make demo` and
# `make test` work as they are.

# The newest supported Python found on PATH (override: make PYTHON=python3.12).
PYTHON ?= $(shell for v in 3.13 3.12 3.11; do command -v python$$v >/dev/null 2>&1 && python$$v -c 'import sys' 2>/dev/null && { echo python$$v; exit; }; done; echo python3)
VENV   ?= .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
# nbgrader calls alembic and jupyter through PATH: put the environment first.
export PATH := $(BIN):$(PATH)
export MPLBACKEND := Agg

.PHONY: help install demo test test-fast test-slow release lab bench grade selfgrade lint format lock wheel clean

help:
	@echo "make demo       regenerate release/, grade the demo submissions, print the score table"
	@echo "make test       run the whole test suite"
	@echo "make test-fast  the tests that do not grade or execute notebooks (about a minute)"
	@echo "make test-slow  only the grading, execution and browser tests"
	@echo "make release    regenerate release/ from source/"
	@echo "make grade SUBMISSIONS=dir   autograde a class (default: submitted/)"
	@echo "make selfgrade NB=notebook   grade your own notebook with the hidden tests"
	@echo "make bench      run the benchmarks and print their figures (minutes)"
	@echo "make lab        start JupyterLab on the course, with nbgrader's extensions"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make lock       re-resolve requirements/*.lock from requirements/*.in"
	@echo "make wheel      build the student helpers' wheel into dist/"
	@echo "make install    create .venv/ and install the course environment"
	@echo "make hub        (root) bring a demo class up on JupyterHub: accounts, exchange (hub/README.md)"
	@echo "make hub-release ID=...  / make hub-grade ID=...   release / collect-grade-feedback one assignment"
	@echo "make hub-down   stop the class and remove its accounts, homes and exchange"

install: $(STAMP)

$(STAMP): requirements/dev.lock pyproject.toml utils/pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; assert (3, 11) <= v <= (3, 13), "the course needs Python 3.11 to 3.13, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e ./utils -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rnn-course demo

release: $(STAMP)
	$(BIN)/rnn-course release

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

grade: $(STAMP)
	$(BIN)/rnn-course grade $(SUBMISSIONS)

selfgrade: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make selfgrade NB=path/to/notebook.ipynb"; exit 2)
	$(BIN)/rnn-course selfgrade "$(NB)"

bench: $(STAMP)
	$(BIN)/rnn-course bench

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Resolves for every supported Python (3.11 to 3.13) with uv (in the dev environment).
lock: $(STAMP)
	$(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes -q requirements/student.in -o requirements/student.lock
	$(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes -q requirements/dev.in -o requirements/dev.lock
	$(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes -q requirements/hub.in -o requirements/hub.lock

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --no-isolation --outdir dist utils

clean:
	rm -rf autograded feedback submitted gradebook.db gradebook.db-journal demo .pytest_cache \
	    grades.csv gradebook_export.csv build dist utils/build utils/*.egg-info *.egg-info .course_reference

# --- a class on JupyterHub (hub/README.md); needs root --------------------------
HUB_ROOT ?= /srv/rnn-course-hub

.PHONY: hub hub-down hub-release hub-grade

hub: $(STAMP)
	$(BIN)/python hub/classroom.py --root $(HUB_ROOT) up

hub-down: $(STAMP)
	$(BIN)/python hub/classroom.py --root $(HUB_ROOT) down

hub-release: $(STAMP)
	@test -n "$(ID)" || (echo "usage: make hub-release ID=01_rnn_forward"; exit 2)
	$(BIN)/python hub/classroom.py --root $(HUB_ROOT) release $(ID)

hub-grade: $(STAMP)
	@test -n "$(ID)" || (echo "usage: make hub-grade ID=01_rnn_forward"; exit 2)
	$(BIN)/python hub/classroom.py --root $(HUB_ROOT) grade $(ID)
