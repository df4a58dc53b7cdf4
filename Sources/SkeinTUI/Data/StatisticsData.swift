import Foundation
import SkeinReports

/// The Statistics screen's data: pegasus-statistics' tables, and every attempt's start and
/// duration for the timeline.
public struct StatisticsData: Sendable, Equatable {
    public var report: StatisticsReport
    /// Sorted by start.
    public var bars: [TimelineBar]
    public var start: Double
    public var end: Double
}

/// Reads `StatisticsData` through SkeinReports: `StatisticsReader` for the tables,
/// `TimelineReader` for the bars.
enum StatisticsDataReader {
    static func read(_ location: RunLocation, now: Double) throws -> StatisticsData {
        let report = try StatisticsReader.read(location, includeJobs: false)
        let timeline = try TimelineReader.read(location, now: now)
        return StatisticsData(report: report, bars: timeline.bars, start: timeline.start, end: timeline.end)
    }
}
