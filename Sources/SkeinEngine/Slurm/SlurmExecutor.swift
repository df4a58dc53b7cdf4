#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SkeinRunFormat

/// Runs attempts through Slurm: each becomes a batch script that runs the job under
/// skein-kickstart; submissions are rate-limited and capped; state comes from one `squeue`
/// per poll interval for all of the run's jobs, and, for jobs that left the queue without a
/// record, from the jobcomp file or one `scontrol show job`. The record written on the node
/// is the truth about how the job ended.
public final class SlurmExecutor: JobExecutor, @unchecked Sendable {
    struct Submitted {
        var launch: AttemptLaunch
        var progress: @Sendable (AttemptProgress) -> Void
        var ended: @Sendable (AttemptEnd) -> Void
        var state = ""
        var reason = ""
        var cancelledBySkein = false
        var missingPolls = 0
    }

    let settings: SlurmSettings
    let commands: CommandRunner
    private let queue = DispatchQueue(label: "skein.slurm")
    private var waiting: [(launch: AttemptLaunch, progress: @Sendable (AttemptProgress) -> Void, ended: @Sendable (AttemptEnd) -> Void)] = []
    private var submitted: [String: Submitted] = [:]
    private var slurmID: [Int: String] = [:]
    private var tokens: Double
    private var lastRefill = WallClock.now()
    private var timer: DispatchSourceTimer?
    private var pollTimer: DispatchSourceTimer?
    private var recordTimer: DispatchSourceTimer?
    /// Records of submitted jobs, looked at between polls (`checkRecords`).
    private var records = RecordWatch()
    /// Read so far of the jobcomp file, and the final states found in it.
    private var jobCompOffset: UInt64 = 0
    private var jobCompFinals: [String: (state: String, node: String)] = [:]
    /// Slurm queries that failed in a row push the next one back (`QueryBackoff`).
    private var backoff: QueryBackoff
    /// Failed Slurm queries so far, for the summary and tests.
    private(set) var failedQueries = 0

    public init(settings: SlurmSettings, processes: LocalExecutor, runDirectory: String) {
        self.settings = settings
        self.commands = CommandRunner(processes: processes, scratch: runDirectory)
        self.tokens = max(1, settings.submitRate)
        self.backoff = QueryBackoff(base: settings.pollInterval)
        let submitTimer = DispatchSource.makeTimerSource(queue: queue)
        submitTimer.schedule(deadline: .now() + Self.submitTick, repeating: Self.submitTick)
        submitTimer.setEventHandler { [weak self] in self?.submitSome() }
        submitTimer.resume()
        timer = submitTimer
        let poll = DispatchSource.makeTimerSource(queue: queue)
        poll.schedule(deadline: .now() + settings.pollInterval, repeating: settings.pollInterval)
        poll.setEventHandler { [weak self] in self?.poll() }
        poll.resume()
        pollTimer = poll
        if settings.recordCheckInterval > 0 {
            let records = DispatchSource.makeTimerSource(queue: queue)
            records.schedule(deadline: .now() + settings.recordCheckInterval, repeating: settings.recordCheckInterval, leeway: .milliseconds(20))
            records.setEventHandler { [weak self] in self?.checkRecords() }
            records.resume()
            recordTimer = records
        }
    }

    deinit {
        timer?.cancel()
        pollTimer?.cancel()
        recordTimer?.cancel()
    }

    func tool(_ name: String) -> String {
        settings.binDirectory.map { ($0 as NSString).appendingPathComponent(name) } ?? name
    }

    public func start(_ launch: AttemptLaunch, progress: @escaping @Sendable (AttemptProgress) -> Void, ended: @escaping @Sendable (AttemptEnd) -> Void) -> Bool {
        queue.async { [self] in
            waiting.append((launch, progress, ended))
            // The first attempts of a step go at once, alone: Slurm starts a lone job as it is
            // submitted but an array's tasks only at its next scheduling pass, so they keep
            // the CPUs busy meanwhile. The others are submitted at `startsEnded`, as one array
            // (or by the submit timer if that call is late).
            if startsSince == nil, waiting.count == 1, loneThisStep < Self.loneStarts {
                loneThisStep += 1
                submitSome()
                return
            }
            if startsSince == nil { startsSince = WallClock.now() }
        }
        return true
    }

