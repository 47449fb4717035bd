# Quick start: `make demo` and `make test`. Both set up what they need first (idempotently):
# unless a virtual environment is active, everything is installed into .venv/.
SHELL := /bin/bash
ifdef VIRTUAL_ENV
ENV_DIR := $(VIRTUAL_ENV)
else
ENV_DIR := .venv
endif
PYTHON := $(ENV_DIR)/bin/python
ENV_STAMP := $(ENV_DIR)/.mmirn-env
EXT_STAMP := build/.mmirn-ext
EXT_SOURCES := $(shell find mmirn/ops/csrc -type f)
PYTEST_ARGS ?=
DEMO_CONFIG ?= configs/pipelines/irn_toy_demo.py
DEMO_ARGS ?=
BASELINES_CONFIG ?= configs/pipelines/irn_toy_baselines.py

.PHONY: env test test-all demo demo-compare demo-baselines clean-env

env: $(EXT_STAMP)

$(PYTHON):
	python3 -m venv $(ENV_DIR)

$(ENV_STAMP): $(PYTHON) setup.py tools/setup_env.sh requirements/*.txt
	bash tools/setup_env.sh $(PYTHON)
	touch $@

# Rebuild the compiled ops in place when their sources change (ninja: only what changed).
# (setup_env.sh's editable install already builds it once: skip if it is up to date)
$(EXT_STAMP): $(ENV_STAMP) $(EXT_SOURCES)
	@so=$$(ls mmirn/_ext*.so 2>/dev/null | head -n 1); \
	if [ -z "$$so" ] || [ -n "$$(find mmirn/ops/csrc -type f -newer "$$so")" ]; then \
		$(PYTHON) setup.py -q build_ext --inplace; \
	fi
	@mkdir -p build && touch $@

test: env
	$(PYTHON) -m pytest tests -m "not slow" $(PYTEST_ARGS)

test-all: env
	$(PYTHON) -m pytest tests $(PYTEST_ARGS)

demo: env
	$(PYTHON) tools/run_pipeline.py $(DEMO_CONFIG) $(DEMO_ARGS)

# CAM / IRN / PSA / IRN boundary + PSA background on the same CAMs (same work_dir as
# `make demo`, whose finished steps it reuses)
demo-compare: env
	$(PYTHON) tools/run_pipeline.py configs/pipelines/psa_irn_mix_toy.py $(DEMO_ARGS)

# The demo chain, then DeepLab v2 and Mask R-CNN on its pseudo labels beside their
# GT-trained twins (same work_dir as `make demo`, whose finished steps it reuses);
# BASELINES_CONFIG=configs/pipelines/irn_toy_baselines_seg.py: DeepLab v2 rows only
demo-baselines: env
	$(PYTHON) tools/run_pipeline.py $(BASELINES_CONFIG) $(DEMO_ARGS)

clean-env:
	rm -rf $(ENV_DIR) build mmirn/_ext*.so
