#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SQLite journal modes Skein uses.
public enum JournalMode: String, Sendable, Equatable {
    /// Write-ahead log: readers never block the writer. Needs shared memory that only works
    /// when every process sees the file through the same kernel, i.e. a local filesystem.
    case wal = "WAL"
    /// The classic rollback journal: slower, but correct on network filesystems.
    case delete = "DELETE"
}

/// Chooses the journal mode for a database file. SQLite's WAL mode is unsafe on network
/// filesystems (NFS, Lustre, GPFS, ...), where login-node home directories and project space
/// often live, so WAL is used only where the database's folder is known to be local.
public enum JournalPolicy: Sendable, Equatable {
    /// WAL on local filesystems, rollback elsewhere (and when the filesystem cannot be read).
    case automatic
    /// Always WAL (the user knows better).
    case wal
    /// Always the rollback journal.
    case rollback

    /// `statfs` f_type magic numbers of filesystems treated as network-shared.
    public static let networkFilesystemTypes: [UInt32: String] = [
        0x6969: "nfs",
        0x0BD0_0BD0: "lustre",
        0x4750_4653: "gpfs",
        0xFF53_4D42: "cifs",
        0xFE53_4D42: "smb2",
        0x00C3_6400: "cephfs",
        0x1983_0326: "beegfs",
        0x6573_5546: "fuse",
        0x517B: "smb",
        0x5346_414F: "afs",
    ]

    /// Pure decision from a Linux `statfs` f_type to a journal mode. The value is taken modulo
    /// 2^32 because f_type is a signed long and some magics (CIFS 0xFF534D42) come back negative.
    public static func mode(forFilesystemType fType: Int64) -> JournalMode {
        let magic = UInt32(truncatingIfNeeded: fType)
        return networkFilesystemTypes[magic] == nil ? .wal : .delete
    }

    /// Pure decision from a BSD/macOS filesystem type name (`f_fstypename`).
    public static func mode(forFilesystemName name: String) -> JournalMode {
        let network: Set<String> = ["nfs", "smbfs", "afpfs", "webdav", "cifs", "macfuse", "osxfuse", "fuse", "lustre"]
        return network.contains(name.lowercased()) ? .delete : .wal
    }

    /// The f_type of the filesystem holding `directory`, or nil if `statfs` fails.
    public static func filesystemType(ofDirectory directory: String) -> Int64? {
        #if canImport(Darwin)
        var info = statfs()
        guard statfs(directory, &info) == 0 else { return nil }
        return Int64(info.f_type)
        #else
        // Swift's Glibc module does not export <sys/vfs.h>, so statfs is looked up with dlsym.
        // `struct statfs` starts with `__fsword_t f_type` (a C long) on every Linux ABI.
        typealias StatfsFunction = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32
        guard let libc = dlopen(nil, RTLD_NOW), let symbol = dlsym(libc, "statfs") else { return nil }
        let statfsCall = unsafeBitCast(symbol, to: StatfsFunction.self)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)  // > sizeof(struct statfs)
        defer { buffer.deallocate() }
        guard statfsCall(directory, buffer) == 0 else { return nil }
        return Int64(buffer.load(as: Int.self))
        #endif
    }

    /// The mode for a database file at `databasePath`, looking at the folder that holds it
    /// (the file itself may not exist yet).
    public func resolve(forDatabaseAt databasePath: String) -> JournalMode {
        switch self {
        case .wal: return .wal
        case .rollback: return .delete
        case .automatic:
            let dir = Self.directory(of: databasePath)
            #if canImport(Darwin)
            var info = statfs()
            guard statfs(dir, &info) == 0 else { return .delete }
            let name = withUnsafeBytes(of: info.f_fstypename) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            return Self.mode(forFilesystemName: name)
            #else
            guard let fType = Self.filesystemType(ofDirectory: dir) else { return .delete }
            return Self.mode(forFilesystemType: fType)
            #endif
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
