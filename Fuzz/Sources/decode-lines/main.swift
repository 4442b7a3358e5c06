import Foundation
import NIOCore
import SocketIOCore

// Tools/fuzz-differential's Huddle side: one input per line on stdin,
// base64 (`json B64` or `packet B64`); one line of JSON per input on
// stdout: {"ok":true,"value":...} for JSON, {"ok":true,"type":N,"nsp":..,
// "id":N|null,"data":...|null,"attachments":N} for a Socket.IO text packet
// (attachments: those still awaited), {"ok":false} when refused.
while let line = readLine() {
    let parts = line.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, let bytes = Data(base64Encoded: String(parts[1])) else {
        print(#"{"ok":false,"bad":"line"}"#)
        continue
    }
    var answer = JSONObject()
    if parts[0] == "json" {
        if let value = try? bytes.withUnsafeBytes({ try JSONValue(parsing: $0) }) {
            answer["ok"] = true
            answer["value"] = value
        } else {
            answer["ok"] = false
        }
    } else {
        var decoder = SocketIOPacketDecoder()
        switch try? bytes.withUnsafeBytes({ try decoder.receive(textBytes: $0) }) {
        case .packet(let packet)?:
            answer = ["ok": true, "type": .int(Int64(packet.type.rawValue)), "nsp": .string(packet.namespace),
                      "id": packet.ackID.map { $0 <= UInt64(Int64.max) ? .int(Int64($0)) : .double(Double($0)) } ?? .null, "data": packet.data ?? .null, "attachments": 0]
        case .awaitingAttachments(let remaining)?:
            answer = ["ok": true, "awaiting": .int(Int64(remaining))]
        default:
            answer["ok"] = false
        }
    }
    print(JSONValue.object(answer).jsonString)
}
