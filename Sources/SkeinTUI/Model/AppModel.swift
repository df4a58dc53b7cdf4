import Foundation
import SkeinReports

/// A line of input at the bottom of the screen: a filter, a search, or a `:` command.
public struct Prompt: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case filter, search, command }
    public var kind: Kind
    public var text: String
    /// What the text was before (Esc restores it for a search; a filter is cleared).
    public var original: String

    public init(kind: Kind, text: String = "") { self.kind = kind; self.text = text; self.original = text }

    public var leader: String {
        switch kind {
        case .filter, .search: return "/"
        case .command: return ":"
        }
    }
}

/// A question that must be answered before an action runs (kill, remove).
public struct Confirmation: Equatable, Sendable {
    public var title: String
    public var lines: [String]
    public var effects: [Effect]
}

public enum Overlay: Equatable, Sendable {
    case help(scroll: Int)
    case confirm(Confirmation)
}

public struct Message: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    public var at: Double
}

/// One screen's state and behaviour. Screens are plain state machines: they take commands
/// and data, and answer with effects; they do no I/O and never draw.
public protocol ScreenModel: AnyObject {
    var kind: ScreenKind { get }
    /// A short name for the title bar's trail ("failing", "calibrate").
    var breadcrumb: String { get }
    var wanted: Set<DataKey> { get }
    func receive(_ update: DataUpdate, app: AppModel)
    func handle(_ command: Command, app: AppModel) -> [Effect]
    func availability(_ command: Command, app: AppModel) -> Availability
    func mouse(_ event: MouseEvent, app: AppModel) -> [Effect]
    func promptChanged(_ prompt: Prompt, app: AppModel)
    func promptAccepted(_ prompt: Prompt, app: AppModel) -> [Effect]
    /// A `:` command this screen knows (nil: not one of its commands).
    func command(_ words: [String], app: AppModel) -> [Effect]?
    /// A hint for the status line when there is no message.
    func status(app: AppModel) -> DocLine?
    /// The size changed: keep selections visible.
    func resized(app: AppModel)
}

extension ScreenModel {
    public func promptChanged(_ prompt: Prompt, app: AppModel) {}
    public func promptAccepted(_ prompt: Prompt, app: AppModel) -> [Effect] { [] }
    public func command(_ words: [String], app: AppModel) -> [Effect]? { nil }
    public func status(app: AppModel) -> DocLine? { nil }
    public func mouse(_ event: MouseEvent, app: AppModel) -> [Effect] { [] }
    public func resized(app: AppModel) {}
}

/// The whole TUI as a state machine: a stack of screens, an overlay (help or a
/// confirmation), a prompt, a message. `handle(key)` returns effects for the application to
/// carry out; `receive(update)` takes data loaded in the background. No terminal, no I/O:
/// tests drive it directly and render it into the in-memory backend.
public final class AppModel {
    public let keymap: Keymap
    public private(set) var width: Int
    public private(set) var height: Int
    /// The current time (epoch seconds), set by the application each frame; fixed in tests.
    public var now: Double
    public var timeZone: TimeZone
    public private(set) var screens: [ScreenModel]
    public var overlay: Overlay?
    public var prompt: Prompt?
    public var message: Message?
    public var themeName: String
    /// Every theme that `:theme` may name (for its completion hint and errors).
    public var themeNames: [String]
    /// Whether this run's actions would go to a live engine etc. comes from the data.
    public var runs: [RunSummary] = []
    /// Seconds a message stays.
    public var messageSeconds = 6.0
    /// The text a background search of a huge log looks for (nil: none runs); Esc stops it.
    public var fileSearch: String?

    /// A background search moved on (`fraction` of the bytes done).
    public func fileSearchProgress(_ fraction: Double) {
        guard let pattern = fileSearch else { return }
        notify("searching the whole log for '\(pattern)': \(Int(fraction * 100))%  (Esc stops)")
    }

