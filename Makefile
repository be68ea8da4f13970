# wixcontracts — see README.md
PY      ?= .venv/bin/python
DOCS    ?= ../shared/wix-docs
STAMP   := .venv/.installed

.PHONY: setup schemas check test bench fuzz clean lowest newest

$(STAMP): pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -e '.[all,dev]'
	touch $(STAMP)

setup: $(STAMP)

schemas: $(STAMP)  ## regenerate schemas/ and contracts/ from the docs
	$(PY) -m wixcontracts build --docs $(DOCS)

check: $(STAMP)  ## the main job, offline: rebuild, verify, replay, fuzz the emulator, report
	$(PY) -m wixcontracts check --docs $(DOCS)

# bytecode is written (to the gitignored __pycache__ folders) even under PYTHONDONTWRITEBYTECODE: otherwise each
# worker and each of the ~150 commands the tests start compiles the package again (1-1.5 s per worker alone)
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n 2

bench: $(STAMP)
	$(PY) -m wixcontracts.bench_compile
	$(PY) -m wixcontracts.bench
	$(PY) -m wixcontracts.pytest_plugin.bench
	$(PY) -m wixcontracts.emulator.bench

fuzz: $(STAMP)  ## the long runs (CI runs them): thousands of examples where `make test` runs each property at a smoke depth
	WIXCONTRACTS_FUZZ_EXAMPLES=500 WIXCONTRACTS_FUZZ_COVERAGE=1 $(PY) -m pytest tests/emulator/test_emulator_schemathesis.py -p no:xdist
	WIXCONTRACTS_ASGI_FUZZ_EXAMPLES=20000 $(PY) -m pytest tests/emulator/test_asgi_fuzz.py -p no:xdist
	WIXCONTRACTS_STATEFUL_EXAMPLES=200 WIXCONTRACTS_WQL_FUZZ=3000 WIXCONTRACTS_EVENTS_FUZZ=5000 WIXCONTRACTS_JSONTEXT_FUZZ=5000 \
	  $(PY) -m pytest tests/emulator/test_stateful.py tests/emulator/test_wql.py tests/events/test_fuzz.py tests/contracts/test_jsontext.py -n 2
	$(MAKE) fuzz-docs

.PHONY: fuzz-docs lowest newest
fuzz-docs: $(STAMP)  ## 10,000 mutated docs pages through the doc compiler and every emitter
	WIXCONTRACTS_PARSER_FUZZ=10000 $(PY) -m pytest tests/docs/test_fuzz.py -p no:xdist --hypothesis-show-statistics

lowest:  ## the tests at the lowest versions the dependency ranges allow (throwaway venv in /tmp)
	bash .ci/versions lowest

newest:  ## the same at the newest versions
	bash .ci/versions newest

clean:
	rm -rf .venv reports
