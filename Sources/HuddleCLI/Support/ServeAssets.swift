import EngineIO
import Foundation
import NIOCore
import NIOHTTP1

/// The demo page's files, read once at start-up and served from memory by
/// the HTTP fallback (so no request ever blocks an event loop on disk).
///
/// `/` is `index.html`; `/socket.io/socket.io.min.js` is the official
/// client bundle when `vendor/socket.io.min.js` exists (the page falls back
/// to the CDN otherwise). The JavaScript client under `/sdk/`
/// (docs/js-client.md) is served to pages of any origin (module scripts are
/// fetched with CORS). Edit the files and restart to see changes.
struct ServeAssets: Sendable {
    /// Files larger than this are skipped (the demo's are a few KB).
    static let maxFileBytes = 8 << 20
    /// Where the bundle sits under the assets directory (git-ignored,
    /// fetched by `Tools/browser-setup`).
    static let bundlePath = "vendor/socket.io.min.js"
    /// Files under this path may be imported by pages of any origin.
    static let crossOriginPrefix = "/sdk/"

    private let files: [String: (type: String, body: ByteBuffer)]
    let directory: URL

    /// The client bundle, when the assets directory has one.
    var clientBundle: ByteBuffer? { files["/" + Self.bundlePath]?.body }

    /// Reads every regular file under `directory`.
    init(directory: URL) throws {
        self.directory = directory
        var files: [String: (type: String, body: ByteBuffer)] = [:]
        let root = directory.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(
            at: directory, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]
        )
        while let url = enumerator?.nextObject() as? URL {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values.isRegularFile == true, (values.fileSize ?? 0) <= Self.maxFileBytes else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(root) else { continue }
            let relative = String(path.dropFirst(root.count))
            let key = relative.hasPrefix("/") ? relative : "/" + relative
            files[key] = (Self.contentType(of: key), ByteBuffer(bytes: try Data(contentsOf: url)))
        }
        self.files = files
    }

    /// Finds the assets directory: `explicit` when given; else `preferred`
    /// (the program's own, ``HuddleCommand/main(kinds:storage:assets:)``)
    /// when it exists; else `Assets` under the current directory; else
    /// `Assets` in the package root found by walking up from the executable
    /// (`.build/debug/huddle` → root).
    static func locate(
        explicit: String?, preferred: String? = CLIContext.current.assets, executable: String = CommandLine.arguments[0]
    ) -> URL? {
        let manager = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var directory: ObjCBool = false
            return manager.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
        }
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let preferred, isDirectory(URL(fileURLWithPath: preferred)) { return URL(fileURLWithPath: preferred) }
        let local = URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent("Assets")
        if isDirectory(local) { return local }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            if manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let assets = folder.appendingPathComponent("Assets")
                return isDirectory(assets) ? assets : nil
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// The fallback answer: the file for the path, 404 otherwise.
    func respond(to request: EngineIORequest) -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(status: .methodNotAllowed, body: ByteBuffer(string: "Method not allowed"))
        }
        var path = String(request.uri.prefix { $0 != "?" && $0 != "#" })
        if path == "/" { path = "/index.html" }
        // The official client, where its pages expect it (Socket.IO's own path).
        if path == "/socket.io/socket.io.min.js" { path = "/" + Self.bundlePath }
        guard let file = files[path] else {
            return HTTPResponse(status: .notFound, body: ByteBuffer(string: "Not found"))
        }
        let anyOrigin = path.hasPrefix(Self.crossOriginPrefix)
        return Self.response(type: file.type, body: file.body, head: request.method == .HEAD, anyOrigin: anyOrigin)
    }

    /// A 200 with the type and no caching (the demo is edited live);
    /// `anyOrigin` adds `Access-Control-Allow-Origin: *`.
    static func response(type: String, body: ByteBuffer, head: Bool, anyOrigin: Bool = false) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Cache-Control", value: "no-cache")
        if anyOrigin { headers.add(name: "Access-Control-Allow-Origin", value: "*") }
        return HTTPResponse(status: .ok, headers: headers, body: head ? ByteBuffer() : body)
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "ts": "text/plain; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}
