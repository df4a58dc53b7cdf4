import ArgumentParser
import CCurl
import CNcursesw
import CSQLite
import Foundation

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the libraries Skein runs with and what the terminal supports.",
        discussion: """
            Useful in bug reports and on a new login node: prints the versions of SQLite, \
            libcurl and ncurses Skein is linked against, and whether colour and Unicode \
            will be used.

            Examples:
              skein doctor
              NO_COLOR=1 LANG=C skein doctor    # what a plain terminal gets
            """)

    func run() throws {
        print("skein       \(SkeinVersion.current)")
        print("sqlite      \(String(cString: sqlite3_libversion()))")
        print("libcurl     \(String(cString: curl_version()))")
        print("ncurses     \(String(cString: curses_version()))")
        print("utf-8       \(Terminal.utf8Locale ? "yes" : "no (ASCII drawing)")")
        print("colour      \(Terminal.colorEnabled(fd: 1) ? "yes" : "no")")
    }
}
