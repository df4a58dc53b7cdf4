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
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CNcursesw", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),

        // posix_spawn's chdir and setsid, which Swift's Glibc module does not expose, and
        // the wire format of skein-spawner.
        .target(name: "CSpawn"),
        // Starts and reaps the engine's local jobs from a small process, so each job's maxrss
        // is its own (CSpawn/include/skein_spawner_protocol.h says why).
        .executableTarget(
            name: "skein-spawner",
            dependencies: ["CSpawn"]),
        // YAML with positions: node, parser (libyaml events), emitter.
        .target(
            name: "SkeinYAML",
            dependencies: ["CYAML"]),
        // The Pegasus abstract workflow and catalogs: reading, validation, DAG algorithms.
        .target(
            name: "SkeinWorkflow",
            dependencies: ["SkeinYAML"]),
        // Kickstart invocation records: model and YAML writer, Foundation-free because
        // skein-kickstart runs around every remote job and must start in ~2 ms.
        .target(name: "SkeinKickstart"),
        .executableTarget(
            name: "skein-kickstart",
            dependencies: ["SkeinKickstart"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        // Abstract workflow -> executable plan in a run directory.
        .target(
            name: "SkeinPlanner",
            dependencies: ["SkeinWorkflow"]),
        // Scheduler state machine, executors, run loop and control channel.
        .target(
            name: "SkeinEngine",
            dependencies: ["SkeinWorkflow", "SkeinPlanner", "SkeinProvenance", "SkeinKickstart", "CSpawn"]),
        // The run database: SQLite in Pegasus's stampede schema v14, written in batches.
        .target(
            name: "SkeinProvenance",
            dependencies: ["CSQLite"]),
        // status / analyzer / statistics as data, with text and JSON renderings.
        .target(
            name: "SkeinReports",
            dependencies: ["SkeinProvenance"]),
        // The full-screen terminal UI: screen models, views, keymap, themes, cell buffer,
        // ncurses and in-memory backends.
        .target(
            name: "SkeinTUI",
            dependencies: ["SkeinReports", "SkeinProvenance", "SkeinEngine", "SkeinYAML", "CNcursesw"]),
        .executableTarget(
            name: "skein",
            dependencies: [
                "SkeinWorkflow", "SkeinPlanner", "SkeinEngine", "SkeinProvenance", "SkeinReports", "SkeinTUI", "CSQLite", "CCurl", "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(
            name: "SkeinYAMLTests",
            dependencies: ["SkeinYAML"]),
        .testTarget(
            name: "SkeinKickstartTests",
            dependencies: ["SkeinKickstart", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinEngineTests",
            dependencies: ["SkeinEngine", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinPlannerTests",
            dependencies: ["SkeinPlanner", "SkeinWorkflow"]),
        .testTarget(
            name: "SkeinTUITests",
            dependencies: ["SkeinTUI", "SkeinProvenance", "SkeinTestSupport"],
            // Expected frames, read through #filePath.
            exclude: ["Snapshots"]),
        .testTarget(
            name: "SkeinReportsTests",
            dependencies: ["SkeinReports", "SkeinProvenance", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinProvenanceTests",
            dependencies: ["SkeinProvenance", "SkeinTestSupport"]),
        .testTarget(
            name: "SkeinWorkflowTests",
            dependencies: ["SkeinWorkflow", "SkeinYAML", "SkeinTestSupport"],
            // Read through #filePath, not bundled: they are inputs, not resources.
            exclude: ["Fixtures"]),
        // Runs the real `skein` binary on real files.
        .testTarget(
            name: "SkeinEndToEndTests",
            dependencies: ["skein", "SkeinWorkflow", "SkeinTestSupport"]),
        // Helpers more than one test target needs (Pegasus's tools in a venv).
        .target(
            name: "SkeinTestSupport",
            path: "Tests/SkeinTestSupport"),
    ]
)
