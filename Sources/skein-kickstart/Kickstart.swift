import Glibc
import SkeinKickstart

/// One wrapped run, in pegasus-kickstart's order: settle the working directory, stat the -S
/// files, start the job (or record why it could not start), wait, stat and checksum the
/// outputs, describe stdio, then write the record and return the wrapper's exit code.
/// Everything that does not depend on the job's outcome (who and where, the machine, the
/// executable's stat) is gathered while the job runs, so it costs the job no wall time.
struct Kickstart {
    let options: Options
    let start: Double
    let handledSignals: [Int32]
    /// The command line the options were parsed from when it is not the wrapper's own argv
    /// (a cluster task's line, or the `exec` line of a script run with --script).
    var argv: [String]? = nil
    /// A task of a cluster: its time starts with the task, and PATH is left as the cluster found it.
    var isClusterTask = false
    /// What does not change between a cluster's tasks (who and where, the machine), gathered
    /// once per cluster; nil: gathered for this run.
    var facts: HostFacts? = nil
    /// One metadata file for all the tasks of a cluster (nil: this run makes its own).
    var sharedMetadata: MetadataFile? = nil

    func run() -> Int32 { runJob().code }

    /// Runs the job and writes its record; the wrapper's exit code and the job's `mainjob`.
    func runJob() -> (code: Int32, job: JobRecord) {
        // Opened after the job ended, before the record is built (it describes itself in it).
        var target: RecordTarget?
        let built = runRecorded {
            let opened = RecordTarget.open(path: options.recordPath, append: options.appendRecord)
            target = opened
            return opened.entry
        }
        let output = target ?? RecordTarget.open(path: options.recordPath, append: options.appendRecord)
        guard output.write(built.record) else { return (built.code == 0 ? 1 : built.code, built.job) }
        return (built.code, built.job)
    }

    /// Runs the job and builds its record text, for the caller to write: cluster mode writes
    /// each task's record with its `[cluster-task]` line in one write to the file it keeps open.
    /// `logfile` is the record file's entry, asked for once the job ended.
    func runRecorded(logfile: () -> FileEntry) -> (code: Int32, job: JobRecord, record: String) {
        if !isClusterTask { prependPath() }
        let begin = isClusterTask ? Clock.now() : start
        var failure = enterWorkdir()
        let initial = options.initial.map { FileEntry.file(key: $0.lfn ?? $0.path, path: $0.path, lfn: $0.lfn) }
        let metadata = sharedMetadata?.reset() ?? MetadataFile.create()
        let stdio = Stdio.open(stdin: options.stdin, stdout: options.stdout, stderr: options.stderr)
        if failure == nil { failure = stdio.failure }
        let launch = Launch.start(command: options.commandIndex, argv: argv, after: failure, stdio: stdio, defaultSignals: handledSignals + [SIGPIPE, SIGQUIT])

        // While the job runs.
        let facts = self.facts ?? HostFacts.current(omitMachine: options.omitMachine)
        var record = header(facts, start: begin)
        var machine = options.omitMachine ? nil : facts.machine
        let executable = FileEntry.file(key: "executable", path: launch.path ?? launch.name)
        _ = Clock.isoSeconds(0)  // loads the time zone now rather than after the job

        let job = launch.finish(executable: executable)
        let failed = job.status.isFailure
        var files = initial + options.outputs.map { FileEntry.output(path: $0.path, lfn: $0.lfn) }
        files += stdio.entries(includeData: failed || !options.omitDataOnSuccess, keep: options.keep)
        stdio.close()
        if let metadata {
            files.append(metadata.entry())
            if sharedMetadata == nil { metadata.remove() }
        }
        let logfileEntry = logfile()
        let full = failed || options.fullInfo
        if full {
            files.append(FileEntry.file(key: "kickstart", path: "/proc/self/exe"))
            files.append(logfileEntry)
            machine?.processes = ProcessTable.current()
            record.environment = NamedValue.environment()
            record.limits = ResourceLimit.current()
        }
        record.mainjob = job
        record.files = files
        record.machine = machine
        record.usage = ResourceUsage.ofSelf()
        record.duration = Clock.now() - begin
        return (job.status.wrapperExitCode, job, record.yaml())
    }

    /// Who and where: the same for every task of a cluster.
    struct HostFacts {
        var interface: String?
        var address: String?
        var hostname: String?
        var user: String?
        var group: String?
        var machine: Machine?

        static func current(omitMachine: Bool) -> HostFacts {
            let address = Host.primaryIPv4()
            return HostFacts(interface: address?.interface, address: address?.address, hostname: Host.name(), user: Accounts.userName(getuid()),
                             group: Accounts.groupName(getgid()), machine: omitMachine ? nil : Machine.current())
        }
    }

    /// The header fields: what (from the options), who and where (from the system).
    private func header(_ facts: HostFacts, start: Double) -> InvocationRecord {
        InvocationRecord(
            start: start, duration: 0, transformation: options.transformation, derivation: options.derivation,
            resource: options.site, wfLabel: options.wfLabel, wfStamp: options.wfStamp,
            interface: facts.interface, hostaddr: facts.address, hostname: facts.hostname, pid: getpid(),
            uid: getuid(), user: facts.user, gid: getgid(), group: facts.group,
            umask: Host.umask(), jobIDs: NamedValue.jobIDs(), cwd: currentDirectory())
    }

    /// -w/-W: change (or create and change) into the job's directory.
    private func enterWorkdir() -> (code: Int32, prefix: String)? {
        guard let dir = options.workdir else { return nil }
        if chdir(dir) == 0 { return nil }
        if options.createWorkdir, mkdir(dir, 0o777) == 0, chdir(dir) == 0 { return nil }
        return (errno, "Unable to " + (options.createWorkdir ? "create or " : "") + "chdir " + dir + ": ")
    }

    /// KICKSTART_PREPEND_PATH is put in front of PATH, as pegasus-kickstart does.
    private func prependPath() {
        guard let prefix = NamedValue.variable("KICKSTART_PREPEND_PATH"), !prefix.isEmpty else { return }
        let path = NamedValue.variable("PATH").map { prefix + ":" + $0 } ?? prefix
        setenv("PATH", path, 1)
    }

    private func currentDirectory() -> String? {
        guard let cwd = getcwd(nil, 0) else { return nil }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}
