import Foundation
import SkeinProperties
import SkeinRunFormat

/// One container runtime found on this machine.
public struct ContainerRuntime: Sendable, Equatable {
    public var kind: ContainerRuntimeKind
    public var path: String

    public init(_ kind: ContainerRuntimeKind, path: String) {
        self.kind = kind
        self.path = path
    }

    /// Whether this runtime can run an image of catalog type `type` given as `image`.
    /// podman and docker run docker images (a registry URL or an image archive `.tar`),
    /// also those a singularity or shifter entry names by `docker://`; apptainer and
    /// singularity run `.sif` files and library/shub/oras/docker URLs, and build docker
    /// archives. Nothing here runs shifter's own gateway images but by their docker name.
    public func canRun(type: String, image: ContainerImage) -> Bool {
        switch (kind.usesImageStore, image) {
        case (true, .registry(let scheme, _)): return scheme == "docker" || scheme == "shifter"
        case (true, .file(_, let format)): return format == .dockerArchive
        case (false, .registry(let scheme, _)): return ["docker", "library", "shub", "oras", "shifter"].contains(scheme)
        case (false, .file): return true
        }
    }
}

/// A catalog container's `image`, classified: pulled from a registry, or a file (staged
/// like any input, then loaded or run directly).
public enum ContainerImage: Sendable, Equatable {
    public enum Format: Sendable, Equatable { case dockerArchive, singularityImage }

    /// `scheme://reference`: docker, library, shub, oras or shifter.
    case registry(scheme: String, reference: String)
    /// A local path or a URL (file, http, https, scp, sftp) of an image file.
    case file(location: String, format: Format)

    /// nil when `image` is neither (the message says what is accepted).
    public init?(_ image: String) {
        if let range = image.range(of: "://") {
            let scheme = String(image[..<range.lowerBound]).lowercased()
            let rest = String(image[range.upperBound...])
            if ["docker", "library", "shub", "oras", "shifter"].contains(scheme) {
                // shifter:///name and docker://name name the same docker image.
                self = .registry(scheme: scheme, reference: rest.drop { $0 == "/" }.description)
                return
            }
            guard ["file", "http", "https", "scp", "sftp"].contains(scheme) else { return nil }
        } else if !image.hasPrefix("/") && !image.hasPrefix(".") && !image.contains("/") && image.contains(":") {
            return nil  // `debian:12`: Pegasus wants the URL, docker://debian:12
        }
        let lower = image.lowercased()
        if lower.hasSuffix(".sif") || lower.hasSuffix(".simg") || lower.hasSuffix(".img") {
            self = .file(location: image, format: .singularityImage)
        } else if lower.hasSuffix(".tar") || lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") {
            self = .file(location: image, format: .dockerArchive)
        } else {
            return nil
        }
    }

    /// The reference a docker-compatible runtime pulls: `docker://` kept for podman, dropped for docker.
    func pullReference(for kind: ContainerRuntimeKind) -> String? {
        guard case .registry(_, let reference) = self else { return nil }
        return kind == .podman ? "docker://" + reference : reference
    }
}

/// Finds container runtimes: in `SKEIN_CONTAINER_RUNTIME` or the `skein.container.runtime`
/// property (names or paths, comma-separated, in order of preference), else podman, docker,
/// apptainer, singularity on `PATH`. docker counts only when a daemon can be reached
/// (`DOCKER_HOST`, or its socket), since its client alone runs nothing.
public enum ContainerRuntimes {
    public static let variable = "SKEIN_CONTAINER_RUNTIME"
    public static let property = "skein.container.runtime"

    /// The runtimes usable here, in order of preference; `problem` says why a configured
    /// one is not.
    public static func discover(properties: PegasusProperties?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (runtimes: [ContainerRuntime], problem: String?)
    {
        let configured = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? properties?[property]
        let wanted = configured.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            ?? ContainerRuntimeKind.allCases.map(\.rawValue)
        var found: [ContainerRuntime] = []
        for entry in wanted {
            let name = (entry as NSString).lastPathComponent
            guard let kind = ContainerRuntimeKind(rawValue: name) ?? ContainerRuntimeKind.allCases.first(where: { name.hasPrefix($0.rawValue) }) else {
                let source = environment[variable] != nil ? variable : property
                return ([], "\(source) names '\(entry)', which is not a container runtime Skein drives: use podman, docker, apptainer or singularity (or a path to one)")
            }
            let path = entry.contains("/") ? (isExecutable(entry) ? entry : nil) : search(name, path: environment["PATH"] ?? "/usr/bin:/bin")
            guard let path else { continue }
            if kind == .docker && !dockerDaemonReachable(environment) { continue }
            found.append(ContainerRuntime(kind, path: path))
        }
        return (found, nil)
    }

    static func search(_ name: String, path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = (String(directory) as NSString).appendingPathComponent(name)
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    static func isExecutable(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    static func dockerDaemonReachable(_ environment: [String: String]) -> Bool {
        if let host = environment["DOCKER_HOST"], !host.isEmpty { return true }
        return FileManager.default.fileExists(atPath: "/var/run/docker.sock")
    }
}
