# Every target runs in a local virtualenv (.venv/) that the first target creates, so a machine
# with only Python 3.11, pip and make can run all of them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TYPECHECK := $(VENV)/typecheck

.PHONY: help generate check-generated lint typecheck test demo record drift compat check-cassettes clean bench

help:
	@echo "make demo      run the docs-page examples (offline emulator; real API with GEMINI_API_KEY)"
	@echo "make test      lint, type-check, staleness check of generated/, drift, compat, cassette check, pytest"
	@echo "make generate  regenerate generated/ from spec/"
	@echo "make lint      ruff and mypy --strict"

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

generate: $(INSTALLED)
	$(BIN)/python codegen/generate.py

check-generated: $(INSTALLED)
	$(BIN)/python codegen/generate.py --check

# mypy sees the package as it is installed (gemwire = wrapper/, gemwire.types = generated/)
# through a tree of symlinks, rebuilt each run so new modules are picked up. Then user code
# against the public types: tests/typing/ holds calls that must type-check and calls that
# must not.
typecheck: $(INSTALLED)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/gemwire
	for path in wrapper/*; do ln -s "$(CURDIR)/$$path" $(TYPECHECK)/gemwire/; done
	ln -s "$(CURDIR)/generated" $(TYPECHECK)/gemwire/types
	MYPYPATH=$(TYPECHECK) $(BIN)/mypy --strict -p gemwire
	MYPYPATH=$(TYPECHECK) $(BIN)/mypy --strict tests/typing

lint: $(INSTALLED) typecheck
	$(BIN)/ruff check wrapper generated codegen tests bench examples/run_demo.py
	$(BIN)/ruff format --check wrapper generated codegen tests bench examples/run_demo.py

# Where spec/ and Google's published schema differ; DRIFT_DISCOVERY=PATH_OR_URL adds a REST
# discovery document ($(value) and the quotes keep the `$` of Google's URL intact).
drift: $(INSTALLED)
	$(BIN)/python codegen/drift.py $(if $(value DRIFT_DISCOVERY),--discovery '$(value DRIFT_DISCOVERY)')

# Where gemwire.types and google-genai's types differ (google-genai is pinned in the dev extra);
# also lists the fields google-genai knows that the protobuf descriptors do not publish.
compat: $(INSTALLED)
	$(BIN)/python codegen/compat.py

# gemwire's own cassettes through the checker its users run on theirs.
check-cassettes: $(INSTALLED)
	$(BIN)/gemwire check-cassettes tests/cassettes

test: lint check-generated drift compat check-cassettes
	$(BIN)/pytest

demo: $(INSTALLED)
	$(BIN)/python examples/run_demo.py

# Re-record the HTTP cassettes of tests/cassettes against a fresh local emulator.
record: $(INSTALLED)
	$(BIN)/pytest tests/test_docs_snippets.py --record-mode=rewrite

clean:
	rm -rf $(VENV) bench/.venv build *.egg-info .pytest_cache .mypy_cache .ruff_cache

# raw urllib3 vs gemwire vs google-genai on a local fake server; bench/.venv holds google-genai
# and matplotlib (made on first use). Prints a table, writes bench/results.{json,png}.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py
