# Everything installs itself into .venv on first use; no global packages, no credentials, no network at run time.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STACK  ?= stacks/uk-sovereign-training
ENV    ?= prod
OUT    ?= out

.PHONY: demo test system-deps lint typecheck bench clean

$(BIN)/aifab: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -c constraints.txt
	touch $@

## demo: the main job, offline, on the embedded reference architecture
demo: $(BIN)/aifab
	@mkdir -p $(OUT)
	$(BIN)/aifab validate $(STACK) --env $(ENV)
	$(BIN)/aifab estimate $(STACK) --env $(ENV)
	$(BIN)/aifab estimate $(STACK) --env $(ENV) --format json > $(OUT)/estimate.json
	$(BIN)/aifab check $(STACK) --env $(ENV) --format text \
		--output sarif=$(OUT)/check.sarif --output junit=$(OUT)/check.junit.xml \
		--output markdown=$(OUT)/check.md --output json=$(OUT)/check.json
	$(BIN)/aifab graph $(STACK) --env $(ENV) --format mermaid > $(OUT)/graph.mmd
	$(BIN)/aifab design export $(STACK) --env $(ENV) > $(OUT)/design.yaml
	$(BIN)/aifab preview $(STACK) --env $(ENV) --out $(OUT)/preview > /dev/null
	$(BIN)/aifab report $(STACK) --env $(ENV) --out $(OUT)/review
	@echo "wrote $(OUT)/: estimate.json, check.{sarif,junit.xml,md,json}, graph.mmd, design.yaml, preview/{plan.json,graph.json,summary.txt}, review/{review.html,review.md}"

## test: lint, type-check and the whole test suite
test: $(BIN)/aifab system-deps lint typecheck
	$(BIN)/pytest -q

# fio, iperf3, Chromium: installed with apt-get where this user may, else the tests needing them skip
system-deps:
	@.ci/system-deps

lint: $(BIN)/aifab
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Pack folders (policies/<pack>, hyphenated names) and stacks/<arch> are folders of scripts, not packages, and
# each holds its own __main__.py (a stack also its design.py): checked together they would be duplicate
# modules. So mypy checks each folder on its own, with the folder as its base; the cache keeps this fast.
typecheck: $(BIN)/aifab
	$(BIN)/mypy lib blueprints tests conftest.py
	@for folder in policies/*/ stacks/*/; do $(BIN)/mypy --no-error-summary "$$folder" || exit 1; done

bench: $(BIN)/aifab
	$(BIN)/python benchmarks/bench_design_scale.py
	$(BIN)/python benchmarks/bench_design_scale.py --nodes-per-pool 1
	$(BIN)/python benchmarks/bench_estimate_scale.py
	$(BIN)/python benchmarks/bench_preview.py --output benchmarks/results/preview.txt
	$(BIN)/python benchmarks/bench_check.py --output benchmarks/results/check.txt
	$(BIN)/python benchmarks/bench_check_scale.py --output benchmarks/results/check-scale.txt

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
