import Foundation
import SkeinYAML

/// Sites, transformations, containers and replicas: defined once, referenced correctly.
extension WorkflowValidator {
    /// Sites jobs and catalogs may name. Pegasus always knows `local`, even without a catalog.
    var definedSites: Set<String> { Set((loaded.sites?.sites ?? []).map(\.name) + ["local"]) }

    var sitesFile: String { loaded.sitesFile }
    var transformationsFile: String { loaded.transformationsFile }
    var replicasFile: String { loaded.replicasFile }

    func siteHint(_ name: String) -> String {
        guard let catalog = loaded.sites else {
            return "no site catalog was found: put sites.yml beside the workflow or pass --sites FILE"
        }
        var names: [String] = []
        for site in catalog.sites where !names.contains(site.name) { names.append(site.name) }
        return (Self.suggestion(name, names) ?? "") + "define it in the site catalog, \(loaded.sitesOrigin) (it has: \(names.joined(separator: ", ")))"
    }

    /// The profiles by which a job asks for a site.
    static let siteProfiles = [("selector", "execution.site"), ("hints", "execution.site")]

    mutating func checkSites() {
        var seen: [String: Site] = [:]
        for site in loaded.sites?.sites ?? [] {
            if let first = seen[site.name] {
                error("duplicate-site", sitesFile, site.mark, "site '\(site.name)' is defined twice (first at line \(first.mark.line))", hint: "merge the two entries")
            } else {
                seen[site.name] = site
            }
            for dir in site.directories where dir.fileServers.isEmpty {
                warning("no-file-server", sitesFile, dir.mark, "directory \(dir.type) of site '\(site.name)' has no file server", hint: "add `fileServers: [{url: file://\(dir.path ?? "/path"), operation: all}]`")
            }
        }
        let sites = definedSites
        let jobs = workflow.jobs
        for j in jobs.indices where !jobs[j].profiles.isEmpty {
            for (ns, key) in Self.siteProfiles {
                if let attr = jobs[j].profiles.attribute(ns, key), !sites.contains(attr.value) {
                    error("unknown-site", workflowFile, attr.mark, "job '\(jobs[j].id)' asks for site '\(attr.value)' (\(ns).\(key)), which is not defined", hint: siteHint(attr.value))
                }
            }
        }
    }

    mutating func checkTransformations() {
        let catalog = loaded.transformations
        let sites = definedSites
        var byName: [String: [Transformation]] = [:]
        let containers = Set((catalog?.containers ?? []).map(\.name))
        var seenContainers: [String: SourceMark] = [:]
        for container in catalog?.containers ?? [] {
            if let first = seenContainers[container.name] {
                error("duplicate-container", transformationsFile, container.mark, "container '\(container.name)' is defined twice (first at line \(first.line))", hint: "give each container a unique name")
            } else {
                seenContainers[container.name] = container.mark
            }
        }
        var seen: [String: SourceMark] = [:]
        for t in catalog?.transformations ?? [] {
            byName[t.name, default: []].append(t)
            if let first = seen[t.reference.description] {
                error("duplicate-transformation", transformationsFile, t.mark, "transformation '\(t.reference)' is defined twice (first at line \(first.line))", hint: "merge its site entries into one transformation")
            } else {
                seen[t.reference.description] = t.mark
            }
            for entry in t.sites {
                if !sites.contains(entry.name) {
                    error("unknown-site", transformationsFile, entry.mark, "transformation '\(t.reference)' names site '\(entry.name)', which is not defined", hint: siteHint(entry.name))
                }
                if let c = entry.container, !containers.contains(c) {
                    error("unknown-container", transformationsFile, entry.containerMark, "transformation '\(t.reference)' uses container '\(c)', which is not defined", hint: (Self.suggestion(c, Array(containers)) ?? "") + "add it under `containers:`")
                }
                if let problem = Self.pfnProblem(entry.pfn) {
                    error("unsafe-pfn", transformationsFile, entry.mark, "pfn of transformation '\(t.reference)' on site '\(entry.name)' \(problem)",
                          hint: "a pfn is a path or URL: remove the control characters")
                } else if entry.name == "local", let path = CatalogPaths.localPath(entry.pfn, relativeTo: transformationsFile) {
                    checkLocalExecutable(path, entry: entry, of: t)
                }
            }
            checkChecksum(t.checksum, transformationsFile, "transformation '\(t.reference)'")
        }
        for container in catalog?.containers ?? [] {
            checkChecksum(container.checksum, transformationsFile, "container '\(container.name)'")
        }
        for t in catalog?.transformations ?? [] {
            for req in t.requires {
                let ref = TransformationReference(parsing: req.value)
                if !(byName[ref.name] ?? []).contains(where: { ref.matches($0) }) {
                    error("unknown-transformation", transformationsFile, req.mark, "transformation '\(t.reference)' requires '\(req.value)', which is not defined", hint: (Self.suggestion(ref.name, Array(byName.keys).sorted()) ?? "") + "add '\(req.value)' to the transformation catalog, or fix the name")
                }
            }
        }

        var resolved: [TransformationReference: Bool] = [:]
        let names = Array(byName.keys).sorted()
        let jobs = workflow.jobs
        for j in jobs.indices where jobs[j].kind == .job && jobs[j].name != nil {
            let ref = jobs[j].transformation
            let found = resolved[ref] ?? (byName[ref.name] ?? []).contains { ref.matches($0) }
            resolved[ref] = found
            if found { continue }
            let hint: String
            if catalog == nil {
                hint = "no transformation catalog was found: put transformations.yml beside the workflow or pass --transformations FILE"
            } else {
                hint = (Self.suggestion(ref.name, names) ?? "") + "add '\(ref)' with a site and pfn to \(loaded.transformationsOrigin)"
            }
            error("unknown-transformation", workflowFile, jobs[j].nameMark, "job '\(jobs[j].id)' runs transformation '\(ref)', which no transformation catalog defines for any site", hint: hint)
        }
    }

