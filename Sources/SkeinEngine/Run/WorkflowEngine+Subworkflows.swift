import SkeinRunFormat

/// An executor that runs workflows of its own (sub-workflows): the engine passes halt,
/// resume and remove on to it, as pegasus-halt and pegasus-remove reach every DAG of a
/// hierarchy. Kill and retry name one job of one run, so they are not passed on.
public protocol ControlForwarding: AnyObject {
    func forward(_ command: ControlChannel.Command)
}

extension WorkflowEngine {
    func forwardToSubworkflows(_ command: ControlChannel.Command) {
        switch command {
        case .halt, .resume, .remove:
            for executor in executors.values { (executor as? ControlForwarding)?.forward(command) }
        case .kill, .retry:
            break
        }
    }
}
