import AccountModels
import Foundation

/// The inline SVG chart of one project: cumulative use as a percentage of the allocation across the
/// allocation year, the 100% allocation line, an even-pace line, and the dashed projection at the
/// current burn rate to the run-out day or the year's end.
struct UsageChart {
    var project: ProjectUsage
    var report: UsageReport
    var index: Int

    static let width = 960.0
    static let height = 340.0
    static let left = 64.0
    static let right = width - 200.0
    static let top = 44.0
    static let bottom = height - 42.0

    private struct Line {
        var hours: HoursUsage
        var colour: String
        /// Pixel x and percentage of the allocation.
        var points: [(x: Double, percent: Double)]
        var projectionEnd: (x: Double, percent: Double)?
        var label: String
    }

    var svg: String {
        let period = report.allocationYear
        let titleID = "chart-\(index)-title"
        let lines = [(project.cpu, "#1f4e99"), (project.gpu, "#b84a00")].compactMap { line(for: $0.0, colour: $0.1) }
        let peak = lines.flatMap { $0.points.map(\.percent) + ($0.projectionEnd.map { [$0.percent] } ?? []) }.max() ?? 0
        let yMax = (max(100, min(peak, 200)) * 1.05 / 25).rounded(.up) * 25
        let yStep = yMax <= 150 ? 25.0 : 50.0

        var svg = SVGWriter()
        let summary =
            "\(project.project): cumulative hours used as a percentage of the allocation, "
            + "\(period.start) to \(period.end)"
        svg.add(
            "<svg class=\"chart\" viewBox=\"0 0 \(f(Self.width)) \(f(Self.height))\" role=\"img\" "
                + "aria-labelledby=\"\(titleID)\">")
        svg.add("<title id=\"\(titleID)\">\(UsageRenderer.escape(summary))</title>")
        svg.add("<rect x=\"0\" y=\"0\" width=\"\(f(Self.width))\" height=\"\(f(Self.height))\" fill=\"#fff\"/>")

        // Grid: percentages across, months along.
        var percentTick = 0.0
        while percentTick <= yMax + 0.001 {
            let y = yPosition(percentTick, yMax)
            svg.add(lineElement(Self.left, y, Self.right, y, stroke: "#d4d4d4", width: 1))
            svg.label(Self.left - 8, y + 4, "\(Int(percentTick))%", anchor: "end")
            percentTick += yStep
        }
        for month in 0...12 {
            let first = period.start
            let day = CalendarDay(
                daysSinceEpoch: CalendarDay.daysSinceEpochOfFirst(
                    year: first.year + (first.month - 1 + month) / 12, month: (first.month - 1 + month) % 12 + 1))
            let x = xPosition(day.utcMidnight)
            svg.add(lineElement(x, Self.top, x, Self.bottom, stroke: "#e2e2e2", width: 1))
            guard month < 12 else { continue }
            let name = Self.monthNames[day.month - 1]
            let label = month == 0 || day.month == 1 ? "\(name) \(day.year)" : name
            svg.label(x + 3, Self.bottom + 16, label, anchor: "start")
        }
        svg.add(
            "<rect x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(Self.right - Self.left))\" "
                + "height=\"\(f(Self.bottom - Self.top))\" fill=\"none\" stroke=\"#555\" stroke-width=\"1\"/>")
        svg.label(Self.left - 50, Self.top - 10, "% of allocation", anchor: "start", size: 11)

        // Reference lines: the allocation, an even pace through the year, and today.
        let full = yPosition(100, yMax)
        svg.add(lineElement(Self.left, full, Self.right, full, stroke: "#111", width: 2.5))
        svg.add(
            lineElement(
                Self.left, yPosition(0, yMax), Self.right, full, stroke: "#777", width: 1.5, dash: "1.5 4"))
        if period.contains(report.generatedAt) {
            let x = xPosition(report.generatedAt)
            svg.add(lineElement(x, Self.top, x, Self.bottom, stroke: "#555", width: 1, dash: "3 3"))
            svg.label(x, Self.top - 4, "today", anchor: "middle", size: 11)
        }

        // The data, then its projection, then labels nudged apart so they never overlap.
        var labels: [(y: Double, text: String, colour: String)] = []
        for line in lines {
            let path = line.points.map { "\(f($0.x)),\(f(yPosition($0.percent, yMax)))" }.joined(separator: " ")
            if line.points.count > 1 {
                svg.add(
                    "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"2.5\" "
                        + "stroke-linejoin=\"round\"/>")
            }
            if line.points.count <= 40 {
                for point in line.points {
                    let radius = line.points.count == 1 ? "5" : "3"
                    svg.add(
                        "<circle cx=\"\(f(point.x))\" cy=\"\(f(yPosition(point.percent, yMax)))\" r=\"\(radius)\" "
                            + "fill=\"\(line.colour)\" stroke=\"#fff\" stroke-width=\"1\"/>")
                }
            }
            if let last = line.points.last, let end = line.projectionEnd {
                let (lastY, endY) = (yPosition(last.percent, yMax), yPosition(end.percent, yMax))
                svg.add(lineElement(last.x, lastY, end.x, endY, stroke: line.colour, width: 2, dash: "7 5"))
                svg.add(
                    "<circle cx=\"\(f(end.x))\" cy=\"\(f(endY))\" r=\"4\" fill=\"#fff\" stroke=\"\(line.colour)\" "
                        + "stroke-width=\"2\"/>")
            }
            if let anchor = line.projectionEnd ?? line.points.last {
                labels.append((yPosition(anchor.percent, yMax), line.label, line.colour))
            }
        }
        var placed: [Double] = []
        for label in labels.sorted(by: { $0.y < $1.y }) {
            var y = min(max(label.y + 4, Self.top + 12), Self.bottom)
            if let previous = placed.last, y - previous < 15 { y = previous + 15 }
            placed.append(y)
            svg.label(Self.right + 6, y, label.text, anchor: "start", colour: label.colour, weight: "bold")
        }
        if lines.isEmpty {
            let reason =
                [project.cpu, project.gpu].contains(where: \.hasAllocation)
                ? "no usage figures in the current allocation year" : "no CPU or GPU hours allocated"
            svg.label((Self.left + Self.right) / 2, (Self.top + Self.bottom) / 2, reason, anchor: "middle", size: 14)
        } else if let lonely = lines.first(where: { $0.points.count == 1 }), let reason = lonely.hours.burnUnavailable {
            svg.label((Self.left + Self.right) / 2, Self.top + 20, reason, anchor: "middle", size: 13)
        }

        legend(into: &svg, lines: lines)
        svg.add("</svg>")
        return svg.text
    }

