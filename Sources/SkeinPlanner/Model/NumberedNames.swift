/// Names numbered in the order first met, found through a `NameTable`. The sandbox pass
/// numbers the file names of its jobs and the cleanup pass goes on from those numbers, so
/// a name the sandboxes hold is hashed once in planning, not once per pass.
struct NumberedNames {
    private var table = NameTable()
    /// The names by number.
    private(set) var names: [String] = []

    /// Room for about `count` names without growing (only before the first name).
    mutating func reserve(_ count: Int) {
        guard names.isEmpty else { return }
        table.reserve(count)
        names.reserveCapacity(count)
    }

    func find(_ name: String) -> Int? { table.find(name, in: names) }

    /// `name`'s number, a new one the first time.
    mutating func number(_ name: String) -> Int {
        if let known = table.find(name, in: names) { return known }
        let n = names.count
        table.insert(name, as: n, names: names)
        names.append(name)
        return n
    }

    /// Names are not looked up any more: the table goes, the names stay.
    mutating func forgetTable() { table = NameTable() }
}

/// What the sandbox pass numbered: the names, and for each sandboxed job (from its
/// `sandboxNamesStart`) the numbers of its sandbox's outputs, then its inputs.
struct SandboxNames {
    var names = NumberedNames()
    var numbers: [Int32] = []
}
