import Foundation

/// An emulated CSCS for tests: amorales (client `teamctl-ci`) is PI of s1234, where bkim and cdupont work too;
/// cdupont also uses g42, which amorales cannot see. daint and eiger run Slurm; `fsonly` has no scheduler, so
/// userinfo there has `accounts: null`. Usage records fall this year (January and this month) and last December
/// (outside the allocation year).
public enum CSCSTestSeed {
    public static let clientID = "teamctl-ci"
    public static let clientSecret = "cscs-Sx9q-secret-do-not-print"

    /// The seed YAML, with usage dated relative to `now` (UTC).
    public static func yaml(now: Date = Date(), extraSFAPI: String = "") -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let year = calendar.component(.year, from: now)
        let month = String(format: "%02d", calendar.component(.month, from: now))
        return """
            \(extraSFAPI)
            cscs:
              clients:
                - {client_id: \(clientID), client_secret: \(clientSecret), user: amorales}
              systems:
                - name: daint
                - name: eiger
                - {name: fsonly, scheduler: none, services: [{type: filesystem, healthy: true}]}
              users:
                - name: amorales
                  uid: 21234
                  group: {name: csstaff, gid: 1000}
                  groups: [{name: csstaff, gid: 1000}, {name: s1234, gid: 31234}]
                  accounts: [g42, s1234]
                  default_account: s1234
                  pi_of: [s1234]
                - {name: bkim, uid: 21235, group: {name: s1234, gid: 31234}, accounts: [s1234]}
                - {name: cdupont, uid: 21236, group: {name: s1234, gid: 31234}, accounts: [s1234, g42]}
              usage:
                - {username: amorales, account: s1234, cluster: daint, date: "\(year)-01-05", node_hours: 2, cpu_hours: 576, job_count: 3}
                - {username: bkim, account: s1234, cluster: daint, date: "\(year)-01-05", node_hours: 10.5, cpu_hours: 3024, job_count: 12}
                - {username: bkim, account: s1234, cluster: eiger, date: "\(year)-01-20", node_hours: 4, cpu_hours: 1024, job_count: 2}
                - {username: bkim, account: s1234, cluster: daint, date: "\(year)-\(month)-01", node_hours: 1.25, cpu_hours: 360, job_count: 1}
                - {username: cdupont, account: s1234, cluster: daint, date: "\(year)-\(month)-01", node_hours: 3, cpu_hours: 864, job_count: 4}
                - {username: cdupont, account: g42, cluster: daint, date: "\(year)-\(month)-01", node_hours: 7, cpu_hours: 2016, job_count: 5}
                - {username: bkim, account: s1234, cluster: daint, date: "\(year - 1)-12-31", node_hours: 100, cpu_hours: 28800, job_count: 9}

            """
    }
}
