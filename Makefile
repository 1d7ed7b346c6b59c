# Set-up and tests on a fresh Debian/Ubuntu machine with Python 3.11+ and make.
#   make app    create .venv, install the project, serve the app on http://127.0.0.1:8866
#   make test   the same set-up, then the whole test suite (fast tests first)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8866

.PHONY: install app test test-fast test-slow system-deps clean

$(STAMP): pyproject.toml $(wildcard share/jupyter/voila/templates/contacts/*)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(BIN)/contacts-efficaces app --port $(PORT)

# Chromium drives the app in the browser tests, LibreOffice recomputes the workbook's formulas,
# PostgreSQL is the shared store's server, Node runs the OpenID Connect provider of the sign-in tests,
# nginx, openssl and systemd-analyze try the deployment of deploy/, Java runs Spark (--moteur spark).
# Installed when missing (as root on Debian/Ubuntu); otherwise the command to run is printed.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	test -x /usr/sbin/nginx || command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else \
	    echo "Paquets système manquants pour les tests :$$missing"; \
	    echo "Installez-les : sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

# The OpenID Connect provider the sign-in tests run (npm's oidc-provider, versions locked).
OIDC := tests/oidc
$(OIDC)/node_modules/.installed: $(OIDC)/package.json $(OIDC)/package-lock.json
	npm ci --prefix $(OIDC) --no-audit --no-fund --loglevel=error
	touch $@

test-slow: $(STAMP) system-deps $(OIDC)/node_modules/.installed
	$(BIN)/python -m pytest -m "slow or browser" --nbval-lax tests notebooks

test: test-fast test-slow

clean:
	rm -rf $(VENV) .pytest_cache
