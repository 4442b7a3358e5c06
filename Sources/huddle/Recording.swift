import RoomEngine

// placeholder: the snapshot store's recorder is wired here
enum RecordingSetup {
    static func open(path: String) throws -> (any RoomRecorder)? { nil }
}
