import SkeinYAML
/// Profiles by namespace (`env`, `condor`, `globus`, `dagman`, `pegasus`, `hints`,
/// `selector`, or any other a newer Pegasus adds), in the order they were written.
public struct Profiles: Sendable, Equatable {
    public struct Namespace: Sendable, Equatable {
        public var name: String
        public var entries: [Attribute]
        public var mark: SourceMark

        public init(_ name: String, _ entries: [Attribute], mark: SourceMark = .none) {
            self.name = name
            self.entries = entries
            self.mark = mark
        }
    }

    /// The namespaces the Pegasus 5.0 schema knows.
    public static let knownNamespaces: [String] = ["env", "condor", "globus", "dagman", "pegasus", "hints", "selector"]

    public var namespaces: [Namespace]

    public init(_ namespaces: [Namespace] = []) { self.namespaces = namespaces }

    public var isEmpty: Bool { namespaces.allSatisfy { $0.entries.isEmpty } }

    /// The value of `namespace.key`. DAGMan keys are matched without regard to case, as
    /// DAGMan itself does (`retry` and `RETRY` are one key).
    public func value(_ namespace: String, _ key: String) -> String? {
        attribute(namespace, key)?.value
    }

    public func attribute(_ namespace: String, _ key: String) -> Attribute? {
        guard let ns = namespaces.first(where: { $0.name == namespace }) else { return nil }
        if let exact = ns.entries.last(where: { $0.key == key }) { return exact }
        if namespace == "dagman" {
            return ns.entries.last { Self.sameIgnoringCase($0.key, key) }
        }
        return nil
    }

    /// `a.uppercased() == b.uppercased()`, without making two strings for ASCII keys (the
    /// validator asks every job of a large workflow for several DAGMan keys).
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.allSatisfy({ $0 < 0x80 }), b.utf8.allSatisfy({ $0 < 0x80 }) else { return a.uppercased() == b.uppercased() }
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
        }
    }

    public mutating func set(_ namespace: String, _ key: String, _ value: String) {
        if let n = namespaces.firstIndex(where: { $0.name == namespace }) {
            if let e = namespaces[n].entries.firstIndex(where: { $0.key == key }) {
                namespaces[n].entries[e].value = value
            } else {
                namespaces[n].entries.append(Attribute(key, value))
            }
        } else {
            namespaces.append(Namespace(namespace, [Attribute(key, value)]))
        }
    }
}
