/// The record as text, line for line in pegasus-kickstart's `convert2YAML` layout: a one-item
/// YAML list starting `- invocation: True`, two-space indentation, the header strings quoted,
/// paths and names plain unless that would change their meaning (then double-quoted).
extension InvocationRecord {
    public func yaml() -> String {
        var out = "- invocation: True\n  version: " + version + "\n"
        out += "  start: " + Clock.isoMillis(start) + "\n"
        out += "  duration: " + Format.fixed(duration, 3) + "\n"
        let quotedHeader: [(String, String?)] = [
            ("transformation", transformation), ("derivation", derivation), ("resource", resource),
            ("wf-label", wfLabel), ("wf-stamp", wfStamp),
        ]
        for (key, value) in quotedHeader {
            if let value, !value.isEmpty { out += "  " + key + ": " + YAMLText.quoted(value) + "\n" }
        }
        if let hostaddr {
            if let interface { out += "  interface: " + YAMLText.plain(interface) + "\n" }
            out += "  hostaddr: " + YAMLText.plain(hostaddr) + "\n"
            if let hostname { out += "  hostname: " + YAMLText.plain(hostname) + "\n" }
        }
        if pid != 0 { out += "  pid: " + String(pid) + "\n" }
        out += "  uid: " + String(uid) + "\n"
        if let user { out += "  user: " + YAMLText.plain(user) + "\n" }
        out += "  gid: " + String(gid) + "\n"
        if let group { out += "  group: " + YAMLText.plain(group) + "\n" }
        let mask = Format.octal(umask)
        out += "  umask: 0o0" + String(repeating: "0", count: max(0, 3 - mask.count)) + mask + "\n"
        if let mainjob { out += mainjob.yaml(tag: "mainjob", indent: 2) }
        out += "  jobids:\n"
        for id in jobIDs { out += "    " + YAMLText.plain(id.name) + ": " + YAMLText.plain(id.value) + "\n" }
        out += "  cwd: " + (cwd.map { YAMLText.plain($0) } ?? "") + "\n"
        out += "  usage:\n" + usage.yamlLines(indent: 4)
        if let machine { out += "  machine:\n" + machine.yamlLines(indent: 4) }
        out += "  files:\n"
        for file in files { out += file.yaml(indent: 4) }
        if let environment {
            out += "  environment:\n"
            for variable in environment {
                out += "    " + YAMLText.quoted(variable.name) + ": " + YAMLText.quoted(variable.value) + "\n"
            }
        }
        if let limits {
            out += "  limits:\n"
            for limit in limits { out += limit.yamlLines(indent: 4) }
        }
        return out
    }
}
