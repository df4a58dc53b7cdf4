import Foundation

/// Folders a run makes for itself (the run folder, its scratch) in places other users may
/// write, as `/scratch` and `/tmp` are on clusters. Each existing component of the path must
/// be one another user cannot swap: owned by this user or root, and not writable by others
/// unless sticky (a group-writable one only when the group is the user's own private group).
/// The folders made are 0700 whatever the umask, and the last one must be new, so a folder
/// another user prepared (with symbolic links to her victims inside) is refused, not reused.
public enum PrivateDirectory {
    /// Checks every existing component of `path`, makes the missing parents 0700, then makes
    /// `path` itself fresh (`exclusive`) or accepts it when it is this user's and private.
    /// Returns false when `exclusive` and `path` already exists (the caller picks another).
    @discardableResult
    public static func create(_ path: String, exclusive: Bool) throws -> Bool {
        let absolute = lexicalAbsolute(path)
        let components = (absolute as NSString).pathComponents
        var current = "/"
        for (n, component) in components.enumerated() where n > 0 {
            current = (current as NSString).appendingPathComponent(component)
            let last = n == components.count - 1
            if last && exclusive {
                if mkdir(current, 0o700) != 0 {
                    if errno == EEXIST { return false }
                    throw RunFormatError("cannot create \(current): \(String(cString: strerror(errno)))")
                }
                chmod(current, 0o700)
                return true
            }
            var info = stat()
            if lstat(current, &info) != 0 {
                guard errno == ENOENT else { throw RunFormatError("cannot read \(current): \(String(cString: strerror(errno)))") }
                if mkdir(current, 0o700) != 0 && errno != EEXIST {
                    throw RunFormatError("cannot create \(current): \(String(cString: strerror(errno)))")
                }
                guard lstat(current, &info) == 0 else { throw RunFormatError("cannot read \(current): \(String(cString: strerror(errno)))") }
            }
            try checkTrusted(current, info)
            if (info.st_mode & S_IFMT) == S_IFLNK {
                // A link owned by this user or root: what it points to must pass as well.
                guard stat(current, &info) == 0 else { throw RunFormatError("cannot read \(current): \(String(cString: strerror(errno)))") }
                try checkTrusted(current, info)
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw RunFormatError("\(current) is not a folder") }
        }
        return true
    }

    /// Refuses a run folder before an engine runs its plan as this user: the folder, its
    /// plan and every folder above must be ones no other user could have swapped.
    public static func checkTrusted(runDirectory: String) throws {
        let absolute = lexicalAbsolute(runDirectory)
        var current = "/"
        for (n, component) in (absolute as NSString).pathComponents.enumerated() where n > 0 {
            current = (current as NSString).appendingPathComponent(component)
            var info = stat()
            guard stat(current, &info) == 0 else { throw RunFormatError("cannot read \(current): \(String(cString: strerror(errno)))") }
            try checkTrusted(current, info)
        }
        var plan = stat()
        let planFile = RunLayout(runDirectory: absolute).plan
        if lstat(planFile, &plan) == 0 {
            guard (plan.st_mode & S_IFMT) == S_IFREG else { throw RunFormatError("refusing \(planFile): it is not a regular file") }
            try checkTrusted(planFile, plan)
            if plan.st_mode & S_IWOTH != 0 || (plan.st_mode & S_IWGRP != 0 && !isPrivateGroup(plan.st_gid, of: geteuid())) {
                throw RunFormatError("refusing \(planFile): other users may write to it; make it private (chmod go-w) if its commands are yours")
            }
        }
    }

    /// Refuses a component another user owns, or one others may write without the sticky bit.
    static func checkTrusted(_ path: String, _ info: stat) throws {
        let me = geteuid()
        if info.st_uid != me && info.st_uid != 0 {
            throw RunFormatError(
                "refusing \(path): it belongs to \(userName(info.st_uid)), who could replace what Skein puts there; choose a folder of your own (--dir, or the site's scratch)")
        }
        let sticky = info.st_mode & S_ISVTX != 0
        let otherWritable = info.st_mode & S_IWOTH != 0
        let groupWritable = info.st_mode & S_IWGRP != 0 && !isPrivateGroup(info.st_gid, of: me)
        if (otherWritable || groupWritable) && !sticky && (info.st_mode & S_IFMT) != S_IFLNK {
            throw RunFormatError(
                "refusing \(path): other users may write to it and it has no sticky bit, so they could swap what Skein puts there; make it private (chmod go-w) or choose another folder")
        }
    }

    /// `path` made absolute, with `.`, `..` and repeated `/` resolved by name only.
    /// Foundation's `standardizingPath` also resolves symbolic links, which would hide a
    /// link another user planted in the path from the checks of each component above.
    public static func lexicalAbsolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `gid` is the user private group of `uid` (same name, no other members).
    static func isPrivateGroup(_ gid: gid_t, of uid: uid_t) -> Bool {
        guard let group = getgrgid(gid), let user = getpwuid(uid) else { return false }
        guard String(cString: group.pointee.gr_name) == String(cString: user.pointee.pw_name) else { return false }
        return group.pointee.gr_mem?.pointee == nil
    }

    static func userName(_ uid: uid_t) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "user \(uid)"
    }
}
