# The two commands of README.md:
#   make serve   set up on first run, then serve the site on http://127.0.0.1:8000
#   make test    set up on first run (Chromium and nginx from Debian when missing), then run every test
# Everything else here is a step those two depend on.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test setup setup-test system-packages

serve: setup
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

test: setup-test system-packages
	$(PY) -m pytest

# `make serve` needs only the site's packages (requirements.txt); the tests add theirs (requirements-test.txt).
setup: $(VENV)/.installed node_modules/.installed
setup-test: setup $(VENV)/.installed-test

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (none found on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
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
.PHONY: bundle
bundle: setup
	$(PY) deploy/bundle.py
