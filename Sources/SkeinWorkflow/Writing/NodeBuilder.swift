import SkeinYAML
/// Builds the mapping of one document in a fixed key order, skipping absent values.
struct NodeBuilder {
    private(set) var entries: [YAMLMapping.Entry] = []

    /// A string value: the emitter quotes it when YAML would read it as something else.
    mutating func string(_ key: String, _ value: String?) {
        guard let value else { return }
        add(key, .scalar(YAMLScalar(value, style: .singleQuoted)))
    }

    /// A number or boolean, written plain.
    mutating func plain(_ key: String, _ value: String?) {
        guard let value else { return }
        add(key, .scalar(YAMLScalar(value, style: .plain)))
    }

    mutating func bool(_ key: String, _ value: Bool?) {
        guard let value else { return }
        plain(key, value ? "true" : "false")
    }

    mutating func strings(_ key: String, _ values: [String], always: Bool = false) {
        guard always || !values.isEmpty else { return }
        add(key, .sequence(YAMLSequence(values.map { .scalar(YAMLScalar($0, style: .singleQuoted)) })))
    }

    mutating func list(_ key: String, _ items: [YAMLNode], always: Bool = false) {
        guard always || !items.isEmpty else { return }
        add(key, .sequence(YAMLSequence(items)))
    }

    mutating func node(_ key: String, _ value: YAMLNode?) {
        guard let value else { return }
        add(key, value)
    }

    mutating func attributes(_ key: String, _ values: [Attribute]) {
        guard !values.isEmpty else { return }
        add(key, .mapping(YAMLMapping(values.map { .init(key: YAMLScalar($0.key, style: .singleQuoted), value: .scalar(YAMLScalar($0.value, style: .singleQuoted))) })))
    }

    mutating func profiles(_ profiles: Profiles) {
        guard !profiles.isEmpty else { return }
        let namespaces = profiles.namespaces.filter { !$0.entries.isEmpty }.map { ns in
            YAMLMapping.Entry(
                key: YAMLScalar(ns.name, style: .singleQuoted),
                value: .mapping(YAMLMapping(ns.entries.map { .init(key: YAMLScalar($0.key, style: .singleQuoted), value: .scalar(YAMLScalar($0.value, style: .singleQuoted))) })))
        }
        add("profiles", .mapping(YAMLMapping(namespaces)))
    }

    mutating func hooks(_ hooks: Hooks) {
        guard !hooks.isEmpty else { return }
        var h = NodeBuilder()
        h.list("shell", hooks.shell.map { hook in
            var b = NodeBuilder()
            b.string("_on", hook.on.rawValue)
            b.string("cmd", hook.command)
            return b.mapping
        })
        h.extensions(hooks.extensions)
        add("hooks", h.mapping)
    }

    mutating func checksum(_ checksum: Checksum?) {
        guard let checksum else { return }
        var c = NodeBuilder()
        c.string("sha256", checksum.sha256)
        c.extensions(checksum.extensions)
        add("checksum", c.mapping)
    }

    mutating func extensions(_ extra: Extensions) {
        entries.append(contentsOf: extra)
    }

    private mutating func add(_ key: String, _ value: YAMLNode) {
        entries.append(YAMLMapping.Entry(key: YAMLScalar(key, style: .singleQuoted), value: value))
    }

    var mapping: YAMLNode { .mapping(YAMLMapping(entries)) }
}
