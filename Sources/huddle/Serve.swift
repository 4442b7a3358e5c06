import ArgumentParser

// placeholder: replaced by the real command
struct Serve: AsyncParsableCommand {
    func run() async throws { throw ExitCode(2) }
}
