import Testing
import SocketIOCore
import SocketIOAdapter
@testable import SocketIOAdminUI

@Suite struct AggregationTests {
    @Test func bucketsPerSecondTypeAndSubType() {
        var events = AggregatedEvents()
        events.add(.rawConnection, at: 100)
        events.add(.packetsIn, at: 100)
        events.add(.bytesIn, count: 53, at: 100)
        events.add(.packetsIn, at: 100)
        events.add(.bytesIn, count: 7, at: 100)
        events.add(.rawDisconnection, subType: "transport close", at: 101)
        events.add(.rawDisconnection, subType: "ping timeout", at: 101)
        events.add(.rawDisconnection, subType: "transport close", at: 101)
        events.add(.packetsIn, at: 101)
        let json = JSONValue.array(events.drain()).jsonString
        #expect(json == #"[{"timestamp":100000,"type":"rawConnection","count":1},{"timestamp":100000,"type":"packetsIn","count":2},"#
            + #"{"timestamp":100000,"type":"bytesIn","count":60},{"timestamp":101000,"type":"rawDisconnection","subType":"transport close","count":2},"#
            + #"{"timestamp":101000,"type":"rawDisconnection","subType":"ping timeout","count":1},{"timestamp":101000,"type":"packetsIn","count":1}]"#)
        #expect(events.isEmpty)
    }

    @Test func mergeAddsLoopsTogether() {
        var first = AggregatedEvents()
        first.add(.packetsOut, at: 5)
        var second = AggregatedEvents()
        second.add(.packetsOut, count: 2, at: 5)
        second.add(.bytesOut, count: 10, at: 6)
        first.merge(second)
        #expect(JSONValue.array(first.json).jsonString
            == #"[{"timestamp":5000,"type":"packetsOut","count":3},{"timestamp":6000,"type":"bytesOut","count":10}]"#)
    }

    @Test func bucketsAreBounded() {
        var events = AggregatedEvents()
        for second in 0..<Int64(AggregatedEvents.maxBuckets + 10) { events.add(.packetsIn, at: second) }
        #expect(events.keys.count == AggregatedEvents.maxBuckets)
        #expect(events.dropped == 10)
    }

    @Test func isoTimestampsWithMilliseconds() {
        #expect(AdminTimestamp.iso8601(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(AdminTimestamp.iso8601(milliseconds: 1_714_558_272_345) == "2024-05-01T10:11:12.345Z")
        #expect(AdminTimestamp.iso8601(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(AdminTimestamp.iso8601(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(AdminTimestamp.iso8601(milliseconds: 1_795_668_505_007) == "2026-11-26T04:48:25.007Z")
    }

    @Test func featuresAsUpstream() {
        #expect(AdminUI.supportedFeatures(readonly: false, mode: .development)
            == ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"])
        #expect(AdminUI.supportedFeatures(readonly: true, mode: .production) == ["AGGREGATED_EVENTS"])
        #expect(AdminUI.supportedFeatures(readonly: true, mode: .development) == ["AGGREGATED_EVENTS", "ALL_EVENTS"])
    }

    @Test func sessionStoreIsBounded() {
        let store = AdminSessionStore(capacity: 2)
        let first = store.create()
        let second = store.create()
        let third = store.create()
        #expect(first.count == 16 && first.allSatisfy(\.isHexDigit))
        #expect(!store.contains(first) && store.contains(second) && store.contains(third))
        #expect(!store.contains("feedfacecafebeef"))
    }
}

@Suite struct SerializationTests {
    static let handshake: JSONValue = [
        "headers": ["host": "127.0.0.1:3000", "x-forwarded-for": "203.0.113.9"],
        "query": ["EIO": "4", "transport": "polling"],
        "auth": ["token": "secret"],
        "address": "127.0.0.1",
        "time": "t",
        "issued": 1_714_558_272_345,
        "url": "/socket.io/?EIO=4&transport=polling",
        "secure": false,
        "xdomain": false,
    ]

    @Test func socketAsTheDashboardReadsIt() {
        let snapshot = SocketSnapshot(
            id: "abc", handshake: Self.handshake, rooms: ["abc", "roomA"],
            data: ["_admin": ["clientId": "KFbL45TmZhqp", "transport": "websocket"], "count": 5]
        )
        let json = AdminSerialization.socket(snapshot, namespace: "/chat").jsonString
        #expect(json == #"{"id":"abc","clientId":"KFbL45TmZhqp","transport":"websocket","nsp":"/chat","data":{"count":5},"#
            + #""handshake":{"address":"203.0.113.9","headers":{"host":"127.0.0.1:3000","x-forwarded-for":"203.0.113.9"},"#
            + #""query":{"EIO":"4","transport":"polling"},"issued":1714558272345,"secure":false,"time":"t","#
            + #""url":"/socket.io/?EIO=4&transport=polling","xdomain":false},"rooms":["abc","roomA"]}"#)
        #expect(!json.contains("secret"))
    }

    @Test func aSocketWithoutAdminFactsLeavesThemOut() {
        let snapshot = SocketSnapshot(id: "x", handshake: ["address": "::1"], rooms: ["x"], data: [:])
        #expect(AdminSerialization.socket(snapshot, namespace: "/").jsonString
            == #"{"id":"x","nsp":"/","data":{},"handshake":{"address":"::1","headers":{}},"rooms":["x"]}"#)
    }

    @Test func adminFactsAreAddedAndDetected() {
        let data = AdminSerialization.data(["fromMiddleware": true], withClientId: "abcdefabcdef", transport: "polling")
        #expect(data.jsonString == #"{"fromMiddleware":true,"_admin":{"clientId":"abcdefabcdef","transport":"polling"}}"#)
        #expect(AdminSerialization.hasApplicationData(data))
        #expect(!AdminSerialization.hasApplicationData(AdminSerialization.data([:], withClientId: "c", transport: "t")))
    }
}
