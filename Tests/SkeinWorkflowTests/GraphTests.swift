import SkeinWorkflow
import XCTest

final class GraphTests: XCTestCase {
    func workflow(_ edges: [(String, String)], jobs: [String]) -> Workflow {
        var wf = Workflow(name: "g", jobs: jobs.map { Job(id: $0, name: "t") })
        wf.dependencies = Dictionary(grouping: edges, by: \.0).map { JobDependency(parent: JobReference($0.key), children: $0.value.map { JobReference($0.1) }) }
        return wf
    }

    func testTopologicalOrderKeepsWorkflowOrderForTies() throws {
        let g = WorkflowGraph(workflow([("a", "c"), ("b", "c"), ("c", "d")], jobs: ["d", "c", "b", "a"]))
        let order = try XCTUnwrap(g.topologicalOrder()).map { g.ids[$0] }
        XCTAssertEqual(order, ["b", "a", "c", "d"])
        XCTAssertEqual(g.levels()?.map { $0 }, [2, 1, 0, 0])
    }

    func testCyclesAreFoundAndPrintedInOrder() {
        let g = WorkflowGraph(workflow([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("x", "y"), ("y", "x")], jobs: ["a", "b", "c", "d", "x", "y"]))
        XCTAssertNil(g.topologicalOrder())
        XCTAssertEqual(g.cycles().map { $0.map { g.ids[$0] } }, [["a", "b", "c", "a"], ["x", "y", "x"]])
    }

    func testLongChainDoesNotOverflowTheStack() {
        let n = 200_000
        let ids = (0..<n).map { "j\($0)" }
        let g = WorkflowGraph(workflow((1..<n).map { (ids[$0 - 1], ids[$0]) }, jobs: ids))
        XCTAssertEqual(g.cycles().count, 0)
        XCTAssertEqual(g.levels()?.last, n - 1)
    }

    func testTextTreeShowsSharedChildrenOnce() throws {
        var wf = workflow([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], jobs: ["a", "b", "c", "d"])
        wf.name = "diamond"
        let text = GraphRenderer.text(wf, WorkflowGraph(wf), glyphs: .ascii)
        XCTAssertEqual(text, """
            a  t
            |-- b  t
            |   `-- d  t
            `-- c  t
                `-- d ^

            diamond: 4 jobs, 4 dependencies, 3 levels (1 + 2 + 1 jobs per level)
            a job with several parents is drawn once, then shown as 'id ^'

            """)
    }

    func testDotMarksFileOnlyEdgesDashed() {
        var wf = Workflow(name: "w\"q", jobs: [Job(id: "a", name: "t", uses: [FileUse("f", .output)]), Job(id: "b", name: "t", uses: [FileUse("f", .input)]), Job(id: "c", name: "t")])
        wf.dependencies = [JobDependency(parent: "b", children: ["c"])]
        let dot = GraphRenderer.dot(wf, WorkflowGraph(wf))
        XCTAssertTrue(dot.hasPrefix("digraph \"w\\\"q\" {"))
        XCTAssertTrue(dot.contains("\"a\" -> \"b\" [style=dashed];"))
        XCTAssertTrue(dot.contains("\"b\" -> \"c\";"))
    }
}
