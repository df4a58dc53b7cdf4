import Foundation
import SkeinRunFormat
import SkeinWorkflow

/// Removes the workflow's files from the scratch folders (one per staging site) once nothing
/// needs them, as pegasus-plan `--cleanup` does, each site's by its own jobs. `inplace` (the default): each file after every job that
/// makes, reads, fetches or stages it out, by `clean_up_<site>_level_<L>_<n>` jobs, per
/// level `ceil(jobs on the level / 5)`; a `stageOut: true` output that is not staged out is
/// the run's result and stays. `leaf`: one `cleanup_<wf>_0_<site>` job per staging site removes its whole
/// scratch folder after everything else (only with an output site, else the results would
/// go with it). `none`: nothing.
struct CleanupPass: PlannerPass {
    let name = "cleanup"
    static let jobsPerCleanupJob = 5

    func run(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        switch context.options.cleanup {
        case .none: return
        case .leaf: leaf(&workflow, context)
        case .inplace: inPlace(&workflow, context)
        }
    }

    private func leaf(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        let results = context.workflow.jobs.flatMap { $0.uses.filter { $0.type.isOutput && $0.stageOut == true } }
        if !context.options.stageOut && !results.isEmpty {
            workflow.problems.append("--cleanup leaf removes the scratch folder, with the \(results.count) stageOut output(s) in it: give an output site (-o local) or use --cleanup inplace")
            return
        }
        var hasChildren = Set<String>()
        for i in workflow.jobs.indices { hasChildren.formUnion(workflow.jobs[i].parentIDs) }
        let leaves = workflow.jobs.indices.map { workflow.jobs[$0].job.id }.filter { !hasChildren.contains($0) }
        var taken = workflow.jobIDs(context)
        // One per staging site, each after everything else.
        for (site, folder) in sitesInOrder(workflow) {
            let id = ExecutableWorkflow.unusedID("cleanup_\(DirectoriesPass.sanitized(workflow.label))_0_\(site)", taken: &taken)
            workflow.jobs.append(cleanupJob(id: id, site: site, removals: [folder], parents: leaves, folder: folder, context))
        }
    }

    /// The staging sites and their scratch folders, the first site's first; one entry per folder.
    private func sitesInOrder(_ workflow: ExecutableWorkflow) -> [(site: String, folder: String)] {
        var seen = Set<String>()
        var sites: [(String, String)] = []
        // By index: `filter` copied every job (each of its fields retained) to test its kind.
        let ordered = workflow.jobs.indices.filter { workflow.jobs[$0].job.kind == .createDir }.map { workflow.jobs[$0].job.site }
        for site in ordered + workflow.scratchBySite.keys.sorted() {
            guard let folder = workflow.scratchBySite[site], seen.insert(folder).inserted else { continue }
            sites.append((site, folder))
        }
        if sites.isEmpty && !workflow.scratchDirectory.isEmpty { sites.append(("local", workflow.scratchDirectory)) }
        return sites
    }

    /// Every file the pass meets (a name in a folder) by number, what it knows of each in
    /// arrays. A name is hashed once per use, into a number for the name, then the folder's
    /// table of names gives the file: a dictionary of a state per file, hashed two or three
    /// times per use, was most of planning a million-job montage (12 s, 400 MB).
    private struct CleanupFiles {
        struct Flags: OptionSet {
            let rawValue: UInt8
            /// The run puts it in a scratch folder (an output, a fetched or moved input, a linked replica).
            static let placed = Flags(rawValue: 1)
            static let fetched = Flags(rawValue: 2)
            static let readByWorkflowJobs = Flags(rawValue: 4)
            static let stagedOut = Flags(rawValue: 8)
        }

        var folders: [String] = []
        private var folderNumbers: [String: Int] = [:]
        /// The folder asked for last (compute jobs of one site share it): found without hashing.
        private var lastFolder: (path: String, number: Int)?
        /// The names by number: the sandbox pass's, then those it did not meet.
        private var names: NumberedNames
        /// Per folder, per name: the file's number, -1 for none yet.
        private var fileOf: [[Int32]] = []

