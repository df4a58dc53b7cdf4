/// The screens of the TUI (overlays such as help and confirmations are not screens).
public enum ScreenKind: String, CaseIterable, Sendable {
    case runs, run, job, failures, statistics

    public var title: String {
        switch self {
        case .runs: return "Runs"
        case .run: return "Run"
        case .job: return "Job"
        case .failures: return "Failures"
        case .statistics: return "Statistics"
        }
    }
}

/// Everything a key can ask for. The model decides what each does on each screen and
/// whether it applies now (`AppModel.availability`).
public enum Command: String, CaseIterable, Sendable {
    case up, down, pageUp, pageDown, halfPageUp, halfPageDown, top, bottom, left, right
    case open, back, cancel, quit, help, nextPane, previousPane, filter, commandLine, refresh
    case sort, reverseSort
    case showFailures, showStatistics
    case toggleDetail
    case collapse, expand, collapseAll, expandAll, nextFailed, previousFailed, nextRunning, previousRunning, cycleView, mark, markAll, clearMarks
    case retry, kill, halt, resume, remove
    case previousAttempt, nextAttempt, tabDefinition, tabAttempts, tabRecord, tabStdout, tabStderr
    case search, searchNext, searchPrevious, wrap, follow, pager, copyPath, lineStart, lineEnd
    case timelineMode
}

/// One line of the keymap: the keys, the command, where it applies, and its help text.
public struct Binding: Sendable {
    public var keys: [Key]
    public var command: Command
    /// Empty: every screen.
    public var screens: Set<ScreenKind>
    /// The word in the footer (nil: not shown there).
    public var footer: String?
    public var help: String

    public init(_ keys: [Key], _ command: Command, on screens: Set<ScreenKind> = [], footer: String? = nil, _ help: String) {
        self.keys = keys
        self.command = command
        self.screens = screens
        self.footer = footer
        self.help = help
    }

    public func applies(to screen: ScreenKind) -> Bool { screens.isEmpty || screens.contains(screen) }
}

/// The one keymap: key handling, the footer hints and the `?` help screen all read it.
public struct Keymap: Sendable {
    public var bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    /// The command a key means on a screen (screen-specific bindings win over global ones).
    public func command(for key: Key, on screen: ScreenKind) -> Command? {
        var global: Command?
        for b in bindings where b.keys.contains(key) {
            if b.screens.contains(screen) { return b.command }
            if b.screens.isEmpty, global == nil { global = b.command }
        }
        return global
    }

    /// The bindings of a screen, in table order (for help).
    public func bindings(for screen: ScreenKind) -> [Binding] { bindings.filter { $0.applies(to: screen) } }

    /// The footer hints of a screen, in table order.
    public func footer(for screen: ScreenKind) -> [Binding] { bindings(for: screen).filter { $0.footer != nil } }

    /// The first key of a command on a screen, as help names it.
    public func keyName(_ command: Command, on screen: ScreenKind) -> String? {
        bindings(for: screen).first { $0.command == command }?.keys.first?.description
    }