    /// A background search ended: the screen that asked shows the match (loading the part
    /// of the log that holds it) and says what it found.
    public func fileSearchEnded(_ outcome: FileSearch.Outcome) -> [Effect] {
        guard let pattern = fileSearch else { return [] }
        fileSearch = nil
        if let job = screens.last(where: { $0 is JobScreen }) as? JobScreen {
            return job.fileSearchEnded(outcome, pattern: pattern, app: self)
        }
        return []
    }

    /// `:` commands run, oldest first (↑ and ↓ at the prompt walk them).
    public private(set) var commandHistory: [String] = []
    /// Where ↑/↓ are in the history (nil: at the text being typed).
    private var historyIndex: Int?

    public init(width: Int, height: Int, now: Double, timeZone: TimeZone = .current, themeName: String = "default",
                themeNames: [String] = [], keymap: Keymap = .standard, start: ScreenModel? = nil) {
        self.width = width
        self.height = height
        self.now = now
        self.timeZone = timeZone
        self.keymap = keymap
        self.themeName = themeName
        self.themeNames = themeNames
        screens = [start ?? RunsScreen()]
    }

    public var top: ScreenModel { screens[screens.count - 1] }

    /// Everything the screens on the stack want loaded (screens below stay fresh, so going
    /// back shows current data at once).
    public var wanted: Set<DataKey> {
        var keys = Set<DataKey>()
        for s in screens { keys.formUnion(s.wanted) }
        return keys
    }

    /// Opens `screen` above the others. A run's failures and its statistics are two views of
    /// one thing: either replaces the other (`a`, `t`, `a` ... never stacks, and one `q` goes
    /// back to where they were opened from).
    public func push(_ screen: ScreenModel) {
        let views: Set<ScreenKind> = [.failures, .statistics]
        if views.contains(screen.kind), views.contains(top.kind), screens.count > 1 { screens.removeLast() }
        screens.append(screen)
    }

    public func pop() { if screens.count > 1 { screens.removeLast() } }

    public func resize(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        for s in screens { s.resized(app: self) }
    }

    public func notify(_ text: String, error: Bool = false) {
        message = Message(text: text, isError: error, at: now)
    }

    /// The message to show now (they fade after a few seconds).
    public var currentMessage: Message? {
        guard let m = message, now - m.at < messageSeconds else { return nil }
        return m
    }

    public func receive(_ update: DataUpdate) {
        if case .runs(let list) = update.payload { runs = list }
        for s in screens { s.receive(update, app: self) }
    }

    // MARK: keys

    public func handle(_ key: Key) -> [Effect] {
        switch key {
        case .resize: return []
        case .mouse(let m): return mouse(m)
        default: break
        }
        if let overlay { return handleOverlay(overlay, key) }
        if prompt != nil { return handlePrompt(key) }
        if key == .escape, fileSearch != nil {
            // Esc first stops a background search (it does not go back).
            return [.cancelFileSearch]
        }
        guard let command = keymap.command(for: key, on: top.kind) else {
            if case .char(let c) = key, !c.isWhitespace { notify("\(key): no such key here (? shows the keys)", error: true) }
            return []
        }
        return perform(command)
    }

    /// Runs a command as if its key were pressed.
    public func perform(_ command: Command) -> [Effect] {
        if case .disabled(let reason) = availability(command) {
            notify(reason, error: true)
            return []
        }
        switch command {
        case .quit: return [.quit]
        case .help:
            overlay = .help(scroll: 0)
            return []
        case .back:
            if screens.count > 1 { pop(); return [] }
            return [.quit]
        case .cancel:
            // Esc: back, but never out of the app (the runs list may clear its filter).
            if screens.count > 1 { pop(); return [] }
            return top.handle(.cancel, app: self)
        case .commandLine:
            prompt = Prompt(kind: .command)
            return []
        case .refresh:
            notify("reloading")
            return [.refresh]
        default:
            let before = message
            let effects = top.handle(command, app: self)
            // A message was about what was selected: moving on clears it (unless the move
            // itself said something, as a jump to the next failed job does).
            if Self.movesSelection.contains(command), message == before { message = nil }
            return effects
        }
    }

