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

.PHONY: setup setup-test llama-wheel browser wordnet services deploy deploy-status chat notebook test lint train \
  train-reader \
  train-entailment train-requests \
  eval eval-reader eval-requests verify-bench screenshots bench bench-100k clean

setup: $(READY)
setup-test: $(READY_TEST)

# The local backend (the tests need it) runs llama.cpp. llama-cpp-python compiles from
# source, and by
# default for the build machine's own CPU (-march=native): a wheel built on one CPU can
# crash another with "Illegal instruction" (AMX on Intel cloud machines that advertise
# it but trap it). So it is built here for any x86-64 CPU with AVX2, FMA and F16C, and
# no AVX-512 or AMX, into a folder keyed by its version and flags; pip's own wheel
# cache, which ignores CMAKE_ARGS, is bypassed so that a native wheel built earlier
# cannot slip back in. About 4-6 minutes on 2 cores, once per machine.
LLAMA_VERSION := $(shell sed -n 's/^llama[-_]cpp[-_]python==//p' constraints.txt)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
  -DGGML_F16C=ON -DGGML_BMI2=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF \
  -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF \
  -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_KEY := $(shell printf '%s %s' '$(LLAMA_VERSION)' '$(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-16)
LLAMA_WHEELS := $(HOME)/.cache/article-assistant/wheels/llama-$(LLAMA_KEY)

llama-wheel: $(LLAMA_WHEELS)/.built

$(LLAMA_WHEELS)/.built:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Building llama-cpp-python $(LLAMA_VERSION) for any x86-64 CPU with AVX2 (no native"
	@echo "flags, no AMX): about 4-6 minutes on 2 cores, once per machine. Started $$(date +%H:%M)."
	rm -rf $(LLAMA_WHEELS) && mkdir -p $(LLAMA_WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(BIN)/python -m pip wheel --quiet \
	  --no-deps --no-cache-dir --no-binary llama-cpp-python \
	  "llama-cpp-python==$(LLAMA_VERSION)" -w $(LLAMA_WHEELS)
	touch $@

# Installs the portable llama-cpp-python wheel (pip would otherwise build its own).
INSTALL_LLAMA := $(BIN)/python -m pip install --quiet --force-reinstall --no-deps --no-index \
  --find-links $(LLAMA_WHEELS) "llama-cpp-python==$(LLAMA_VERSION)"
LOCAL_WHEEL := $(if $(findstring local,$(EXTRAS)),$(LLAMA_WHEELS)/.built)

# torch first, pinned: pip takes the CPU build from this machine's disk instead of a
# several-GB CUDA build. constraints.txt pins everything else to the tested versions.
$(READY): pyproject.toml constraints.txt $(LOCAL_WHEEL)
	@echo "==> Setting up $(VENV) (Python from $(PYTHON))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Installing torch 2.13.0, the CPU build (about a minute the first time)"
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(if $(LOCAL_WHEEL),$(INSTALL_LLAMA))
	@echo "==> Installing the assistant and its pinned dependencies (2-4 minutes the first time)"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.$(EXTRAS)'
	touch $@

$(READY_TEST): $(READY) $(LLAMA_WHEELS)/.built
	@echo "==> Installing the portable llama-cpp-python wheel and the test tools (about a minute)"
	$(INSTALL_LLAMA)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,local,eval,train,deploy]'
	touch $@

chat: setup
	@echo "==> Starting the chat (the first start builds the index, a few seconds)"
	$(BIN)/assistant serve

# Jupyter (not needed by the chat or the tests), then the quickstart notebook in it.
notebook: setup
	@echo "==> Installing Jupyter into $(VENV) (a minute or two the first time)"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[notebook,eval]'
	$(BIN)/jupyter notebook examples/quickstart.ipynb

# The entailment model's training data takes synonyms and antonyms from WordNet 3.0,
# Debian's wordnet-base (its tests and its smoke training run in CI).
wordnet:
	@test -f /usr/share/wordnet/index.noun || { \
	  echo "Installing Debian's wordnet-base for the entailment model's training data"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wordnet-base; }

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# The deployment's services (tests/system/deploy and `make deploy`): Debian's nginx and
# Redis, started by the tests themselves on free loopback ports, never as system services.
services:
	@test -x /usr/sbin/nginx -a -x /usr/bin/redis-server || { \
	  echo "Installing Debian's nginx-light and redis-server for the deployment tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends nginx-light redis-server; }

# Chroma server, Redis, the ingestion worker, two app replicas and nginx on this machine,
# kept running by supervisord as deploy/supervisord.conf says (docs/deploy.md); visitors go
# to http://127.0.0.1:8080/. `make deploy-status` (another terminal) lists the processes.
deploy: setup-test services
	mkdir -p deploy-data/logs
	set -a && . deploy/deploy.env && set +a && PATH="$(abspath $(BIN)):$$PATH" \
	  exec $(BIN)/supervisord -c deploy/supervisord.conf

deploy-status:
	set -a && . deploy/deploy.env && set +a && $(BIN)/supervisorctl -c deploy/supervisord.conf status

lint: setup-test
	@echo "==> Lint and type checks (ruff, mypy)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint browser wordnet services
	@echo "==> The test suite (about 20 to 25 minutes on 2 idle cores, more on a busy one; each dot is a test)"
	$(BIN)/pytest

# Fit the answer scorer on the bundled public data (about 3 minutes on 2 cores):
# assistant/models/scorer/shipped/scorer.json, and docs/evaluation/training.md with train and
# validation (leave one document out) side by side.
train: setup-test
	$(BIN)/assistant train --report docs/evaluation

# Fine-tune the reader (a cross-encoder from the bundled MiniLM) on the SQuAD data in
# data/ and the article's gold set: about an hour on 2 cores, with an ETA; it resumes from
# .reader-work/. Writes assistant/models/reader/shipped/ (weights, model card) and the fold readers
# in .reader-work/folds. Then ASSISTANT_READER=true make train refits scorer-reader.json.
train-reader: setup-test
	$(BIN)/assistant train-reader

# Fine-tune the entailment model (MultiNLI, RTE and rewrites of SQuAD sentences) for the
# check of generated sentences: about 40 minutes on 2 cores, resumable from
# .entailment-work/. Writes assistant/models/entailment/shipped/ (weights, model card).
train-entailment: setup-test wordnet
	$(BIN)/assistant train-entailment

# The request classifier (question, summary, outline, documents, a move): under a minute.
train-requests: setup-test
	$(BIN)/assistant train-requests --report docs/evaluation

# The reader alone on data it never saw (SQuAD, QNLI; WikiQA when ../shared has it).
eval-reader: setup-test
	$(BIN)/assistant eval-reader --out docs/evaluation

# Summaries, outlines, the document list and conversation moves, on unseen phrasings.
eval-requests: setup-test
	$(BIN)/assistant eval-requests --out docs/evaluation

# The full evaluation; its table, JSON and chart land in docs/evaluation/.
eval: setup-test
	$(BIN)/assistant eval --backend extractive --backend local --out docs/evaluation \
	  $(if $(wildcard assistant/models/scorer/shipped/scorer-no-reader.json),--ablation assistant/models/scorer/shipped/scorer-no-reader.json)

# The adversarial benchmark of the check of generated sentences: docs/evaluation/verifier.md.
# With ANLI and SICK when ../shared has them (evaluation-only data).
verify-bench: setup-test
	$(BIN)/assistant verify-bench --out docs/evaluation \
	  $$(test -d ../shared/data/eval-only && echo --eval-only ../shared/data/eval-only)

# Screenshots of the main screens for the README, taken by the browser tests.
screenshots: setup-test browser
	ASSISTANT_SCREENSHOTS=docs/screenshots $(BIN)/pytest -m browser -k "highlighted or upload or phone or outcomes" -q

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
