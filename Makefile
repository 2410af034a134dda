# The two commands of the README. Everything else is CMake (see CMakeLists.txt).
.PHONY: demo test clean

demo:
	@bash scripts/deps.sh
	@cmake -S . -B build/dev -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build/dev -j "$$(nproc)" >/dev/null
	@bash scripts/demo.sh build/dev

test:
	@bash scripts/deps.sh
	@bash scripts/test.sh

clean:
	rm -rf build
