import Foundation

/// Writes small Pegasus 5.0 workflows for end-to-end runs: jobs are `/bin/sh -c SCRIPT`
/// run in a sandbox under the scratch directory (or in it, under sharedfs), with a
/// local-only site catalog beside them.
struct TestWorkflow {
    struct Job {
        var id: String
        var script: String
        var parents: [String] = []
        var outputs: [String] = []
        var inputs: [String] = []
        var profiles: [String: [String: String]] = [:]
    }

    let directory: URL
    var name = "test"
    var jobs: [Job] = []
    var workflowProfiles: [String: [String: String]] = [:]
    /// `pegasus.data.configuration`, written to `pegasus.properties` beside the workflow when
    /// set. Jobs that share undeclared files in the scratch folder (a log every task appends
    /// to, a marker an attempt leaves for the next) need `sharedfs`; nil is Skein's default,
    /// condorio, where each attempt runs in a sandbox that sees only its declared files.
    var dataConfiguration: String?

    init(in directory: URL) { self.directory = directory }

    func write() throws -> String {
        var y = "pegasus: 5.0.4\nname: \(name)\n"
        if !workflowProfiles.isEmpty { y += "profiles:\n" + profilesYAML(workflowProfiles, indent: "  ") }
        y += "jobs:\n"
        for job in jobs {
            y += "- type: job\n  name: sh\n  id: \(job.id)\n  arguments: ['-c', \(quote(job.script))]\n  uses:\n"
            for o in job.outputs { y += "  - {lfn: \(o), type: output, stageOut: true}\n" }
            for i in job.inputs { y += "  - {lfn: \(i), type: input}\n" }
            if job.outputs.isEmpty && job.inputs.isEmpty { y.removeLast("  uses:\n".count); y += "  uses: []\n" }
            if !job.profiles.isEmpty { y += "  profiles:\n" + profilesYAML(job.profiles, indent: "    ") }
        }
        let edges = jobs.flatMap { job in job.parents.map { ($0, job.id) } }
        if !edges.isEmpty {
            y += "jobDependencies:\n"
            for parent in Set(edges.map(\.0)).sorted() {
                y += "- id: \(parent)\n  children: [\(edges.filter { $0.0 == parent }.map(\.1).joined(separator: ", "))]\n"
            }
        }
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        try y.write(to: directory.appendingPathComponent("workflow.yml"), atomically: true, encoding: .utf8)
        try """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch', operation: all}]}
              - {type: localStorage, path: output, fileServers: [{url: 'file://output', operation: all}]}
            """.write(to: directory.appendingPathComponent("sites.yml"), atomically: true, encoding: .utf8)
        try "pegasus: 5.0.4\ntransformations:\n- name: sh\n  sites: [{name: local, pfn: /bin/sh, type: installed}]\n"
            .write(to: directory.appendingPathComponent("transformations.yml"), atomically: true, encoding: .utf8)
        try "pegasus: 5.0.4\nreplicas: []\n".write(to: directory.appendingPathComponent("replicas.yml"), atomically: true, encoding: .utf8)
        if let dataConfiguration {
            try "pegasus.data.configuration = \(dataConfiguration)\n".write(to: directory.appendingPathComponent("pegasus.properties"), atomically: true, encoding: .utf8)
        }
        return directory.appendingPathComponent("workflow.yml").path
    }

    /// The folder jobs run in for run number `run`: `scratch/<name>/<workflow UUID>`, as
    /// its plan names it (each run has a scratch of its own); waits for the plan of a run
    /// started in the background.
    func scratch(run: Int = 1) -> URL {
        // A run started in the background may not have written its plan yet: wait for it.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let folder = try? SkeinBinary.scratchDirectory(of: runDirectory(run: run)) { return URL(fileURLWithPath: folder) }
            usleep(20_000)
        }
        return directory.appendingPathComponent("scratch/\(name)/not-planned")
    }

    func runDirectory(run: Int = 1) -> URL {
        directory.appendingPathComponent("runs/\(name)/" + String(format: "run%04d", run))
    }

    private func profilesYAML(_ profiles: [String: [String: String]], indent: String) -> String {
        profiles.sorted { $0.key < $1.key }.map { ns, values in
            "\(indent)\(ns):\n" + values.sorted { $0.key < $1.key }.map { "\(indent)  \($0.key): \(quote($0.value))\n" }.joined()
        }.joined()
    }

    private func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}
