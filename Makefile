# shuzhi — two commands on a fresh machine with python3 and make:
#   make demo   install into .venv, score the sample corpus, start the dashboard
#   make test   install into .venv (with the test extra) and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# spaCy's Chinese model: a wheel named here (CI points it at ../shared/models when one is there),
# else `spacy download`; without either the product uses a blank Chinese pipeline with jieba.
ZH_CORE_WEB_SM_WHEEL ?= $(firstword $(wildcard ../shared/models/zh_core_web_sm*.whl))

.PHONY: demo test install model sysdeps lint clean-venv

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,scale,postgres]'
	@$(MAKE) --no-print-directory model
	@touch $@

model: | $(BIN)/python
	@if $(BIN)/python -c "import zh_core_web_sm" 2>/dev/null; then \
	  echo "zh_core_web_sm: installed"; \
	elif [ -n "$(ZH_CORE_WEB_SM_WHEEL)" ] && [ -f "$(ZH_CORE_WEB_SM_WHEEL)" ]; then \
	  $(BIN)/python -m pip install -q "$(ZH_CORE_WEB_SM_WHEEL)" || echo "zh_core_web_sm: wheel $(ZH_CORE_WEB_SM_WHEEL) failed to install; going on without it"; \
	else \
	  timeout 180 $(BIN)/python -m spacy download zh_core_web_sm >/dev/null 2>&1 \
	    && echo "zh_core_web_sm: downloaded" \
	    || echo "zh_core_web_sm: not available here; using the blank Chinese pipeline with jieba"; \
	fi

# Debian packages some tests use: a PostgreSQL server, Chromium for the browser test, a CJK font,
# antiword for old binary Word .doc/.wps files.
# Installed when this runs as root with apt-get; otherwise those tests are skipped with the reason.
sysdeps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing="$$missing fonts-noto-cjk"; \
	command -v antiword >/dev/null 2>&1 || missing="$$missing antiword"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null 2>&1 \
	      || echo "could not install$$missing; the tests that need them will be skipped"; \
	  else \
	    echo "not installed:$$missing (the tests that need them will be skipped)"; \
	  fi; \
	fi

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks corpora app.py

demo: $(STAMP) sysdeps
	$(BIN)/shuzhi demo corpora/samples --db sqlite:///shuzhi.db

clean-venv:
	rm -rf $(VENV)