    private mutating func checkLocalExecutable(_ path: String, entry: TransformationSite, of t: Transformation) {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            // A stageable folder would be copied with all it holds into the run (`/etc`, `/usr`).
            error("executable-is-folder", transformationsFile, entry.mark,
                  "transformation '\(t.reference)' on site local points to \(path), which is a folder, not a program",
                  hint: "give the path of the executable file itself")
        } else if !fm.fileExists(atPath: path) {
            warning("missing-executable", transformationsFile, entry.mark, "transformation '\(t.reference)' on site local points to \(path), which does not exist here", hint: "install it there or correct the pfn")
        } else if entry.type == "installed" && !fm.isExecutableFile(atPath: path) {
            warning("not-executable", transformationsFile, entry.mark, "transformation '\(t.reference)' on site local points to \(path), which is not executable", hint: "chmod +x \(path)")
        }
    }

    /// Why a pfn cannot be used as a path or URL, or nil: NUL cuts a path short where the
    /// system reads it, and control characters reach terminals and logs.
    static func pfnProblem(_ pfn: String) -> String? {
        if pfn.isEmpty { return "is empty" }
        if pfn.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "holds a control character (NUL, newline, escape, ...)" }
        return nil
    }

    mutating func checkChecksum(_ checksum: Checksum?, _ file: String, _ owner: String) {
        guard let checksum, let sha = checksum.sha256 else { return }
        if sha.count != 64 || !sha.allSatisfy(\.isHexDigit) {
            error("invalid-checksum", file, checksum.mark, "sha256 checksum of \(owner) is not 64 hexadecimal digits", hint: "write the output of `sha256sum FILE`")
        }
    }

    /// What a stage-in job can fetch (SkeinTransfer), besides plain paths.
    static let transferableSchemes: Set<String> = ["file", "http", "https", "scp", "sftp"]

    /// `https` of `https://host/x`; nil for a plain path.
    static func scheme(of pfn: String) -> String? {
        // Most pfns are plain paths: no ':' at all, answered without a substring search.
        guard pfn.utf8.contains(UInt8(ascii: ":")), let range = pfn.range(of: "://") else { return nil }
        return pfn[..<range.lowerBound].lowercased()
    }

    mutating func checkReplicas() {
        // Generated catalogs point many replicas at one file: look each path up once in a row.
        var lastLookup: (path: String, exists: Bool)?
        for replica in loaded.replicas?.replicas ?? [] {
            if replica.regex == true, (try? NSRegularExpression(pattern: replica.lfn)) == nil {
                error("invalid-regex", replicasFile, replica.mark, "replica lfn '\(replica.lfn)' is not a valid regular expression", hint: "fix the pattern, or drop `regex: true`")
                continue
            }
            checkChecksum(replica.checksum, replicasFile, "replica '\(replica.lfn)'")
            if replica.regex == true { continue }
            for location in replica.pfns {
                guard let scheme = Self.scheme(of: location.pfn), !Self.transferableSchemes.contains(scheme) else { continue }
                warning("untransferable-scheme", replicasFile, location.mark,
                        "replica '\(replica.lfn)' is at \(location.pfn), and Skein does not transfer \(scheme):// URLs",
                        hint: "give a file path or a file, http, https, scp or sftp URL; a job needing only this copy will fail")
            }
            for location in replica.pfns {
                guard let problem = Self.pfnProblem(location.pfn) else { continue }
                error("unsafe-pfn", replicasFile, location.mark, "pfn of replica '\(NameRules.shown(replica.lfn))' on site '\(location.site)' \(problem)",
                      hint: "a pfn is a path or URL: remove the control characters")
            }
            for location in replica.pfns where location.site == "local" && Self.pfnProblem(location.pfn) == nil {
                guard let path = CatalogPaths.localPath(location.pfn, relativeTo: replicasFile) else { continue }
                let exists: Bool
                if let last = lastLookup, last.path == path { exists = last.exists } else {
                    exists = FileManager.default.fileExists(atPath: path)
                    lastLookup = (path, exists)
                }
                if !exists {
                    warning("missing-replica-file", replicasFile, location.mark, "replica '\(replica.lfn)' on site local points to \(path), which does not exist here", hint: "create the file or correct the pfn")
                }
            }
        }
    }
}