    /// Commands that move the selection (a job, an attempt, a tab).
    static let movesSelection: Set<Command> = [
        .up, .down, .pageUp, .pageDown, .halfPageUp, .halfPageDown, .top, .bottom, .collapse, .expand,
        .nextPane, .previousPane, .previousAttempt, .nextAttempt, .tabDefinition, .tabAttempts, .tabRecord, .tabStdout, .tabStderr,
    ]

    public func availability(_ command: Command) -> Availability {
        switch command {
        case .quit, .help, .back, .cancel, .commandLine, .refresh: return .enabled
        default: return top.availability(command, app: self)
        }
    }

    private func handleOverlay(_ overlay: Overlay, _ key: Key) -> [Effect] {
        switch overlay {
        case .help(let scroll):
            let lines = helpLines().count
            let page = max(1, height - 6)
            switch key {
            case .escape, .char("q"), .char("?"), .enter: self.overlay = nil
            case .down, .char("j"): self.overlay = .help(scroll: min(max(0, lines - page), scroll + 1))
            case .up, .char("k"): self.overlay = .help(scroll: max(0, scroll - 1))
            case .pageDown, .ctrl("d"), .char(" "): self.overlay = .help(scroll: min(max(0, lines - page), scroll + page / 2))
            case .pageUp, .ctrl("u"): self.overlay = .help(scroll: max(0, scroll - page / 2))
            case .char("g"), .home: self.overlay = .help(scroll: 0)
            case .char("G"), .end: self.overlay = .help(scroll: max(0, lines - page))
            case .char("Q"), .ctrl("c"): return [.quit]
            default: break
            }
            return []
        case .confirm(let c):
            switch key {
            case .char("y"), .char("Y"):
                self.overlay = nil
                return c.effects
            case .char("n"), .char("N"), .escape, .char("q"):
                self.overlay = nil
                notify("\(c.title): cancelled")
            case .ctrl("c"):
                return [.quit]
            default:
                break
            }
            return []
        }
    }

    private func handlePrompt(_ key: Key) -> [Effect] {
        guard var p = prompt else { return [] }
        switch key {
        case .escape:
            // A filter is cleared (as help says); a search goes back to what it was.
            prompt = nil
            if p.kind != .command {
                p.text = p.kind == .filter ? "" : p.original
                top.promptChanged(p, app: self)
            }
            return []
        case .enter:
            prompt = nil
            if p.kind == .command {
                historyIndex = nil
                let line = p.text.trimmingCharacters(in: .whitespaces)
                if !line.isEmpty, commandHistory.last != line { commandHistory.append(line) }
                return runCommandLine(p.text)
            }
            return top.promptAccepted(p, app: self)
        case .up, .down:
            guard p.kind == .command, !commandHistory.isEmpty else { return [] }
            var i = historyIndex ?? commandHistory.count
            i = key == .up ? max(0, i - 1) : i + 1
            if i >= commandHistory.count {
                historyIndex = nil
                p.text = ""
            } else {
                historyIndex = i
                p.text = commandHistory[i]
            }
        case .tab:
            guard p.kind == .command else { return [] }
            p.text = complete(p.text)
        case .backspace, .delete:
            if p.text.isEmpty {
                prompt = nil
                if p.kind != .command { top.promptChanged(p, app: self) }
                return []
            }
            p.text.removeLast()
        case .ctrl("u"):
            p.text = ""
        case .char(let c):
            p.text.append(c)
        case .ctrl("c"):
            return [.quit]
        default:
            return []
        }
        prompt = p
        if p.kind != .command { top.promptChanged(p, app: self) }
        return []
    }

    // MARK: the command line

