import ArgumentParser

// placeholder: replaced by the real command
struct Show: AsyncParsableCommand {
    func run() async throws { throw ExitCode(2) }
}