    private func legend(into svg: inout SVGWriter, lines: [Line]) {
        var x = Self.left
        let y = 16.0
        var items: [(String, String, Double, String?)] = lines.map {
            ($0.hours.resource.label + " used", $0.colour, 2.5, nil)
        }
        items += [
            ("projection at current burn", "#444", 2, "7 5"), ("even pace", "#777", 1.5, "1.5 4"),
            ("allocation (100%)", "#111", 2.5, nil),
        ]
        for (text, colour, width, dash) in items {
            svg.add(lineElement(x, y, x + 26, y, stroke: colour, width: width, dash: dash))
            svg.label(x + 32, y + 4, text, anchor: "start", size: 12)
            x += 32 + Double(text.count) * 6.3 + 22
        }
    }

    private func line(for hours: HoursUsage, colour: String) -> Line? {
        guard let given = hours.projectGiven, given > 0 else { return nil }
        let period = report.allocationYear
        let used: [(Date, Double)] = project.series.compactMap { point in
            let value = hours.resource == .cpu ? point.cpuUsed : point.gpuUsed
            return value.map { (point.time, $0) }
        }
        guard !used.isEmpty else { return nil }
        let points = Self.thinned(used.map { (x: xPosition($0.0), percent: $0.1 / given * 100) })
        var end: (x: Double, percent: Double)?
        var label = "\(hours.resource.label) \(UsageUnits.percent(hours.percentUsed ?? 0))"
        if let burn = hours.burn, let usedNow = hours.projectUsed, usedNow < given, period.contains(project.asOf) {
            let runOut =
                burn.hoursPerDay > 0
                ? project.asOf.addingTimeInterval((given - usedNow) / burn.hoursPerDay * 86_400) : period.endDate
            if runOut < period.endDate, let day = hours.runOutDay {
                end = (xPosition(runOut), 100)
                label = "\(hours.resource.label) runs out \(day)"
            } else {
                let atYearEnd = hours.projectedUsedAtYearEnd ?? usedNow
                end = (xPosition(period.endDate), atYearEnd / given * 100)
                label = "\(hours.resource.label) \(UsageUnits.percent(atYearEnd / given * 100)) at year end"
            }
        }
        return Line(hours: hours, colour: colour, points: points, projectionEnd: end, label: label)
    }

    /// At most about one point per pixel across, plus the last: a year of hourly refreshes would
    /// otherwise draw thousands of points no one can tell apart.
    static func thinned(_ points: [(x: Double, percent: Double)]) -> [(x: Double, percent: Double)] {
        var kept: [(x: Double, percent: Double)] = []
        for (index, point) in points.enumerated() {
            let isLast = index == points.count - 1
            if isLast || kept.last.map({ point.x - $0.x >= 1 }) ?? true { kept.append(point) }
        }
        return kept
    }

    private func xPosition(_ date: Date) -> Double {
        let period = report.allocationYear
        let fraction = date.timeIntervalSince(period.startDate) / period.endDate.timeIntervalSince(period.startDate)
        return Self.left + min(1, max(0, fraction)) * (Self.right - Self.left)
    }

    private func yPosition(_ percent: Double, _ yMax: Double) -> Double {
        Self.bottom - min(max(percent, 0), yMax) / yMax * (Self.bottom - Self.top)
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// Collects SVG elements, formatting numbers compactly and escaping text.
struct SVGWriter {
    private(set) var text = ""

    mutating func add(_ element: String) {
        text += element
        text += "\n"
    }

    mutating func label(
        _ x: Double, _ y: Double, _ content: String, anchor: String, size: Double = 12, colour: String = "#111",
        weight: String = "normal"
    ) {
        add(
            "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(f(size))\" "
                + "font-weight=\"\(weight)\" fill=\"\(colour)\">\(UsageRenderer.escape(content))</text>")
    }
}

/// An SVG `<line>`; `dash` is a `stroke-dasharray` such as `7 5`.
private func lineElement(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double, dash: String? = nil
) -> String {
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    return "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" "
        + "stroke-width=\"\(f(width))\"\(dashing)/>"
}

/// A coordinate with at most one decimal.
private func f(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
}
