extension Duration {
    /// Whole milliseconds, clamped, as librdkafka's `timeout_ms` arguments take a duration.
    var kafkaTimeout: Int32 {
        Int32(clamping: components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
