# Everything installs itself into .venv on first use; no global packages, no credentials, no network at run time.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STACK  ?= stacks/uk-sovereign-training
ENV    ?= prod
OUT    ?= out

.PHONY: demo test lint typecheck bench clean

$(BIN)/aifactory: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## demo: the main job, offline, on the embedded reference architecture
demo: $(BIN)/aifactory
	@mkdir -p $(OUT)
	$(BIN)/aifactory validate $(STACK) --env $(ENV)
	$(BIN)/aifactory graph $(STACK) --env $(ENV) --format mermaid > $(OUT)/graph.mmd
	$(BIN)/aifactory design export $(STACK) --env $(ENV) > $(OUT)/design.yaml
	$(BIN)/aifactory size fabric --nodes 127 --gpus-per-node 8 --link-gbps 400 --radix 64
	@echo "wrote $(OUT)/graph.mmd and $(OUT)/design.yaml"

## test: lint, type-check and the whole test suite
test: $(BIN)/aifactory lint typecheck
	$(BIN)/pytest -q

lint: $(BIN)/aifactory
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/aifactory
	$(BIN)/mypy lib blueprints

bench: $(BIN)/aifactory
	$(BIN)/python benchmarks/bench_design_scale.py
	$(BIN)/python benchmarks/bench_design_scale.py --nodes-per-pool 1

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
