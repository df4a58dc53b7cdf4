import Foundation

/// Random numbers a failed run can repeat: the seed comes from `SKEIN_TEST_SEED` when set,
/// else from the system, and is printed, so a failure at a random moment can be replayed.
/// SplitMix64: small, fast and good enough to pick kill times and sizes.
public struct SeededRandom: RandomNumberGenerator {
    public let seed: UInt64
    private var state: UInt64

    public init(_ purpose: String) {
        let given = ProcessInfo.processInfo.environment["SKEIN_TEST_SEED"].flatMap { UInt64($0) }
        seed = given ?? UInt64.random(in: 0...UInt64.max)
        state = seed
        print("\(purpose): random seed \(seed) (repeat with SKEIN_TEST_SEED=\(seed))")
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
