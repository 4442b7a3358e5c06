// `import HuddleCLI` (with your kinds' modules) is all an executable of
// your own needs: the engine's catalog and its `+`, `RoomKindEntry`,
// `RoomLogic` and the rest come with it, so `HuddleCommand.main(kinds:
// .builtIn + [.yours])` compiles with the imports the docs show.
@_exported public import RoomEngine
