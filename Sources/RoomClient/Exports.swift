// `import RoomClient` is the only Huddle import a room client needs besides
// its kinds' modules (`WhiteboardRoom`, your own): the Socket.IO client's
// options and errors, and the engine's values a room exposes (`RoomLogic`,
// `RoomSnapshot`, `PositionTable`, `MemberID`, ...), are re-exported here.
@_exported public import RoomEngine
@_exported public import SocketIOClient
