// The public face of swift-forecast. `import Forecast` brings in the three modules below it, the way
// swift-numerics' `Numerics` re-exports `RealModule` and `ComplexModule`.
@_exported import Ingest
@_exported import Recurrent
@_exported import Report
@_exported import Statistical
