# Course commands. Each target installs what it needs first (a virtual
# environment in .venv/ built from requirements.txt), so on a fresh machine
# with Python 3.11 `make demo` and `make test` work as they are.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader calls alembic and jupyter through PATH: put the environment first.
export PATH := $(BIN):$(PATH)
export MPLBACKEND := Agg

.PHONY: help install demo test test-fast test-slow release lab bench grade selfgrade clean

help:
	@echo "make demo       regenerate release/, grade the demo submissions, print the score table"
	@echo "make test       run the whole test suite"
	@echo "make test-fast  the tests that do not grade notebooks (seconds)"
	@echo "make test-slow  only the grading tests"
	@echo "make release    regenerate release/ from source/"
	@echo "make grade SUBMISSIONS=dir   autograde a class (default: submitted/)"
	@echo "make selfgrade NB=notebook   grade your own notebook with the hidden tests"
	@echo "make bench      run the benchmarks and print their figures (minutes)"
	@echo "make lab        start JupyterLab on the course, with nbgrader's extensions"
	@echo "make install    create .venv/ and install the course environment"
	@echo "make hub        (root) bring a demo class up on JupyterHub: accounts, exchange (hub/README.md)"
	@echo "make hub-release ID=...  / make hub-grade ID=...   release / collect-grade-feedback one assignment"
	@echo "make hub-down   stop the class and remove its accounts, homes and exchange"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "the course needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m tools demo

release: $(STAMP)
	$(BIN)/python -m tools release

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

grade: $(STAMP)
	$(BIN)/python -m tools grade $(SUBMISSIONS)

selfgrade: $(STAMP)
	@test -n "$(NB)" || (echo "usage: make selfgrade NB=path/to/notebook.ipynb"; exit 2)
	$(BIN)/python -m tools selfgrade "$(NB)"

bench: $(STAMP)
	$(BIN)/python -m tools bench

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR)

clean:
	rm -rf autograded feedback submitted gradebook.db demo .pytest_cache

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
