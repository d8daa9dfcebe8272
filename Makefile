# One target per habit. `make demo` and `make test` work from a fresh clone.
VENV ?= .venv
PY := $(VENV)/bin/python
RETOLD := $(VENV)/bin/retold
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test lint format typecheck bench clean browser

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build of torch (a looser pin pulls gigabytes of CUDA packages); only used to build the model.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[all,dev]'
	$(RETOLD) model build
	touch $@

demo: $(VENV)/.installed
	$(RETOLD) compare examples/wire-original.txt examples/copy-light-edit.txt
	$(RETOLD) compare examples/wire-original.txt examples/rewrite-paraphrased.txt
	$(RETOLD) compare examples/wire-original.txt examples/independent-report.txt --format json | head -c 600; echo
	$(RETOLD) compare examples/wire-original.txt examples/rewrite-paraphrased.txt --format html --output demo-report.html

# The HTML report's browser test drives Debian's headless Chromium; install it when we can (root on a
# Debian CI machine). Without it that test skips with its reason and the rest of the suite still runs.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "note: chromium not installed; the browser test will skip"; }

test: $(VENV)/.installed browser
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check retold tests benchmarks
	$(VENV)/bin/ruff format --check retold tests benchmarks

format: $(VENV)/.installed
	$(VENV)/bin/ruff format retold tests benchmarks
	$(VENV)/bin/ruff check --fix retold tests benchmarks

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy retold

bench: $(VENV)/.installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
