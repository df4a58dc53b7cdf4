import Glibc
import SkeinKickstart

// skein-kickstart: runs one job and writes its Pegasus invocation record. Glibc only, a static
// executable: it wraps every remote job, so its own start-up must stay small.
let start = Clock.now()
let handledSignals = SignalForwarding.install()
// A closed stdout must fail the record's write, not kill the wrapper (the job gets SIGPIPE back).
signal(SIGPIPE, SIG_IGN)
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--cluster" {
    exit(ClusterMode.run(CommandLine.arguments, start: start, handledSignals: handledSignals))
}
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--array" {
    exit(ArrayMode.run(CommandLine.arguments, start: start, handledSignals: handledSignals))
}
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--script" {
    exit(ScriptMode.run(CommandLine.arguments, start: start, handledSignals: handledSignals))
}
switch Options.parse(CommandLine.arguments) {
case .exit(let code):
    exit(code)
case .run(let options):
    guard let sandbox = options.sandbox else { exit(Kickstart(options: options, start: start, handledSignals: handledSignals).run()) }
    exit(NodeSandbox.run(sandbox) { Kickstart(options: options, start: $0, handledSignals: handledSignals).run() })
}
