import Foundation

#if MANIFEST_FUZZ_LIBFUZZER
    // The libFuzzer build (scripts/fuzz): swift build -Xswiftc -sanitize=fuzzer -Xswiftc -DMANIFEST_FUZZ_LIBFUZZER.
    // SwiftPM links an executable with `main` defined as `manifest_fuzz_main`, so that symbol hands over to
    // libFuzzer's driver instead of libFuzzer providing `main` itself.

    /// libFuzzer's per-input callback: a broken property stops the run with the input saved as a crash file.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func manifestFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
        let broken = ManifestFuzz.check(bytes)
        if !broken.isEmpty {
            FileHandle.standardError.write(Data(("manifest-fuzz: " + broken.joined(separator: "\n") + "\n").utf8))
            abort()
        }
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    private func llvmFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The executable's entry point in the libFuzzer build: runs libFuzzer with the command line.
    @_cdecl("manifest_fuzz_main")
    public func manifestFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return llvmFuzzerRunDriver(&count, &arguments, manifestFuzzTestOneInput)
    }

#else

    /// The normal build: replays corpus files through the same checks, and can mutate them for a while when
    /// libFuzzer is not available.
    ///
    ///     manifest-fuzz [--mutate SECONDS] [--seed N] [--crashes DIR] PATH...
    ///
    /// Exits 1 when an input breaks a property (and saves it in `--crashes` when given), 2 on bad usage.
    @main
    enum ManifestFuzzReplay {
        static func main() {
            var paths: [String] = []
            var mutateSeconds: Double?
            var seed: UInt64 = 1
            var crashes: String?
            var arguments = CommandLine.arguments.dropFirst()
            while let argument = arguments.popFirst() {
                switch argument {
                case "--mutate": mutateSeconds = arguments.popFirst().flatMap(Double.init)
                case "--seed": seed = arguments.popFirst().flatMap { UInt64($0) } ?? 1
                case "--crashes": crashes = arguments.popFirst()
                case "-h", "--help":
                    print("usage: manifest-fuzz [--mutate SECONDS] [--seed N] [--crashes DIR] FILE-OR-DIR...")
                    return
                default: paths.append(argument)
                }
            }
            guard !paths.isEmpty else { fail("give corpus files or directories (e.g. fuzz/corpus)", status: 2) }
            let inputs = corpus(paths)
            guard !inputs.isEmpty else { fail("no corpus files found in \(paths.joined(separator: " "))", status: 2) }

            var failures = 0
            for (name, data) in inputs where !report(data, name: name, crashes: crashes) { failures += 1 }
            print("manifest-fuzz: replayed \(inputs.count) inputs, \(failures) broke a property")

            if let mutateSeconds, failures == 0 {
                var mutator = Mutator(seed: seed, pool: inputs.map(\.data))
                let deadline = Date().addingTimeInterval(mutateSeconds)
                var runs = 0
                while Date() < deadline, failures == 0 {
                    for _ in 0..<100 {
                        let input = mutator.next()
                        runs += 1
                        if !report(input, name: "mutation \(runs)", crashes: crashes) {
                            failures += 1
                            break
                        }
                    }
                }
                print(
                    "manifest-fuzz: \(runs) mutated inputs in \(Int(mutateSeconds)) s (seed \(seed)), \(failures) broke a property"
                )
            }
            if failures > 0 { exit(1) }
        }

        /// Checks one input; prints and saves it when it breaks a property.
        static func report(_ data: Data, name: String, crashes: String?) -> Bool {
            let broken = data.withUnsafeBytes { ManifestFuzz.check($0) }
            guard !broken.isEmpty else { return true }
            var message = "manifest-fuzz: \(name): " + broken.joined(separator: "\n")
            if let crashes {
                try? FileManager.default.createDirectory(atPath: crashes, withIntermediateDirectories: true)
                let path = crashes + "/crash-\(UInt32(truncatingIfNeeded: data.hashValue))"
                if FileManager.default.createFile(atPath: path, contents: data) {
                    message += "\n(input saved as \(path))"
                }
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            return false
        }

        /// The files the paths name, directories expanded one level, in name order.
        static func corpus(_ paths: [String]) -> [(name: String, data: Data)] {
            var files: [String] = []
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                    files += names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            return files.compactMap { file in
                FileManager.default.contents(atPath: file).map { (file, $0) }
            }
        }

        static func fail(_ message: String, status: Int32) -> Never {
            FileHandle.standardError.write(Data("manifest-fuzz: \(message)\n".utf8))
            exit(status)
        }
    }

    /// Byte- and token-level mutations of corpus inputs, from a seeded generator so a run can be repeated.
    struct Mutator {
        private var state: UInt64
        private let pool: [Data]
        /// Fragments that matter to YAML and to the manifest schema.
        private static let tokens: [String] = [
            "&a ", "*a", "!!str ", "!!binary ", "? ", ": ", "- ", "[", "]", "{", "}", ",", "#", "\"", "'", "|", ">",
            "\n", "  ", "\t", "---\n", "...\n", "%YAML 1.1\n", "<<: ", "~", "null", "all", "members", "groups", "role",
            "until", "pi", "pi_proxy", "mode", "additive", "policy", "protected", "max_removals", "version", "project",
            "2026-02-30", "99999999999999999999", "-1", "\u{0}", "\u{FEFF}", "é", "\\u0000",
        ]

        init(seed: UInt64, pool: [Data]) {
            state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
            self.pool = pool.isEmpty ? [Data()] : pool
        }

        mutating func random(_ bound: Int) -> Int {
            // xorshift64*
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return bound <= 0 ? 0 : Int((state &* 0x2545_F491_4F6C_DD1D) % UInt64(bound))
        }

        /// A corpus input with one to eight mutations.
        mutating func next() -> Data {
            var bytes = [UInt8](pool[random(pool.count)])
            for _ in 0...random(8) {
                switch random(6) {
                case 0 where !bytes.isEmpty: bytes[random(bytes.count)] = UInt8(random(256))
                case 1 where !bytes.isEmpty: bytes.remove(at: random(bytes.count))
                case 2:
                    let token = Array(Self.tokens[random(Self.tokens.count)].utf8)
                    bytes.insert(contentsOf: token, at: random(bytes.count + 1))
                case 3 where !bytes.isEmpty:
                    let start = random(bytes.count)
                    let end = min(bytes.count, start + random(64))
                    bytes.insert(contentsOf: bytes[start..<end], at: random(bytes.count + 1))
                case 4:
                    let other = [UInt8](pool[random(pool.count)])
                    let cut = random(bytes.count + 1)
                    bytes = Array(bytes[..<cut]) + other[random(other.count + 1)...]
                default:
                    if !bytes.isEmpty {
                        let start = random(bytes.count)
                        bytes.removeSubrange(start..<min(bytes.count, start + random(32)))
                    }
                }
            }
            return Data(bytes)
        }
    }
#endif
