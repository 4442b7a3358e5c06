import ArgumentParser

/// The `huddle` command: the server (`serve`) and the tools that read
/// recorded sessions (`sessions`, `show`, `replay`, `verify`, `export`).
@main
struct Huddle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huddle",
        abstract: "Huddle: authoritative rooms and live whiteboards over Socket.IO.",
        subcommands: [Serve.self, Sessions.self, Show.self, ReplaySession.self, Verify.self, Export.self],
        defaultSubcommand: Serve.self
    )
}
