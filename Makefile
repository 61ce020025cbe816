# Two commands a new user needs (see README.md):
#   make demo   build, then train a small model on a bundled dataset and print its validation error
#   make test   build and run every test
SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/forecast

.PHONY: deps build demo test clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG) --product forecast

demo: build
	$(BIN) train datasets/airpassengers_monthly.csv --target passengers_thousands --timesteps 12 --horizon 1 --epochs 150 --hidden 16

test: deps
	$(SWIFT) build -c $(CONFIG) --product forecast
	$(SWIFT) test -c $(CONFIG)
	FORECAST_FIXTURES_DIR=$(CURDIR)/Tests/FixturesProfileB $(SWIFT) test -c $(CONFIG) --skip-build --filter "Golden"

clean:
	rm -rf .build
