import SkeinKickstart
import XCTest

/// The task list of a clustered job (engine writes, skein-kickstart --cluster reads).
final class TaskListTests: XCTestCase {
    func testTaskListsKeepEveryArgumentByteForByte() {
        let entries = [
            TaskList.Entry(number: 1, transformation: "ns::t:1.0", id: "ID1", arguments: ["-N", "ID1", "--", "/bin/sh", "-c", "echo \"a b\" \\ 'c'\nnext"]),
            TaskList.Entry(number: 3, transformation: "t", id: "ID 3", arguments: ["/bin/echo", "", "tab\there"]),
        ]
        let parsed = TaskList.parse(TaskList.text(entries))
        XCTAssertEqual(parsed.map(\.arguments), entries.map(\.arguments))
        XCTAssertEqual(parsed.map(\.number), [1, 3])
        XCTAssertEqual(parsed.map(\.id), ["ID1", "ID 3"])
        XCTAssertEqual(parsed.map(\.line), [2, 4])
    }
}
