# scopebot developer commands. Every target installs what it needs first.
# Fresh machine: `make run` starts the bot, `make test` runs the whole suite.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SCOPEBOT := $(VENV)/bin/scopebot
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)

.PHONY: help install browser deploy-tools spacy data train run shell test test-fast validate eval corpus crossval lint bench faults lock clean

help:
	@echo "make run       train if needed, start action server + Rasa (REST on :5005)"
	@echo "make test      install everything, then run the whole test suite"
	@echo "make shell     talk to the bot in the terminal"
	@echo "make train     train the model if the sources changed"
	@echo "make validate  rasa data validate + lexicon/data consistency checks"
	@echo "make eval      real-text test split + grouped 5-fold CV (retrains 5x) + chat-style sets, keyword"
	@echo "               baseline side by side -> docs/evaluation/report.md"
	@echo "make crossval  3-fold cross-validation of the chat-style NLU data (intents) -> results/crossval/"
	@echo "make corpus    check the real-text corpus (format, splits by source, frozen test split)"
	@echo "make bench     classify throughput, and turns/start-up/memory/training vs a stock rasa init bot -> docs/performance.md"
	@echo "make faults    kill and cut off parts of a running cluster, bad inputs, load -> docs/reliability.md"
	@echo "make lint      ruff"

install:
	@bash scripts/bootstrap.sh

browser:
	@bash scripts/browser.sh

deploy-tools:
	@bash scripts/deploy-tools.sh

spacy: install
	@$(SCOPEBOT) build-spacy

data: install
	@$(SCOPEBOT) sync-data

train: spacy data
	@$(SCOPEBOT) train

run: install
	@$(SCOPEBOT) run

shell: install
	@$(SCOPEBOT) shell

validate: spacy
	@$(SCOPEBOT) sync-data --check
	@$(VENV)/bin/rasa data validate --fail-on-warnings
	@$(PY) -m pytest -q tests/unit/test_data_consistency.py

test: install spacy browser deploy-tools
	@$(PY) -m pytest

test-fast: install
	@$(PY) -m pytest -m "not slow"

eval: train
	@$(SCOPEBOT) eval --crossval

corpus: install
	@$(SCOPEBOT) corpus check

crossval: spacy
	@$(VENV)/bin/rasa test nlu --nlu data/nlu --cross-validation --folds 3 --out results/crossval

lint: install
	@$(VENV)/bin/ruff check bot actions channels tests bench

bench: export SCOPEBOT_RATE_LIMIT := off
bench: train
	@$(PY) bench/classify_throughput.py --n 400 --write docs/performance.md
	@$(PY) bench/turns_vs_stock.py --turns 240 --write docs/performance.md

faults: train deploy-tools
	@$(PY) scripts/faults.py --write docs/reliability.md

lock:
	@$(PY) -m pip freeze --exclude-editable | grep -v '^scopebot' > requirements/constraints.txt.new
	@{ head -3 requirements/constraints.txt; cat requirements/constraints.txt.new; } > requirements/constraints.txt.tmp
	@mv requirements/constraints.txt.tmp requirements/constraints.txt; rm requirements/constraints.txt.new

clean:
	rm -rf models results build .pytest_cache
