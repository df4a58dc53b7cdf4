import SkeinYAML
/// `hooks:` of a workflow or job: shell commands run on events (Pegasus notifications).
public struct Hooks: Sendable, Equatable {
    public var shell: [ShellHook]
    public var extensions: Extensions

    public init(shell: [ShellHook] = [], extensions: Extensions = []) {
        self.shell = shell
        self.extensions = extensions
    }

    public var isEmpty: Bool { shell.isEmpty && extensions.isEmpty }
}

public struct ShellHook: Sendable, Equatable {
    /// When a hook fires; `all` means on every event, `never` disables it.
    public enum Event: String, Sendable, CaseIterable {
        case never, start, error, success, end, all
    }

    public var on: Event
    public var command: String
    public var mark: SourceMark

    public init(on: Event, command: String, mark: SourceMark = .none) {
        self.on = on
        self.command = command
        self.mark = mark
    }
}
