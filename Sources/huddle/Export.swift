import ArgumentParser

// placeholder: replaced by the real command
struct Export: AsyncParsableCommand {
    func run() async throws { throw ExitCode(2) }
}
