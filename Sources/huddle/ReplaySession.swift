import ArgumentParser

// placeholder: replaced by the real command
struct ReplaySession: AsyncParsableCommand {
    func run() async throws { throw ExitCode(2) }
}
