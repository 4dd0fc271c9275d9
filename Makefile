# MFA Lab: two commands.
#   make lab    set up (once) and open JupyterLab at the start notebook
#   make test   set up (once) and run every test
# Set-up creates .venv inside the repo, installs the pinned project and prepares the
# lab database; with nothing changed it installs nothing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test setup notebooks bench check-python

# Jupyter refuses to run as root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: setup
	$(BIN)/python -m pytest

setup: $(STAMP)
	@$(BIN)/mfalab prepare

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MFA Lab needs Python 3.11 or newer: set PYTHON=python3.12 (or similar).")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# Re-execute the notebooks and store their outputs (authors, after editing one).
notebooks: setup
	$(BIN)/mfalab notebooks

# Measure what users feel (notebook time, kernel memory, grading, set-up) against budgets.
bench: setup
	$(BIN)/mfalab bench

# --- Instructor (left out of the student release) ---------------------------------
#   make grade SUBMISSIONS=folder [GRADES=grades WORKERS=2]   grade a folder of submissions
#   make release      the student edition: dist/release/mfa-lab/ and mfa-lab.zip
#   make autograder   the Gradescope autograder: dist/autograder.zip
#   make grade-bench  time the grader on synthetic submissions
SUBMISSIONS ?= submissions
GRADES      ?= grades
WORKERS     ?= 2

.PHONY: grade release autograder grade-bench

grade: setup
	$(BIN)/mfalab grade $(SUBMISSIONS) --out $(GRADES) --workers $(WORKERS)

release: setup
	$(BIN)/mfalab release --out dist/release

autograder: setup
	$(BIN)/mfalab autograder --out dist/autograder.zip

grade-bench: setup
	$(BIN)/mfalab grade-bench
