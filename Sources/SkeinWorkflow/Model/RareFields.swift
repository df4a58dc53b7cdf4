/// A set of fields a model value seldom has, for `RareFields` to keep out of line.
protocol RareFieldSet: Sendable {
    /// Every field unset: what a value without a box reads.
    init()
}

/// The fields a model value rarely sets, kept in one shared box made only when one is set and
/// copied before a change while shared (copy on write).
///
/// Why: a million-job workflow holds millions of `Job`s and `FileUse`s, nearly all without
/// these fields; out of line, each value pays one pointer for them instead of their size.
struct RareFields<Fields: RareFieldSet>: @unchecked Sendable {
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box?

    /// No field is set. Readers test it before a key path (made and applied per call, a
    /// visible cost at millions of jobs and uses) when most values have no box.
    var isEmpty: Bool { box == nil }

    subscript<Value>(_ field: KeyPath<Fields, Value>) -> Value {
        box.map { $0.fields[keyPath: field] } ?? Fields()[keyPath: field]
    }

    /// Sets one field; an empty value where there is no box makes none.
    mutating func set<Value>(_ field: WritableKeyPath<Fields, Value>, _ value: Value, isEmpty: Bool) {
        if box == nil {
            if isEmpty { return }
            box = Box(Fields())
        } else if !isKnownUniquelyReferenced(&box) {
            box = Box(box!.fields)
        }
        box!.fields[keyPath: field] = value
    }
}
