import Foundation
import SkeinReports
import SkeinYAML

/// How `skein tui` was asked to run.
public struct TUIOptions: Sendable {
    /// Run or submit directories to list besides the registry's runs.
    public var directories: [String]
    /// A theme name (or file path); nil: SKEIN_THEME, the config file, else "default".
    public var theme: String?
    /// Force ASCII glyphs; otherwise they follow the locale.
    public var ascii: Bool
    public var mouse: Bool
    /// The `skein` binary, run for retry / resume when no engine is alive.
    public var skeinExecutable: String
    public var environment: [String: String]
    /// Where the run registry is (nil: the default for the environment).
    public var registryDirectory: String?
    /// Pegasus's master database (nil: `~/.pegasus/workflow.db`).
    public var pegasusMasterDatabase: String?

    public init(directories: [String] = [], theme: String? = nil, ascii: Bool = false, mouse: Bool = true,
                skeinExecutable: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directories = directories
        self.theme = theme
        self.ascii = ascii
        self.mouse = mouse
        self.skeinExecutable = skeinExecutable
        self.environment = environment
    }
}

/// Settings from `$XDG_CONFIG_HOME/skein/tui.yml` (`theme:`, `ascii:`, `mouse:`).
public struct TUIConfig: Sendable, Equatable {
    public var theme: String?
    public var ascii: Bool?
    public var mouse: Bool?

    public static func path(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/skein/tui.yml"
    }

    public static func read(environment: [String: String]) -> TUIConfig {
        guard let data = FileManager.default.contents(atPath: path(environment: environment)) else { return TUIConfig() }
        return parse([UInt8](data))
    }

    public static func parse(_ bytes: [UInt8]) -> TUIConfig {
        var config = TUIConfig()
        guard case .mapping(let m)? = try? YAMLParser.parse(bytes).root else { return config }
        func text(_ key: String) -> String? { if case .scalar(let s)? = m[key], !s.isNull { return s.value }; return nil }
        func bool(_ key: String) -> Bool? { text(key).map { ["true", "yes", "on"].contains($0.lowercased()) } }
        config.theme = text("theme")
        config.ascii = bool("ascii")
        config.mouse = bool("mouse")
        return config
    }
}

/// Messages from background work to the UI loop.
final class Mailbox: @unchecked Sendable {
    enum Item: Sendable {
        case data(DataUpdate)
        case message(String, Bool)
        case refresh
        case searchProgress(Double)
        case searchEnded(FileSearch.Outcome)
    }

    private let lock = NSLock()
    private var items: [Item] = []

    func post(_ item: Item) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    func drain() -> [Item] {
        lock.lock()
        defer { lock.unlock() }
        let out = items
        items = []
        return out
    }
}

/// The TUI's main loop: keys to the model, effects to the data service and the action
/// runner, frames to the backend. Draws only when something changed (and once a second for
/// the clock and running durations); the backend writes only changed cells.
public final class TUIApplication {
    public let options: TUIOptions
    public let backend: TerminalBackend
    public private(set) var model: AppModel!
    public private(set) var theme = Theme.standard
    public private(set) var glyphs = Glyphs.unicode
    let library: ThemeLibrary
    let mailbox = Mailbox()
    var service: DataService!
    let actions: ActionRunner
    let noColor: Bool
    var buffer = CellBuffer(width: 0, height: 0)
    /// The background search of a huge log, while it runs.
    var fileSearch: FileSearch?
    var lastWanted: Set<DataKey> = []

    public init(options: TUIOptions, backend: TerminalBackend) {
        self.options = options
        self.backend = backend
        library = ThemeLibrary(directories: ThemeLibrary.standardDirectories(environment: options.environment, executable: options.skeinExecutable))
        actions = ActionRunner(skeinExecutable: options.skeinExecutable, environment: options.environment)
        noColor = !(options.environment["NO_COLOR"] ?? "").isEmpty
    }

    /// Loads a theme for this terminal: monochrome under NO_COLOR or without colours, the
    /// 8 basic colours when the terminal has no more.
    func resolveTheme(_ name: String) throws -> Theme {
        let t = try library.load(name)
        if noColor || backend.colorCount == 0 { return Theme.monochrome }
        if backend.colorCount < 16 { return t.basicColors() }
        return t
    }