    /// `:retry JOB`, `:kill JOB`, `:halt`, `:resume`, `:remove`, `:theme NAME`, `:sort COL`,
    /// `:view tree|level|transformation|workflow`, `:open DIR`, `:help`, `:q`.
    public func runCommandLine(_ text: String) -> [Effect] {
        let words = text.split(separator: " ").map(String.init)
        guard let verb = words.first else { return [] }
        switch verb {
        case "q", "quit", "q!", "qa", "exit":
            return [.quit]
        case "help", "h":
            overlay = .help(scroll: 0)
            return []
        case "theme", "colors", "colorscheme":
            guard words.count == 2 else {
                notify("usage: :theme NAME (\(themeNames.joined(separator: ", ")))", error: words.count != 1)
                return []
            }
            return [.setTheme(words[1])]
        case "open", "add":
            guard words.count >= 2 else { notify("usage: :open DIR (a Skein run directory or a Pegasus submit directory)", error: true); return [] }
            // The application checks the directory and says whether it was added.
            return [.addRun(words.dropFirst().joined(separator: " "))]
        case "reload", "refresh":
            return [.refresh]
        default:
            if let effects = top.command(words, app: self) { return effects }
            for s in screens.reversed().dropFirst() { if let e = s.command(words, app: self) { return e } }
            notify("unknown command :\(verb) (known: retry, kill, halt, resume, remove, sort, view, theme, open, help, q; in a log, a line number)", error: true)
            return []
        }
    }

    /// The command verbs `:` knows (for completion).
    static let verbs = ["retry", "kill", "halt", "resume", "remove", "sort", "view", "filter", "theme", "open", "reload", "help", "quit"]

    /// What a word may be after `verb` here (empty: nothing to offer).
    func arguments(of verb: String) -> [String] {
        switch verb {
        case "theme", "colors", "colorscheme": return themeNames
        case "view": return top.kind == .run ? RunScreen.View.allCases.map(\.rawValue) : []
        case "sort":
            if top.kind == .run { return RunScreen.SortColumn.allCases.map(\.rawValue) + ["none"] }
            return top.kind == .runs ? RunsScreen.SortColumn.allCases.map(\.rawValue) : []
        case "retry", "kill":
            guard let run = top as? RunScreen, let d = run.data else { return [] }
            return d.jobs.indices.map { run.name($0, d) }  // a sub-workflow's job as workflow/id
        default: return []
        }
    }

    /// Tab at the `:` prompt: completes the verb, or the word after it, as far as the
    /// candidates agree; when several remain, the message lists them.
    func complete(_ text: String) -> String {
        let endsInSpace = text.hasSuffix(" ")
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let completingVerb = words.count == 0 || (words.count == 1 && !endsInSpace)
        let partial = endsInSpace || words.isEmpty ? "" : words.removeLast()
        let candidates = (completingVerb ? Self.verbs : arguments(of: words.first ?? "")).filter { $0.hasPrefix(partial) }
        guard let first = candidates.first else {
            notify("no completion for '\(partial)'", error: true)
            return text
        }
        var common = first
        for c in candidates.dropFirst() { while !c.hasPrefix(common) { common.removeLast() } }
        if candidates.count > 1 {
            let shown = candidates.prefix(12).joined(separator: " ") + (candidates.count > 12 ? " ... (\(candidates.count))" : "")
            notify(shown)
        }
        let line = (words + [common]).joined(separator: " ")
        return candidates.count == 1 ? line + " " : line
    }

    /// Asks before running `effects` (kill, remove).
    public func confirm(_ title: String, _ lines: [String], _ effects: [Effect]) {
        overlay = .confirm(Confirmation(title: title, lines: lines, effects: effects))
    }

    // MARK: mouse

    private func mouse(_ m: MouseEvent) -> [Effect] {
        if case .help(let scroll)? = overlay {
            if m.kind == .wheelDown { overlay = .help(scroll: min(max(0, helpLines().count - (height - 6)), scroll + 3)) }
            if m.kind == .wheelUp { overlay = .help(scroll: max(0, scroll - 3)) }
            if m.kind == .press { overlay = nil }
            return []
        }
        if overlay != nil || prompt != nil { return [] }
        if m.kind == .press, m.y == height - 1 {
            // A click on a key hint runs it.
            for (range, command) in footerHits() where range.contains(m.x) { return perform(command) }
            return []
        }
        return top.mouse(m, app: self)
    }

