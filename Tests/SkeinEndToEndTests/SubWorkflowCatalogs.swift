import Foundation

/// The catalogs every sub-workflow test starts from: one `local` site with relative scratch and
/// output folders, `sh` installed, and the workflow files registered as replicas (the way the
/// Pegasus API's examples register a sub-workflow's file, which is an input of its job).
enum SubWorkflowCatalogs {
    static func write(in folder: URL, workflowFiles: [String]) throws {
        func write(_ name: String, _ text: String) throws {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("sites.yml", """
            pegasus: 5.0.4
            sites:
            - name: local
              directories:
              - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch', operation: all}]}
              - {type: localStorage, path: output, fileServers: [{url: 'file://output', operation: all}]}

            """)
        try write("transformations.yml", "pegasus: 5.0.4\ntransformations:\n- name: sh\n  sites: [{name: local, pfn: /bin/sh, type: installed}]\n")
        try write("replicas.yml", "pegasus: 5.0.4\nreplicas:\n" + workflowFiles.map {
            "- {lfn: \($0), pfns: [{site: local, pfn: '\(folder.appendingPathComponent($0).path)'}]}\n"
        }.joined())
    }
}
