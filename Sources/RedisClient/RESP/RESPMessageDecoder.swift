internal import NIOCore

/// ``RESPDecoder`` as a NIO `ByteToMessageDecoder`: the first handler of a
/// Redis channel, turning bytes into ``RedisValue``s. A malformed reply is an
/// error on the pipeline (the connection closes it).
struct RESPMessageDecoder: ByteToMessageDecoder {
    typealias InboundOut = RedisValue

    let decoder: RESPDecoder

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try decoder.decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
