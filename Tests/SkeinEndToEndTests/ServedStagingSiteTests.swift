import Foundation
import SkeinKickstart
import SkeinTestSupport
import XCTest

/// A staging site reached only through its file servers, as Pegasus reaches it (issue 10):
/// nonsharedfs with `--staging-site local=store`, where `store`'s sharedScratch is written
/// over sftp (its `put` server, a real sshd) and read over http (its `get` server, a real
/// HTTP server on the same folder). Stage-in uploads, each job's sandbox downloads its
/// inputs and uploads its outputs, and stage-out downloads the results to the output site.
final class ServedStagingSiteTests: XCTestCase {
    var scratch: URL!
    var environment: [String: String] = [:]
    var wf: URL { scratch.appendingPathComponent("wf") }
    var store: String { scratch.appendingPathComponent("store").path }

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-served-\(UUID().uuidString)")
        for folder in ["wf", "store", "served", "store-http", "web-http"] {
            try FileManager.default.createDirectory(at: scratch.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        environment = ["SKEIN_STATE_DIR": scratch.appendingPathComponent("state").path]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: wf.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func testNonsharedfsStagesThroughTheStagingSitesPutAndGetServers() throws {
        let ssh = try LocalSSHServer(scratch: scratch.path)
        let storeHTTP = try LocalHTTPServer(root: store, tls: false, scratch: scratch.appendingPathComponent("store-http").path)
        let web = try LocalHTTPServer(root: scratch.appendingPathComponent("served").path, tls: false, scratch: scratch.appendingPathComponent("web-http").path)
        // The engine's sftp key: Pegasus's SSH_PRIVATE_KEY, as pegasus-transfer reads it.
        environment["SSH_PRIVATE_KEY"] = ssh.privateKey

        try "local input\n".write(toFile: wf.path + "/in0.txt", atomically: true, encoding: .utf8)
        try "web input\n".write(to: scratch.appendingPathComponent("served/in1.txt"), atomically: true, encoding: .utf8)
        // As Workflow.write() of the Pegasus 5.1 Python API lays it out.
        try write("workflow.yml", """
            x-pegasus:
              apiLang: python
              createdBy: tester
              createdOn: 12-03-26T07:00:00Z
            pegasus: 5.0.4
            name: served
            jobs:
            - type: job
              name: sh
              id: ID0000001
              arguments:
              - -c
              - tr a-z A-Z < in0.txt > mid.txt
              uses:
              - lfn: in0.txt
                type: input
              - lfn: mid.txt
                type: output
                stageOut: false
                registerReplica: false
            - type: job
              name: sh
              id: ID0000002
              arguments:
              - -c
              - cat mid.txt in1.txt > result.txt
              uses:
              - lfn: mid.txt
                type: input
              - lfn: in1.txt
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
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - type: sharedScratch
                path: \(wf.path)/local-scratch
                fileServers:
                - url: file://\(wf.path)/local-scratch
                  operation: all
              - type: localStorage
                path: \(wf.path)/output
                fileServers:
                - url: file://\(wf.path)/output
                  operation: all
            - name: store
              directories:
              - type: sharedScratch
                path: \(store)
                sharedFileSystem: false
                fileServers:
                - url: \(ssh.url("sftp", store))
                  operation: put
                - url: \(storeHTTP.url(""))
                  operation: get
            """)
        try write("transformations.yml", """
            pegasus: 5.0.4
            transformations:
            - name: sh
              sites:
              - name: local
                pfn: /bin/sh
                type: installed
            """)
        try write("replicas.yml", """
            pegasus: 5.0.4
            replicas:
            - lfn: in0.txt
              pfns:
              - site: local
                pfn: \(wf.path)/in0.txt
            - lfn: in1.txt
              pfns:
              - site: web
                pfn: \(web.url("in1.txt"))
            """)
        try write("pegasus.properties", "pegasus.data.configuration = nonsharedfs\n")

        let out = try SkeinBinary.run(["run", "workflow.yml", "--batch", "-o", "local", "--staging-site", "local=store"], environment: environment, in: wf)
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        XCTAssertEqual(try String(contentsOfFile: wf.path + "/output/result.txt", encoding: .utf8), "LOCAL INPUT\nweb input\n")

        let run = wf.appendingPathComponent("runs/served/run0001")
        let folder = try XCTUnwrap(try siteScratch(run)["store"])
        XCTAssertTrue(folder.hasPrefix(store + "/served/"), folder)
        let relative = String(folder.dropFirst(store.count + 1))
        let put = ssh.url("sftp", folder), get = storeHTTP.url(relative)
        // Stage-in uploads through put: the local file, and the web file relayed through a local copy.
        let stageIn = try String(contentsOf: run.appendingPathComponent("jobs/000/stage_in_local_store_0_0.stdout.000"), encoding: .utf8)
        XCTAssertTrue(stageIn.contains("\(wf.path)/in0.txt -> \(put)/in0.txt"), stageIn)
        let stageIn1 = try String(contentsOf: run.appendingPathComponent("jobs/000/stage_in_local_store_1_0.stdout.000"), encoding: .utf8)
        XCTAssertTrue(stageIn1.contains("\(web.url("in1.txt")) -> \(put)/in1.txt"), stageIn1)
        XCTAssertEqual(web.requests("in1.txt"), 1)
        // Each job's sandbox read its inputs through get; the result left through get too.
        for lfn in ["in0.txt", "mid.txt", "in1.txt", "result.txt"] {
            XCTAssertEqual(storeHTTP.requests("\(relative)/\(lfn)"), 1, "\(lfn) read once over http: \(get)/\(lfn)")
        }
        let stageOut = try String(contentsOf: run.appendingPathComponent("jobs/000/stage_out_local_store_1_0.stdout.000"), encoding: .utf8)
        XCTAssertTrue(stageOut.contains("\(get)/result.txt -> \(wf.path)/output/result.txt"), stageOut)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "in-place cleanup emptied the staging scratch")
    }

    func siteScratch(_ run: URL) throws -> [String: String] {
        struct Plan: Decodable { var siteScratch: [String: String]? }
        return try JSONDecoder().decode(Plan.self, from: Data(contentsOf: run.appendingPathComponent("plan.json"))).siteScratch ?? [:]
    }
}
