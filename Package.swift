// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-forecast",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Forecast", targets: ["Forecast"]),
        .executable(name: "forecast", targets: ["forecast"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Distributed training and backtests on MPI (needs libopenmpi-dev): forecast … --distributed under mpirun."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `make docs`: the `generate-documentation` command plugin only; no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Ingest", dependencies: ["CLibCSV"]),
        .target(name: "CVectorMath"),
        .target(name: "CSpinPool"),
        .target(name: "CPackedProduct"),
        .target(name: "Recurrent", dependencies: ["COpenBLAS", "CVectorMath", "CSpinPool", "CPackedProduct"]),
        .target(name: "Report"),
        .target(name: "Statistical"),
        .target(name: "Forecast", dependencies: ["Ingest", "Recurrent", "Report", "Statistical"]),
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(name: "ForecastMPI", dependencies: [
            "Recurrent",
            .target(name: "CMPI", condition: .when(traits: ["MPI"])),
        ]),
        // The command line; its folder is not `Sources/forecast`, which would differ from
        // `Sources/Forecast` only in case and collide on case-insensitive file systems.
        .executableTarget(
            name: "forecast",
            dependencies: [
                "Forecast",
                .target(name: "ForecastMPI", condition: .when(traits: ["MPI"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ForecastCLI"
        ),
        .executableTarget(name: "library-example", dependencies: ["Forecast"], path: "Examples/LibraryExample"),
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "forecast-fuzz", dependencies: ["Forecast", "CFuzzDriver"]),
        .target(name: "TestSupport", dependencies: ["Recurrent"], path: "Tests/TestSupport"),
        .testTarget(name: "RecurrentTests", dependencies: ["Recurrent", "CVectorMath", "CPackedProduct", "TestSupport"], resources: [.copy("Fixtures"), .copy("ExtraFixtures")]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest"]),
        .testTarget(name: "ReportTests", dependencies: ["Report"]),
        .testTarget(name: "StatisticalTests", dependencies: ["Statistical"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ForecastTests", dependencies: ["Forecast", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["Forecast"]),
    ]
)
