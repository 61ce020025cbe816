import Foundation
import Report
import Testing

@Suite struct EvaluationTests {
    // Target "a", training [1, 2, 3, 4, 5], season 1: naive scale 1, so MASE equals MAE.
    // fold 0: step 1 actual 6 predicted 6.5 naive 5 seasonal 5  (errors 0.5 / 1 / 1)
    //         step 2 actual 7 predicted 7.5 naive 5 seasonal 5  (errors 0.5 / 2 / 2)
    // fold 1: step 1 actual 7 predicted 6   naive 6             (errors 1 / 1)
    //         step 2 actual 8 predicted 8   naive 6             (errors 0 / 2)
    static let records = [
        ForecastRecord(timestamp: "t5", target: "a", step: 1, actual: 6, predicted: 6.5, fold: 0, naive: 5, seasonalNaive: 5),
        ForecastRecord(timestamp: "t6", target: "a", step: 2, actual: 7, predicted: 7.5, fold: 0, naive: 5, seasonalNaive: 5),
        ForecastRecord(timestamp: "t6", target: "a", step: 1, actual: 7, predicted: 6, fold: 1, naive: 6),
        ForecastRecord(timestamp: "t7", target: "a", step: 2, actual: 8, predicted: 8, fold: 1, naive: 6),
    ]
    static let training = ["a": TrainingContext(series: [1, 2, 3, 4, 5], season: 1)]

    @Test func overallModelAndBaselines() {
        let report = EvaluationReport(records: Self.records, training: Self.training)
        // Model: MAE (0.5 + 0.5 + 1 + 0) / 4 = 0.5; naive (1 + 2 + 1 + 2) / 4 = 1.5.
        #expect(report.overall.model.count == 4)
        #expect(close(report.overall.model.mae, 0.5))
        #expect(close(report.overall.model.mase, 0.5))
        #expect(close(report.overall.naive.mae, 1.5))
        // Seasonal naive exists on fold 0 only: (1 + 2) / 2.
        #expect(report.overall.seasonalNaive.count == 2)
        #expect(close(report.overall.seasonalNaive.mae, 1.5))
        // Skill vs naive: 1 - 0.5 / 1.5 = 2/3. Vs seasonal naive, on fold 0's points only:
        // model (0.5 + 0.5) against baseline (1 + 2): 1 - 1/3 = 2/3.
        #expect(close(report.overall.skill.vsNaive, 2.0 / 3))
        #expect(close(report.overall.skill.vsSeasonalNaive, 2.0 / 3))
        #expect(report.seasons == ["a": 1])
    }

    @Test func theClassicalBaselineIsScoredOnItsOwnPointsAndTabledOnlyWhenPresent() throws {
        var records = Self.records
        // Classical forecasts on fold 0 only: errors 1 and 0.
        records[0].classical = 7
        records[1].classical = 7
        let report = EvaluationReport(records: records, training: Self.training)
        #expect(report.overall.classical.count == 2)
        #expect(close(report.overall.classical.mae, 0.5))
        #expect(close(report.overall.classical.mase, 0.5))
        // Skill on fold 0's points: model (0.5 + 0.5) against baseline (1 + 0): 1 - 1 = 0.
        #expect(close(report.overall.skill.vsClassical, 0))
        #expect(MetricsTable.tables(for: report)[0].header == ["Metric", "Model", "Naive", "Seasonal naive", "ETS"])
        let without = EvaluationReport(records: Self.records, training: Self.training)
        #expect(without.overall.classical.count == 0 && without.overall.skill.vsClassical == nil)
        #expect(MetricsTable.tables(for: without)[0].header == ["Metric", "Model", "Naive", "Seasonal naive"])
        // Metrics JSON written before the baseline existed still reads, with none.
        let old = #"{"model":{"count":0},"naive":{"count":0},"seasonalNaive":{"count":0},"skill":{}}"#
        let decoded = try JSONDecoder().decode(MetricComparison.self, from: Data(old.utf8))
        #expect(decoded.classical.count == 0)
    }

    @Test func perStepAndPerFold() {
        let report = EvaluationReport(records: Self.records, training: Self.training)
        #expect(report.perStep.map(\.step) == [1, 2])
        // Step 1: (0.5 + 1) / 2 = 0.75; step 2: (0.5 + 0) / 2 = 0.25.
        #expect(close(report.perStep[0].metrics.model.mae, 0.75))
        #expect(close(report.perStep[1].metrics.model.mae, 0.25))
        // Naive by step: (1 + 1) / 2 = 1 and (2 + 2) / 2 = 2.
        #expect(close(report.perStep[0].metrics.naive.mae, 1))
        #expect(close(report.perStep[1].metrics.naive.mae, 2))
        #expect(report.perFold.map(\.fold) == [0, 1])
        #expect(report.perFold[0].firstTimestamp == "t5" && report.perFold[0].lastTimestamp == "t6")
        #expect(close(report.perFold[0].metrics.model.mae, 0.5))
        #expect(report.perFold[1].metrics.seasonalNaive.count == 0)
        #expect(report.perFold[1].metrics.skill.vsSeasonalNaive == nil)
        #expect(Array(report.perTarget.keys) == ["a"])
    }

    @Test func foldTrainingRangesScaleEachFoldByItsOwnHistory() {
        // Series [1, 2, 4, 8, 16]: whole-series naive scale (1 + 2 + 4 + 8) / 4 = 3.75;
        // fold 1 trained on indices 0..<3, scale (1 + 2) / 2 = 1.5.
        let context = TrainingContext(series: [1, 2, 4, 8, 16], season: 1, foldTrainingRanges: [1: 0..<3])
        let report = EvaluationReport(records: Self.records, training: ["a": context])
        // Fold 0 MAE 0.5 / 3.75; fold 1 MAE 0.5 / 1.5.
        #expect(close(report.perFold[0].metrics.model.mase, 0.5 / 3.75))
        #expect(close(report.perFold[1].metrics.model.mase, 0.5 / 1.5))
        // Overall MASE is the mean of the scaled errors: (0.5 + 0.5) / 3.75 + (1 + 0) / 1.5, over 4.
        #expect(close(report.overall.model.mase, (1 / 3.75 + 1 / 1.5) / 4))
    }

    @Test func targetsWithoutTrainingHaveNoMASE() {
        var records = Self.records
        records.append(ForecastRecord(timestamp: "t5", target: "b", step: 1, actual: 100, predicted: 90, fold: 0))
        let report = EvaluationReport(records: records, training: Self.training)
        #expect(report.perTarget["b"]?.model.mase == nil)
        #expect(close(report.perTarget["b"]?.model.mae, 10))
        #expect(report.perTarget["b"]?.naive.count == 0)
        // Overall MASE comes from target a's records only.
        #expect(close(report.overall.model.mase, 0.5))
        #expect(report.overall.model.count == 5)
        // Fold 0 still runs from t5 (step 1) to t6 (step 2), though its last record is b's t5.
        #expect(report.perFold[0].firstTimestamp == "t5" && report.perFold[0].lastTimestamp == "t6")
    }

    // Intervals at level 0.8 (α = 0.2, so 2/α = 10; pinball quantiles 0.1 and 0.9) on target
    // "y", training [0, 2, 4, 6, 8], season 1: seasonal naive scale 2.
    //   actual 10 in [9, 12]:  covered, width 3, score 3;
    //                          pinball (0.1·(10 − 9) + 0.1·(12 − 10)) / 2 = 0.15
    //   actual  8 in [9, 11]:  1 below, width 2, score 2 + 10·1 = 12;
    //                          pinball (0.9·(9 − 8) + 0.1·(11 − 8)) / 2 = 0.6
    //   actual 15 in [10, 14]: 1 above, width 4, score 4 + 10·1 = 14;
    //                          pinball (0.1·(15 − 10) + 0.9·(15 − 14)) / 2 = 0.7
    //   actual 11 in [10, 12]: covered, width 2, score 2;
    //                          pinball (0.1·(11 − 10) + 0.1·(12 − 11)) / 2 = 0.1
    // Coverage 2/4 = 0.5; mean width 11/4 = 2.75; interval score 31/4 = 7.75; MSIS 7.75/2 = 3.875;
    // pinball 1.55/4 = 0.3875. Steps: 1 holds the first and last (both covered), 2 the others
    // (neither covered). A fifth record without an actual is not scored.
    static let intervalRecords = [
        ForecastRecord(timestamp: "t5", target: "y", step: 1, actual: 10, predicted: 10,
                       bounds: [IntervalBound(level: 0.8, lower: 9, upper: 12)]),
        ForecastRecord(timestamp: "t6", target: "y", step: 2, actual: 8, predicted: 10,
                       bounds: [IntervalBound(level: 0.8, lower: 9, upper: 11)]),
        ForecastRecord(timestamp: "t6", target: "y", step: 2, actual: 15, predicted: 12, fold: 1,
                       bounds: [IntervalBound(level: 0.8, lower: 10, upper: 14)]),
        ForecastRecord(timestamp: "t5", target: "y", step: 1, actual: 11, predicted: 11, fold: 1,
                       bounds: [IntervalBound(level: 0.8, lower: 10, upper: 12)]),
        ForecastRecord(timestamp: "t7", target: "y", step: 3, actual: .nan, predicted: 11, fold: 1,
                       bounds: [IntervalBound(level: 0.8, lower: 10, upper: 12)]),
    ]
    static let intervalTraining = ["y": TrainingContext(series: [0, 2, 4, 6, 8], season: 1)]

