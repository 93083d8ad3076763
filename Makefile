# n4a: `make demo` runs a real experiment, `make test` runs every test.
# Both set up the machine (scripts/setup.sh) and build first.
JOBS ?= $(shell nproc)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all setup configure build test bench demo sanitize fuzz format clean

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD)

demo: build
	@bash scripts/demo.sh $(BUILD)/n4a

# Every test under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	@$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DN4A_SANITIZE=ON -DN4A_BUILD_BENCH=OFF"

fuzz: setup
	@cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DN4A_BUILD_FUZZ=ON \
	  -DN4A_BUILD_TESTS=OFF -DN4A_BUILD_BENCH=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	@rm -rf build build-asan build-fuzz
