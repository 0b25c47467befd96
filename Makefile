# Two commands matter: `make serve` (set up, build, preview) and `make test` (set up, run every test).
# Everything else here is a step they depend on.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PREVIEW_PORT ?= 8080
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test setup bundle site release lint check browser-deps deploy-deps java-deps preview bench nginx-load lighthouse clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium and CJK fonts for the browser tests, and Firefox ESR and WebKitGTK's
# WebDriver (with Xvfb, WebKitGTK has no headless mode) for tests/engines; never a downloaded
# browser or driver build.
BROWSER_PACKAGES := chromium fonts-noto-cjk firefox-esr webkit2gtk-driver xvfb
browser-deps:
	@{ command -v chromium && command -v firefox-esr && command -v WebKitWebDriver && \
	   command -v Xvfb; } >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    $(BROWSER_PACKAGES); }

# Debian's nginx and its brotli_static module: the production server of deploy/nginx.conf.
deploy-deps:
	@test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so && command -v nginx >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx \
	    libnginx-mod-http-brotli-static; }

# A Java runtime for the W3C Nu HTML validator (npm vnu-jar) in tests/quality.
java-deps:
	@command -v java >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

bundle: setup
	$(PY) -m generator bundle

check: setup
	$(PY) -m generator check

# Builds into a scratch folder next to site/ and swaps it in only when complete (with a
# site/.complete stamp): a failed or killed build leaves the previous site/ untouched.
site: bundle
	$(PY) -m generator.serve.atomic_build site

# A release of site/ in releases/<time>-<tree>/, carrying the hashed files (runtime, scripts) of
# the two releases before it, so pages loaded before the switch still find theirs; then
# releases/current points at it (deploy/README.md).
release: site
	$(PY) -m generator.serve.release site releases

# The production server locally: deploy/nginx.conf over a fresh build (PREVIEW_PORT, default 8080);
# refuses a site/ that does not match its .complete stamp.
preview: site deploy-deps
	$(PY) -m generator.serve.preview site $(PREVIEW_PORT)

# Says so (and names a free port) when PORT is taken, instead of building and then failing.
serve: bundle
	@$(PY) -m generator.serve.dev_server $(HOST) $(PORT)

lint: setup
	$(BIN)/ruff check calc generator tests
	$(BIN)/mypy

# On every core (pytest-xdist): one browser and one server per worker, the site built once per
# run, each test module on one worker, long-running tests first, a new random order each run
# (pytest-randomly prints its seed). How a test gets its site, server and browser: tests/README.md.
TEST_WORKERS ?= auto
test: setup browser-deps deploy-deps java-deps bundle lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder --cov=calc \
	  --cov-report=term-missing --cov-fail-under=95 --durations=25

# The benchmarks, reports under reports/: the calculator in the browser (loopback, and behind
# deploy/nginx.conf on emulated phone networks), and build scaling.
bench: site browser-deps deploy-deps
	@mkdir -p reports
	$(PY) scripts/bench.py --json reports/browser-bench.json
	$(PY) scripts/bench_net.py --json reports/net-bench.json
	$(PY) scripts/bench_build.py --out reports/build-bench.json
	$(PY) scripts/bench_build.py --documents 1,10,50 --runs 2 --out reports/documents-bench.json

# nginx (deploy/nginx.conf) on 127.0.0.1 under 1,600 half-open connections from one address
# while 1,000 keep-alive visitors browse: reports/nginx-load.json. Bounded in count and time.
nginx-load: site deploy-deps
	@mkdir -p reports
	$(PY) scripts/nginx_load.py --site site --json reports/nginx-load.json

# Lighthouse on the built site, desktop and mobile: reports/lighthouse.md (+ .json).
lighthouse: site browser-deps
	$(PY) -m tests.quality.lighthouse --site site --out reports/lighthouse

clean:
	rm -rf site .site.build-* .site.old-* dist build calc/rules.json .pytest_cache .coverage
