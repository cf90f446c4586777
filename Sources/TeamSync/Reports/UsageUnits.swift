import Foundation

/// Human-readable figures for tables, warnings and charts: `12.3k` hours, `20.0 TB`, `85.0%`.
///
/// Bytes use decimal (SI) units, 1 TB = 10^12 bytes, as the facility's `*_human` fields do.
public enum UsageUnits {
    /// Hours with a k, M or B suffix: `950`, `3.0k`, `123k`, `1.5M`; small rates keep one decimal.
    public static func hours(_ value: Double) -> String {
        scaled(value, base: 1000, suffixes: ["", "k", "M", "B", "T"])
    }

    /// A count (files) with a k, M or B suffix.
    public static func count(_ value: Double) -> String {
        scaled(value, base: 1000, suffixes: ["", "k", "M", "B", "T"])
    }

    /// Bytes in decimal units: `512 B`, `1.2 GB`, `20.0 TB`, `3.4 PB`.
    public static func bytes(_ value: Double) -> String {
        scaled(value, base: 1000, suffixes: [" B", " kB", " MB", " GB", " TB", " PB", " EB"], keepSmallDecimal: false)
    }

    /// A percentage with one decimal: `85.0%`.
    public static func percent(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return String(format: "%.1f%%", value)
    }

    static func scaled(_ value: Double, base: Double, suffixes: [String], keepSmallDecimal: Bool = true) -> String {
        guard value.isFinite else { return "-" }
        var scaled = value
        var index = 0
        while abs(scaled) >= base, index < suffixes.count - 1 {
            scaled /= base
            index += 1
        }
        let digits: String
        if index == 0 {
            let wholeNumber = scaled == scaled.rounded()
            digits =
                keepSmallDecimal && abs(scaled) < 10 && !wholeNumber
                ? String(format: "%.1f", scaled) : String(format: "%.0f", scaled)
        } else {
            digits = abs(scaled) < 99.95 ? String(format: "%.1f", scaled) : String(format: "%.0f", scaled)
        }
        return digits + suffixes[index]
    }
}
