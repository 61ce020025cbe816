# Two commands a new user needs (see README.md):
#   make demo   build, then backtest the default recipe on the bundled monthly sunspots series and write
#               runs/demo/report.html (charts, metrics against naive baselines)
#   make test   build and run every test (the MPI ones on a second build with --traits MPI),
#               then fuzz the CSV reader, its date formats and the model loader for FUZZ_SECONDS each (60; 0 skips)
#   make build-mpi  forecast with --distributed, for mpirun (see Sources/Forecast/Forecast.docc/Distributed.md)
#   make docs   the DocC archive of the Forecast library (Sources/Forecast/Forecast.docc and the doc
#               comments) in .build/docs/Forecast.doccarchive; fails on any DocC warning
SWIFT ?= swift
CONFIG ?= release
FUZZ_SECONDS ?= 60
BIN = .build/$(CONFIG)/forecast
MPI_BIN = .build-mpi/$(CONFIG)/forecast
DOCS_OUT = .build/docs

.PHONY: deps deps-mpi build build-mpi demo docs test clean

deps:
	@scripts/install-deps.sh

deps-mpi:
	@scripts/install-deps.sh --mpi

build-mpi: deps-mpi
	$(SWIFT) build -c $(CONFIG) --product forecast --traits MPI --scratch-path .build-mpi

build: deps
	$(SWIFT) build -c $(CONFIG) --product forecast

demo: build
	$(BIN) backtest datasets/sunspots_monthly.csv --target sunspots --horizon 12 --out runs/demo
	@echo "open runs/demo/report.html" 

# swift-docc-plugin's generate-documentation: builds the target (debug) for its symbol graph, then
# runs docc; --warnings-as-errors turns every DocC warning (an unresolved ``symbol`` or <doc:…>
# link, a misplaced heading, …) into an error, so the target fails on any.
docs: deps
	@mkdir -p $(DOCS_OUT)
	$(SWIFT) package --allow-writing-to-directory $(DOCS_OUT) generate-documentation --target Forecast \
	    --output-path $(DOCS_OUT)/Forecast.doccarchive --warnings-as-errors

test: deps-mpi
	$(MAKE) docs
	$(SWIFT) build -c $(CONFIG)
	$(SWIFT) test -c $(CONFIG)
	FORECAST_FIXTURES_DIR=$(CURDIR)/Tests/FixturesProfileB $(SWIFT) test -c $(CONFIG) --skip-build --filter "GoldenFixtureTests|AdamFixtureTests"
	$(MAKE) build-mpi
	FORECAST_MPI_BIN=$(CURDIR)/$(MPI_BIN) $(SWIFT) test -c $(CONFIG) --skip-build --filter DistributedCLITests
	scripts/fuzz.sh all $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz .build-mpi
