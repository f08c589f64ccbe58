# The two commands: `make demo` and `make test` (set-up included). `make bench` runs the benchmarks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup-system.sh drivers/rig/_fastlink.c drivers/camera/_develop.c drivers/camera/_compose.c drivers/camera/_u8.h
	bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/station demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/station bench all

clean:
	rm -rf $(VENV) build *.egg-info
	rm -f drivers/rig/_fastlink*.so drivers/camera/_develop*.so drivers/camera/_compose*.so