    /// Runs until the user quits (0) or a signal ends it (128 + signal).
    public func run() throws -> Int32 {
        let config = TUIConfig.read(environment: options.environment)
        try backend.start()
        defer { backend.stop() }
        let ascii = options.ascii || config.ascii == true || !backend.isUTF8
        glyphs = Glyphs.forTerminal(ascii: ascii)
        let requested = options.theme ?? options.environment["SKEIN_THEME"].flatMap { $0.isEmpty ? nil : $0 } ?? config.theme ?? "default"
        var startMessage: (String, Bool)?
        do {
            theme = try resolveTheme(requested)
        } catch {
            theme = (noColor || backend.colorCount == 0) ? .monochrome : .standard
            startMessage = ("\(error); using the default theme", true)
        }
        model = AppModel(width: backend.width, height: backend.height, now: Date().timeIntervalSince1970,
                         themeName: requested, themeNames: library.names())
        if let (text, isError) = startMessage { model.notify(text, error: isError) }
        else if noColor { model.notify("NO_COLOR is set: no colours") }
        let mailbox = self.mailbox
        var configuration = DataService.Configuration(
            registryDirectory: options.registryDirectory ?? RegisteredRuns.defaultDirectory(environment: options.environment),
            directories: options.directories,
            pegasusMasterDatabase: options.pegasusMasterDatabase ?? ((options.environment["HOME"] ?? NSHomeDirectory()) + "/.pegasus/workflow.db"))
        configuration.interval = 0.25
        service = DataService(configuration) { mailbox.post(.data($0)) }
        service.start()
        defer { service.stop() }
        // With exactly one directory given, open it at once.
        if options.directories.count == 1, let dir = options.directories.first {
            let abs = RunLocation.absolute(dir)
            let kind: RunLocation.Kind = FileManager.default.fileExists(atPath: abs + "/plan.json") ? .skein : .pegasus
            for parent in SubWorkflowAncestors.of(abs) { model.push(RunScreen(directory: parent.directory, label: parent.label, kind: kind)) }
            model.push(RunScreen(directory: abs, label: (abs as NSString).lastPathComponent, kind: kind))
        }
        var dirty = true
        var lastSecond = 0
        while true {
            if let sig = backend.pendingSignal { return 128 + sig }
            model.now = Date().timeIntervalSince1970
            for item in mailbox.drain() {
                switch item {
                case .data(let update): model.receive(update)
                case .message(let text, let isError): model.notify(text, error: isError)
                case .refresh: service.refresh()
                case .searchProgress(let fraction): model.fileSearchProgress(fraction)
                case .searchEnded(let outcome):
                    fileSearch = nil
                    if perform(model.fileSearchEnded(outcome)) { return 0 }
                }
                dirty = true
            }
            let wanted = model.wanted
            if wanted != lastWanted {
                lastWanted = wanted
                service.want(wanted)
            }
            let second = Int(model.now)
            if second != lastSecond { lastSecond = second; dirty = true }
            if dirty {
                draw()
                dirty = false
            }
            // Take every key already typed before drawing again (keeps up with key repeat).
            var quit = false
            var timeout = 0.1
            var handled = 0
            while handled < 64, let key = backend.readKey(timeout: timeout) {
                timeout = 0
                handled += 1
                if key == .resize {
                    model.resize(width: backend.width, height: backend.height)
                    backend.invalidate()
                }
                model.now = Date().timeIntervalSince1970
                if perform(model.handle(key)) { quit = true; break }
                dirty = true
            }
            if quit { return 0 }
        }
    }

    /// Renders the model into the frame and shows it.
    public func draw() {
        if buffer.width != backend.width || buffer.height != backend.height || buffer.asciiOnly != glyphs.ascii {
            buffer = CellBuffer(width: backend.width, height: backend.height, asciiOnly: glyphs.ascii)
        }
        Renderer.render(model, into: &buffer, theme: theme, glyphs: glyphs)
        backend.present(buffer)
    }

    /// Carries out effects; true to quit.
    func perform(_ effects: [Effect]) -> Bool {
        for effect in effects {
            switch effect {
            case .quit:
                return true
            case .control(let request):
                model.notify("\(request.action.verb): sending ...")
                let actions = self.actions
                let mailbox = self.mailbox
                DispatchQueue.global(qos: .userInitiated).async {
                    let (text, isError) = actions.perform(request)
                    mailbox.post(.message(text, isError))
                    mailbox.post(.refresh)
                    // The engine acts within a poll interval: look again shortly after.
                    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { mailbox.post(.refresh) }
                }
            case .setTheme(let name):
                do {
                    let t = try resolveTheme(name)
                    theme = t
                    model.themeName = name
                    model.notify(noColor ? "theme \(name) chosen, but NO_COLOR is set: staying without colour" : "theme \(t.name): \(t.description)")
                } catch {
                    model.notify("\(error)", error: true)
                }
            case .addRun(let dir):
                let path = RunLocation.absolute(dir)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    model.notify(":open \(dir): no such directory", error: true)
                    continue
                }
                guard FileManager.default.fileExists(atPath: path + "/plan.json") || FileManager.default.fileExists(atPath: path + "/braindump.yml")
                        || ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).contains(where: { $0.hasSuffix(".dag.dagman.out") }) else {
                    model.notify(":open \(dir): not a Skein run directory (plan.json) nor a Pegasus submit directory (braindump.yml)", error: true)
                    continue
                }
                service.addDirectory(dir)
                model.notify("added \(dir) to the runs list")
            case .refresh:
                service.refresh()
                backend.invalidate()
            case .copy(let text):
                backend.copyToClipboard(text)
                model.notify("copied \(text) (OSC 52: the terminal may not allow it)")
            case .moveLog(let path, let request):
                service.moveLog(path, to: request)
            case .searchFile(let path, let pattern, let ranges, let lastMatch):
                fileSearch?.cancel()
                let search = FileSearch()
                fileSearch = search
                let mailbox = self.mailbox
                DispatchQueue.global(qos: .userInitiated).async {
                    var last = 0.0
                    let outcome = search.search(pattern, in: path, ranges: ranges, last: lastMatch) { fraction in
                        if fraction - last >= 0.05 { last = fraction; mailbox.post(.searchProgress(fraction)) }
                    }
                    mailbox.post(.searchEnded(outcome))
                }
            case .cancelFileSearch:
                fileSearch?.cancel()
            case .openPager(let path, let line):
                let environment = options.environment
                var failure: String?
                backend.suspend { failure = Pager.show(path, line: line, environment: environment) }
                if let failure { model.notify(failure, error: true) }
                model.resize(width: backend.width, height: backend.height)
            }
        }
        return false
    }
}
