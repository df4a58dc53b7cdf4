import Foundation
import SkeinRunFormat

/// The failed jobs a retry asked for in a finished sub-workflow run (`RetryRoute`), kept in
/// the child's folder until its parent's engine resumes it: then only those of its failed
/// jobs run again and its other failed jobs stay failed, as `skein retry RUN JOB` does for a
/// run of its own (issue 14). Without a request (the parent's job retried by name), every
/// failed job of the child runs again.
enum SubWorkflowRetryRequest {
    static func write(_ jobs: [String], runDirectory: String) throws {
        try PrivateFile.write(Data((jobs.joined(separator: "\n") + "\n").utf8), to: RunLayout(runDirectory: runDirectory).retryRequest)
    }

    static func remove(runDirectory: String) {
        try? FileManager.default.removeItem(atPath: RunLayout(runDirectory: runDirectory).retryRequest)
    }

    /// The request, removed as it is taken; nil when there is none.
    static func take(runDirectory: String) -> Set<String>? {
        let path = RunLayout(runDirectory: runDirectory).retryRequest
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        try? FileManager.default.removeItem(atPath: path)
        return Set(text.split(whereSeparator: \.isNewline).map(String.init))
    }
}