    public func stop(job: Int, attempt: Int, force: Bool) {
        queue.async { [self] in
            if let index = waiting.firstIndex(where: { $0.launch.job == job && $0.launch.attempt == attempt }) {
                let item = waiting.remove(at: index)
                let now = WallClock.now()
                item.ended(AttemptEnd(exit: ProcessExit(pid: 0, rawStatus: SIGTERM, usage: rusage(), start: now, end: now), recordWritten: false))
                return
            }
            guard let id = slurmID[job], var entry = submitted[id], entry.launch.attempt == attempt else { return }
            entry.cancelledBySkein = true
            submitted[id] = entry
            _ = commands.run(tool("scancel"), force ? ["--signal=KILL", "--full", id] : [id])
        }
    }

    public func startsEnded() {
        queue.async { [self] in
            startsSince = nil
            loneThisStep = 0
            submitSome()
        }
    }

    public func cleanUpOrphan(_ id: String, job: String, workflowUUID: String) {
        guard id.hasPrefix("slurm:") else { return }
        let number = String(id.dropFirst("slurm:".count))
        // A plain job id, or an array task's (`12345_7`).
        guard !number.isEmpty, number.split(separator: "_", omittingEmptySubsequences: false).count <= 2,
              number.split(separator: "_", omittingEmptySubsequences: false).allSatisfy({ Int($0) != nil }) else { return }
        queue.async { [self] in _ = commands.run(tool("scancel"), [number]) }
    }

    /// At the end of the run: the Slurm commands' output files go (`OutputFiles`).
    public func shutdown() {
        commands.removeOutputFiles()
    }

    public var summary: String? {
        let counts = commands.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "Slurm commands: \(commands.total) (\(counts))"
    }

    // MARK: - Submitting

    /// Submissions run beside polling, a few at once, so `sbatch` latency and `squeue` calls
    /// never leave Slurm waiting for work.
    private let submitters = DispatchQueue(label: "skein.slurm.submit", attributes: .concurrent)
    private var inFlight = 0
    private static let parallelSubmissions = 4

    private static let submitTick = 0.05

    private func submitSome() {
        let now = WallClock.now()
        // Attempts the engine is still starting wait for its `startsEnded`.
        if let since = startsSince {
            guard now - since >= Self.startsWindow else { return }
            startsSince = nil
        }
        tokens = min(max(1, settings.submitRate), tokens + (now - lastRefill) * settings.submitRate)
        lastRefill = now
        while !waiting.isEmpty, tokens >= 1, inFlight < Self.parallelSubmissions, submitted.count + inFlightJobs < settings.maxQueued {
            let batch = takeBatch(room: settings.maxQueued - submitted.count - inFlightJobs)
            guard !batch.isEmpty else { break }
            tokens -= 1
            inFlight += 1
            inFlightJobs += batch.count
            submitters.async { [self] in
                let ids = batch.count == 1 ? [submit(batch[0].launch, batch[0].ended)] : submitArray(batch)
                queue.async { [self] in
                    inFlight -= 1
                    inFlightJobs -= batch.count
                    for (item, id) in zip(batch, ids) {
                        guard let id else { continue }
                        submitted[id] = Submitted(launch: item.launch, progress: item.progress, ended: item.ended)
                        slurmID[item.launch.job] = id
                        item.progress(.submitted(id: "slurm:\(id)"))
                    }
                    submitSome()
                }
            }
        }
    }

    typealias Waiting = (launch: AttemptLaunch, progress: @Sendable (AttemptProgress) -> Void, ended: @Sendable (AttemptEnd) -> Void)

