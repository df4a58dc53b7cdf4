import Foundation

/// One line of a malformed-corpus case's `expect.txt`: a diagnostic the case must give,
///
///     workflow.yml:12:5: error duplicate-job-id: job id 'b' is used twice
///
/// (file, line, column, severity, code, and a substring of the message). Lines starting
/// with `#` are comments; `! plan` asks the end-to-end test to run `skein plan` too.
public struct CorpusExpectation {
    public var file: String, line: Int, column: Int, severity: String, code: String, message: String
    public var raw: String

    public init?(_ line: Substring) {
        raw = String(line)
        // FILE:LINE:COL: SEVERITY CODE: MESSAGE
        let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, let l = Int(parts[1]), let c = Int(parts[2]) else { return nil }
        let head = parts[3].split(separator: " ", omittingEmptySubsequences: true)
        guard head.count == 2 else { return nil }
        file = String(parts[0]); self.line = l; column = c
        severity = String(head[0]); code = String(head[1])
        message = parts[4].trimmingCharacters(in: .whitespaces)
    }

    public func matches(file: String, line: Int, column: Int, severity: String, code: String, message: String) -> Bool {
        (file as NSString).lastPathComponent == self.file && line == self.line && column == self.column
            && severity == self.severity && code == self.code && message.contains(self.message)
    }

    /// A case's expectations and directives.
    public struct Case {
        public var expectations: [CorpusExpectation] = []
        public var unreadable: [String] = []
        /// `! plan`: the case is also planned, which must refuse it the same way.
        public var plan = false

        public init(_ text: String) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
                if line == "! plan" { plan = true; continue }
                if let e = CorpusExpectation(line) { expectations.append(e) } else { unreadable.append(String(line)) }
            }
        }

        public init(folder: URL) throws {
            self.init(try String(contentsOf: folder.appendingPathComponent("expect.txt"), encoding: .utf8))
        }
    }

    /// The corpus: one folder per case, sorted.
    public static let corpus = TestFixtures.repository.appendingPathComponent("Tests/SkeinWorkflowTests/Fixtures/malformed")

    public static func caseFolders() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { $0.hasDirectoryPath }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
