import Glibc

/// User and group names for ids, as the record prints them next to every uid/gid. Uses the
/// re-entrant lookups so the engine may call it from any thread; nil when the id has no name.
/// Answers are cached: each NSS lookup re-reads nsswitch.conf and /etc/passwd (or asks a
/// directory service), and a record names the same few ids many times.
public enum Accounts {
    public static func userName(_ uid: uid_t) -> String? {
        users.value(for: uid, lookUpUser)
    }

    public static func groupName(_ gid: gid_t) -> String? {
        groups.value(for: gid, lookUpGroup)
    }

    private static let users = NameCache()
    private static let groups = NameCache()

    private static func lookUpUser(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        return withBuffer { buffer, size in
            getpwuid_r(uid, &entry, buffer, size, &result) == 0 && result != nil
                ? String(cString: entry.pw_name) : nil
        }
    }

    private static func lookUpGroup(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        return withBuffer { buffer, size in
            getgrgid_r(gid, &entry, buffer, size, &result) == 0 && result != nil
                ? String(cString: entry.gr_name) : nil
        }
    }

    private static func withBuffer(_ body: (UnsafeMutablePointer<CChar>, Int) -> String?) -> String? {
        // 16 KiB covers ordinary entries; big LDAP groups may need more, which we then skip.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 16384) { buffer in
            body(buffer.baseAddress!, buffer.count)
        }
    }
}

/// id -> name (or no name), guarded by a pthread mutex (this module imports Glibc only).
private final class NameCache: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    private var names: [UInt32: String?] = [:]

    func value(for id: UInt32, _ lookUp: (UInt32) -> String?) -> String? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let known = names[id] { return known }
        let name = lookUp(id)
        names[id] = name
        return name
    }
}
