import Foundation

/// A ready-made DAGMan file (a `condorWorkflow` job's `file`) read as far as Skein can run
/// it: `JOB` nodes whose submit files run a plain executable with arguments in the vanilla
/// or local universe, `PARENT ... CHILD ...` edges and `RETRY`. Anything else a node needs
/// (PRE/POST scripts, sub-DAGs, splices, macros, other universes, several procs) makes it a
/// node Skein cannot run, named with the reason, so the parent is refused when planned.
public struct DagmanFile: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var submitFile: String
        /// What the submit file runs, once read.
        public var executable: String = ""
        public var arguments: [String] = []
        /// Where it runs: the submit file's `initialdir`, else the node's `DIR`, else the DAG's folder.
        public var directory: String = ""
        public var retries: Int = 0
        /// Why Skein cannot run this node; nil when it can.
        public var refusal: String?
    }

    public var file: String
    public var nodes: [Node] = []
    public var edges: [(parent: String, child: String)] = []

    public static func == (a: Self, b: Self) -> Bool {
        a.file == b.file && a.nodes == b.nodes && a.edges.map { $0.parent + ">" + $0.child } == b.edges.map { $0.parent + ">" + $0.child }
    }

    /// The first node Skein cannot run, with why; or a problem of the file itself.
    public var firstRefusal: String? {
        if nodes.isEmpty { return "the DAG file \(file) has no JOB node" }
        return nodes.first { $0.refusal != nil }.map { "node '\($0.name)' (\($0.submitFile)): \($0.refusal!)" }
    }

    /// Reads the DAG file and each node's submit file.
    public static func read(_ path: String) throws -> DagmanFile {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let folder = (path as NSString).deletingLastPathComponent
        var dag = DagmanFile(file: path)
        var index: [String: Int] = [:]
        func refuse(_ name: String, _ why: String) {
            if let i = index[name], dag.nodes[i].refusal == nil { dag.nodes[i].refusal = why }
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first?.uppercased(), !keyword.hasPrefix("#") else { continue }
            switch keyword {
            case "JOB":
                guard words.count >= 3 else { continue }
                var node = Node(name: words[1], submitFile: words[2])
                var dir = folder
                if let d = words.firstIndex(where: { $0.uppercased() == "DIR" }), d + 1 < words.count {
                    dir = words[d + 1].hasPrefix("/") ? words[d + 1] : (folder as NSString).appendingPathComponent(words[d + 1])
                }
                if words.contains(where: { $0.uppercased() == "NOOP" }) { node.refusal = "a NOOP node" }
                readSubmitFile(&node, folder: dir)
                index[node.name] = dag.nodes.count
                dag.nodes.append(node)
            case "PARENT":
                guard let c = words.firstIndex(where: { $0.uppercased() == "CHILD" }) else { continue }
                for parent in words[1..<c] { for child in words[(c + 1)...] { dag.edges.append((parent, child)) } }
            case "RETRY":
                if words.count >= 3, let i = index[words[1]], let n = Int(words[2]) { dag.nodes[i].retries = n }
            case "SCRIPT":
                // SCRIPT [DEFER s t] PRE|POST node ...
                if let p = words.firstIndex(where: { ["PRE", "POST", "HOLD"].contains($0.uppercased()) }), p + 1 < words.count {
                    refuse(words[p + 1], "it has a \(words[p].uppercased()) script")
                }
            case "VARS":
                if words.count >= 2 { refuse(words[1], "it sets VARS macros") }
            case "SUBDAG", "SPLICE", "FINAL", "PROVISIONER", "SERVICE":
                let name = words.count >= 3 && words[1].uppercased() == "EXTERNAL" ? words[2] : (words.count >= 2 ? words[1] : "?")
                dag.nodes.append(Node(name: name, submitFile: words.last ?? "", refusal: "a \(keyword) node"))
            case "PRE_SKIP", "ABORT-DAG-ON":
                if words.count >= 2 { refuse(words[1], "it has \(keyword)") }
            default:
                break  // CATEGORY, MAXJOBS, PRIORITY, DOT, CONFIG, NODE_STATUS_FILE, JOBSTATE_LOG: no effect here
            }
        }
        return dag
    }

    /// The submit file's `universe`, `executable`, `arguments`, `initialdir` and `queue`.
    static func readSubmitFile(_ node: inout Node, folder: String) {
        let path = node.submitFile.hasPrefix("/") ? node.submitFile : (folder as NSString).appendingPathComponent(node.submitFile)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            node.refusal = "its submit file \(path) cannot be read"
            return
        }
        var values: [String: String] = [:]
        var queues = 0
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.lowercased().hasPrefix("queue") {
                queues += 1
                let count = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                if !count.isEmpty && count != "1" { node.refusal = node.refusal ?? "it queues '\(count)' (more than one proc)" }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        let universe = (values["universe"] ?? "vanilla").lowercased()
        if node.refusal != nil { return }
        if !["vanilla", "local"].contains(universe) { node.refusal = "universe \(universe) (only vanilla and local run here)"; return }
        if queues > 1 { node.refusal = "it has \(queues) queue statements"; return }
        guard let executable = values["executable"], !executable.isEmpty else { node.refusal = "its submit file has no executable"; return }
        let arguments = values["arguments"] ?? ""
        if (executable + arguments).contains("$(") || (executable + arguments).contains("$$(") {
            node.refusal = "its executable or arguments use HTCondor macros"
            return
        }
        let initial = values["initialdir"].map { $0.hasPrefix("/") ? $0 : (folder as NSString).appendingPathComponent($0) } ?? folder
        node.directory = initial
        node.executable = executable.hasPrefix("/") ? executable : (initial as NSString).appendingPathComponent(executable)
        node.arguments = splitArguments(arguments)
    }

    /// HTCondor's argument syntaxes: the new one (the value in double quotes, words split on
    /// spaces, single quotes group, `''` is a quote) and the old one (split on spaces).
    static func splitArguments(_ text: String) -> [String] {
        guard text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 else {
            return text.split(separator: " ").map(String.init)
        }
        let inner = Array(text.dropFirst().dropLast())
        var words: [String] = []
        var word = ""
        var quoted = false
        var started = false
        var i = 0
        while i < inner.count {
            let c = inner[i]
            if c == "'" {
                if quoted && i + 1 < inner.count && inner[i + 1] == "'" { word.append("'"); i += 2; continue }
                quoted.toggle()
                started = true
            } else if c == " " && !quoted {
                if started || !word.isEmpty { words.append(word) }
                word = ""
                started = false
            } else if c == "\"" && i + 1 < inner.count && inner[i + 1] == "\"" {
                word.append("\""); i += 1; started = true
            } else {
                word.append(c)
                started = true
            }
            i += 1
        }
        if started || !word.isEmpty { words.append(word) }
        return words
    }
}
