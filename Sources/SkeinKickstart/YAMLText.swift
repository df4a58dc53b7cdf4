/// How text from the outside world (arguments, paths, environment, job output) is written into
/// a record so that the record stays valid YAML whatever the job printed. pegasus-kickstart
/// writes most of it raw and drops control characters; Skein keeps Pegasus's layout for
/// ordinary text and escapes or substitutes only what would otherwise corrupt the document.
enum YAMLText {
    /// A double-quoted scalar with YAML escapes (`\"`, `\\`, `\t`, `\n`, `\xNN`, `\uNNNN`).
    /// Invalid UTF-8 has already become U+FFFD when the bytes were turned into a String.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.unicodeScalars.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x85: out += "\\N"
            case 0x2028: out += "\\L"
            case 0x2029: out += "\\P"
            case 0x00..<0x20, 0x7F..<0xA0:
                out += "\\x" + hex2(scalar.value)
            case 0xFEFF, 0xFFFE, 0xFFFF:
                out += "\\u" + Format.hex([UInt8(scalar.value >> 8), UInt8(scalar.value & 0xFF)]).uppercased()
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Whether `text` can stand unquoted as a block-context plain scalar and read back as a
    /// string: Pegasus prints such text unquoted (`YAMLOut.plain`), anything else is quoted.
    static func isPlainSafe(_ text: String) -> Bool {
        // ASCII (nearly every path and name) byte by byte: this runs for every name and path
        // of every record, and decoding scalars was most of its cost.
        var text = text
        if let ascii = text.withUTF8({ isPlainSafeASCII($0) }) { return ascii }
        return isPlainSafeScalars(text)
    }

    /// `isPlainSafe` for ASCII text; nil when `utf8` is not all ASCII.
    private static func isPlainSafeASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let first = utf8.first, let last = utf8.last else { return false }
        var previous: UInt8 = 0
        var safe = !isIndicator(Unicode.Scalar(first)) && last != UInt8(ascii: " ") && last != UInt8(ascii: ":")
        for byte in utf8 {
            if byte >= 0x80 { return nil }
            // Printable ASCII only: tabs and line breaks are not plain.
            if byte < 0x20 || byte == 0x7F { safe = false }
            if byte == UInt8(ascii: " ") && previous == UInt8(ascii: ":") { safe = false }  // ": " starts a mapping value
            if byte == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { safe = false }  // " #" starts a comment
            previous = byte
        }
        // The reserved words are at most five letters.
        return safe && (utf8.count > 5 || !isReservedWord(String(decoding: utf8, as: UTF8.self)))
    }

    /// `isPlainSafe` scalar by scalar: any text (the ASCII path must agree with it).
    static func isPlainSafeScalars(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return false }
        if isIndicator(first) { return false }
        if last == " " || last == ":" { return false }
        var previous: Unicode.Scalar = "\0"
        for scalar in scalars {
            guard isPrintable(scalar) else { return false }
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x85, 0x2028, 0x2029, 0xFEFF: return false
            default: break
            }
            if scalar == " " && previous == ":" { return false }  // ": " starts a mapping value
            if scalar == "#" && previous == " " { return false }  // " #" starts a comment
            previous = scalar
        }
        return !isReservedWord(text)
    }

    /// Characters a plain scalar may not start with (YAML's indicators, blanks).
    private static func isIndicator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", " ", "\t": return true
        default: return false
        }
    }

    /// Words YAML 1.1 (PyYAML, Pegasus's reader) would turn into booleans or null. (A switch, not
    /// a Set: this runs in every wrapper process and a Set's first use costs page faults.)
    private static func isReservedWord(_ text: String) -> Bool {
        switch text {
        case "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
             "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N":
            return true
        default:
            return false
        }
    }

    /// The header indicator and body of a literal block (`data: |`) holding `text`, each line
    /// indented by `indent` spaces, in pegasus-kickstart's layout: line breaks re-indented and a
    /// final line break after the last (possibly empty) line. Differences from Pegasus, all to
    /// keep arbitrary output valid YAML without losing it silently:
    /// - leading blanks on the first line are kept, with an explicit indentation indicator
    ///   (`|2`) so they do not change the block's indentation (Pegasus drops them);
    /// - C0 control characters and DEL become their visible Control Pictures (U+2400 block),
    ///   other unprintable characters (C1 controls, U+FEFF, U+FFFE/F) become U+FFFD
    ///   (Pegasus drops them);
    /// - CR LF is one line break (Pegasus makes it two); lone CR, NEL, LS and PS are breaks.
    static func literalBlock(_ text: String, indent: Int, parentIndent: Int) -> (indicator: String, body: String) {
        let pad = String(repeating: " ", count: indent)
        var body = pad
        body.reserveCapacity(text.utf8.count + text.utf8.count / 8 + indent + 2)
        var firstContent: Unicode.Scalar?
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x0A && previousWasCR { previousWasCR = false; continue }
            previousWasCR = value == 0x0D
            switch value {
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029:
                body += "\n"
                body += pad
                continue
            case 0x09:
                body.unicodeScalars.append(scalar)
            case 0x00..<0x20:
                body.unicodeScalars.append(Unicode.Scalar(0x2400 + value)!)
            case 0x7F:
                body.unicodeScalars.append(Unicode.Scalar(0x2421)!)
            default:
                body.unicodeScalars.append(isPrintable(scalar) && value != 0xFEFF ? scalar : "\u{FFFD}")
            }
            if firstContent == nil { firstContent = scalar }
        }
        body += "\n"
        let needsIndicator = firstContent == " " || firstContent == "\t"
        return (needsIndicator ? "|" + String(indent - parentIndent) : "|", body)
    }

    /// YAML's printable set (what a reader accepts anywhere in the stream).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    private static func hex2(_ value: UInt32) -> String {
        Format.hex([UInt8(value)]).uppercased()
    }
}
