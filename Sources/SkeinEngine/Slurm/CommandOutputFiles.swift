import Foundation

/// The files commands write their output to: one per command running at once, reused (the
/// spawner truncates it) rather than made and removed per command. On ext4 a new inode is
/// found by scanning past recently deleted ones (`recently_deleted` in `perf`): a file made
/// and removed per `sbatch` and `squeue` was a quarter of the engine's CPU on a Slurm fan-out,
/// and slowed every other file creation on the disk, the jobs' own included.
struct OutputFiles {
    let folder: String
    private var free: [String] = []
    private var made = 0

    init(folder: String) {
        self.folder = folder
    }

    /// A file no running command writes to.
    mutating func take() -> String {
        if let path = free.popLast() { return path }
        made += 1
        return (folder as NSString).appendingPathComponent(".slurm-command-\(made).out")
    }

    mutating func giveBack(_ path: String) {
        free.append(path)
    }

    /// Removes the files made so far (the run directory keeps none of them).
    func removeAll() {
        for number in stride(from: 1, through: made, by: 1) {
            unlink((folder as NSString).appendingPathComponent(".slurm-command-\(number).out"))
        }
    }
}
