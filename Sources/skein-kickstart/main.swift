import Glibc
import SkeinKickstart

// skein-kickstart: runs one job and writes its Pegasus invocation record. Glibc only, stdlib
// linked statically: it wraps every remote job, so its own start-up must stay near 2 ms.
let start = Clock.now()
let handledSignals = SignalForwarding.install()
// A closed stdout must fail the record's write, not kill the wrapper (the job gets SIGPIPE back).
signal(SIGPIPE, SIG_IGN)
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--cluster" {
    exit(ClusterMode.run(CommandLine.arguments, start: start, handledSignals: handledSignals))
}
switch Options.parse(CommandLine.arguments) {
case .exit(let code):
    exit(code)
case .run(let options):
    exit(Kickstart(options: options, start: start, handledSignals: handledSignals).run())
}
