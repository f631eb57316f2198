# The two commands of README.md:
#   make serve   set up on first run, then serve the site on http://127.0.0.1:8000
#   make test    set up on first run (Chromium and nginx from Debian when missing), then run every test
# Everything else here is a step those two depend on.

# The build needs Python 3.12+ (pyodide-build makes the engine's wheel); the engine itself runs on 3.11+.
# pyenv's shims answer for versions that are installed but not selected, so its own folders are tried too.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test setup setup-test system-packages

serve: setup
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

# Two workers (pytest-xdist), one per core, sharing one site build (tests/conftest.py).
test: setup-test system-packages
	$(PY) -m pytest -n 2

# `make serve` needs only the site's packages (requirements.txt); the tests add theirs (requirements-test.txt).
setup: $(VENV)/.installed node_modules/.installed
setup-test: setup $(VENV)/.installed-test

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed to build the site (pyodide-build needs it); none was found on PATH or in ~/.pyenv/versions: install one (Debian 13: apt-get install python3) and run again"; exit 1; }
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium (for the browser tests), nginx with its brotli_static module (for the serving
# test, tests/test_serving.py) and a Chinese font (so the test screenshots are readable); never a
# browser download.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	test -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so || missing="$$missing libnginx-mod-http-brotli-static"; \
	test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
		echo "Installing from Debian:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The offline bundle (README.md, "Offline bundle"): dist/<name>-<version>.zip with the site and its launcher.
.PHONY: bundle wheel
bundle: setup
	$(PY) deploy/bundle.py

# The engine's wheel, the very file the site ships to browsers, for carriers' backends: dist/iot_troubleshooter-*.whl.
wheel: setup
	$(VENV)/bin/mkdocs build --quiet
	mkdir -p dist && cp site/assets/troubleshooter/engine-*/*.whl dist/