    // MARK: footer and help (generated from the keymap)

    public struct Hint: Equatable, Sendable {
        public var key: String
        public var label: String
        public var command: Command
        public var enabled: Bool
    }

    /// The footer's hints for the top screen, in keymap order, `?` and back last.
    public func hints(ascii: Bool = false) -> [Hint] {
        let kind = top.kind
        var hints: [Hint] = []
        var tail: [Hint] = []
        for b in keymap.footer(for: kind) {
            let key = ascii ? b.keys[0].asciiDescription : b.keys[0].description
            var label = b.footer ?? ""
            if b.command == .back && screens.count == 1 { label = "quit" }
            let h = Hint(key: key == "Esc" && b.command == .back ? "q" : key, label: label, command: b.command, enabled: availability(b.command).isEnabled)
            if b.command == .help || b.command == .back { tail.append(h) } else { hints.append(h) }
        }
        return hints + tail
    }

    /// Where each hint goes in the footer: as many as fit, `q back` and `? help` always.
    public func footerLayout(ascii: Bool = false) -> [(x: Int, hint: Hint)] {
        let all = hints(ascii: ascii)
        func w(_ h: Hint) -> Int { TextWidth.of(h.key) + 1 + TextWidth.of(h.label) }
        let tail = all.filter { $0.command == .back || $0.command == .help }
        let tailWidth = tail.reduce(0) { $0 + w($1) + 2 }
        var x = 1
        var out: [(x: Int, hint: Hint)] = []
        for h in all where h.command != .back && h.command != .help {
            if x + w(h) + 2 + tailWidth > width { break }
            out.append((x, h))
            x += w(h) + 2
        }
        for h in tail where x + w(h) <= width {
            out.append((x, h))
            x += w(h) + 2
        }
        return out
    }

    /// Footer columns of each hint, as the view lays them out.
    public func footerHits() -> [(Range<Int>, Command)] {
        footerLayout().map { item in
            (item.x..<(item.x + TextWidth.of(item.hint.key) + 1 + TextWidth.of(item.hint.label)), item.hint.command)
        }
    }

    /// The help overlay's lines: every binding of the top screen, with why it is disabled now.
    public func helpLines(ascii: Bool = false) -> [DocLine] {
        let kind = top.kind
        var lines: [DocLine] = [DocLine("Keys of the \(kind.title) screen", .header), .blank]
        for b in keymap.bindings(for: kind) {
            let keys = b.keys.map { ascii ? $0.asciiDescription : $0.description }.joined(separator: " ")
            var segments = [DocLine.Segment("  " + keys.padding(toLength: max(keys.count, 14), withPad: " ", startingAt: 0) + "  ", .key),
                            DocLine.Segment(b.help)]
            if case .disabled(let why) = availability(b.command) { segments.append(DocLine.Segment("  (now: \(why))", .disabled)) }
            lines.append(DocLine(segments))
        }
        lines.append(.blank)
        lines.append(DocLine("Prompts: Enter accepts, Esc cancels (a filter: clears it), Backspace deletes, Ctrl-u clears.", .dim))
        lines.append(DocLine("At the : prompt, Tab completes and ↑ ↓ recall the commands run before.", .dim))
        lines.append(DocLine("Commands (:): retry [JOB...], kill JOB..., halt, resume, remove, sort COLUMN [asc|desc],", .dim))
        lines.append(DocLine("  view tree|level|transformation|workflow, theme NAME, open DIR, reload, help, q; in a log, N goes to line N", .dim))
        lines.append(DocLine("Huge logs: the end shows at once, lines are counted in the background (status line); g, G, :N", .dim))
        lines.append(DocLine("  and / reach the whole file, a search runs in the background (Esc stops it).", .dim))
        lines.append(DocLine("Mouse: click selects (a second click opens), the wheel scrolls, a key hint runs.", .dim))
        return lines
    }
}
