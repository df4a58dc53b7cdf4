// swift-tools-version:6.0
import PackageDescription

// Skein: a terminal workflow manager for Pegasus 5.0 workflows.
// Module boundaries follow docs/ARCHITECTURE.md; the C libraries come from Debian
// packages installed by scripts/install-deps.sh.
let package = Package(
    name: "Skein",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "skein", targets: ["skein"]),
        .executable(name: "skein-kickstart", targets: ["skein-kickstart"]),
        .executable(name: "skein-spawner", targets: ["skein-spawner"]),
        .executable(name: "skein-rusage", targets: ["skein-rusage"]),
        .executable(name: "skein-transfer", targets: ["skein-transfer"]),
        .library(name: "SkeinWorkflow", targets: ["SkeinWorkflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages, found through pkg-config).
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CNcursesw", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),

        // libcurl (libcurl4-openssl-dev for its headers), loaded on first use, not linked:
        // include/CCurl.h says why.
        .target(name: "CCurl"),
        // posix_spawn's chdir and setsid, which Swift's Glibc module does not expose, and
        // the wire format of skein-spawner.
        .target(name: "CSpawn"),
        // Starts and reaps the engine's local jobs from a small process, so each job's maxrss
        // is its own (CSpawn/include/skein_spawner_protocol.h says why).
        .executableTarget(
            name: "skein-spawner",
            dependencies: ["CSpawn"]),
        // Runs a container job's command inside the image and writes its rusage; static, so
        // it runs in any image.
        .executableTarget(
            name: "skein-rusage",
            linkerSettings: [.unsafeFlags(["-static-executable"])]),
        // YAML with positions: node, parser (libyaml events), emitter.
        .target(
            name: "SkeinYAML",
            dependencies: ["CYAML"]),
        // Java properties syntax: the one reader of pegasus.properties files.
        .target(name: "SkeinProperties"),
        // Text helpers every layer shares ("did you mean": one edit distance).
        .target(name: "SkeinText"),
        // The Pegasus abstract workflow and catalogs: reading, validation, DAG algorithms.
        .target(
            name: "SkeinWorkflow",
            dependencies: ["SkeinYAML", "SkeinProperties", "SkeinText"]),
        // Everything on disk in a run directory: the versioned plan (one reader, one writer),
        // file layout, engine lock, journal, control channel, engine settings, kickstart
        // record reader, braindump.
        .target(
            name: "SkeinRunFormat",
            dependencies: ["SkeinYAML", "SkeinProperties"]),
        // Kickstart invocation records: model and YAML writer, Foundation-free because
        // skein-kickstart runs around every remote job and must start fast. `Extern`:
        // sysinfo(2) declared with the C calling convention (no dlsym in a static program).
        .target(
            name: "SkeinKickstart",
            swiftSettings: [.enableExperimentalFeature("Extern")]),
        // Static (glibc and the Swift runtime linked in): no dynamic loader, no libstdc++ to
        // relocate; Benchmarks/kickstart-startup.sh measures the start-up.
        .executableTarget(
            name: "skein-kickstart",
            dependencies: ["SkeinKickstart"],
            linkerSettings: [.unsafeFlags(["-static-executable"])]),
        // File transfers in-process on libcurl's multi interface: http, https, scp, sftp, and
        // local links and copies, with retries, temporary names and checksums.
        .target(
            name: "SkeinTransfer",
            dependencies: ["CCurl", "SkeinKickstart"]),
        // pegasus-transfer's input list, moved by SkeinTransfer: for batch nodes.
        .executableTarget(
            name: "skein-transfer",
            dependencies: ["SkeinTransfer"]),
        // Abstract workflow -> executable plan in a run directory.
        .target(
            name: "SkeinPlanner",
            dependencies: ["SkeinWorkflow", "SkeinRunFormat", "SkeinProperties", "SkeinText"]),
        // The engine's pure core: the scheduler state machine and the clock it is driven by
        // (a virtual one for tests). Standard library only (Glibc for a mutex).
        .target(name: "SkeinEngineCore"),
        // Executors, the run loop (WorkflowEngine) on a real clock, provenance, signals.
        .target(
            name: "SkeinEngine",
            dependencies: ["SkeinEngineCore", "SkeinRunFormat", "SkeinProvenance", "SkeinTransfer", "SkeinKickstart", "SkeinText", "CSpawn"]),
        // The run database: SQLite in Pegasus's stampede schema v14, written in batches.
        .target(
            name: "SkeinProvenance",
            dependencies: ["CSQLite", "SkeinRunFormat"]),
        // Orchestration shared by the CLI and the TUI: plan into a run directory, run an
        // engine in the foreground or detached, resume, retry, control commands, and the
        // run's stored engine settings every engine start uses.
        .target(
            name: "SkeinRuns",
            dependencies: ["SkeinPlanner", "SkeinEngine", "SkeinProvenance", "SkeinRunFormat", "SkeinWorkflow", "SkeinTransfer"]),
        // status / analyzer / statistics as data, with text and JSON renderings.
        .target(
            name: "SkeinReports",
            dependencies: ["SkeinProvenance", "SkeinRunFormat", "SkeinProperties", "SkeinText"]),
        // The full-screen terminal UI: screen models, views, keymap, themes, cell buffer,
        // ncurses and in-memory backends.
        .target(
            name: "SkeinTUI",
            dependencies: ["SkeinReports", "SkeinRunFormat", "SkeinRuns", "SkeinYAML", "SkeinText", "CNcursesw"]),
        .executableTarget(
            name: "skein",
            dependencies: [
                "SkeinWorkflow", "SkeinRunFormat", "SkeinProperties", "SkeinPlanner", "SkeinEngine", "SkeinProvenance", "SkeinReports", "SkeinRuns", "SkeinTUI", "SkeinText", "CSQLite", "CCurl", "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Checks the sources against docs/ARCHITECTURE.md's import rules.
        .testTarget(name: "SkeinArchitectureTests"),
        .testTarget(
            name: "SkeinYAMLTests",
            dependencies: ["SkeinYAML"]),
        .testTarget(
            name: "SkeinRunFormatTests",
            dependencies: ["SkeinRunFormat", "SkeinProperties", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinTransferTests",
            dependencies: ["SkeinTransfer", "SkeinKickstart", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinKickstartTests",
            dependencies: ["SkeinKickstart", "SkeinYAML", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinEngineCoreTests",
            dependencies: ["SkeinEngineCore"]),
        .testTarget(
            name: "SkeinEngineTests",
            dependencies: ["SkeinEngine", "SkeinEngineCore", "SkeinRunFormat", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinPlannerTests",
            dependencies: ["SkeinPlanner", "SkeinWorkflow", "SkeinRunFormat", "SkeinProperties"]),
        .testTarget(
            name: "SkeinTUITests",
            dependencies: ["SkeinTUI", "SkeinProvenance", "SkeinRunFormat", "SkeinText", "SkeinTestSupport"],
            // Expected frames, read through #filePath.
            exclude: ["Snapshots"]),
        .testTarget(
            name: "SkeinReportsTests",
            dependencies: ["SkeinReports", "SkeinProvenance", "SkeinRunFormat", "SkeinText", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinProvenanceTests",
            dependencies: ["SkeinProvenance", "SkeinRunFormat", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinWorkflowTests",
            dependencies: ["SkeinWorkflow", "SkeinYAML", "SkeinProperties", "SkeinTestSupport"],
            // Read through #filePath, not bundled: they are inputs, not resources.
            exclude: ["Fixtures"]),
        // Runs the real `skein` binary on real files.
        .testTarget(
            name: "SkeinEndToEndTests",
            dependencies: ["skein", "SkeinWorkflow", "SkeinRuns", "SkeinTUI", "SkeinRunFormat", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinRunsTests",
            dependencies: ["SkeinRuns", "SkeinEngine", "SkeinRunFormat", "SkeinPlanner", "SkeinWorkflow", "SkeinProperties"]),
        // Helpers more than one test target needs (Pegasus's tools in a venv).
        .target(
            name: "SkeinTestSupport",
            path: "Tests/SkeinTestSupport"),
    ]
)
