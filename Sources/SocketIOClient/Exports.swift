// `import SocketIOClient` is the only import an application needs: the
// values the API takes and returns (`JSONValue`, `JSONObject`, the Codable
// bridge) come from SocketIOCore and are re-exported here.
@_exported public import SocketIOCore
