# Two commands on a fresh machine: `make study` and `make test`.
# Both create the virtual environment when it is missing; the setup step is idempotent
# and is skipped (a file-stamp check) when pyproject.toml has not changed.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.evalkit-installed
PERIOD ?= latest
DATA ?= data/tanjungselor
OUT ?= reports
LANGUAGE ?= id

.PHONY: setup study test test-slow lint lab bench bench-slow clean-reports

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name evalkit --display-name "Python (evalkit)" >/dev/null
	@touch $(STAMP)

# writes $(OUT)/<period>/$(LANGUAGE)/: study.html, study.pdf, tables.xlsx, results.json, …
study: setup
	$(VENV)/bin/evalkit study --period $(PERIOD) --data $(DATA) --out $(OUT) --language $(LANGUAGE)

test: setup
	$(PY) -m ruff check --output-format concise .
	$(PY) -m pytest -n 2 -q

test-slow: setup
	$(PY) -m pytest -q -m slow

lint: setup
	$(PY) -m ruff check --output-format concise .
	$(PY) -m ruff format --check .

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

# speed against peers, and the report's length (PDF pages, HTML height at 1,400 and 400 px);
# the scale curve (benchmarks/bench_scale.py) at 2,000 and 20,000 employees
bench: setup
	$(PY) benchmarks/run.py

# the scale curve also at 100,000 and 250,000 employees (EVALKIT_BENCH_SLOW=1; ~30 min, 6 GB)
bench-slow: setup
	EVALKIT_BENCH_SLOW=1 $(PY) benchmarks/run.py scale

clean-reports:
	rm -rf $(OUT)
