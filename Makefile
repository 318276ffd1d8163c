# Two commands on a fresh machine:
#   make chat   set up, build the index if needed, and open the chat at http://127.0.0.1:7860
#   make test   set up, then lint, type-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
READY_TEST := $(VENV)/.ready-test
EXTRAS ?=

export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup setup-test browser chat test lint train eval screenshots bench bench-100k clean

setup: $(READY)
setup-test: $(READY_TEST)

# torch first, pinned: pip takes the CPU build from this machine's disk instead of a
# several-GB CUDA build. constraints.txt pins everything else to the tested versions.
$(READY): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.$(EXTRAS)'
	touch $@

# The tests also need the local backend: llama-cpp-python compiles from source the
# first time (about 6 minutes on 2 cores); pip caches the wheel for later runs.
$(READY_TEST): $(READY)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,local,eval]'
	touch $@

chat: setup
	$(BIN)/assistant serve

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint browser
	$(BIN)/pytest

# Fit the answer scorer on the bundled public data (about 3 minutes on 2 cores):
# assistant/model/scorer.json, and docs/evaluation/training.md with train and
# validation (leave one document out) side by side.
train: setup-test
	$(BIN)/assistant train --report docs/evaluation

# The full evaluation; its table, JSON and chart land in docs/evaluation/.
eval: setup-test
	$(BIN)/assistant eval --backend extractive --backend local --out docs/evaluation

# Screenshots of the main screens for the README, taken by the browser tests.
screenshots: setup-test browser
	ASSISTANT_SCREENSHOTS=docs/screenshots $(BIN)/pytest -m browser -k "highlighted or upload or phone" -q

# Every benchmark, written to docs/benchmarks/report.md with the machine it ran on.
bench: setup-test
	$(BIN)/python -m benchmarks.run --out docs/benchmarks

# The scale curve up to 100,000 chunks: about 15 minutes per store on 2 cores.
bench-100k: setup-test
	$(BIN)/python -m benchmarks.scale --sizes 1000 10000 100000 \
	  --chart docs/benchmarks/scale-100k.png --report docs/benchmarks/scale-100k.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
	find index -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
