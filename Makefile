# maillage — the two commands: `make run` and `make test`. See README.md.
BUILD      ?= build
BUILD_SAN  ?= build-san
DB         ?= var/maillage.db
PORT       ?= 8080
JOBS       ?= $(shell nproc)

.PHONY: all setup build build-san run test test-unit test-browser test-asan test-fuzz bench bench-search bench-federation bench-http screenshots clean format

all: build

setup:
	@scripts/setup.sh

# The benchmarks build in their own folders (bench/*/run.sh): not here, where CI builds.
$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAILLAGE_BENCH=OFF

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: setup build
	@mkdir -p $(dir $(DB))
	$(BUILD)/maillage serve --db $(DB) --port $(PORT)

test: setup build test-unit test-browser test-asan test-fuzz
	@echo "make test: all suites passed"

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Browser tests (Playwright + axe-core, Debian's chromium): the public pages with and without
# JavaScript, accessibility, keyboard journey, page weight. See tests/browser/.
test-browser: build
	MAILLAGE_BUILD_DIR=$(abspath $(BUILD)) node_modules/.bin/playwright test -c tests/browser/playwright.config.js

# docs/screenshots/*.png: every page type at phone and desktop widths.
screenshots: setup build
	MAILLAGE_BUILD_DIR=$(abspath $(BUILD)) MAILLAGE_SCREENSHOTS=1 \
	  node_modules/.bin/playwright test -c tests/browser/playwright.config.js

# One sanitizer build (clang, AddressSanitizer + UndefinedBehaviorSanitizer + libFuzzer coverage)
# for both the tests and the fuzz targets, at -O1: a second full build would cost CI ten minutes.
$(BUILD_SAN)/build.ninja:
	CXX=clang++ cmake -S . -B $(BUILD_SAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DMAILLAGE_SANITIZE=ON -DMAILLAGE_FUZZ=ON -DMAILLAGE_BENCH=OFF

build-san: $(BUILD_SAN)/build.ninja
	cmake --build $(BUILD_SAN) -j $(JOBS)

# NaturalSearch.* is left to the release run: each of its tests builds the index of the whole
# bundled dataset (35-40 s under the sanitizers), and the code it runs is the one the smaller
# search suites run here. This keeps CI under its 30 minutes.
test-asan: build-san
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  MAILLAGE_TEST_SCALE=small ctest --output-on-failure -j $(JOBS) -E '_fuzz|^NaturalSearch\.'

test-fuzz: build-san
	cd $(BUILD_SAN) && ctest --output-on-failure -j $(JOBS) -R _fuzz

bench: setup build
	bench/run.sh
	bench/search/run.sh
	bench/federation/run.sh

# The search benchmark alone (maillage vs Meilisearch and PostgreSQL + PostGIS): bench/README.md.
bench-search: setup
	bench/search/run.sh

# Harvesting and deduplicating: all of ../shared/data, and one big source over HTTP (bench/README.md).
bench-federation: setup
	bench/federation/run.sh

# The public pages (search, place, home) beside the API's search, under wrk (bench/README.md).
bench-http: setup
	bench/http/run.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
