import Glibc

/// The stat(2) fields a record shows for a file (executable, stdio, outputs), with owner names.
/// Times are whole epoch seconds: Pegasus prints file times without fractions.
public struct FileStat: Sendable, Equatable {
    public var mode: UInt32
    public var size: Int64
    public var inode: UInt64
    public var nlink: UInt64
    public var blksize: Int64
    public var blocks: Int64
    public var mtime: Int
    public var atime: Int
    public var ctime: Int
    public var uid: UInt32
    public var user: String?
    public var gid: UInt32
    public var group: String?

    public init(mode: UInt32, size: Int64, inode: UInt64, nlink: UInt64, blksize: Int64, blocks: Int64,
                mtime: Int, atime: Int, ctime: Int, uid: UInt32, user: String?, gid: UInt32, group: String?) {
        self.mode = mode
        self.size = size
        self.inode = inode
        self.nlink = nlink
        self.blksize = blksize
        self.blocks = blocks
        self.mtime = mtime
        self.atime = atime
        self.ctime = ctime
        self.uid = uid
        self.user = user
        self.gid = gid
        self.group = group
    }

    public init(_ info: stat) {
        self.init(mode: UInt32(info.st_mode), size: Int64(info.st_size), inode: UInt64(info.st_ino),
                  nlink: UInt64(info.st_nlink), blksize: Int64(info.st_blksize), blocks: Int64(info.st_blocks),
                  mtime: Int(info.st_mtim.tv_sec), atime: Int(info.st_atim.tv_sec), ctime: Int(info.st_ctim.tv_sec),
                  uid: UInt32(info.st_uid), user: Accounts.userName(info.st_uid),
                  gid: UInt32(info.st_gid), group: Accounts.groupName(info.st_gid))
    }

    /// stat(2) of `path` (following symlinks, as kickstart does).
    public static func of(_ path: String) throws(SystemError) -> FileStat {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SystemError(errno) }
        return FileStat(info)
    }

    /// fstat(2) of an open descriptor.
    public static func of(descriptor: Int32) throws(SystemError) -> FileStat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemError(errno) }
        return FileStat(info)
    }

    /// Whether this is a regular file (S_IFREG).
    public var isRegularFile: Bool { mode & 0o170000 == 0o100000 }

    /// The stat lines of a files entry or executable, at `indent` spaces.
    func yamlLines(indent pad: Int, into out: inout YAMLOut) {
        out.key(pad, "mode")
        out.raw("0o")
        out.text(Format.octal(mode))
        out.newline()
        out.line(pad, "size", int: size)
        out.line(pad, "inode", int: inode)
        out.line(pad, "nlink", int: nlink)
        out.line(pad, "blksize", int: blksize)
        out.line(pad, "blocks", int: blocks)
        out.key(pad, "mtime")
        Clock.appendISO(seconds: mtime, millis: nil, to: &out.bytes)
        out.newline()
        out.key(pad, "atime")
        Clock.appendISO(seconds: atime, millis: nil, to: &out.bytes)
        out.newline()
        out.key(pad, "ctime")
        Clock.appendISO(seconds: ctime, millis: nil, to: &out.bytes)
        out.newline()
        out.line(pad, "uid", int: uid)
        if let user {
            out.key(pad, "user")
            out.plain(user)
            out.newline()
        }
        out.line(pad, "gid", int: gid)
        if let group {
            out.key(pad, "group")
            out.plain(group)
            out.newline()
        }
    }
}

/// An errno value from a failed system call, with its strerror text.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }
    public var description: String { errorText(code) }
}
