# Two commands do everything on a fresh Debian 12 machine:
#   make demo   install what is missing, build, run the report on the sample data
#   make test   the same set-up, then every test
# Other targets: build, deps, asan (sanitizer build and tests), bench, clean.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
BATON := $(BUILD_DIR)/bin/baton
DEMO_DIR := build/demo

.PHONY: all deps configure build demo test asan bench abi-baseline clean

all: build

deps:
	@bash packaging/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

demo: build
	@$(BATON) sample --out $(DEMO_DIR)
	@$(BATON) funnel $(DEMO_DIR)/sample.toml --by source
	@$(BATON) report $(DEMO_DIR)/sample.toml --out report.html
	@$(BATON) report $(DEMO_DIR)/sample.toml --out report.xlsx
	@echo "Open report.html in a browser, report.xlsx in a spreadsheet."

test: build
	@ctest --preset $(PRESET)

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

bench: build
	@bash bench/run.sh $(BUILD_DIR)

# Records the current ABI as the baseline: only for a deliberate change.
abi-baseline: build
	@cp $(BUILD_DIR)/tests/c_api/current.abi packaging/abi/baton-1.abi
	@echo "wrote packaging/abi/baton-1.abi (run make test first to refresh current.abi)"

clean:
	@rm -rf build report.html report.xlsx
