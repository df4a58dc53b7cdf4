import SkeinWorkflow

/// Transformations by name, for placing 100,000 jobs without scanning the catalog each time.
struct TransformationIndex {
    private var byName: [String: [Transformation]] = [:]

    init(_ transformations: [Transformation]) {
        for t in transformations { byName[t.name, default: []].append(t) }
    }

    func candidates(_ reference: TransformationReference) -> [Transformation] {
        (byName[reference.name] ?? []).filter { reference.matches($0) }
    }
}
