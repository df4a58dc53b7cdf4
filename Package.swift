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

        .target(
            name: "SkeinWorkflow",
            dependencies: ["CYAML"]),
        .executableTarget(
            name: "skein",
            dependencies: [
                "SkeinWorkflow", "CSQLite", "CCurl", "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(
            name: "SkeinWorkflowTests",
            dependencies: ["SkeinWorkflow"],
            // Read through #filePath, not bundled: they are inputs, not resources.
            exclude: ["Fixtures"]),
        // Runs the real `skein` binary on real files.
        .testTarget(
            name: "SkeinEndToEndTests",
            dependencies: ["skein", "SkeinWorkflow"]),
    ]
)
