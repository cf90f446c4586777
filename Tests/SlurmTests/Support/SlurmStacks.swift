import Testing

/// Every suite that talks to a Slurm stack, one test at a time across all of them: slurmdbd 22.05.8 segfaults
/// with several clients at once, and on 24.11 concurrent `sacctmgr add user` runs were seen to fail with
/// "Unspecified error" while another client held the same tables. The suites are nested here (as extensions), so
/// `.serialized` covers them together, not only each on its own.
@Suite(.serialized)
struct SlurmStacks {}
