import Foundation
import SkeinTransfer

/// The input of pegasus-transfer, which skein-transfer reads unchanged: a JSON list of
/// `{"type": "transfer", "lfn", "src_urls": [{"url", "site_label", "priority"}], "dest_urls":
/// [...], "verify_checksum"...}`, `{"type": "mkdir", "target": {"url"}}` and `{"type":
/// "remove", "target": {"url", "recursive"}}` entries. A URL without `:` is a local path.
struct TransferList {
    enum Entry {
        case transfer(TransferRequest, lfn: String)
        case mkdir(String)
        case remove(String, recursive: Bool)
    }

    var entries: [Entry] = []

    init(json data: Data) throws {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ListError("not JSON, so not a list of transfers in pegasus-transfer's format (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error))")
        }
        guard let list = parsed as? [[String: Any]] else {
            throw ListError("the input is not a JSON list of transfers (pegasus-transfer's format)")
        }
        for (n, item) in list.enumerated() {
            let type = item["type"] as? String ?? "transfer"
            switch type {
            case "transfer":
                let sources = Self.urls(item["src_urls"]).sorted { $0.priority > $1.priority }
                guard let source = sources.first?.url, let destination = Self.urls(item["dest_urls"]).first?.url else {
                    throw ListError("entry \(n + 1): a transfer needs src_urls and dest_urls")
                }
                let lfn = item["lfn"] as? String ?? (destination as NSString).lastPathComponent
                let sha = (item["checksum"] as? [String: Any])?["sha256"] as? String
                entries.append(.transfer(TransferRequest(source: Self.local(source), destination: Self.local(destination), expectedSHA256: sha,
                                                         computeSHA256: item["generate_checksum"] as? Bool ?? false), lfn: lfn))
            case "mkdir", "remove":
                guard let target = (item["target"] as? [String: Any])?["url"] as? String else {
                    throw ListError("entry \(n + 1): \(type) needs a target url")
                }
                let path = Self.local(target)
                guard path.hasPrefix("/") else { throw ListError("entry \(n + 1): skein-transfer makes and removes local folders only, not \(target)") }
                let recursive = ["true", "1"].contains("\((item["target"] as? [String: Any])?["recursive"] ?? "")".lowercased())
                entries.append(type == "mkdir" ? .mkdir(path) : .remove(path, recursive: recursive))
            default:
                throw ListError("entry \(n + 1): unknown type '\(type)' (transfer, mkdir, remove)")
            }
        }
    }

    private static func urls(_ value: Any?) -> [(url: String, priority: Int)] {
        ((value as? [[String: Any]]) ?? []).compactMap { u in (u["url"] as? String).map { ($0, u["priority"] as? Int ?? 0) } }
    }

    /// `file:///x` and bare paths as paths; other URLs as they are. A relative path is taken
    /// in the current folder: a batch job's lists name files in the folder it made on the node.
    private static func local(_ url: String) -> String {
        if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)) }
        if !url.hasPrefix("/"), !url.contains("://"), !url.isEmpty {
            return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(url)
        }
        return url
    }
}

struct ListError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
