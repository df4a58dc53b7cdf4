import Foundation
import XCTest
import SkeinTestSupport

/// Two sites end to end with the real binary (issue 10, issue 12's per-site directories): a
/// workflow written as the Pegasus 5 Python API writes it, its first job on `local`, its
/// second on `cluster` (a site of its own scratch, run on this machine), under each data
/// configuration.
final class SitesTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]
    var wf: URL { scratch.appendingPathComponent("wf") }

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-sites-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: wf, withIntermediateDirectories: true)
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
        // As Workflow.write() of the Pegasus 5.1 Python API lays it out.
        try write("workflow.yml", """
            x-pegasus:
              apiLang: python
              createdBy: tester
              createdOn: 12-03-26T07:00:00Z
            pegasus: 5.0.4
            name: twosites
            jobs:
            - type: job
              name: sh
              id: ID0000001
              arguments:
              - -c
              - echo made in $(pwd) > mid.txt
              uses:
              - lfn: mid.txt
                type: output
                stageOut: false
                registerReplica: false
            - type: job
              name: sh
              id: ID0000002
              profiles:
                selector:
                  execution.site: cluster
              arguments:
              - -c
              - cat mid.txt > result.txt; echo run in $(pwd) >> result.txt
              uses:
              - lfn: mid.txt
                type: input
              - lfn: result.txt
                type: output
                stageOut: true
                registerReplica: false
            jobDependencies:
            - id: ID0000001
              children:
              - ID0000002
            """)
        try write("sites.yml", """
            x-pegasus:
              apiLang: python
              createdBy: tester
              createdOn: 12-03-26T07:00:00Z
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - type: sharedScratch
                path: \(wf.path)/local-scratch
                sharedFileSystem: false
                fileServers:
                - url: file://\(wf.path)/local-scratch
                  operation: all
              - type: localStorage
                path: \(wf.path)/output
                sharedFileSystem: false
                fileServers:
                - url: file://\(wf.path)/output
                  operation: all
            - name: cluster
              directories:
              - type: sharedScratch
                path: \(wf.path)/cluster-scratch
                sharedFileSystem: true
                fileServers:
                - url: file://\(wf.path)/cluster-scratch
                  operation: all
            """)
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: sh
              sites:
              - name: local
                pfn: /bin/sh
                type: installed
              - name: cluster
                pfn: /bin/sh
                type: installed
            """)
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas: []\n")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: wf.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func runTwoSites(_ extra: [String] = []) throws -> SkeinBinary.Output {
        try SkeinBinary.run(["run", "workflow.yml", "--batch", "-o", "local", "--sites-to-run", "local,cluster"] + extra, environment: environment, in: wf)
    }

    var runDirectory: URL { wf.appendingPathComponent("runs/twosites/run0001") }

    func sql(_ query: String) throws -> [String] {
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))
            """, runDirectory.appendingPathComponent("twosites-0.stampede.db").path, query])
        return out.stdout.split(separator: "\n").map(String.init)
    }

    func siteScratch() throws -> [String: String] {
        struct Plan: Decodable { var siteScratch: [String: String]? }
        return try JSONDecoder().decode(Plan.self, from: Data(contentsOf: runDirectory.appendingPathComponent("plan.json"))).siteScratch ?? [:]
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0, path)
        return info.st_mode & 0o777
    }

    func result() throws -> [String] {
        try String(contentsOf: wf.appendingPathComponent("output/result.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testSharedfsRunsEachJobInItsSitesScratchAndMovesTheFileBetweenThem() throws {
        try write("pegasus.properties", "pegasus.data.configuration = sharedfs\n")
        let out = try runTwoSites()
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        for id in ["create_dir_twosites_0_local", "create_dir_twosites_0_cluster", "stage_inter_local_ID0000002_0", "stage_out_local_cluster_1_0"] {
            XCTAssertTrue(out.stdout.contains("\(id) succeeded"), "\(id): \(out.stdout)")
        }
        let folders = try siteScratch()
        let local = try XCTUnwrap(folders["local"]), cluster = try XCTUnwrap(folders["cluster"])
        XCTAssertTrue(local.hasPrefix(wf.path + "/local-scratch/twosites/"), local)
        XCTAssertTrue(cluster.hasPrefix(wf.path + "/cluster-scratch/twosites/"), cluster)
        XCTAssertEqual(try result(), ["made in \(local)", "run in \(cluster)"], "each job ran in its own site's scratch")
        XCTAssertEqual(mode(local), 0o700)
        XCTAssertEqual(mode(cluster), 0o700)
        XCTAssertEqual(try sql("select type_desc, count(*) from job group by type_desc order by type_desc"),
                       ["cleanup|2", "compute|2", "create-dir|2", "inter-site-tx|1", "stage-out-tx|1"])
        XCTAssertEqual(try sql("select site from job_instance join job using(job_id) where exec_job_id = 'create_dir_twosites_0_cluster'"), ["cluster"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: local), [], "in-place cleanup emptied both folders")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cluster), [])
    }

    func testNonsharedfsStagesOnTheStagingSiteAndRunsEachJobInAFolderOfItsOwn() throws {
        try write("pegasus.properties", "pegasus.data.configuration = nonsharedfs\n")
        let out = try runTwoSites(["--staging-site", "cluster=local"])
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        XCTAssertFalse(out.stdout.contains("create_dir_twosites_0_cluster"), "cluster's files wait on local")
        XCTAssertFalse(out.stdout.contains("stage_inter_"), "both jobs stage on local: nothing moves between sites")
        let local = try XCTUnwrap(try siteScratch()["local"])
        let lines = try result()
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("made in \(local)/ID0000001.sandbox-"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("run in \(local)/ID0000002.sandbox-"), lines[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: wf.appendingPathComponent("cluster-scratch").path), "nothing on cluster's scratch")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: local), [], "sandboxes are removed after their attempt")
        XCTAssertEqual(try sql("select site from job_instance join job using(job_id) where exec_job_id = 'ID0000002'"), ["cluster"])
    }

    func testCondorioTheDefaultStagesOnLocalAndSandboxesEveryJob() throws {
        let out = try runTwoSites()
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("create_dir_twosites_0_local succeeded"), out.stdout)
        XCTAssertFalse(out.stdout.contains("create_dir_twosites_0_cluster"), "condorio: the staging site is local")
        let local = try XCTUnwrap(try siteScratch()["local"])
        let lines = try result()
        XCTAssertTrue(lines.first?.hasPrefix("made in \(local)/ID0000001.sandbox-") == true, "a job on local has a sandbox too (pegasus-lite-local.sh): \(lines)")
        XCTAssertTrue(lines.last?.hasPrefix("run in \(local)/ID0000002.sandbox-") == true, "\(lines)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: local), [], "no sandbox or file left once cleaned up")

        // --staging-site elsewhere is not condorio: planning says so, and what to set.
        let refused = try runTwoSites(["--staging-site", "cluster"])
        XCTAssertEqual(refused.status, 2, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("under condorio (Pegasus's default) the staging site is local"), refused.stderr)
    }

    func testCreateDirRefusesAScratchOpenToOthersAndRemakesADeletedOnePrivate() throws {
        try write("pegasus.properties", "pegasus.data.configuration = sharedfs\n")  // a scratch on each site
        let plan = try SkeinBinary.run(["plan", "workflow.yml", "-o", "local", "--sites-to-run", "local,cluster"], environment: environment, in: wf)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let folders = try siteScratch()
        let local = try XCTUnwrap(folders["local"]), cluster = try XCTUnwrap(folders["cluster"])
        XCTAssertEqual(mode(cluster), 0o700, "planning made every site's scratch")
        chmod(cluster, 0o777)
        try FileManager.default.removeItem(atPath: local)
        // Under a umask that would leave a new folder open to the group.
        let out = try SkeinBinary.runProgram(URL(fileURLWithPath: "/bin/sh"), ["-c", "umask 002; exec \"$0\" run \"$1\" --batch", SkeinBinary.url.path, runDirectory.path],
                                             environment: environment, in: wf)
        XCTAssertEqual(out.status, 1, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("create_dir_twosites_0_local succeeded"), out.stdout)
        XCTAssertEqual(mode(local), 0o700, "made again fresh and private, not with the umask")
        XCTAssertTrue(out.stdout.contains("create_dir_twosites_0_cluster failed"), out.stdout)
        XCTAssertTrue((out.stdout + out.stderr).contains("is open to other users (mode 777)"), out.stdout)
        XCTAssertFalse(out.stdout.contains("ID0000002 succeeded"), "nothing ran in the folder others could write")
    }
}
