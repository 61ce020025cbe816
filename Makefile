# Two commands a new user needs (see README.md):
#   make demo   build, then backtest an LSTM on the bundled monthly sunspots series and write
#               runs/demo/report.html (charts, metrics against naive baselines)
#   make test   build and run every test, then fuzz the CSV reader and the model loader
#               for FUZZ_SECONDS each (60; 0 skips)
SWIFT ?= swift
CONFIG ?= release
FUZZ_SECONDS ?= 60
BIN = .build/$(CONFIG)/forecast

.PHONY: deps build demo test clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG) --product forecast

demo: build
	$(BIN) backtest datasets/sunspots_monthly.csv --target sunspots --horizon 12 --out runs/demo
	@echo "open runs/demo/report.html" 

test: deps
	$(SWIFT) build -c $(CONFIG)
	$(SWIFT) test -c $(CONFIG)
	FORECAST_FIXTURES_DIR=$(CURDIR)/Tests/FixturesProfileB $(SWIFT) test -c $(CONFIG) --skip-build --filter "GoldenFixtureTests|AdamFixtureTests"
	scripts/fuzz.sh all $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz
