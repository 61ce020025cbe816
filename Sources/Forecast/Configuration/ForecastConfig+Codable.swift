extension ForecastConfig {
    enum CodingKeys: String, CodingKey {
        case inputs, targets, timeColumn, dateFormat, timesteps, horizon, stride, cell, hidden, layers, bidirectional, dropout
        case scaler, residual, loss, optimizer, learningRate, epochs, batchSize, patience, gradientClip
        case validationFraction, calendar, missing, seed, threads, members, combination, transform, season, trainingSteps, refit, intervalScaling
    }

    /// Reads a configuration written by any version: a key that is absent keeps its default,
    /// except the recipe's, which default to what version 1 files mean (a network alone on the
    /// raw targets), so that an old model file forecasts as it always did.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(inputs: try c.decode([String].self, forKey: .inputs), targets: try c.decode([String].self, forKey: .targets))
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        timeColumn = try c.decodeIfPresent(String.self, forKey: .timeColumn)
        dateFormat = try c.decodeIfPresent(String.self, forKey: .dateFormat)
        try read(.timesteps, &timesteps); try read(.horizon, &horizon); try read(.stride, &stride)
        try read(.cell, &cell); try read(.hidden, &hidden); try read(.layers, &layers)
        try read(.bidirectional, &bidirectional); try read(.dropout, &dropout); try read(.scaler, &scaler)
        try read(.residual, &residual); try read(.loss, &loss); try read(.optimizer, &optimizer)
        try read(.learningRate, &learningRate); try read(.epochs, &epochs); try read(.batchSize, &batchSize)
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        gradientClip = try c.decodeIfPresent(Double.self, forKey: .gradientClip)
        try read(.validationFraction, &validationFraction)
        calendar = try c.decodeIfPresent([String].self, forKey: .calendar)
        try read(.missing, &missing); try read(.seed, &seed)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        members = try c.decodeIfPresent([Member].self, forKey: .members) ?? [.network]
        combination = try c.decodeIfPresent(Combination.self, forKey: .combination) ?? .median
        transform = try c.decodeIfPresent(TargetTransform.self, forKey: .transform) ?? .none
        season = try c.decodeIfPresent(Int.self, forKey: .season)
        trainingSteps = try c.decodeIfPresent(Int.self, forKey: .trainingSteps)
        refit = try c.decodeIfPresent(Bool.self, forKey: .refit) ?? false
        try read(.intervalScaling, &intervalScaling)
    }
}
