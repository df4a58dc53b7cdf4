import Foundation
import SkeinRunFormat

/// Pegasus's braindump beside the plan, naming the run's copy of the properties, as pegasus-plan leaves them.
enum SubmitFiles {
    static func write(for plan: ExecutablePlan, propertiesFile: String, plannerExecutable: String, plannerVersion: String, rootWfUUID: String? = nil) throws {
        let braindump = Braindump(
            wfUUID: plan.wfUUID, submitDir: plan.runDirectory, dag: "\(plan.label)-0.dag", properties: propertiesFile, rootWfUUID: rootWfUUID,
            user: ProcessInfo.processInfo.environment["USER"], submitHostname: ProcessInfo.processInfo.hostName,
            dax: plan.workflowFile, daxLabel: plan.label, daxVersion: "5.0.4", pegasusWfName: "\(plan.label)-0",
            timestamp: PegasusSubmitFiles.isodate(plan.createdAt, short: true),
            basedir: (plan.runDirectory as NSString).deletingLastPathComponent, planner: plannerExecutable,
            plannerVersion: plannerVersion, plannerArguments: plan.plannerArguments.joined(separator: " "))
        try PegasusSubmitFiles.writeBraindump(braindump, to: plan.runDirectory, createPropertiesFile: true)
    }
}
