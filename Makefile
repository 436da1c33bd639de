# lambdabook: build the book, re-run the chapters, test.  GNU make.
#
#   make book    venv + every chapter re-executed (papermill, quick profile) + MathJax + the book
#   make html    the book from the committed chapter outputs only (what CI runs)
#   make test    unit tests + the committed notebooks re-run under nbval
#   make help    all targets
#
# With conda instead of a venv: `make book VENV=$CONDA_PREFIX` (see environment.yml).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.lambdabook-installed
# torch is installed first and alone, pinned; the version is read from pyproject.toml so it is
# pinned in one place. On Linux, PyPI's torch is the CUDA build (gigabytes), so by default torch
# comes from PyTorch's CPU index, unless pip is configured with indexes or wheels of its own (a
# mirror, an offline wheel folder: `pip config list`, PIP_* variables), which then decide.
# `make venv TORCH_INDEX=` uses pip's own indexes only (e.g. for the CUDA build).
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
PIP_HAS_INDEX = $(shell { $(PYTHON) -m pip config list 2>/dev/null; env; } | grep -iE '^(:env:\.|global\.|install\.)?(index-url|extra-index-url|find-links)=.|^PIP_(INDEX_URL|EXTRA_INDEX_URL|FIND_LINKS)=.')
TORCH_INDEX ?= $(if $(filter Linux,$(shell uname -s)),$(if $(PIP_HAS_INDEX),,$(TORCH_CPU_INDEX)))
TORCH_VERSION := $(shell sed -n 's/^ *"torch==\([^"]*\)".*/\1/p' pyproject.toml)

MATHJAX ?= mathjax@3.2.2
# Served at _static/mathjax/ in the built book. It is kept OUT of a top-level `_static/`
# folder on purpose: Jupyter Book 1 adds a <script> tag to every page for every .js file it
# finds under `_static/` (hundreds, for MathJax). See html_static_path in _config.yml.
MATHJAX_DIR := _mathjax/mathjax

