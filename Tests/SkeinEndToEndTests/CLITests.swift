import Foundation
import XCTest
import SkeinTestSupport

/// The `skein` binary as users run it: help, exit codes, validate, graph, format.
final class CLITests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skein-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testVersionAndHelp() throws {
        let version = try SkeinBinary.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
        let top = try SkeinBinary.run(["--help"])
        XCTAssertEqual(top.status, 0)
        for word in ["validate", "graph", "format", "doctor", "Exit codes", "Examples:"] {
            XCTAssertTrue(top.stdout.contains(word), "top-level help mentions \(word)")
        }
        // Every command by the name users type (each configuration names it: no type-name
        // lookup at start-up).
        for command in ["validate", "plan", "run", "status", "analyze", "statistics", "halt", "resume", "kill", "retry", "remove", "tui", "graph", "format", "doctor"] {
            let help = try SkeinBinary.run(["help", command])
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.stdout.contains("Example"), "\(command) help has examples")
            XCTAssertTrue(help.stdout.contains("skein \(command)"), "\(command) help shows usage")
        }
    }

    /// `skein doctor` says whether the helpers beside skein are there, and what a missing one costs.
    func testDoctorChecksTheHelpers() throws {
        let binDir = SkeinBinary.url.deletingLastPathComponent().path
        let found = try SkeinBinary.run(["doctor"])
        XCTAssertEqual(found.status, 0, found.stderr)
        XCTAssertTrue(found.stdout.contains("spawner     \(binDir)/skein-spawner\n"), found.stdout)
        XCTAssertTrue(found.stdout.contains("kickstart   \(binDir)/skein-kickstart\n"), found.stdout)
        let missing = try SkeinBinary.run(["doctor"], environment: ["SKEIN_SPAWNER": "/nonexistent/skein-spawner"])
        XCTAssertTrue(missing.stdout.contains("spawner     missing: /nonexistent/skein-spawner (local jobs are started by the engine itself"), missing.stdout)
        XCTAssertTrue(try SkeinBinary.run(["doctor"], environment: ["SKEIN_SPAWNER": "none"]).stdout.contains("spawner     off (SKEIN_SPAWNER=none)"))
    }

    /// libcurl is loaded when a transfer (or `doctor`) needs it, not linked: its TLS, Kerberos
    /// and LDAP chain cost every command ~10 ms of start-up.
    func testLibcurlIsLoadedOnlyWhenNeeded() throws {
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [SkeinBinary.url.path]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        try ldd.run()
        let linked = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        XCTAssertTrue(linked.contains("libsqlite3"), linked)
        XCTAssertFalse(linked.contains("libcurl"), linked)
        let doctor = try SkeinBinary.run(["doctor"])
        XCTAssertTrue(doctor.stdout.contains("libcurl     libcurl/"), doctor.stdout)
    }

    func testEveryExampleIsValidWithoutWarnings() throws {
        let examples = SkeinBinary.repository.appendingPathComponent("Examples")
        let names = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { !$0.hasPrefix(".") && $0 != "README.md" }
        XCTAssertEqual(Set(names), ["diamond", "split-merge", "pipeline", "fan-out-fan-in", "failing"])
        for name in names {
            let result = try SkeinBinary.run(["validate", "Examples/\(name)/workflow.yml"])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("valid (0 errors, 0 warnings)"), "\(name): \(result.stdout)")
            XCTAssertEqual(result.stderr, "", name)
        }
    }

    func testValidateReportsEveryProblemWithPositionAndExitsTwo() throws {
        let path = try write("workflow.yml", """
            pegasus: 5.0.4
            name: broken
            jobs:
            - type: job
              name: t
              id: a
              arguments: []
              uses:
              - {lfn: x, type: input}
            - type: job
              name: t
              id: a
              arguments: []
              uses: []
            jobDependencies:
            - id: a
              children: [nope]
            """)
        _ = try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- name: t\n  sites: [{name: local, pfn: /bin/true, type: installed}]\n")
        let result = try SkeinBinary.run(["validate", path])
        XCTAssertEqual(result.status, 2)
        let errorLines = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        XCTAssertEqual(errorLines.count, 3, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(path):12:7: error: job id 'a' is used twice") || result.stderr.contains("\(path):10:3: error: job id 'a' is used twice"), result.stderr)
        XCTAssertTrue(result.stderr.contains("\(path):9:5: error: input file 'x' of job 'a' has no producer and no replica"), result.stderr)
        XCTAssertTrue(result.stderr.contains("\(path):17:14: error: job 'a' lists child 'nope', which is not defined"), result.stderr)
        XCTAssertTrue(result.stderr.contains("hint: "), "each problem comes with a hint")
        XCTAssertTrue(result.stdout.contains("invalid (3 errors"), result.stdout)
        XCTAssertFalse(result.stderr.contains("\u{1B}["), "no escape codes when not a terminal")
    }

    func testStrictTurnsWarningsIntoFailureAndJSONIsParseable() throws {
        let path = try write("workflow.yml", """
            pegasus: 5.0.4
            name: w
            jobs:
            - type: job
              name: t
              id: a
              arguments: []
              uses:
              - {lfn: out, type: output, stageOut: true, colour: blue}
            """)
        _ = try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- name: t\n  sites: [{name: local, pfn: /bin/true, type: installed}]\n")
        XCTAssertEqual(try SkeinBinary.run(["validate", path]).status, 0)
        let strict = try SkeinBinary.run(["validate", "--strict", path])
        XCTAssertEqual(strict.status, 2)
        XCTAssertTrue(strict.stderr.contains("warning: unknown key 'colour' in file 'out' used by job 'a'"), strict.stderr)
        let json = try SkeinBinary.run(["validate", "--json", path])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["valid"] as? Bool, true)
        XCTAssertEqual(object["jobs"] as? Int, 1)
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(diagnostics.first?["code"] as? String, "unknown-key")
        XCTAssertEqual(diagnostics.first?["line"] as? Int, 9)

        // A near miss of a known key silently drops data: that is an error.
        let misspelt = try write("workflow.yml", "pegasus: 5.0.4\nname: w\njobs:\n- {type: job, name: t, id: a, arguments: [], uses: [{lfn: out, type: output, stageout: true}]}\n")
        let typo = try SkeinBinary.run(["validate", misspelt])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("error: unknown key 'stageout' in file 'out' used by job 'a': did you mean 'stageOut'?"), typo.stderr)
    }

    func testCatalogOptionsOverrideFilesBesideTheWorkflow() throws {
        let wf = SkeinBinary.fixtures.appendingPathComponent("pegasus-api/pipeline/workflow.yml").path
        let emptyTC = try write("tc.yml", "pegasus: 5.0.4\ntransformations: []\n")
        let result = try SkeinBinary.run(["validate", wf, "--transformations", emptyTC])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("job 'curl_1' runs transformation 'pipe::curl:1.0', which no transformation catalog defines"), result.stderr)
        XCTAssertTrue(result.stdout.contains("transformations  \(emptyTC)"), result.stdout)
    }

    func testGraphTextAndDot() throws {
        let text = try SkeinBinary.run(["graph", "Examples/diamond/workflow.yml", "--ascii"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout, """
            preprocess  diamond::preprocess:4.0
            |-- findrange_1  diamond::findrange:4.0
            |   `-- analyze  diamond::analyze:4.0
            `-- findrange_2  diamond::findrange:4.0
                `-- analyze ^

            diamond: 4 jobs, 4 dependencies, 3 levels (1 + 2 + 1 jobs per level)
            a job with several parents is drawn once, then shown as 'id ^'

            """)
        let dot = try SkeinBinary.run(["graph", "Examples/diamond/workflow.yml", "--format", "dot"])
        XCTAssertEqual(dot.status, 0)
        let edges = dot.stdout.split(separator: "\n").filter { $0.contains(" -> ") }.map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(Set(edges), ["\"preprocess\" -> \"findrange_1\";", "\"preprocess\" -> \"findrange_2\";", "\"findrange_1\" -> \"analyze\";", "\"findrange_2\" -> \"analyze\";"])
        let broken = try write("cycle.yml", """
            pegasus: 5.0.4
            name: c
            jobs:
            - {type: job, name: t, id: a, arguments: [], uses: []}
            - {type: job, name: t, id: b, arguments: [], uses: []}
            jobDependencies:
            - {id: a, children: [b]}
            - {id: b, children: [a]}
            """)
        let cycle = try SkeinBinary.run(["graph", broken])
        XCTAssertEqual(cycle.status, 2)
        XCTAssertTrue(cycle.stderr.contains("dependency cycle: a -> b -> a"), cycle.stderr)
        XCTAssertEqual(cycle.stdout, "")
    }

    func testFormatEmbedsCatalogsIntoOneValidFile() throws {
        let out = scratch.appendingPathComponent("bundle.yml").path
        let result = try SkeinBinary.run(["format", "Examples/split-merge/workflow.yml", "--embed-catalogs", "-o", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(text.contains("\nsiteCatalog:\n"))
        XCTAssertTrue(text.contains("\ntransformationCatalog:\n"))
        // Alone in another folder, the bundle still validates: it carries everything but
        // files named by relative paths, which now resolve against the new folder.
        let check = try SkeinBinary.run(["validate", out, "--json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["catalogs"] as? [String: String])?["sites"], "embedded in \(out)")
        XCTAssertEqual(object["jobs"] as? Int, 6)
    }

    func testFormatRefusesInvalidInputAndWritesNothing() throws {
        let path = try write("workflow.yml", "pegasus: 5.0.4\nname: x\njobs: 3\n")
        let out = scratch.appendingPathComponent("out.yml").path
        let result = try SkeinBinary.run(["format", path, "-o", out])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("\(path):3:7: error: jobs must be a list"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testWrittenFilesReadTheSameInPyYAML() throws {
        // Pegasus's own tools read YAML with PyYAML: what Skein writes must mean the same there.
        let python = URL(fileURLWithPath: "/usr/bin/env")
        let probe = try SkeinBinary.runProgram(python, ["python3", "-c", "import yaml"])
        if probe.status != 0 { throw missingRealPart("python3 with PyYAML is not installed") }
        for name in ["diamond", "split_merge", "pipeline"] {
            let original = SkeinBinary.fixtures.appendingPathComponent("pegasus-api/\(name)/workflow-embedded.yml").path
            let out = scratch.appendingPathComponent("\(name).yml").path
            XCTAssertEqual(try SkeinBinary.run(["format", original, "-o", out]).status, name == "diamond" ? 2 : 0)
            if name == "diamond" { continue }  // analyze.in has no replica: format refuses it
            let compare = """
                import sys, yaml
                def norm(x):
                    if isinstance(x, dict): return {k: norm(v) for k, v in x.items()}
                    if isinstance(x, list): return [norm(v) for v in x]
                    return x if isinstance(x, bool) else str(x)
                a = norm(yaml.safe_load(open(sys.argv[1])))
                b = norm(yaml.safe_load(open(sys.argv[2])))
                sys.exit(0 if a == b else 1)
                """
            let result = try SkeinBinary.runProgram(python, ["python3", "-c", compare, original, out])
            XCTAssertEqual(result.status, 0, "\(name): PyYAML reads a different document: \(result.stderr)")
        }
    }
}