        // Per file, by number:
        private(set) var folderNumber: [Int32] = []
        private(set) var lfnNumber: [Int32] = []
        var flags: [Flags] = []
        /// The deepest level of a workflow job that uses it, -1 for none.
        private(set) var lastLevel: [Int32] = []
        /// Its path, when a sandbox or a transfer already holds it (`SandboxPass` makes one
        /// per file): the removals share that string instead of a copy each. Not kept when
        /// removals are names in their folder (`PathsInFolder`): 16 bytes a file at the
        /// pass's peak, for the few groups that cannot be.
        private var paths: [String?] = []
        let keepsPaths: Bool
        /// Files in the order of their first use.
        private(set) var order: [Int32] = []
        /// The jobs (by index in the plan) that make, read, fetch, move or stage out each file,
        /// in plan order: a list per file through `useJob` and `nextUse`, from `firstUse`.
        private var firstUse: [Int32] = []
        private var lastUse: [Int32] = []
        private var useJob: [Int32] = []
        private var nextUse: [Int32] = []

        /// The names by number.
        var lfns: [String] { names.names }

        /// The path string of file `n` another job holds, if one was noted.
        func heldPath(_ n: Int) -> String? { keepsPaths ? paths[n] : nil }

        /// `path` (another job's string) is file `n`'s path, when none is noted yet.
        mutating func notePath(_ n: Int, _ path: String) {
            if keepsPaths && paths[n] == nil { paths[n] = path }
        }

        /// Going on from the names `numbered` (the sandbox pass's), with room for about
        /// `count` names when there are none.
        init(names numbered: NumberedNames, reserving count: Int, keepsPaths: Bool) {
            names = numbered
            self.keepsPaths = keepsPaths
            names.reserve(count)
        }

        mutating func folder(_ path: String) -> Int {
            if let known = knownFolder(path) { return known }
            folders.append(path)
            fileOf.append([])
            let n = folders.count - 1
            folderNumbers[path] = n
            lastFolder = (path, n)
            return n
        }

        mutating func knownFolder(_ path: String) -> Int? {
            if let last = lastFolder, last.path == path { return last.number }
            guard let n = folderNumbers[path] else { return nil }
            lastFolder = (path, n)
            return n
        }

        mutating func file(_ folder: Int, _ lfn: String) -> Int {
            file(folder, name: names.number(lfn))
        }

        /// The file of name number `name` in `folder`.
        mutating func file(_ folder: Int, name: Int) -> Int {
            if name >= fileOf[folder].count { fileOf[folder] += repeatElement(-1, count: max(lfns.count, 2 * fileOf[folder].count) - fileOf[folder].count) }
            if fileOf[folder][name] >= 0 { return Int(fileOf[folder][name]) }
            let n = folderNumber.count
            fileOf[folder][name] = Int32(n)
            folderNumber.append(Int32(folder))
            lfnNumber.append(Int32(name))
            flags.append([])
            lastLevel.append(-1)
            if keepsPaths { paths.append(nil) }
            firstUse.append(-1)
            lastUse.append(-1)
            return n
        }

        mutating func use(_ n: Int, by job: Int, level: Int32?) {
            let record = Int32(useJob.count)
            useJob.append(Int32(job))
            nextUse.append(-1)
            if firstUse[n] < 0 {
                firstUse[n] = record
                order.append(Int32(n))
            } else {
                nextUse[Int(lastUse[n])] = record
            }
            lastUse[n] = record
            if let level, level > lastLevel[n] { lastLevel[n] = level }
        }

        /// Each job that uses file `n`, in plan order (a job as often as it used it).
        func forEachUser(of n: Int, _ body: (Int) -> Void) {
            var record = firstUse[n]
            while record >= 0 {
                body(Int(useJob[Int(record)]))
                record = nextUse[Int(record)]
            }
        }

        /// What sorted the files into levels goes once they are sorted.
        mutating func forgetLevels() {
            flags = []
            lastLevel = []
            order = []
        }

        /// Names are not looked up any more: their tables go.
        mutating func forgetNames() {
            names.forgetTable()
            fileOf = []
            lastUse = []
        }
    }

    /// The files of the compute job being read, by name: its outputs, links and sandbox name
    /// the files of its uses again, found here instead of hashing each name again.
    private struct JobFiles {
        private var names: [String] = []
        private var numbers: [Int] = []
        /// For a job with many files (a join), by name: each name's first place in `names`
        /// (a `[String: Int]`, its SipHash and growth, was a tenth of the pass).
        private var index = NameTable()
        private var indexed = false
        static let scanned = 16

