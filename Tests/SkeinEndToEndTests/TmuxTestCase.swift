import Foundation
import XCTest
import SkeinTestSupport

/// What the tests of the real TUI in tmux share: a tmux server of the test's own (its socket
/// in the scratch folder, so tearDown removes it with everything else), a registry and home
/// folder of its own, and the pane command that runs `skein`.
class TmuxTestCase: XCTestCase {
    var scratch: URL!
    var tmux: Tmux!
    var environment: [String: String] = [:]
    /// The scratch folder's name prefix (short: tmux socket paths have a length limit).
    var scratchPrefix: String { "skein-tui" }

    override func setUpWithError() throws {
        guard let tmuxPath = Tmux.find() else { throw missingRealPart("tmux is not installed (scripts/install-deps.sh installs it)") }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("\(scratchPrefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("home"), withIntermediateDirectories: true)
        environment = [
            "SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path,
            "HOME": scratch.appendingPathComponent("home").path,
            "XDG_CONFIG_HOME": scratch.appendingPathComponent("home/.config").path,
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
        ]
        tmux = Tmux(program: tmuxPath, socket: scratch.appendingPathComponent("tmux.sock").path)
    }

    override func tearDownWithError() throws {
        tmux?.killServer()
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// `env VAR=... skein ARGS; echo "skein exited $?"` as the pane's command.
    func command(_ arguments: [String]) -> String {
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Tmux.quote($0.value))" }.joined(separator: " ")
        let args = arguments.map(Tmux.quote).joined(separator: " ")
        return "env -u NO_COLOR \(env) \(Tmux.quote(SkeinBinary.url.path)) \(args); echo \"skein exited $?\"; sleep 600"
    }
}
