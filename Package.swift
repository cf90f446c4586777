// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "teamctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "teamctl", targets: ["teamctl"]),
        .executable(name: "teamctl-emulator", targets: ["teamctl-emulator"]),
        .library(name: "AccountModels", targets: ["AccountModels"]),
        .library(name: "TeamSync", targets: ["TeamSync"]),
        .library(name: "FacilityEmulator", targets: ["FacilityEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        // Already in the graph through Hummingbird; named so the emulator's direct imports are declared.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Plain value types: the facility's schemas and teamctl's desired state. No dependencies.
        .target(name: "AccountModels", swiftSettings: swiftSettings),

        // The engine: manifest, cache, remote client, planning, applying, reports.
        .target(
            name: "TeamSync",
            dependencies: [
                "AccountModels",
                // Also provides `CYaml`, the libyaml that Yams bundles: manifests are composed from its events
                // (Manifest/YAMLComposer.swift). Yams does not list it as a product, so it cannot be named here.
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // A faithful SFAPI v1.2 facility over real HTTP, for tests, demos and rehearsals.
        .target(
            name: "FacilityEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "teamctl",
            dependencies: [
                "AccountModels",
                "TeamSync",
                "FacilityEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "teamctl-emulator",
            dependencies: [
                "FacilityEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmarks: generated facilities and manifests, timed against the emulator.
        .executableTarget(
            name: "teamctl-bench",
            dependencies: [
                "AccountModels",
                "TeamSync",
                "FacilityEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Hostile-manifest fuzzing: replays fuzz/corpus in a normal build; a libFuzzer target in scripts/fuzz.
        .executableTarget(
            name: "manifest-fuzz",
            dependencies: ["TeamSync", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // Fixtures shared by the test targets (throwaway keys).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),

        .testTarget(name: "AccountModelsTests", dependencies: ["AccountModels"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TeamSyncTests",
            dependencies: [
                "AccountModels", "TeamSync", "FacilityEmulator", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FacilityEmulatorTests",
            dependencies: [
                // TeamSync for its HTTP transport only: answers are decoded with the emulator's own SFAPIWire types.
                "FacilityEmulator", "TeamSync",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // Against real slurmdbd 22.05 and 24.11 started by scripts/slurm-stack (skipped when none is up, failing on CI).
        .testTarget(name: "SlurmTests", dependencies: ["TeamSync", "FacilityEmulator"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "AccountModels", "TeamSync", "FacilityEmulator", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