    public static let standard = Keymap(bindings: [
        Binding([.enter], .open, on: [.runs, .run, .failures, .job, .statistics], footer: "open", "open the selected run, job or attempt"),
        Binding([.char("q")], .back, footer: "back", "back to the previous screen (quit on the runs list)"),
        Binding([.escape], .cancel, "back (on the runs list: clear the filter; never quits)"),
        Binding([.char("?")], .help, footer: "help", "this help: every key of this screen"),
        Binding([.char("Q"), .ctrl("c")], .quit, "quit Skein (runs keep running)"),
        Binding([.down, .char("j")], .down, "move down"),
        Binding([.up, .char("k")], .up, "move up"),
        Binding([.ctrl("d")], .halfPageDown, "half a page down"),
        Binding([.ctrl("u")], .halfPageUp, "half a page up"),
        Binding([.pageDown, .ctrl("f")], .pageDown, "a page down"),
        Binding([.pageUp, .ctrl("b")], .pageUp, "a page up"),
        Binding([.char("g"), .home], .top, "to the top"),
        Binding([.char("G"), .end], .bottom, "to the bottom"),
        Binding([.tab], .nextPane, on: [.job, .failures, .statistics], footer: "pane", "next pane or tab"),
        Binding([.backTab], .previousPane, on: [.job, .failures, .statistics], "previous pane or tab"),
        Binding([.char("/")], .filter, on: [.runs], footer: "filter", "filter by name, folder or state (failure, running)"),
        Binding([.char("/")], .filter, on: [.run], footer: "filter", "filter by name or state (failed, state:running)"),
        Binding([.char("/")], .search, on: [.job], footer: "search", "search the log"),
        Binding([.char("n")], .searchNext, on: [.job], "next match"),
        Binding([.char("N")], .searchPrevious, on: [.job], "previous match"),
        Binding([.char("s")], .sort, on: [.runs], footer: "sort", "sort by the next column"),
        Binding([.char("s")], .sort, on: [.run], "sort the jobs by the next column (then the tree again)"),
        Binding([.char("S")], .reverseSort, on: [.runs, .run], "reverse the sort order"),
        Binding([.char("h"), .left], .collapse, on: [.run], "collapse the job (or go to its parent)"),
        Binding([.char("l"), .right], .expand, on: [.run], "expand the job"),
        Binding([.char("C")], .collapseAll, on: [.run], "collapse every job"),
        Binding([.char("E")], .expandAll, on: [.run], "expand every job"),
        Binding([.char("f")], .nextFailed, on: [.run], footer: "next failed", "jump to the next failed job"),
        Binding([.char("F")], .previousFailed, on: [.run], "jump to the previous failed job"),
        Binding([.char("n")], .nextRunning, on: [.run], "jump to the next running job"),
        Binding([.char("N")], .previousRunning, on: [.run], "jump to the previous running job"),
        Binding([.char("v")], .cycleView, on: [.run], footer: "view", "tree / by level / by transformation (/ by workflow, with sub-workflows)"),
        Binding([.char("i")], .toggleDetail, on: [.run], "hide or show the detail pane (wide terminals)"),
        Binding([.char(" ")], .mark, on: [.run, .failures], "mark the job (actions apply to all marked jobs)"),
        Binding([.char("*")], .markAll, on: [.run], "mark every job shown (again: unmark them)"),
        Binding([.char("u")], .clearMarks, on: [.run, .failures], "clear the marks"),
        Binding([.char("a")], .showFailures, on: [.runs, .run, .job, .statistics], footer: "failures", "the failures of the run (analyzer)"),
        Binding([.char("t")], .showStatistics, on: [.runs, .run, .job, .failures], footer: "stats", "statistics and timeline of the run"),
        Binding([.char("r")], .retry, on: [.run, .job, .failures], footer: "retry", "retry the failed job(s) (marked ones, else the selected one)"),
        Binding([.char("K")], .kill, on: [.run, .job, .failures], footer: "kill", "kill the running job(s) (asks first)"),
        Binding([.char("H")], .halt, on: [.runs, .run], "halt the run: start nothing new"),
        Binding([.char("R")], .resume, on: [.runs, .run], "resume the run (a finished run: its failed jobs run again)"),
        Binding([.char("D")], .remove, on: [.runs, .run], "remove the run: kill all its jobs (asks first)"),
        Binding([.char("["), .char("p")], .previousAttempt, on: [.job], "previous attempt"),
        Binding([.char("]")], .nextAttempt, on: [.job], "next attempt"),
        Binding([.char("1")], .tabDefinition, on: [.job], "definition tab"),
        Binding([.char("2")], .tabAttempts, on: [.job], "attempts tab"),
        Binding([.char("3")], .tabRecord, on: [.job], "kickstart record tab (the invocation, field by field)"),
        Binding([.char("o"), .char("4")], .tabStdout, on: [.job], footer: "stdout", "stdout of the attempt"),
        Binding([.char("e"), .char("5")], .tabStderr, on: [.job], footer: "stderr", "stderr of the attempt"),
        Binding([.char("F")], .follow, on: [.job], footer: "follow", "follow the log as it grows"),
        Binding([.char("w")], .wrap, on: [.job], "wrap long lines"),
        Binding([.char("P")], .pager, on: [.job], footer: "pager", "the whole log in $PAGER (less), however big"),
        Binding([.char("y")], .copyPath, on: [.job], "copy the file's path (log or record) to the clipboard (OSC 52)"),
        Binding([.left], .left, on: [.job], "scroll the log left (without wrap)"),
        Binding([.right], .right, on: [.job], "scroll the log right (without wrap)"),
        Binding([.char("0")], .lineStart, on: [.job], "the log's first column"),
        Binding([.char("$")], .lineEnd, on: [.job], "the log's last columns (the longest line on screen ends at the edge)"),
        Binding([.char("v")], .timelineMode, on: [.statistics], footer: "group", "timeline per job or per transformation"),
        Binding([.char(":")], .commandLine, "command line: :retry JOB, :kill JOB, :theme NAME, :sort COLUMN, :open DIR, :q"),
        Binding([.ctrl("l")], .refresh, "redraw the screen and reload"),
    ])
}