        mutating func start() {
            names.removeAll(keepingCapacity: true)
            numbers.removeAll(keepingCapacity: true)
            if indexed {
                index = NameTable()
                indexed = false
            }
        }

        mutating func add(_ lfn: String, _ n: Int) {
            names.append(lfn)
            numbers.append(n)
        }

        /// `lfn`'s file in `folder` (the job's own folder).
        mutating func file(_ lfn: String, _ folder: Int, _ files: inout CleanupFiles) -> Int {
            if names.count <= Self.scanned {
                if let k = names.firstIndex(of: lfn) { return numbers[k] }
            } else {
                if !indexed {
                    index.reserve(names.count)
                    for k in names.indices where index.find(names[k], in: names) == nil { index.insert(names[k], as: k, names: names) }
                    indexed = true
                }
                if let k = index.find(lfn, in: names) { return numbers[k] }
            }
            return files.file(folder, lfn)
        }
    }

    private func inPlace(_ workflow: inout ExecutableWorkflow, _ context: PlanningContext) {
        guard let levels = context.levels else { return }
        // About half the uses name a file another use named (one maker, one or more readers).
        var uses = 0
        for job in context.workflow.jobs.indices { uses += context.workflow.jobs[job].uses.count }
        // The sandbox pass's numbers: a name of a sandbox is not hashed again here.
        let sandboxNumbers = workflow.sandboxNames.numbers
        var files = CleanupFiles(names: workflow.sandboxNames.names, reserving: uses / 2, keepsPaths: !context.pathsAsNames)
        workflow.sandboxNames = SandboxNames()
        var sandboxLfns: [String] = [], sandboxLfnNumbers: [Int] = []
        // The scratch folders, each with its site (the first site's first).
        var siteOfFolder: [Int: String] = [:]
        for (site, folder) in sitesInOrder(workflow) {
            let n = files.folder(folder)
            if siteOfFolder[n] == nil { siteOfFolder[n] = site }
        }
        // Results asked to be staged out, by lfn number.
        var keep: [Bool] = []
        var keepsAny = false
        // A file moved by a transfer job, when it is in a scratch folder. A plain path is
        // matched against the few scratch folders in place (most transfer paths, a replica or
        // the output site, are in none: no strings are made for them).
        let scratchFolders = siteOfFolder.keys.sorted().map { (number: $0, path: files.folders[$0]) }
        func split(_ path: String, lfn: String, _ files: inout CleanupFiles) -> (folder: Int, lfn: String)? {
            if let plain = Self.locatePlain(path, in: scratchFolders) {
                guard plain.found else { return nil }
                let p = path.utf8
                let name = p.count - plain.nameStart == lfn.utf8.count && p.suffix(lfn.utf8.count).elementsEqual(lfn.utf8)
                    ? lfn : String(path[p.index(p.startIndex, offsetBy: plain.nameStart)...])
                return (plain.folder, name)
            }
            let (folderPath, name) = Self.split(path)
            guard let n = files.knownFolder(folderPath), siteOfFolder[n] != nil else { return nil }
            return (n, name)
        }
        // Who touches each file in each folder: compute jobs by their uses, transfer jobs by
        // what they move out of or into a scratch folder. Only what the run puts in a scratch
        // folder is removed: outputs, fetched and moved inputs, linked replicas; a fetched
        // file is the workflow's only when a job of it reads it (a container image staged in
        // is removed by its own clean-up job, after its last container job).
        // (By index, not `for planned in workflow.jobs`: a copy of every job was a fifth of the pass.)
        var jobFiles = JobFiles()
        func notePath(_ file: SandboxFile, _ n: Int, _ folder: Int) {
            guard files.keepsPaths, files.heldPath(n) == nil, CleanupPass.isPath(file.path, of: file.lfn, in: files.folders[folder]) else { return }
            files.notePath(n, file.path)
        }
        for i in workflow.jobs.indices {
            if let abstract = workflow.jobs[i].abstractIndex {
                let folder = files.folder(workflow.jobs[i].job.workingDirectory)
                // Its uses and standard streams, not a copy of the whole job.
                let uses = context.workflow.jobs[abstract].uses
                let level = Int32(levels[abstract])
                let sandbox = workflow.jobs[i].job.sandbox
                // The names the sandbox pass numbered for this job, to scan before hashing.
                sandboxLfns.removeAll(keepingCapacity: true)
                sandboxLfnNumbers.removeAll(keepingCapacity: true)
                let start = workflow.jobs[i].sandboxNamesStart
                if start >= 0, let sandbox, sandbox.outputs.count + sandbox.inputs.count <= JobFiles.scanned {
                    for file in sandbox.outputs { sandboxLfns.append(file.lfn) }
                    for file in sandbox.inputs { sandboxLfns.append(file.lfn) }
                    for k in sandboxLfns.indices { sandboxLfnNumbers.append(Int(sandboxNumbers[start + k])) }
                }
                func file(_ lfn: String) -> Int {
                    if let k = sandboxLfns.firstIndex(of: lfn) { return files.file(folder, name: sandboxLfnNumbers[k]) }
                    return files.file(folder, lfn)
                }
                // Each of the job's files is found once, by its lfn: the other questions
                // about it (is it an output, a link, in the sandbox) are by that number.
                jobFiles.start()
                let sandboxed = start >= 0 ? sandbox : nil
                for use in uses {
                    let n = file(use.lfn)
                    jobFiles.add(use.lfn, n)
                    files.use(n, by: i, level: level)
                    files.flags[n].insert(.readByWorkflowJobs)
                    if use.type.isOutput && use.stageOut == true {
                        let lfn = Int(files.lfnNumber[n])
                        if lfn >= keep.count { keep += Array(repeating: false, count: lfn + 1 - keep.count) }
                        keep[lfn] = true
                        keepsAny = true
                    }
                }
                let streams = context.workflow.jobs[abstract].streams
                for name in streams.stdin == nil && streams.stdout == nil && streams.stderr == nil ? [] : [streams.stdin, streams.stdout, streams.stderr] {
                    guard let name, !uses.contains(where: { $0.lfn == name }) else { continue }
                    let n = file(name)
                    jobFiles.add(name, n)
                    files.use(n, by: i, level: level)
                    files.flags[n].insert(.readByWorkflowJobs)
                }
                if sandbox == nil {
                    for link in workflow.jobs[i].job.inputLinks { files.flags[jobFiles.file(link.lfn, folder, &files)].insert(.placed) }
                }
                // A sandbox's file by its number from the sandbox pass (outputs, then inputs).
                func sandboxFile(_ k: Int, _ lfn: String) -> Int {
                    guard sandboxed != nil else { return jobFiles.file(lfn, folder, &files) }
                    return files.file(folder, name: Int(sandboxNumbers[start + k]))
                }
                for (k, output) in workflow.jobs[i].job.outputs.enumerated() {
                    let own = sandboxed.map { k < $0.outputs.count && $0.outputs[k].lfn == output } ?? false
                    files.flags[own ? sandboxFile(k, output) : jobFiles.file(output, folder, &files)].insert(.placed)
                }
                if files.keepsPaths, let sandbox, sandbox.root == files.folders[folder] {
                    // The sandbox's path strings of files exactly where the removal would
                    // name them are kept: the removals share them instead of a copy each.
                    for (k, file) in sandbox.outputs.enumerated() { notePath(file, sandboxFile(k, file.lfn), folder) }
                    for (k, file) in sandbox.inputs.enumerated() { notePath(file, sandboxFile(sandbox.outputs.count + k, file.lfn), folder) }
                }
            } else {
                let kind = workflow.jobs[i].job.kind
                for transfer in workflow.jobs[i].job.transfers {
                    let from = split(transfer.source, lfn: transfer.lfn, &files).map { files.file($0.folder, $0.lfn) }
                    if let from { files.use(from, by: i, level: nil) }
                    if let found = split(transfer.destination, lfn: transfer.lfn, &files) {
                        let to = files.file(found.folder, found.lfn)
                        // The transfer's own path string, where the removal would name it so.
                        if files.keepsPaths, files.heldPath(to) == nil, CleanupPass.isPath(transfer.destination, of: found.lfn, in: files.folders[found.folder]) {
                            files.notePath(to, transfer.destination)
                        }
                        files.use(to, by: i, level: nil)
                        files.flags[to].insert(kind == .stageIn ? .fetched : .placed)
                    }
                    if kind == .stageOut, let from { files.flags[from].insert(.stagedOut) }
                }
            }
        }
        files.forgetNames()
        // Results not staged out stay in scratch: they are all the run leaves behind.
        var sites: [String] = []
        var byLevel: [String: [Int: [Int32]]] = [:]
        var lastFolder = -1, lastSite = ""
        for n32 in files.order {
            let n = Int(n32), flags = files.flags[n]
            guard flags.contains(.placed) || flags.isSuperset(of: [.fetched, .readByWorkflowJobs]) else { continue }
            let lfn = Int(files.lfnNumber[n])
            guard !keepsAny || lfn >= keep.count || !keep[lfn] || flags.contains(.stagedOut) else { continue }
            let folder = Int(files.folderNumber[n])
            if folder != lastFolder { (lastFolder, lastSite) = (folder, siteOfFolder[folder] ?? "local") }
            if byLevel[lastSite] == nil { sites.append(lastSite) }
            byLevel[lastSite, default: [:]][Int(max(0, files.lastLevel[n])), default: []].append(n32)
        }
        var jobsOnLevel: [Int: Int] = [:]
        for i in workflow.jobs.indices { if let a = workflow.jobs[i].abstractIndex { jobsOnLevel[levels[a], default: 0] += 1 } }
        files.forgetLevels()
        var taken = workflow.jobIDs(context)
        // Appended to the plan as made (its room was reserved by placement): a list of them
        // beside it was a second copy of every cleanup job at the pass's peak.
        var seen = [Bool](repeating: false, count: workflow.jobs.count)
        for site in sites {
            for level in byLevel[site]!.keys.sorted() {
                let onLevel = byLevel[site]![level]!
                let count = auxiliaryJobCount(files: onLevel.count, jobsOnLevel: jobsOnLevel[level] ?? 1, perJob: Self.jobsPerCleanupJob)
                var groups = Array(repeating: [Int32](), count: count)
                for (n, file) in onLevel.enumerated() { groups[n % count].append(file) }
                for (n, group) in groups.enumerated() where !group.isEmpty {
                    var parents: [Int] = []
                    for file in group {
                        files.forEachUser(of: Int(file)) { user in
                            if !seen[user] {
                                seen[user] = true
                                parents.append(user)
                            }
                        }
                    }
                    for user in parents { seen[user] = false }
                    let folderNumber = files.folderNumber[Int(group[0])]
                    let folder = files.folders[Int(folderNumber)]
                    // Names in the job's folder where each is exactly `path` of the folder
                    // and the name (`PathsInFolder.removals`): no string per file.
                    let names = context.pathsAsNames && !folder.isEmpty && !folder.hasSuffix("/") && group.allSatisfy { file in
                        let lfn = files.lfns[Int(files.lfnNumber[Int(file)])]
                        return files.folderNumber[Int(file)] == folderNumber && Self.isPlainName(lfn)
                    }
                    let removals = group.map { file in
                        names ? files.lfns[Int(files.lfnNumber[Int(file)])]
                            : files.heldPath(Int(file)) ?? Self.path(files.folders[Int(files.folderNumber[Int(file)])], files.lfns[Int(files.lfnNumber[Int(file)])])
                    }
                    let id = ExecutableWorkflow.unusedID("clean_up_\(site)_level_\(level)_\(n)", taken: &taken)
                    var job = cleanupJob(id: id, site: site, removals: removals, parents: parents.map { workflow.jobs[$0].job.id }, folder: folder, context)
                    if names { job.pathsInFolder = .removals }
                    workflow.jobs.append(job)
                }
            }
        }
    }

