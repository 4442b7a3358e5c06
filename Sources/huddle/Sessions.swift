import ArgumentParser

// placeholder: replaced by the real command
struct Sessions: AsyncParsableCommand {
    func run() async throws { throw ExitCode(2) }
}