    @Test func intervalMetricsByHand() throws {
        let report = EvaluationReport(records: Self.intervalRecords, training: Self.intervalTraining)
        let m = try #require(report.overall.intervals.first)
        #expect(report.overall.intervals.count == 1)
        #expect(m.level == 0.8 && m.count == 4)
        #expect(close(m.coverage, 0.5))
        #expect(close(m.meanWidth, 2.75))
        #expect(close(m.intervalScore, 7.75))
        #expect(close(m.msis, 3.875))
        #expect(close(m.pinball, 0.3875))
        #expect(report.perStep.map { $0.metrics.intervals.first?.coverage } == [1, 0, nil])
        #expect(report.perStep[2].metrics.intervals.first?.count == 0)
        // Fold 1: actuals 15 (score 14) and 11 (score 2): coverage 1/2, score 8, MSIS 4.
        #expect(close(report.perFold[1].metrics.intervals.first?.intervalScore, 8))
        #expect(close(report.perFold[1].metrics.intervals.first?.msis, 4))
        // Without a training series there is no scale, so no MSIS; the rest stands.
        let unscaled = try #require(EvaluationReport(records: Self.intervalRecords, training: [:]).overall.intervals.first)
        #expect(unscaled.msis == nil && close(unscaled.intervalScore, 7.75))
        // Records without bounds give no interval metrics at all.
        #expect(EvaluationReport(records: Self.records, training: Self.training).overall.intervals.isEmpty)
    }

    @Test func noRecords() {
        let report = EvaluationReport(records: [], training: [:])
        #expect(report.overall.model == .empty)
        #expect(report.perStep.isEmpty && report.perFold.isEmpty && report.perTarget.isEmpty)
    }
}

@Suite struct SeasonTests {
    /// A deterministic pseudo-random sequence in [-1, 1).
    static func noise(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    @Test func findsTheSeasonOfATrendingSeasonalSeries() {
        let noise = Self.noise(240, seed: 7)
        let monthly = (0..<240).map { t in
            0.5 * Double(t) + 10 * sin(2 * Double.pi * Double(t) / 12) + noise[t]
        }
        #expect(inferSeason(series: monthly, maxLag: 40) == 12)
        let weekly = (0..<200).map { t in [5.0, 6, 7, 6, 5, 1, 0][t % 7] + 0.3 * noise[t] }
        #expect(inferSeason(series: weekly, maxLag: 30) == 7)
    }

    @Test func noiseHasNoSeason() {
        #expect(inferSeason(series: Self.noise(500, seed: 3), maxLag: 50) == 1)
        #expect(inferSeason(series: [1, 2, 3], maxLag: 10) == 1)
        #expect(inferSeason(series: [], maxLag: 10) == 1)
    }

    @Test func aHintWinsWhenTheSeriesHoldsTwoSeasons() {
        let weekly = (0..<200).map { t in [5.0, 6, 7, 6, 5, 1, 0][t % 7] }
        #expect(inferSeason(series: weekly, maxLag: 30, hint: 5) == 5)
        // 200 values hold fewer than two seasons of 120: the hint is ignored.
        #expect(inferSeason(series: weekly, maxLag: 30, hint: 120) == 7)
    }

    @Test func autocorrelationOfAnAlternatingSeries() {
        let acf = autocorrelation(series: (0..<100).map { $0 % 2 == 0 ? 1.0 : -1.0 }, maxLag: 2)
        #expect(acf.count == 3)
        #expect(close(acf[0], 1))
        #expect(acf[1] < -0.95)
        #expect(acf[2] > 0.95)
    }

    @Test func samplingFrequencyFromTimestamps() {
        let day = 86_400.0
        #expect(SamplingFrequency(timestamps: (0..<100).map { Double($0) * 1800 }) == .halfHourly)
        #expect(SamplingFrequency(timestamps: (0..<100).map { Double($0) * day }) == .daily)
        // Weekdays only: Monday 2024-01-01 is 19723 days after the epoch.
        let weekdays = (0..<140).map { Double(19723 + $0) }.filter { Int($0 - 19723) % 7 < 5 }.map { $0 * day }
        #expect(SamplingFrequency(timestamps: weekdays) == .businessDaily)
        let monthStarts = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].reduce(into: [0.0]) { acc, days in
            acc.append(acc.last! + Double(days) * day)
        }
        #expect(SamplingFrequency(timestamps: monthStarts) == .monthly)
        #expect(SamplingFrequency.monthly.seasonalPeriod == 12)
        #expect(SamplingFrequency.halfHourly.seasonalPeriod == 48)
        #expect(SamplingFrequency.businessDaily.seasonalPeriod == 5)
        #expect(SamplingFrequency(timestamps: [0]) == nil)
        #expect(SamplingFrequency(timestamps: [0, 1000]) == nil)
    }
}