    /// A path's folder and last component, as `NSString`'s `deletingLastPathComponent` and
    /// `lastPathComponent` give them, without a bridge to NSString for a plain absolute path.
    static func split(_ path: String) -> (folder: String, name: String) {
        let plain = path.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard isPlainAbsolute(bytes), let slash = bytes.lastIndex(of: UInt8(ascii: "/")), slash > 0, slash + 1 < bytes.count else { return nil }
            return slash
        }
        if let found = plain, let slash = found {
            let at = path.utf8.index(path.utf8.startIndex, offsetBy: slash)
            return (String(path[..<at]), String(path[path.utf8.index(after: at)...]))
        }
        return ((path as NSString).deletingLastPathComponent, (path as NSString).lastPathComponent)
    }

    /// For a plain absolute path (`isPlainAbsolute`), whether it names a file right in one of
    /// `folders`: that folder's number and where the file's name starts; nil for another path
    /// (the caller splits it as `NSString` does).
    static func locatePlain(_ path: String, in folders: [(number: Int, path: String)]) -> (found: Bool, folder: Int, nameStart: Int)? {
        let result = path.utf8.withContiguousStorageIfAvailable { bytes -> (found: Bool, folder: Int, nameStart: Int)? in
            guard isPlainAbsolute(bytes), let slash = bytes.lastIndex(of: UInt8(ascii: "/")), slash > 0 else { return nil }
            for (number, folder) in folders where folder.utf8.count == slash {
                let same = folder.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, bytes.baseAddress!, slash) == 0 }
                    ?? folder.utf8.elementsEqual(bytes[..<slash])
                if same { return (true, number, slash + 1) }
            }
            return (false, 0, 0)
        }
        return result ?? nil
    }

    /// Whether a path is one `NSString` leaves as it is: absolute, with no `//`, no `.` or
    /// `..` component and no trailing slash. One pass over the bytes (three `contains` of
    /// a `String` each went through CFString: a third of the pass at a million jobs).
    static func isPlainAbsolute(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let n = bytes.count
        guard n > 1, bytes[0] == slash, bytes[n - 1] != slash else { return false }
        var i = 0
        while i < n {
            if bytes[i] == slash {
                // What follows a slash: another slash, or a component `.` or `..`.
                let next = i + 1 < n ? bytes[i + 1] : slash
                if next == slash { return false }
                if next == dot {
                    let after = i + 2 < n ? bytes[i + 2] : slash
                    if after == slash { return false }
                    if after == dot, i + 3 >= n || bytes[i + 3] == slash { return false }
                }
            }
            i += 1
        }
        return true
    }

    /// `folder` with `lfn` appended, as `NSString.appendingPathComponent` gives it, without a
    /// bridge to NSString per file for the usual case (a plain name in a folder without a
    /// trailing slash).
    /// Whether `path` is what `path(folder, lfn)` gives, on its fast path.
    static func isPath(_ path: String, of lfn: String, in folder: String) -> Bool {
        let (p, f, l) = (path.utf8, folder.utf8, lfn.utf8)
        guard !l.isEmpty, !f.isEmpty, p.count == f.count + 1 + l.count else { return false }
        // Compared as bytes in place: the generic `starts(with:)` and `elementsEqual` of the
        // UTF-8 views walked them an index at a time.
        let compared = p.withContiguousStorageIfAvailable { p in
            f.withContiguousStorageIfAvailable { f in
                l.withContiguousStorageIfAvailable { l in
                    let slash = UInt8(ascii: "/")
                    return f[f.count - 1] != slash && p[f.count] == slash && !l.contains(slash)
                        && memcmp(p.baseAddress!, f.baseAddress!, f.count) == 0
                        && memcmp(p.baseAddress! + f.count + 1, l.baseAddress!, l.count) == 0
                }
            }
        }
        if let compared, let compared, let compared { return compared }
        guard !folder.hasSuffix("/"), !l.contains(UInt8(ascii: "/")) else { return false }
        return p.starts(with: f) && p.dropFirst(f.count).first == UInt8(ascii: "/") && p.suffix(l.count).elementsEqual(l)
    }

    /// A name that is one component: not empty, no slash (a byte scan in place; the generic
    /// `contains` of the UTF-8 view walked it an index at a time).
    static func isPlainName(_ lfn: String) -> Bool {
        let slash = UInt8(ascii: "/")
        let found = lfn.utf8.withContiguousStorageIfAvailable { !$0.isEmpty && memchr($0.baseAddress!, Int32(slash), $0.count) == nil }
        return found ?? (!lfn.isEmpty && !lfn.utf8.contains(slash))
    }

    static func path(_ folder: String, _ lfn: String) -> String {
        if !lfn.isEmpty, !folder.isEmpty, !folder.hasSuffix("/"), !lfn.utf8.contains(UInt8(ascii: "/")) { return folder + "/" + lfn }
        return (folder as NSString).appendingPathComponent(lfn)
    }

    private func cleanupJob(id: String, site: String, removals: [String], parents: [String], folder: String, _ context: PlanningContext) -> PlannedJob {
        var job = ExecutableJob(
            id: id, kind: .cleanup, transformation: "pegasus::cleanup", site: site, executor: StagingPass.executor, executable: "",
            arguments: [], environment: [:], workingDirectory: folder, retries: context.options.defaultRetries, parents: [])
        job.removals = removals
        return PlannedJob(job: job, parentIDs: parents)
    }
}
