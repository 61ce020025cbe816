import Report
import Testing

@Suite struct MetricsTests {
    // actual [1, 2, 3, 4], predicted [1.5, 2, 2.5, 5]
    // errors p - a: 0.5, 0, -0.5, 1
    //   MAE  = (0.5 + 0 + 0.5 + 1) / 4 = 0.5
    //   RMSE = sqrt((0.25 + 0 + 0.25 + 1) / 4) = sqrt(0.375) = 0.6123724356957945
    //   MAPE = 100 (0.5/1 + 0/2 + 0.5/3 + 1/4) / 4 = 100 * 0.91666.../4 = 22.916666...
    //   sMAPE = (200*0.5/2.5 + 0 + 200*0.5/5.5 + 200*1/9) / 4 = (40 + 200/11 + 200/9) / 4 = 20.1010101...
    //   bias = (0.5 + 0 - 0.5 + 1) / 4 = 0.25
    //   R²: mean actual 2.5, SStot = 2.25 + 0.25 + 0.25 + 2.25 = 5, SSres = 1.5, R² = 1 - 1.5/5 = 0.7
    let actual: [Double] = [1, 2, 3, 4]
    let predicted: [Double] = [1.5, 2, 2.5, 5]
    // Training series [2, 4, 3, 5, 4, 6]:
    //   season 1: |4-2| |3-4| |5-3| |4-5| |6-4| = 2 1 2 1 2, mean 8/5 = 1.6, MASE = 0.5/1.6 = 0.3125
    //   season 2: |3-2| |5-4| |4-3| |6-5| = 1 1 1 1, mean 1, MASE = 0.5
    let training: [Double] = [2, 4, 3, 5, 4, 6]

    @Test func handComputedValues() {
        let m = computeMetrics(actual: actual, predicted: predicted, trainingSeries: training, season: 1)
        #expect(m.count == 4)
        #expect(close(m.mae, 0.5))
        #expect(close(m.rmse, 0.375.squareRoot()))
        #expect(close(m.mape, 100 * (0.5 + 0.5 / 3 + 0.25) / 4))
        #expect(close(m.mape, 22.916666666666668))
        #expect(close(m.smape, (40 + 200.0 / 11 + 200.0 / 9) / 4))
        #expect(close(m.smape, 20.101010101010101))
        #expect(close(m.bias, 0.25))
        #expect(close(m.r2, 0.7))
        #expect(close(m.mase, 0.3125))
    }

    @Test func maseWithSeasonTwo() {
        let m = computeMetrics(actual: actual, predicted: predicted, trainingSeries: training, season: 2)
        #expect(close(m.mase, 0.5))
        #expect(close(seasonalNaiveScale(trainingSeries: training, season: 2), 1))
        #expect(close(seasonalNaiveScale(trainingSeries: training, season: 1), 1.6))
    }

    @Test func maseIsNilWhenTheScaleIsUndefined() {
        // A series that repeats exactly with the season has a zero scale.
        let flat = computeMetrics(actual: actual, predicted: predicted, trainingSeries: [3, 3, 3, 3], season: 1)
        #expect(flat.mase == nil)
        let periodic = computeMetrics(actual: actual, predicted: predicted, trainingSeries: [1, 2, 1, 2, 1, 2], season: 2)
        #expect(periodic.mase == nil)
        // Too short for one seasonal difference.
        let short = computeMetrics(actual: actual, predicted: predicted, trainingSeries: [1, 2], season: 2)
        #expect(short.mase == nil)
        #expect(close(short.mae, 0.5))
    }

    @Test func mapeSkipsZeroActualsAndSmapeCountsZeroOverZeroAsZero() {
        // actual [0, 2], predicted [1, 3]: MAPE uses only the second pair, 100 * 1/2 = 50.
        // sMAPE: 200*1/(0+1) = 200 and 200*1/(2+3) = 40, mean 120.
        let m = computeMetrics(actual: [0, 2], predicted: [1, 3], trainingSeries: [], season: 1)
        #expect(close(m.mape, 50))
        #expect(close(m.smape, 120))
        // actual [0, 2], predicted [0, 3]: the 0/0 pair counts as 0, so sMAPE = (0 + 40) / 2 = 20.
        let z = computeMetrics(actual: [0, 2], predicted: [0, 3], trainingSeries: [], season: 1)
        #expect(close(z.smape, 20))
        let allZero = computeMetrics(actual: [0, 0], predicted: [1, 1], trainingSeries: [], season: 1)
        #expect(allZero.mape == nil)
        #expect(close(allZero.smape, 200))
    }

    @Test func nonFinitePairsAreSkipped() {
        // Only the first pair is usable: |2 - 1| = 1.
        let m = computeMetrics(actual: [1, .nan, 3], predicted: [2, 5, .infinity], trainingSeries: [], season: 1)
        #expect(m.count == 1)
        #expect(close(m.mae, 1))
        #expect(close(m.bias, 1))
        #expect(m.r2 == nil)  // one pair: no spread in the actuals
    }

    @Test func emptyInputGivesEmptyMetrics() {
        let m = computeMetrics(actual: [], predicted: [], trainingSeries: [1, 2, 3], season: 1)
        #expect(m == MetricSet.empty)
        #expect(m.count == 0 && m.mae == nil && m.rmse == nil && m.bias == nil)
    }

    @Test func rSquaredIsNegativeWhenWorseThanTheMean() {
        // actual [1, 3] (mean 2, SStot 2); predicted [3, 1], SSres 8, R² = 1 - 8/2 = -3.
        let m = computeMetrics(actual: [1, 3], predicted: [3, 1], trainingSeries: [], season: 1)
        #expect(close(m.r2, -3))
        #expect(close(m.bias, 0))
    }
}

@Suite struct BaselineTests {
    let series: [Double] = [10, 20, 30, 40, 50, 60, 70]

    @Test func naiveRepeatsTheLastObservedValue() {
        #expect(naiveForecast(series: series, origin: 4, horizon: 3) == [50, 50, 50])
        #expect(naiveForecast(series: series, origin: 0, horizon: 2) == [10, 10])
        #expect(naiveForecast(series: series, origin: 4, horizon: 0) == [])
        #expect(naiveForecast(series: series, origin: 7, horizon: 2).allSatisfy { $0.isNaN })
    }

    @Test func seasonalNaiveTakesTheValueOneSeasonBefore() {
        // Origin 4, season 3: step h uses index 4 + h - 3 ceil(h/3):
        // h=1 -> 2 (30), h=2 -> 3 (40), h=3 -> 4 (50), h=4 -> 2 (30), h=5 -> 3 (40).
        #expect(seasonalNaiveForecast(series: series, origin: 4, horizon: 5, season: 3) == [30, 40, 50, 30, 40])
        // Season 1 is the naive forecast.
        #expect(seasonalNaiveForecast(series: series, origin: 4, horizon: 3, season: 1) == [50, 50, 50])
        // Season 2 from origin 5 (value 60): h=1 -> 4 (50), h=2 -> 5 (60), h=3 -> 4 (50).
        #expect(seasonalNaiveForecast(series: series, origin: 5, horizon: 3, season: 2) == [50, 60, 50])
    }

    @Test func seasonalNaiveBeforeOneFullSeasonIsNaN() {
        // Origin 1, season 3: h=1 -> index -1 (none), h=2 -> 0 (10), h=3 -> 1 (20).
        let f = seasonalNaiveForecast(series: series, origin: 1, horizon: 3, season: 3)
        #expect(f[0].isNaN)
        #expect(Array(f[1...]) == [10, 20])
    }
}
