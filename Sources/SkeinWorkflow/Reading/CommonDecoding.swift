import SkeinText
import SkeinYAML
/// Decoders for the pieces every Pegasus document shares: profiles, metadata, hooks,
/// checksums and the `pegasus:` format version.
extension DecodeContext {
    mutating func profiles(_ node: YAMLNode, _ owner: String) -> Profiles {
        guard let map = mapping(node, "profiles of \(owner)") else { return Profiles() }
        var out: [Profiles.Namespace] = []
        for entry in map.entries {
            let ns = entry.key.value
            if !Profiles.knownNamespaces.contains(ns) && !ns.hasPrefix("x-") {
                var hint = "Skein keeps it; Pegasus knows " + Profiles.knownNamespaces.joined(separator: ", ")
                if let near = Suggestion.closest(to: ns, in: Profiles.knownNamespaces) { hint = "did you mean '\(near)'? " + hint }
                report.warning("unknown-profile-namespace", at: entry.key.mark, "unknown profile namespace '\(ns)' in \(owner)", hint: hint)
            }
            guard let keys = mapping(entry.value, "profile namespace '\(ns)' of \(owner)") else { continue }
            var attributes: [Attribute] = []
            attributes.reserveCapacity(keys.entries.count)
            for kv in keys.entries {
                if let value = string(kv.value, "profile \(ns).\(kv.key.value) of \(owner)") {
                    attributes.append(Attribute(kv.key.value, value, mark: kv.value.mark))
                }
            }
            out.append(Profiles.Namespace(ns, attributes, mark: entry.key.mark))
        }
        return Profiles(out)
    }

    mutating func metadata(_ node: YAMLNode, _ owner: String) -> Metadata {
        guard let map = mapping(node, "metadata of \(owner)") else { return [] }
        var out: Metadata = []
        for kv in map.entries {
            if let value = string(kv.value, "metadata '\(kv.key.value)' of \(owner)") {
                out.append(Attribute(kv.key.value, value, mark: kv.value.mark))
            }
        }
        return out
    }

    mutating func hooks(_ node: YAMLNode, _ owner: String) -> Hooks {
        guard let map = mapping(node, "hooks of \(owner)") else { return Hooks() }
        var fields = Fields(map, "hooks of \(owner)")
        var shell: [ShellHook] = []
        if let list = fields.take("shell"), let seq = sequence(list, "hooks.shell of \(owner)") {
            for (i, item) in seq.items.enumerated() {
                let what = "shell hook \(i + 1) of \(owner)"
                guard let hookMap = mapping(item, what) else { continue }
                var hook = Fields(hookMap, what)
                let on = hook.required("_on", &self, hint: "add `_on: start|success|error|end|all`").flatMap {
                    oneOf($0, Self.hookEvents, "_on of \(what)")
                }
                let cmd = hook.required("cmd", &self, hint: "add `cmd: /path/to/program args`").flatMap { string($0, "cmd of \(what)") }
                _ = hook.rest(&self, expected: ["_on", "cmd"])
                if let on, let event = ShellHook.Event(rawValue: on), let cmd {
                    shell.append(ShellHook(on: event, command: cmd, mark: hookMap.mark))
                }
            }
        }
        return Hooks(shell: shell, extensions: fields.rest(&self, expected: ["shell"]))
    }

    mutating func checksum(_ node: YAMLNode, _ owner: String) -> Checksum? {
        guard let map = mapping(node, "checksum of \(owner)") else { return nil }
        var fields = Fields(map, "checksum of \(owner)")
        let node = fields.take("sha256")
        let sha = node.flatMap { string($0, "checksum sha256 of \(owner)") }
        return Checksum(sha256: sha, extensions: fields.rest(&self, expected: ["sha256"]), mark: node?.mark ?? map.mark)
    }

    /// `pegasus: 5.x`: any 5.x is read; anything else is not this format.
    mutating func formatVersion(_ node: YAMLNode) -> String? {
        guard let version = string(node, "the format version 'pegasus'") else { return nil }
        if version == "5" || version.hasPrefix("5.") { return version }
        report.error(
            "unsupported-version", at: node.mark,
            "format version 'pegasus: \(version)' is not supported: Skein reads the Pegasus 5.x YAML format",
            hint: "write the workflow with the Pegasus 5 API, which writes `pegasus: 5.0.4`")
        return version
    }
}
