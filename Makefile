# Backpropagation by hand — two commands do all the set-up:
#   make lab    create .venv (first time, or when pyproject.toml changed) and open the course in JupyterLab
#   make test   create .venv with the test tools and run the whole test suite
# Needs only Python 3.10+ and make. PYTHON=/path/to/python3.x make lab picks another interpreter.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The environment is rebuilt only when the dependency list changes: the stamp names a hash of pyproject.toml.
DEPS_HASH    := $(shell $(PYTHON) -c "import hashlib; print(hashlib.sha256(open('pyproject.toml','rb').read()).hexdigest()[:16])" 2>/dev/null)
RUNTIME_STAMP := $(VENV)/.runtime-$(DEPS_HASH)
TEST_STAMP    := $(VENV)/.test-$(DEPS_HASH)
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
LAB_ARGS ?=
PYTEST_ARGS ?=
# make test spreads the test files over this many processes (pytest-xdist --dist loadfile: a file's
# module fixtures, such as the graded mistake catalogue, are built once); TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= auto

.PHONY: help lab lab-instructor test test-browser test-hub env env-test build check validate clean

help:
	@echo "make lab            set up .venv and open the course (notebooks/) in JupyterLab"
	@echo "make lab-instructor the same with nbgrader's instructor tools (Create Assignment, Formgrader)"
	@echo "make test           set up .venv with test tools and run the test suite"
	@echo "make test-browser   end-to-end tests in headless Chromium (installs Chromium via apt if missing)"
	@echo "make test-hub       a class on a real JupyterHub with nbgrader's exchange (as root; installs the proxy and Chromium)"
	@echo "make build          regenerate notebooks/ from solutions/ (nbgrader)"
	@echo "make check          fail if notebooks/ is out of date with solutions/"
	@echo "make validate       run every solution notebook and report each test cell"
	@echo "make clean          remove .venv and generated grading folders"

$(BIN)/python:
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 'Python 3.10 or newer is needed; found ' + sys.version.split()[0] + '. Run: make lab PYTHON=python3.11')"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing the course environment into $(VENV) (first run: a few minutes)..."
	$(PIP) install -e .
	$(BIN)/python -m nbkit.labsetup
	@rm -f $(VENV)/.runtime-*
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing the course environment and test tools into $(VENV)..."
	$(PIP) install -e ".[test]"
	$(BIN)/python -m nbkit.labsetup
	@rm -f $(VENV)/.test-* $(VENV)/.runtime-*
	@touch $@ $(RUNTIME_STAMP)

env: $(RUNTIME_STAMP)
env-test: $(TEST_STAMP)

lab: $(RUNTIME_STAMP)
	$(BIN)/nbkit lab $(LAB_ARGS)

lab-instructor: $(RUNTIME_STAMP)
	$(BIN)/nbkit lab --instructor $(LAB_ARGS)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-browser: $(TEST_STAMP)
	bash .ci/install-chromium.sh
	$(BIN)/python -m pytest -m browser tests/browser -p no:cacheprovider $(PYTEST_ARGS)

# As root, on a test machine: creates (and afterwards deletes) unix accounts nbkt-*. The class
# runs from its own environment (the hub's, as deploy/hub/install-env.sh makes it for a class).
HUB_ENV ?= /opt/nbkit-hub-test/env
test-hub: $(TEST_STAMP)
	bash .ci/install-chromium.sh
	bash deploy/hub/install-proxy.sh
	bash deploy/hub/install-env.sh $(HUB_ENV)
	NBKIT_HUB_ENV=$(HUB_ENV) $(BIN)/python -m pytest -m hub tests/hub -p no:cacheprovider $(PYTEST_ARGS)

build: $(RUNTIME_STAMP)
	$(BIN)/nbkit build

check: $(RUNTIME_STAMP)
	$(BIN)/nbkit build --check

validate: $(RUNTIME_STAMP)
	$(BIN)/nbkit validate

clean:
	rm -rf $(VENV) submitted autograded feedback gradebook.db test-artifacts
