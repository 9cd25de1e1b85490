# Two entry points, both self-contained on a fresh machine with Python 3.11+, pip and make:
#   make serve   installs into .venv and runs the server on the embedded SQLite database
#   make test    installs the test dependencies into .venv, then ruff, mypy and the whole suite (SQLite and PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest workers, one per core: tests wait on servers, browsers and PostgreSQL much of the time. Module-scoped
# fixtures (a seeded hub, a browser) are built once per module because a module's tests stay on one worker.
PYTEST_ARGS ?= -n 2 --dist loadscope

.PHONY: serve test install install-test browser lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# The browser tests drive Debian's Chromium; install it when missing (as root, or through sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

serve: install
	$(BIN)/dailypapers serve --host $(HOST) --port $(PORT)

test: install-test browser
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every bench/*_bench.py, each printing its figures beside a baseline measured in the same run. The search and web
# benches read the shared 80k-paper corpus with its search vectors, prepared once in $(BENCH_DB) (import + index).
SHARED_DATA ?= ../shared/data
BENCH_DB ?= bench/out/corpus.db
BENCH_URL = sqlite:///$(abspath $(BENCH_DB))

bench: install-test $(BENCH_DB)
	@set -e; for b in bench/*_bench.py; do echo "== $$b"; case $$b in \
	  */search_bench.py) $(BIN)/python $$b --database-url $(BENCH_URL);; \
	  */web_bench.py) $(BIN)/python $$b --db $(BENCH_URL);; \
	  *) $(BIN)/python $$b;; esac; done

$(BENCH_DB):
	mkdir -p $(dir $(BENCH_DB))
	DAILYPAPERS_DATABASE_URL=$(BENCH_URL) $(BIN)/dailypapers import $(SHARED_DATA)/arxiv_2025_2026.jsonl.gz \
	  $(SHARED_DATA)/hf_daily_papers.jsonl.gz
	DAILYPAPERS_DATABASE_URL=$(BENCH_URL) $(BIN)/dailypapers index

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache test-artifacts