    /// The next submission: the first waiting attempt and every waiting one that shares its
    /// Slurm resources (`SlurmArrayScript.key`), up to `room` and the cluster's MaxArraySize.
    private func takeBatch(room: Int) -> [Waiting] {
        guard let key = SlurmArrayScript.key(of: waiting[0].launch, kickstart: settings.kickstart) else { return [waiting.removeFirst()] }
        // The cluster's limit is asked only once there is an array to make.
        let limit = waiting.count > 1 && room > 1 ? min(room, maxArraySize()) : 1
        var batch: [Waiting] = []
        var rest: [Waiting] = []
        for item in waiting {
            if batch.count < limit, batch.isEmpty || SlurmArrayScript.key(of: item.launch, kickstart: settings.kickstart) == key {
                batch.append(item)
            } else {
                rest.append(item)
            }
        }
        waiting = rest
        return batch
    }

    /// Tasks in one array at most: Slurm's MaxArraySize (asked once; 1001 by default).
    private func maxArraySize() -> Int {
        if let known = arrayLimit { return known }
        let result = commands.run(tool("scontrol"), ["show", "config"])
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("MaxArraySize") }
        let size = line.flatMap { Int($0.split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? "") } ?? 1001
        // MaxArraySize 1 (or 0) allows no array at all.
        arrayLimit = max(1, size)
        return arrayLimit!
    }

    private var arrayLimit: Int?
    /// When the first attempt not yet handed over by `startsEnded` arrived; nil: none waits for it.
    private var startsSince: Double?
    /// Attempts of the current step submitted alone as they came (`loneStarts` at most).
    private var loneThisStep = 0
    private static let loneStarts = 2
    /// How long attempts wait for `startsEnded` at most (the engine starting a large step).
    private static let startsWindow = 0.25
    private var inFlightJobs = 0

    /// A sandboxed job's folder is made on the node, by its batch script.
    public var makesSandboxes: Bool { true }

    /// Writes the batch script and calls sbatch; the Slurm job id, or nil after `ended`.
    private func submit(_ launch: AttemptLaunch, _ ended: @escaping @Sendable (AttemptEnd) -> Void) -> String? {
        guard let (scriptPath, _) = writeScript(launch, ended) else { return nil }
        let result = commands.run(tool("sbatch"), ["--parsable", scriptPath])
        guard let id = Self.jobID(result) else {
            fail(ended, reason: "sbatch failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            return nil
        }
        return id
    }

    /// Writes each attempt's batch script and one array script that runs them, and calls
    /// sbatch once; each attempt's Slurm id (`ARRAY_TASK`), or nil after its `ended`.
    private func submitArray(_ batch: [Waiting]) -> [String?] {
        var tasks: [(script: String, slurmLog: String)] = []
        var members: [Int] = []
        for (index, item) in batch.enumerated() {
            guard let written = writeScript(item.launch, item.ended) else { continue }
            tasks.append((written.script, written.slurmLog))
            members.append(index)
        }
        var ids = [String?](repeating: nil, count: batch.count)
        guard let first = members.first else { return ids }
        let lead = batch[first].launch
        guard let options = SlurmArrayScript.key(of: lead, kickstart: settings.kickstart) else { return ids }
        let base = ((lead.recordFile as NSString).deletingPathExtension as NSString).deletingPathExtension
        let scriptPath = base + ".sbatch-array." + (lead.recordFile as NSString).pathExtension
        let script = SlurmArrayScript.text(tasks: tasks, name: lead.planned.id, options: options, kickstart: settings.kickstart, workflowLabel: lead.workflowLabel)
        var result: (status: Int32, output: String) = (-1, "")
        do {
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            result = commands.run(tool("sbatch"), ["--parsable", scriptPath])
        } catch {
            result.output = "cannot write the array script \(scriptPath): \(error.localizedDescription)"
        }
        guard let arrayID = Self.jobID(result) else {
            for index in members { fail(batch[index].ended, reason: "sbatch failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))") }
            return ids
        }
        for (task, index) in members.enumerated() { ids[index] = SlurmArrayScript.taskID(arrayID, task) }
        return ids
    }

    /// The job id `sbatch --parsable` printed (`ID` or `ID;cluster`), nil when it failed.
    private static func jobID(_ result: (status: Int32, output: String)) -> String? {
        let id = result.output.split(separator: "\n").last.map { String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces) } ?? ""
        return result.status == 0 && Int(id) != nil ? id : nil
    }

    /// Writes an attempt's batch script (and its transfer lists); its path and Slurm log, or
    /// nil after `ended`.
    private func writeScript(_ launch: AttemptLaunch, _ ended: @escaping @Sendable (AttemptEnd) -> Void) -> (script: String, slurmLog: String)? {
        let base = (launch.recordFile as NSString).deletingPathExtension
        let attempt = (launch.recordFile as NSString).pathExtension
        let scriptPath = (base as NSString).deletingPathExtension + ".sbatch." + attempt
        let slurmLog = (base as NSString).deletingPathExtension + ".slurm." + attempt
        var lists: SlurmBatchScript.SandboxLists?
        if let (inputs, outputs) = SlurmBatchScript.sandboxTransfers(launch.planned) {
            // nonsharedfs: the node brings the files in and takes them back with skein-transfer.
            let named = SlurmBatchScript.SandboxLists(
                inputs: (base as NSString).deletingPathExtension + ".stagein." + attempt + ".json",
                outputs: (base as NSString).deletingPathExtension + ".stageout." + attempt + ".json")
            // Only the lists the script reads: a job without files (common under condorio)
            // writes none, two files less per job in the run directory.
            do {
                if SlurmBatchScript.bringsIn(launch.planned) { try inputs.write(to: URL(fileURLWithPath: named.inputs)) }
                if SlurmBatchScript.takesBack(launch.planned) { try outputs.write(to: URL(fileURLWithPath: named.outputs)) }
            } catch {
                fail(ended, reason: "cannot write the transfer lists of \(launch.planned.id): \(error.localizedDescription)")
                return nil
            }
            lists = named
        }
        let script = SlurmBatchScript.text(launch, kickstart: settings.kickstart, slurmLog: slurmLog, sandboxLists: lists)
        unlink(launch.recordFile)
        do {
            // Not atomically: nothing reads it before sbatch, and a temporary file and a rename per
            // attempt are inodes made and freed (see `OutputFiles`).
            try script.write(toFile: scriptPath, atomically: false, encoding: .utf8)
        } catch {
            fail(ended, reason: "cannot write the batch script \(scriptPath): \(error.localizedDescription)")
            return nil
        }
        return (scriptPath, slurmLog)
    }

    private func fail(_ ended: @Sendable (AttemptEnd) -> Void, reason: String) {
        let now = WallClock.now()
        ended(AttemptEnd(exit: ProcessExit(pid: 0, rawStatus: 1 << 8, usage: rusage(), start: now, end: now), reason: reason))
    }

    // MARK: - Polling

    /// Polls now, on the executor's queue, and waits for it: for tests that drive polls
    /// themselves (with a poll interval that never fires).
    func pollNow(at now: Double = WallClock.now()) {
        queue.sync { poll(at: now) }
    }

    private func poll(at now: Double = WallClock.now()) {
        guard !submitted.isEmpty, backoff.allows(at: now) else { return }
        let ids = submitted.keys.sorted()
        let result = commands.run(tool("squeue"), ["--noheader", "--array", "--format=%i|%T|%r|%N", "--jobs=" + ids.joined(separator: ",")])
        guard let queued = SlurmQuery.queued(status: result.status, output: result.output) else {
            queryFailed("squeue", result, at: now)
            return
        }
        var left: [String] = []
        for id in ids {
            guard var entry = submitted[id] else { continue }
            if let job = queued[id], !["COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"].contains(job.state) {
                report(&entry, job)
                submitted[id] = entry
            } else {
                left.append(id)
            }
        }
        guard !left.isEmpty else { return }
        var withoutRecord: [String] = []
        var signalled: [(String, KickstartRecordReader.Facts)] = []
        for id in left {
            guard let entry = submitted[id] else { continue }
            if let facts = KickstartRecordReader.read(entry.launch.recordFile) {
                // A failure Skein did not cause may be Slurm's doing (a signal, or a shell's
                // 128+N for a signalled child, as after scancel): ask why below.
                if facts.exit.exitCode != 0 && !entry.cancelledBySkein {
                    signalled.append((id, facts))
                } else {
                    finish(id, AttemptEnd(exit: facts.exit, recordWritten: true, host: facts.hostname, schedulerID: id))
                }
            } else {
                withoutRecord.append(id)
            }
        }
        if !signalled.isEmpty {
            // The record says how it ended; Slurm's reason is extra, and may be missing.
            let finals = finalStates(Set(signalled.map(\.0)), at: now) ?? [:]
            for (id, facts) in signalled {
                finish(id, AttemptEnd(exit: facts.exit, recordWritten: true, host: facts.hostname, schedulerID: id,
                                      reason: finals[id].flatMap { Self.reason(forFinalState: $0.state, cancelledBySkein: false) }))
            }
        }
        guard !withoutRecord.isEmpty else { return backoff.succeeded() }
        guard let finals = finalStates(Set(withoutRecord), at: now) else { return }
        backoff.succeeded()
        for id in withoutRecord {
            guard var entry = submitted[id] else { continue }
            let final = finals[id]
            // A job that just ended may not have its record on a shared disk yet: one more poll.
            if final == nil || final?.state == "COMPLETED" {
                entry.missingPolls += 1
                submitted[id] = entry
                if entry.missingPolls < 3 { continue }
            }
            let now = WallClock.now()
            let reason = final.map { Self.reason(forFinalState: $0.state, cancelledBySkein: entry.cancelledBySkein) ?? "ended in Slurm as \($0.state) without a record" }
                ?? "the job vanished from Slurm without a record"
            finish(id, AttemptEnd(exit: ProcessExit(pid: 0, rawStatus: SIGKILL, usage: rusage(), start: now, end: now),
                                  recordWritten: false, host: final?.node, schedulerID: id, reason: reason))
        }
    }

    /// What a final Slurm state says about why an attempt ended; nil when it says nothing
    /// the record does not (or Skein itself cancelled it).
    static func reason(forFinalState state: String, cancelledBySkein: Bool) -> String? {
        switch state {
        case "CANCELLED": return cancelledBySkein ? nil : "cancelled in Slurm from outside Skein (scancel)"
        case "NODE_FAIL": return "the node failed (Slurm NODE_FAIL)"
        case "TIMEOUT": return "Slurm's time limit was reached (TIMEOUT)"
        case "OUT_OF_MEMORY": return "out of memory (Slurm OUT_OF_MEMORY)"
        case "PREEMPTED": return "preempted by Slurm"
        default: return nil
        }
    }

    private func report(_ entry: inout Submitted, _ job: SlurmQueueParser.QueuedJob) {
        defer { entry.state = job.state; entry.reason = job.reason }
        if job.state == entry.state && job.reason == entry.reason { return }
        switch job.state {
        case "RUNNING", "COMPLETING":
            if entry.state != "RUNNING" && entry.state != "COMPLETING" { entry.progress(.running(host: job.node.isEmpty ? nil : job.node)) }
        case "PENDING":
            if job.reason.contains("Held") || job.reason.contains("held") {
                entry.progress(.held(reason: job.reason))
            } else if job.reason != "None" {
                entry.progress(.pending(reason: job.reason))
            }
        default:
            break
        }
    }

    /// Ends, from their records alone, the jobs whose record says they succeeded: no Slurm
    /// command. A failed record waits for the poll, which asks Slurm why (a signal, a time
    /// limit). A sandboxed job's script takes its outputs back after kickstart wrote the
    /// record: such a job ends here only once the script's marker says they are back.
    func checkRecords(at now: Double = WallClock.now()) {
        // At most `recordLooksPerSecond` stats, so thousands of queued jobs do not load a
        // shared filesystem: the looks are spaced out as the queue grows.
        guard now >= nextRecordCheck else { return }
        nextRecordCheck = now + Double(submitted.count) / Self.recordLooksPerSecond - settings.recordCheckInterval / 2
        let done = submitted.filter { id, entry in
            outputsAreBack(entry.launch) && records.settled(id, path: entry.launch.recordFile)
        }
        recordLooks += done.count
        for (id, _) in done.sorted(by: { $0.key < $1.key }) {
            guard let entry = submitted[id], let facts = KickstartRecordReader.read(entry.launch.recordFile),
                facts.exit.spawnError == nil, facts.exit.exitCode == 0 else { continue }
            recordEnds += 1
            finish(id, AttemptEnd(exit: facts.exit, recordWritten: true, host: facts.hostname, schedulerID: id))
        }
    }

    private func outputsAreBack(_ launch: AttemptLaunch) -> Bool {
        guard launch.planned.sandbox != nil, SlurmBatchScript.takesBack(launch.planned) else { return true }
        return access(SlurmBatchScript.takenBackMarker(of: launch.recordFile), F_OK) == 0
    }

    private var nextRecordCheck = 0.0
    static let recordLooksPerSecond = 5_000.0

    /// Attempts ended by `checkRecords`, and settled records it read (for tests).
    private(set) var recordEnds = 0
    private(set) var recordLooks = 0

    /// Runs `body` on the executor's queue: for tests that read its state.
    func sync<T>(_ body: () -> T) -> T { queue.sync(execute: body) }

    private func finish(_ id: String, _ end: AttemptEnd) {
        guard let entry = submitted.removeValue(forKey: id) else { return }
        records.forget(id)
        if entry.launch.planned.sandbox != nil, SlurmBatchScript.takesBack(entry.launch.planned) { unlink(SlurmBatchScript.takenBackMarker(of: entry.launch.recordFile)) }
        if slurmID[entry.launch.job] == id { slurmID[entry.launch.job] = nil }
        entry.ended(end)
        submitSome()
    }

    /// A query that failed or printed nothing usable: no job's state changes, and the next
    /// query waits longer (`QueryBackoff`).
    private func queryFailed(_ command: String, _ result: (status: Int32, output: String), at now: Double) {
        failedQueries += 1
        backoff.failed(at: now)
        let said = result.output.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
        FileHandle.standardError.write(Data("skein: \(command) failed (exit \(result.status)\(said.isEmpty ? "" : ": \(said)")); no job state changed, asking again in \(Int(backoff.notBefore - now)) s\n".utf8))
    }

    /// Final states of jobs that left the queue: new lines of the jobcomp file, else one
    /// `scontrol show job -o` for all of them; nil when scontrol failed.
    private func finalStates(_ ids: Set<String>, at now: Double) -> [String: (state: String, node: String)]? {
        if let file = settings.jobCompletionFile, let handle = FileHandle(forReadingAtPath: file) {
            defer { try? handle.close() }
            try? handle.seek(toOffset: jobCompOffset)
            let data = handle.readDataToEndOfFile()
            // Only whole lines: a line being written is read next time.
            if let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: data[data.startIndex...lastNewline], as: UTF8.self)
                jobCompOffset += UInt64(lastNewline - data.startIndex + 1)
                let mine = Set(submitted.keys)
                jobCompFinals.merge(SlurmQueueParser.finalStates(text, of: mine)) { _, new in new }
            }
            return jobCompFinals.filter { ids.contains($0.key) }
        }
        let result = commands.run(tool("scontrol"), ["show", "job", "-o"])
        guard let finals = SlurmQuery.finalStates(status: result.status, output: result.output, of: ids) else {
            queryFailed("scontrol", result, at: now)
            return nil
        }
        return finals
    }
}
