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

# JupyterLab on the repository root at notebooks/00_start_here.ipynb, its terminals with
# .venv/bin first on PATH (mfalab/jupyterlab.py). More options: make lab LAB_OPTIONS=--no-browser
LAB_OPTIONS ?=

lab: setup
	$(BIN)/mfalab lab $(LAB_OPTIONS)

test: setup
	$(BIN)/python -m pytest

setup: $(STAMP)
	@$(BIN)/mfalab prepare

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MFA Lab needs Python 3.11 or newer: set PYTHON=python3.12 (or similar).")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# uv installs the ~100 pinned wheels in seconds where pip's resolver takes over a minute.
# The venv's pip only fetches uv (pinned here). uv does not read pip's configuration, so
# tools/uv_from_pip.py hands it the indexes, find-links, constraints and CA bundle pip
# would use. Should uv fail, pip installs instead: slower, same pins.
# Bytecode: Python writes it on first import. Where PYTHONDONTWRITEBYTECODE forbids that
# (many containers and CI images), uv compiles it up front (about 25 s) so that kernels and
# test processes do not recompile Django and Jupyter from source each time (1-3 s each).
UV := uv==0.13.8
UV_COMPILE := $(if $(PYTHONDONTWRITEBYTECODE),--compile-bytecode)

# constraints.txt locks the whole tree (tools/lock.py writes it), so every install is the same.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	@echo "installing the pinned dependencies into $(VENV) with $(UV)"
	@$(BIN)/python -m pip install --quiet $(UV) && \
	  uv_settings="$$($(BIN)/python tools/uv_from_pip.py)" && eval "$$uv_settings" && \
	  $(BIN)/uv pip install --quiet $(UV_COMPILE) --python $(BIN)/python "$$@" -c constraints.txt -e . || \
	  { echo "uv could not install the project; installing with pip instead (about a minute)"; \
	    $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -c constraints.txt -e .; }
	touch $(STAMP)

# Re-execute the notebooks and store their outputs (authors, after editing one).
notebooks: setup
	$(BIN)/mfalab notebooks

# Measure what users feel (notebook time, kernel memory, grading, set-up) against budgets.
bench: setup
	$(BIN)/mfalab bench

# --- Instructor (left out of the student release) ---------------------------------
#   make grade SUBMISSIONS=folder [GRADES=grades WORKERS=2]   grade a folder of submissions
#     GRADE_OPTIONS="--student ana --hidden-visibility after_due_date" passes more options
#   make release      the student edition: dist/release/mfa-lab/ and mfa-lab.zip
#   make autograder   the Gradescope autograder: dist/autograder.zip
#   make grade-bench  time the grader on synthetic submissions
SUBMISSIONS ?= submissions
GRADES      ?= grades
WORKERS     ?= 2
GRADE_OPTIONS ?=

.PHONY: grade release autograder grade-bench

grade: setup
	$(BIN)/mfalab grade $(SUBMISSIONS) --out $(GRADES) --workers $(WORKERS) $(GRADE_OPTIONS)

release: setup
	$(BIN)/mfalab release --out dist/release

autograder: setup
	$(BIN)/mfalab autograder --out dist/autograder.zip

grade-bench: setup
	$(BIN)/mfalab grade-bench
