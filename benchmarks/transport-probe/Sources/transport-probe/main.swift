import AsyncHTTPClient
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// Reads every group of an emulator seed by name (GET /account/groups/NAME), 8 at a time, first through
// URLSession configured as teamctl configures it, then through AsyncHTTPClient; prints wall time and this
// process's CPU time for each round.
//
//     transport-probe API_URL SEED.json [ROUNDS] [TOKEN]

let arguments = CommandLine.arguments
guard arguments.count >= 3, let base = URL(string: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: transport-probe API_URL SEED.json [ROUNDS] [TOKEN]\n".utf8))
    exit(64)
}
struct Seed: Decodable {
    struct Group: Decodable { var name: String }
    var groups: [Group]
}
let names = try JSONDecoder().decode(Seed.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    .groups.map(\.name)
let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let token = arguments.count > 4 ? arguments[4] : "bench-pi"
let concurrency = 8

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// All the reads, `concurrency` in flight; the total body bytes.
func readAll(_ read: @escaping @Sendable (String) async throws -> Int) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        var pending = names.makeIterator()
        for _ in 0..<concurrency {
            if let name = pending.next() { group.addTask { try await read(name) } }
        }
        var bytes = 0
        while let answer = try await group.next() {
            bytes += answer
            if let name = pending.next() { group.addTask { try await read(name) } }
        }
        return bytes
    }
}

func measure(_ label: String, _ read: @escaping @Sendable (String) async throws -> Int) async throws {
    for _ in 0..<rounds {
        let (cpu, start) = (processCPUSeconds(), Date())
        let bytes = try await readAll(read)
        let wall = Date().timeIntervalSince(start) * 1000
        let used = (processCPUSeconds() - cpu) * 1000
        print(String(format: "%@ %d requests, %d bytes: wall %.0f ms, CPU %.0f ms", label, names.count, bytes, wall, used))
    }
}

let configuration = URLSessionConfiguration.ephemeral
configuration.httpMaximumConnectionsPerHost = concurrency
configuration.urlCache = nil
configuration.httpCookieStorage = nil
configuration.httpShouldSetCookies = false
configuration.httpCookieAcceptPolicy = .never
let session = URLSession(configuration: configuration)
let client = HTTPClient(eventLoopGroupProvider: .singleton)

try await measure("URLSession     ") { name in
    var request = URLRequest(url: base.appendingPathComponent("account/groups/\(name)"))
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    return try await withCheckedThrowingContinuation { continuation in
        session.dataTask(with: request) { data, _, error in
            if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: data?.count ?? 0) }
        }.resume()
    }
}
try await measure("AsyncHTTPClient") { name in
    var request = HTTPClientRequest(url: base.appendingPathComponent("account/groups/\(name)").absoluteString)
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    let response = try await client.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 64 << 20)
    return body.readableBytes
}
try await client.shutdown().get()
