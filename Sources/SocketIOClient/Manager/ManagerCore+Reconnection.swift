import NIOCore

// Reconnection, as the JavaScript Manager does it: after a lost connection
// (or a failed first open), wait `backoff.duration()`, emit
// `reconnect_attempt`, open; on failure emit `reconnect_error` and wait
// again (longer); on success emit `reconnect` and reset the backoff. Give
// up with `reconnect_failed` after `reconnectionAttempts`. The timer runs on
// the manager's event loop, so an injected loop with a manual clock (NIO's
// testing loops) controls the whole schedule.

extension ManagerCore {
    /// Schedules the next attempt, unless one is pending or reconnection
    /// was switched off by a close.
    func reconnect() {
        guard !isReconnecting, !skipReconnect else { return }
        guard backoff.attempts < options.reconnectionAttempts else {
            logger.debug("reconnection failed", metadata: ["url": "\(url.serverID)", "attempts": "\(backoff.attempts)"])
            backoff.reset()
            isReconnecting = false
            fire(.reconnectFailed)
            return
        }
        let delay = backoff.duration(random: options.random())
        isReconnecting = true
        logger.debug("reconnecting", metadata: ["url": "\(url.serverID)", "in": "\(delay)"])
        reconnectTimer = loop.assumeIsolated().scheduleTask(in: delay) { [self] in
            reconnectTimer = nil
            guard !skipReconnect else { return }
            fire(.reconnectAttempt(attempt: backoff.attempts))
            // A listener may have closed the manager.
            guard !skipReconnect else { return }
            open { [self] error in
                if let error {
                    isReconnecting = false
                    reconnect()
                    fire(.reconnectError(error))
                } else {
                    reconnected()
                }
            }
        }
    }

    private func reconnected() {
        let attempt = backoff.attempts
        isReconnecting = false
        backoff.reset()
        fire(.reconnect(attempt: attempt))
    }

    /// After a failed first open: start reconnecting (once).
    func maybeReconnectOnOpen() {
        if !isReconnecting, options.reconnection, backoff.attempts == 0 {
            reconnect()
        }
    }
}
