import ArgumentParser

// placeholder: replaced by the real command
struct Verify: AsyncParsableCommand {
    func run() async throws { throw ExitCode(2) }
}
