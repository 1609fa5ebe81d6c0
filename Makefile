# OSINT Investigations Lab — the two commands a new machine needs:
#   make lab    set up .venv on first use and start JupyterLab on the trainee's workspace
#   make test   the same set-up, then ruff, `osintlab modules check` and pytest
# and `make bench` for the performance figures (bench/results.json).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
PYTEST_ARGS ?=
BENCH ?=

.PHONY: lab test lint check browser gettext boundary dig bench bundle lock clean help

help:
	@echo "make lab    start JupyterLab on your workspace (ARGS=--no-browser to pass options,"
	@echo "            ARGS=--author for the whole repository)"
	@echo "make test   ruff + osintlab modules check + pytest"
	@echo "make bench  benchmarks, written to bench/results.json"
	@echo "make bundle the offline install bundle, written to dist/ (deploy/bundle/README.md)"
	@echo "make lock   re-pin requirements.lock after changing pyproject.toml"

# One pip install from the lock file; re-run whenever the lock or the project changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/osintlab lab $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

# The curriculum contract, and translations: every catalogue passes the checks (msgfmt,
# placeholders, glossary) and Russian is complete for every module and the package.
check: $(STAMP) gettext
	$(BIN)/osintlab modules check
	$(BIN)/osintlab i18n check
	$(BIN)/osintlab i18n status --require ru=100 > /dev/null

# Tests look at pages as a person sees them in Debian's Chromium; install it where we can (root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends chromium >/dev/null; } \
	  || echo "chromium is not installed: browser tests will be skipped (apt-get install chromium)"

# Graded hand-ins run behind bubblewrap (osintlab.grading.boundary); install it where we can.
boundary:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends bubblewrap >/dev/null; } \
	  || echo "bubblewrap is not installed: autograde refuses to start (apt-get install bubblewrap)"

# Every translation catalogue must pass GNU gettext's `msgfmt --check`; install it where we can.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends gettext >/dev/null; } \
	  || echo "GNU gettext is not installed: translation checks will fail (apt-get install gettext)"

# The sandbox's DNS server is also tested with dig, as the m05 lesson shows; install it where we can.
dig:
	@command -v dig >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends dnsutils >/dev/null; } \
	  || echo "dig is not installed: the dig test will be skipped (apt-get install dnsutils)"

# The classroom hub's proxy (configurable-http-proxy), pinned in deploy/package-lock.json.
deploy/node_modules:
	npm ci --prefix deploy --no-audit --no-fund

test: lint check browser gettext boundary dig deploy/node_modules
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The benchmarks need what the tests need (the hub's proxy, Chromium for captures, gettext).
bench: $(STAMP) browser gettext boundary deploy/node_modules
	BENCH=$(BENCH) $(BIN)/python bench/run.py

# The offline install bundle for classrooms without internet: dist/osintlab-bundle(.tar.gz).
bundle: $(STAMP)
	$(BIN)/python deploy/bundle/build.py --output dist

lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra test --extra hub --strip-extras --no-emit-index-url \
	  --no-emit-find-links --no-emit-trusted-host --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