CHAPTERS_MD := $(sort $(wildcard chapters/*.md))
NOTEBOOKS := $(CHAPTERS_MD:.md=.ipynb)
# Chapters run with chapters/ as the working directory, as under Jupyter and nbval.
PAPERMILL_CWD := chapters
# Only the book's own re-runs (run-<chapter>, chapters, sweep) write the committed claims/; any
# other run of a chapter writes runs/claims/ (lambdalib.book.claims.claims_dir).
BOOK_CLAIMS := LAMBDABOOK_CLAIMS_DIR=$(CURDIR)/claims
JB_FLAGS := -W -n --keep-going

# Nothing a run does may write to $HOME: every cache and config goes under _build/.cache/.
CACHE := $(CURDIR)/_build/.cache
export MPLCONFIGDIR := $(CACHE)/matplotlib
export IPYTHONDIR := $(CACHE)/ipython
export NUMBA_CACHE_DIR := $(CACHE)/numba
# torch.compile's kernels (the ConDA flow solver): its cache key ignores the pinned CPU kernels below,
# so a kernel built for AVX-512 in a shared /tmp cache crashed an AVX2 run. One cache per checkout.
export TORCHINDUCTOR_CACHE_DIR := $(CACHE)/torchinductor
export JUPYTER_CONFIG_DIR := $(CACHE)/jupyter/config
# JUPYTER_DATA_DIR only hides ~/.local/share/jupyter: kernels are still found in
# $(VENV)/share/jupyter/kernels, and a kernel spec "python" runs this venv's python.
export JUPYTER_DATA_DIR := $(CACHE)/jupyter/data
export JUPYTER_RUNTIME_DIR := $(CACHE)/jupyter/runtime
export XDG_CACHE_HOME := $(CACHE)/xdg
export npm_config_cache := $(CURDIR)/.deps/npm-cache
# ipykernel's debugger otherwise warns about frozen modules on every kernel start.
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One thread for numpy / scipy / scikit-learn (two busy processes on two cores slow each other
# down many times). lambdalib.seed.set_seed fixes torch's own thread count; this does not
# override it. Set them in the environment to change them.
# One CPU kernel family for torch on every x86 machine: AVX-512 machines otherwise pick other
# kernels than AVX2 ones and train to different numbers (a DiffCrossGait run moved its rank-1 by
# 2 points). Pinned to AVX2, a laptop and this book's build machine give the same numbers.
export ATEN_CPU_CAPABILITY ?= avx2
export ONEDNN_MAX_CPU_ISA ?= AVX2
# The same for numpy's own kernels and OpenBLAS (scikit-learn's probes, the SVDs): their
# AVX-512 paths round differently from the AVX2 ones.
export OPENBLAS_CORETYPE ?= Haswell
export NPY_DISABLE_CPU_FEATURES ?= X86_V4 AVX512_ICL AVX512_SPR
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: help venv mathjax chapters book html test test-unit test-notebooks test-browser sweep bench clean distclean

help:  ## list the targets
	@grep -E '^[a-z%/.-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

venv: $(VENV_STAMP)  ## create .venv: CPU torch first, then lambdalib[book,test] (editable)

$(VENV_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) "torch==$(TORCH_VERSION)"
	$(BIN)/python -m pip install -e '.[book,test]'
	touch $@

$(CACHE):
	mkdir -p $(MPLCONFIGDIR) $(IPYTHONDIR) $(NUMBA_CACHE_DIR) $(JUPYTER_CONFIG_DIR) \
	  $(JUPYTER_DATA_DIR) $(JUPYTER_RUNTIME_DIR) $(XDG_CACHE_HOME)

mathjax: $(MATHJAX_DIR)/tex-chtml.js  ## fetch MathJax 3 (npm) so the book renders math offline

$(MATHJAX_DIR)/tex-chtml.js:
	mkdir -p .deps
	npm install --prefix .deps --no-save --no-audit --no-fund $(MATHJAX)
	rm -rf $(MATHJAX_DIR) && mkdir -p $(dir $(MATHJAX_DIR))
	cp -r .deps/node_modules/mathjax/es5 $(MATHJAX_DIR)

chapters: $(VENV_STAMP) | $(CACHE)  ## re-run every chapter at the quick profile (papermill, in place)
	@for md in $(CHAPTERS_MD); do $(MAKE) --no-print-directory run-$$(basename $$md .md); done

# make run-lorenz: update chapters/lorenz.ipynb's inputs from the .md (the edited file; outputs
# kept) and execute it in place at its default parameters.
run-%: $(VENV_STAMP) | $(CACHE)  ## re-run one chapter, e.g. make run-lorenz
	@test -f chapters/$*.md || { echo "no chapters/$*.md" >&2; exit 1; }
	@echo "== chapters/$*: started $$(date +%T)"; start=$$(date +%s)
	@# papermill stores `tags: []` on untagged cells, and jupytext --update then keeps that empty
	@# list over the tags in the .md: drop empty tag lists first so the .md's tags win.
	@test ! -f chapters/$*.ipynb || $(BIN)/python -c "import json, sys; p = sys.argv[1]; nb = json.load(open(p)); \
	  [c['metadata'].pop('tags') for c in nb['cells'] if c['metadata'].get('tags') == []]; \
	  json.dump(nb, open(p, 'w'), indent=1, ensure_ascii=False)" chapters/$*.ipynb
	$(BIN)/jupytext --to ipynb --update chapters/$*.md
	$(BOOK_CLAIMS) $(BIN)/papermill chapters/$*.ipynb chapters/$*.ipynb --cwd $(PAPERMILL_CWD) --kernel python3
	@echo "== chapters/$*: done"

book: $(VENV_STAMP) chapters html  ## everything: venv, all chapters re-run, the book

html: $(VENV_STAMP) mathjax | $(CACHE)  ## build the book from the committed outputs -> _build/html
	@# --all: every page is read again, so that -W sees every warning (a plain `jupyter-book build .`
	@# re-reads changed pages only, and the dashboard when claims/*.json changed: _ext/lambdabook_sphinx.py).
	$(BIN)/jupyter-book build . --all $(JB_FLAGS)
	@! grep -rlE 'cdn\.jsdelivr|cdnjs|unpkg\.com|mathjax@' _build/html --include='*.html' \
	  || { echo "error: the pages above load something from a CDN" >&2; exit 1; }
	@echo "open _build/html/index.html"

test: test-unit test-notebooks  ## unit tests, then the committed notebooks under nbval

test-unit: $(VENV_STAMP) | $(CACHE)
	$(BIN)/python -m pytest tests

test-notebooks: $(VENV_STAMP) | $(CACHE)
ifeq ($(strip $(NOTEBOOKS)),)
	@echo "no chapters/*.ipynb yet: nothing for nbval to run"
else
	@# The re-run chapters write their claims to a scratch folder, not over the committed ones.
	@# One pytest per chapter, so that the log gives each chapter's time; all run, then any failure fails.
	@fail=0; for nb in $(NOTEBOOKS); do start=$$(date +%s); \
	  LAMBDABOOK_CLAIMS_DIR=$(CACHE)/nbval-claims $(BIN)/python -m pytest --nbval-lax --nbval-current-env $$nb \
	    || fail=1; echo "== nbval $$nb: $$(( $$(date +%s) - start )) s"; done; exit $$fail
endif

# The built book in the system's headless Chromium (Debian: apt-get install chromium chromium-driver);
# here a missing book or browser fails instead of skipping.
test-browser: $(VENV_STAMP) | $(CACHE)  ## every page of _build/html in headless Chromium at 1280 px (after make html)
	LAMBDABOOK_BROWSER_TEST=require $(BIN)/python -m pytest tests/book/test_browser.py

# make sweep CHAPTER=lorenz SEEDS=10 [PROFILE=paper] [DEVICE=cuda] [SCHEDULER=tcp://host:8786]:
# run a chapter's training grid over SEEDS seeds through lambdalib.sweep, keeping every finished
# run in runs/cache (a rerun, or a later sweep with more seeds, trains only what is missing), and
# write the executed notebook to runs/<chapter>-<profile>-<seeds>.ipynb. The chapter's last cell
# updates claims/<chapter>.json, so the next `make html` shows these claims on the dashboard.
CHAPTER ?= lorenz
SEEDS ?= 3
PROFILE ?= quick
DEVICE ?= auto
SCHEDULER ?=
sweep: $(VENV_STAMP) | $(CACHE)  ## a chapter's grid over more seeds: make sweep CHAPTER=lorenz SEEDS=10
	@test -f chapters/$(CHAPTER).ipynb || { echo "no chapters/$(CHAPTER).ipynb" >&2; exit 1; }
	mkdir -p runs/cache
	$(BOOK_CLAIMS) $(BIN)/papermill chapters/$(CHAPTER).ipynb runs/$(CHAPTER)-$(PROFILE)-$(SEEDS).ipynb --cwd $(PAPERMILL_CWD) \
	  --kernel python3 -p n_seeds $(SEEDS) -p profile $(PROFILE) -p device $(DEVICE) \
	  -p cache_dir $(CURDIR)/runs/cache $(if $(SCHEDULER),-p scheduler $(SCHEDULER))
	@echo "claims/$(CHAPTER).json updated from $(SEEDS) seeds; executed notebook: runs/$(CHAPTER)-$(PROFILE)-$(SEEDS).ipynb"

bench: $(VENV_STAMP) | $(CACHE)  ## timing benchmarks (benchmarks/*.py)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/perfect_alignment.py

clean:  ## remove the built book, caches and the copied MathJax (keeps .venv and .deps)
	rm -rf _build _mathjax .pytest_cache

distclean: clean  ## also the npm download (.deps); remove .venv by hand
	rm -rf .deps
