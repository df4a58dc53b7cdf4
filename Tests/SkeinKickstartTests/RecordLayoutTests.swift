import Foundation
import XCTest
@testable import SkeinKickstart

/// `InvocationRecord.yaml()` against real pegasus-kickstart output: the values of
/// ks_success_real.yml put into a record must print as that file, byte for byte; parts of the
/// other real records (not-found job, limits, environment) likewise.
final class RecordLayoutTests: XCTestCase {
    func testSuccessRecordIsByteForByteThePegasusOne() throws {
        try withTimeZone("UTC") {
            let fixture = try KickstartBinary.fixture("ks_success_real.yml")
            XCTAssertEqual(Self.successRecord().yaml(), fixture)
            // Line by line too, so a mismatch says where.
            let ours = Self.successRecord().yaml().split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in fixture.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index < ours.count {
                XCTAssertEqual(String(ours[index]), String(line), "line \(index + 1)")
            }
        }
    }

    func testNotFoundMainjobIsThePegasusOne() throws {
        try withTimeZone("UTC") {
            let job = JobRecord(start: 0, duration: 0, pid: nil, usage: ResourceUsage(), status: .failure(errno: 2),
                                executable: FileEntry.file(key: "executable", path: "/nonexistent/binary"), arguments: [])
            let expected = try fixtureLines("ks_notfound_real.yml", from: "  mainjob:", to: "  jobids:").joined()
            XCTAssertEqual(job.yaml(tag: "mainjob", indent: 2), expected)
        }
    }

    func testLimitsAndEnvironmentLines() throws {
        let limits = [
            ResourceLimit(name: "RLIMIT_CPU", soft: nil, hard: nil),
            ResourceLimit(name: "RLIMIT_STACK", soft: 8_388_608, hard: nil),
        ]
        var record = Self.successRecord()
        record.limits = limits
        record.environment = [NamedValue("TOX_OVERRIDE", "testenv.passenv+=#,OPENBLAS_*;env_run_base.passenv+=OPENBLAS_*;tool.tox.env_run_base.passenv+=OPENBLAS_*")]
        let text = record.yaml()
        let failed = try KickstartBinary.fixture("ks_failed_real.yml")
        for line in ["  environment:", "    \"TOX_OVERRIDE\": \"testenv.passenv+=#,OPENBLAS_*;env_run_base.passenv+=OPENBLAS_*;tool.tox.env_run_base.passenv+=OPENBLAS_*\"",
                     "  limits:", "    RLIMIT_CPU_soft: unlimited", "    RLIMIT_CPU_hard: unlimited",
                     "    RLIMIT_STACK_soft: 8388608", "    RLIMIT_STACK_hard: unlimited"] {
            XCTAssertTrue(text.contains("\n" + line + "\n"), line)
            XCTAssertTrue(failed.contains("\n" + line + "\n"), "fixture has \(line)")
        }
        XCTAssertTrue(text.hasSuffix("    RLIMIT_STACK_hard: unlimited\n"))
        XCTAssertEqual(ResourceLimit.current().map(\.name), ResourceLimit.names)
    }

    // MARK: - ks_success_real.yml as a value

    static func time(_ iso: String) -> Double {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = iso.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.date(from: iso)!.timeIntervalSince1970
    }

    static func stat(_ mode: UInt32, size: Int64, inode: UInt64, blocks: Int64, _ m: String, _ a: String, _ c: String) -> FileStat {
        FileStat(mode: mode, size: size, inode: inode, nlink: 1, blksize: 4096, blocks: blocks,
                 mtime: Int(time(m)), atime: Int(time(a)), ctime: Int(time(c)), uid: 0, user: "root", gid: 0, group: "root")
    }

    static func successRecord() -> InvocationRecord {
        let now = "2026-11-21T08:06:43+00:00"
        let dash = FileEntry(key: "executable", source: .file("/usr/bin/dash"),
                             stat: stat(0o100755, size: 125_640, inode: 253_957, blocks: 248,
                                        "2023-01-05T13:20:48+00:00", "2026-11-21T08:00:18+00:00", "2023-01-05T13:20:48+00:00"))
        let job = JobRecord(
            start: time("2026-11-21T08:06:43.028+00:00"), duration: 0.004, pid: 12307,
            usage: ResourceUsage(utime: 0.002, stime: 0.001, maxrss: 1576, minflt: 161, outblock: 16, nvcsw: 3, nivcsw: 1),
            status: ExitStatus(waitStatus: 0), executable: dash, arguments: ["-c", "cat f.a > f.b; echo done-preprocess"])
        let machine = Machine(
            pageSize: 4096, system: "linux", nodename: "vm", release: "6.18.44-fc-v657", machine: "x86_64",
            ramTotal: 24_684_092, ramFree: 21_575_208, ramShared: 8856, ramBuffer: 43680, swapTotal: 0, swapFree: 0,
            cpuCount: 2, cpuSpeed: 2596, cpuVendor: "AuthenticAMD", cpuModel: "AMD EPYC", load1: 2.69, load5: 1.35, load15: 0.55,
            processes: ProcessTable(processes: .init(total: 85, states: [4, 44, 0, 0, 0, 37], vmsize: 2_309_432, rss: 535_256),
                                    tasks: .init(total: 109, states: [4, 68, 0, 0, 0, 37])))
        let files = [
            FileEntry(key: "f.b", source: .file("/home/scientist/run0001/f.b"), lfn: "f.b",
                      stat: stat(0o100644, size: 6, inode: 16_353_531, blocks: 8, now, now, now), output: true,
                      sha256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", checksumTiming: 0.0004),
            FileEntry(key: "stdin", source: .file("/dev/null"),
                      stat: stat(0o20666, size: 0, inode: 3, blocks: 0, "2026-11-20T09:13:41+00:00",
                                 "2026-11-20T09:13:41+00:00", "2026-11-20T09:13:41+00:00")),
            FileEntry(key: "stdout", source: .temporary("/tmp/ks.out.1BDQBH", descriptor: 3),
                      stat: stat(0o100600, size: 16, inode: 16_223_266, blocks: 8, now, now, now),
                      data: CapturedText(text: "done-preprocess\n")),
            FileEntry(key: "stderr", source: .temporary("/tmp/ks.err.8M00IQ", descriptor: 4),
                      stat: stat(0o100600, size: 0, inode: 16_223_282, blocks: 0, now, now, now), data: CapturedText(text: "")),
            FileEntry(key: "metadata", source: .temporary("/tmp/ks.meta.ymCxko", descriptor: 5),
                      stat: stat(0o100600, size: 0, inode: 16_223_301, blocks: 0, now, now, now)),
        ]
        return InvocationRecord(
            start: time("2026-11-21T08:06:43.023+00:00"), duration: 0.008, transformation: "diamond::preprocess:4.0",
            derivation: "ID0000001", resource: "local", wfLabel: "diamond", wfStamp: "2023-11-14T22:13:20+00:00",
            interface: "eth0", hostaddr: "192.0.2.2", hostname: nil, pid: 12306, uid: 0, user: "root", gid: 0, group: "root",
            umask: 0o022, mainjob: job, jobIDs: [], cwd: "/home/scientist/run0001",
            usage: ResourceUsage(utime: 0, stime: 0.006, maxrss: 2456, minflt: 161, outblock: 32, nvcsw: 1, nivcsw: 1),
            machine: machine, files: files)
    }
}
