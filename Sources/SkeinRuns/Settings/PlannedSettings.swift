import SkeinProperties
import SkeinRunFormat

/// A new run's engine settings: the command line's options win over `pegasus.properties`
/// (`dagman.maxjobs`, `dagman.retry`), which win over Skein's defaults; where each came
/// from is stored with them (`EngineSettings.origins`).
public enum PlannedSettings {
    public static func resolve(_ change: EngineSettingsChange, properties: PegasusProperties) -> EngineSettings {
        var settings = EngineSettings()
        var origins: [String: String] = [:]
        let propertyMaxJobs = properties["dagman.maxjobs"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 ? $0 : nil }
        let propertyRetries = properties["dagman.retry"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 >= 0 ? $0 : nil }
        if let propertyMaxJobs {
            settings.maxJobs = propertyMaxJobs
            settings.batchMaxJobs = propertyMaxJobs
            origins["maxjobs"] = "pegasus.properties dagman.maxjobs"
            origins["batch-maxjobs"] = "pegasus.properties dagman.maxjobs"
        } else {
            origins["maxjobs"] = "default (the number of cores)"
            origins["batch-maxjobs"] = "default (--slurm-max-queued)"
        }
        if let propertyRetries {
            settings.retries = propertyRetries
            origins["retries"] = properties.values["pegasus.mode"] != nil && !properties.lines.keys.contains("dagman.retry")
                ? "pegasus.properties pegasus.mode \(properties["pegasus.mode"]!)" : "pegasus.properties dagman.retry"
        } else {
            origins["retries"] = "default (0)"
        }
        settings.origins = origins
        return change.applied(to: settings)
    }
}
