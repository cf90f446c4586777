// swift-tools-version:6.0
// A measurement for a dependency decision, kept apart from teamctl's own package so that teamctl does not
// depend on AsyncHTTPClient: it times the same group reads through URLSession (what teamctl uses) and through
// AsyncHTTPClient (SwiftNIO) against a running teamctl-emulator. See BENCHMARKS.md, "Transport".
import PackageDescription

let package = Package(
    name: "transport-probe",
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0")
    ],
    targets: [
        .executableTarget(
            name: "transport-probe",
            dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        )
    ]
)
