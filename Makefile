# wixcontracts — see README.md
PY      ?= .venv/bin/python
DOCS    ?= ../shared/wix-docs
STAMP   := .venv/.installed

.PHONY: setup schemas check test bench fuzz clean

$(STAMP): pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -e '.[dev,webhooks]'
	touch $(STAMP)

setup: $(STAMP)

schemas: $(STAMP)  ## regenerate schemas/ and contracts/ from the docs
	$(PY) -m wixcontracts build --docs $(DOCS)

check: $(STAMP)  ## the main job, offline: rebuild, verify, replay, fuzz the emulator, report
	$(PY) -m wixcontracts check --docs $(DOCS)

test: $(STAMP)
	$(PY) -m pytest -n 2

bench: $(STAMP)
	$(PY) -m wixcontracts.bench_compile
	$(PY) -m wixcontracts.bench

fuzz: $(STAMP)  ## long runs: schemathesis against the emulator, hypothesis against its ASGI app
	WIXCONTRACTS_FUZZ_EXAMPLES=500 $(PY) -m pytest tests/emulator -k schemathesis -p no:xdist
	WIXCONTRACTS_ASGI_FUZZ_EXAMPLES=20000 $(PY) -m pytest tests/emulator/test_asgi_fuzz.py -p no:xdist

clean:
	rm -rf .venv reports
