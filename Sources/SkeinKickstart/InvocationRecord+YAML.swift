/// The record as text, line for line in pegasus-kickstart's `convert2YAML` layout: a one-item
/// YAML list starting `- invocation: True`, two-space indentation, the header strings quoted,
/// paths and names plain unless that would change their meaning (then double-quoted).
extension InvocationRecord {
    public func yaml() -> String {
        String(decoding: yamlBytes(), as: UTF8.self)
    }

    /// The record's bytes, written into one buffer (`YAMLOut`): what the engine writes to
    /// the record file for every local attempt, without making a String of it first.
    public func yamlBytes() -> [UInt8] {
        var out = YAMLOut(capacity: 4096)
        out.raw("- invocation: True\n  version: ")
        out.text(version)
        out.newline()
        out.key(2, "start")
        Clock.appendISOMillis(start, to: &out.bytes)
        out.newline()
        out.key(2, "duration")
        out.fixed(duration, 3)
        out.newline()
        for (key, value) in [("transformation" as StaticString, transformation), ("derivation", derivation), ("resource", resource),
                             ("wf-label", wfLabel), ("wf-stamp", wfStamp)] {
            guard let value, !value.isEmpty else { continue }
            out.key(2, key)
            out.quoted(value)
            out.newline()
        }
        if let hostaddr {
            if let interface { plainLine("interface", interface, into: &out) }
            plainLine("hostaddr", hostaddr, into: &out)
            if let hostname { plainLine("hostname", hostname, into: &out) }
        }
        if pid != 0 { out.line(2, "pid", int: pid) }
        out.line(2, "uid", int: uid)
        if let user { plainLine("user", user, into: &out) }
        out.line(2, "gid", int: gid)
        if let group { plainLine("group", group, into: &out) }
        let mask = Format.octal(umask)
        out.key(2, "umask")
        out.raw("0o0")
        for _ in 0..<max(0, 3 - mask.count) { out.raw("0") }
        out.text(mask)
        out.newline()
        mainjob?.yaml(tag: "mainjob", indent: 2, into: &out)
        out.raw("  jobids:\n")
        for id in jobIDs {
            out.spaces(4)
            out.plain(id.name)
            out.raw(": ")
            out.plain(id.value)
            out.newline()
        }
        out.key(2, "cwd")
        if let cwd { out.plain(cwd) }
        out.newline()
        out.raw("  usage:\n")
        usage.yamlLines(indent: 4, into: &out)
        if let machine {
            out.raw("  machine:\n")
            machine.yamlLines(indent: 4, into: &out)
        }
        out.raw("  files:\n")
        for file in files { file.yaml(indent: 4, into: &out) }
        if let environment {
            out.raw("  environment:\n")
            for variable in environment {
                out.spaces(4)
                out.quoted(variable.name)
                out.raw(": ")
                out.quoted(variable.value)
                out.newline()
            }
        }
        if let limits {
            out.raw("  limits:\n")
            for limit in limits { limit.yamlLines(indent: 4, into: &out) }
        }
        return out.bytes
    }

    private func plainLine(_ key: StaticString, _ value: String, into out: inout YAMLOut) {
        out.key(2, key)
        out.plain(value)
        out.newline()
    }
}
