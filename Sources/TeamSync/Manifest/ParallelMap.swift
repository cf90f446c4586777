import Foundation
import Synchronization

/// Maps independent, CPU-bound work over all cores, keeping the input's order.
enum ParallelMap {
    /// `transform` applied to every element, run on up to every core; results are in the elements' order.
    ///
    /// It blocks the calling thread until all are done, so keep it for work that waits on nothing but the CPU
    /// and the local disk (parsing files), never for network requests.
    static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @Sendable (Element) -> Result
    ) -> [Result] {
        guard elements.count > 1, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return elements.map(transform)
        }
        let results = Mutex<[Result?]>(Array(repeating: nil, count: elements.count))
        DispatchQueue.concurrentPerform(iterations: elements.count) { index in
            let result = transform(elements[index])
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}
