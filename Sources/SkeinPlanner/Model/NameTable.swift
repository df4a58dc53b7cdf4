/// The numbers of names kept elsewhere (`names[n]`), in an open-addressed table of `Int32`
/// slots. At a million jobs a `[String: Int32]` kept a copy of every key (84 MB more at the
/// cleanup pass's peak) and SipHash per lookup was a fifth of writing the plan's parents.
/// Linear probing, at most half full.
struct NameTable {
    private var slots: [Int32] = []
    private var count = 0

    /// Room for about `names` names without growing (each growth places every name again).
    mutating func reserve(_ names: Int) {
        guard count == 0 else { return }
        var size = 1024
        while size < 2 * names { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
    }

    /// The number of `name`, if it has one.
    func find(_ name: String, in names: [String]) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var at = Self.hash(name) & mask
        while slots[at] >= 0 {
            if names[Int(slots[at])] == name { return Int(slots[at]) }
            at = (at + 1) & mask
        }
        return nil
    }

    /// Gives `name` the number `n` (`names[n]` may come later, but every number already in the
    /// table is in `names`); returns the number it had, which `n` replaces.
    @discardableResult
    mutating func insert(_ name: String, as n: Int, names: [String]) -> Int? {
        precondition(n < Int(Int32.max), "more names than the table holds")
        if (count + 1) * 2 > slots.count { grow(names) }
        let mask = slots.count - 1
        var at = Self.hash(name) & mask
        while slots[at] >= 0 {
            if names[Int(slots[at])] == name {
                defer { slots[at] = Int32(n) }
                return Int(slots[at])
            }
            at = (at + 1) & mask
        }
        slots[at] = Int32(n)
        count += 1
        return nil
    }

    private mutating func grow(_ names: [String]) {
        let old = slots
        slots = [Int32](repeating: -1, count: max(1024, old.count * 2))
        let mask = slots.count - 1
        for n in old where n >= 0 {
            var at = Self.hash(names[Int(n)]) & mask
            while slots[at] >= 0 { at = (at + 1) & mask }
            slots[at] = n
        }
    }

    /// FNV-1a of the UTF-8 bytes, then MurmurHash3's finalizer: a product moves bits only
    /// upwards, and the table uses the low ones (names that differ in a digit or two).
    static func hash(_ name: String) -> Int {
        var text = name
        return text.withUTF8 { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h ^= h >> 33
            h &*= 0xff51_afd7_ed55_8ccd
            h ^= h >> 33
            return Int(truncatingIfNeeded: h)
        }
    }
}
