# The toolkit's commands. Everything runs from the project's own virtualenv (.venv) and
# node_modules, which `make install` creates from pyproject.toml and package-lock.json.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PATH := $(CURDIR)/$(BIN):$(PATH)

HOST ?= 127.0.0.1
PORT ?= 8000
TARGET ?= mock
MOCK_ARGS ?=
# Extra flags for scripts/conformance.py, e.g. CONFORMANCE_ARGS=--dry-run or --allow-live.
CONFORMANCE_ARGS ?=

# upstream-check/refresh read PolyAI's published document from its URL, or UPSTREAM_FROM=<file>.
UPSTREAM_FROM ?=
UPSTREAM_ARGS ?=
# contract-diff compares with BASE (default: the merge-base with main); RECORD=1 records the release.
BASE ?=
RECORD ?=

.PHONY: install generate check-generated lint typecheck test test-long test-all reliability mock conformance conformance-deep bench clean \
	upstream-check upstream-refresh contract-diff vendor-check fidelity

install:  ## Create .venv and node_modules with every pinned tool
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ./generated -e ./telephony-mock -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error

generate:  ## Regenerate generated/ and docs/assumptions.md from openapi.yaml, and copy it into the mock's package
	$(PY) scripts/codegen.py generate
	$(PY) scripts/assumptions.py
	$(PY) scripts/mock_contract.py write

check-generated:  ## Fail with a diff when generated/, docs/assumptions.md or the mock's copy of the contract is stale
	$(PY) scripts/codegen.py check
	$(PY) scripts/assumptions.py --check
	$(PY) scripts/mock_contract.py check

lint:  ## Lint the spec (two validators, then its links and the mock's rule fields), the toolkit's code, and type-check the client
	$(BIN)/openapi-spec-validator openapi.yaml
	npx --no-install redocly lint --format=stylish openapi.yaml
	$(PY) scripts/lint_contract.py openapi.yaml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck

typecheck:  ## mypy --strict on the generated package (as a user who vendors it runs it), then the toolkit's own code
	cd generated && ../$(BIN)/mypy --strict polyai_telephony
	cd telephony-mock && ../$(BIN)/mypy --strict telephony_contract telephony_mock
	$(BIN)/mypy --strict contract_facts contract_tests scripts
	$(BIN)/mypy --strict examples

# pytest-xdist workers for the quick tier: one per core (PYTEST_WORKERS=0 runs in one process).
# worksteal: an idle worker takes queued tests from a busy one, so a few long tests do not
# leave a core idle at the end. The ten slowest tests are listed, so the tier stays quick.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist worksteal

test: check-generated lint  ## The quick tier: generated code, lint, mypy --strict, every test not marked slow
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=10

test-long:  ## The long tier alone: every test marked slow, one at a time (they load the machine themselves)
	$(BIN)/pytest -m slow --timeout=1800

test-all: test test-long  ## Both tiers, in that order, as CI runs them

vendor-check:  ## Vendor generated/ and telephony-mock/ into a fresh folder, install them offline from pinned wheels, run the example's tests
	$(PY) scripts/vendor_check.py

reliability:  ## The long reliability runs (8 x 1,000 concurrent writes, >= 10,000 bad requests, SIGKILLs)
	$(BIN)/pytest tests/reliability -m slow --timeout=1800

# scripts/conformance.py exits 0 (pass), 1 (new findings, or cut short) or 2 (unsafe target).
# GNU make itself can only exit 0 or 2 when a recipe fails, so the script writes its own status
# to $(CONFORMANCE_REPORTS)/exit-status, whatever happens, and names it on stderr; read that file to
# tell 1 from 2. The recipe execs the script, so a SIGTERM sent to the job (`timeout` does) reaches
# the script itself, and make waits while it writes its reports before exiting.
CONFORMANCE_REPORTS ?= reports
CONFORMANCE = exec $(PY) scripts/conformance.py --target $(TARGET) --report-dir $(CONFORMANCE_REPORTS)

conformance:  ## The conformance suite against TARGET=mock (default) or TARGET=real (POLYAI_* variables); reports in reports/
	@$(CONFORMANCE) $(CONFORMANCE_ARGS)

conformance-deep:  ## The night profile of the conformance suite: a bigger budget and a fresh seed
	@$(CONFORMANCE) --profile deep $(CONFORMANCE_ARGS)

# fidelity replays RECORDING (default: the newest in $(CONFORMANCE_REPORTS)/recordings/real/) against a fresh mock.
RECORDING ?=

fidelity:  ## Replay a real-target recording against a fresh mock: the mock's fidelity score, its differences classed, coverage
	$(PY) scripts/fidelity.py --report-dir $(CONFORMANCE_REPORTS) $(if $(RECORDING),--recording $(RECORDING))

bench: .bench/prism/node_modules/.bin/prism  ## Measure the mock against Prism and the ceiling, and more; writes BENCHMARKS.md and reports/bench/
	$(PY) -m pip install --quiet -r scripts/bench/requirements.txt
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) -m scripts.bench

# Prism at the version locked in scripts/bench/prism, installed again when the lock changes.
.bench/prism/node_modules/.bin/prism: scripts/bench/prism/package.json scripts/bench/prism/package-lock.json
	mkdir -p .bench/prism && cp $^ .bench/prism/
	cd .bench/prism && npm ci --no-audit --no-fund --loglevel=error
	touch $@

mock:  ## Serve the mock on $(HOST):$(PORT); e.g. MOCK_ARGS="--state mock.sqlite3 --admin --faults"
	$(BIN)/telephony-mock --host $(HOST) --port $(PORT) $(MOCK_ARGS)

upstream-check:  ## Every difference from PolyAI's published reference declared in openapi.yaml, or fail naming it
	$(PY) scripts/upstream.py check $(if $(UPSTREAM_FROM),--from $(UPSTREAM_FROM)) $(UPSTREAM_ARGS)

upstream-refresh:  ## Derive the reference's facts again, print what changed, update the committed snapshot
	$(PY) scripts/upstream.py refresh $(if $(UPSTREAM_FROM),--from $(UPSTREAM_FROM)) $(UPSTREAM_ARGS)

contract-diff:  ## Classify the contract's changes since BASE (breaking/potentially/compatible) and diff the client's API
	$(PY) scripts/contract_diff.py $(if $(RECORD),record,report) $(if $(BASE),--base $(BASE))

clean:
	rm -rf reports .pytest_cache .mypy_cache .ruff_cache .hypothesis
