import Foundation
import Persistence
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A training run in its folder, from start to end: the one way `resnet-scaling train` and
/// the cells of a train sweep run training.
///
/// 1. The folder (and any missing parent) is created and locked (`run.lock`, an exclusive
///    `flock` held until the run ends; the kernel drops it if the process dies); a folder
///    another run holds is refused at once, naming the holder.
/// 2. A folder that already holds a run is refused unless `resume`; its files must be writable.
/// 3. The data is loaded (`loadData`, with the folder locked, so that a refused run costs
///    nothing), then the trainer is made: fresh, or from the folder's checkpoint, whose
///    settings must be the run's (a larger `epochs` extends it, a smaller one is refused).
/// 4. The remaining epochs are trained; `checkpoint.bin` and `metrics.json` are written
///    atomically after each one, and a line goes to `log.jsonl` every `logEvery` steps
///    (``TrainingLog``; 0: no log).
///
/// If anything fails before the run has written a file, the lock is released and the folders
/// this call created are removed: a refused run leaves nothing behind.
public enum TrainingRun {
    /// Runs `configuration` in `directory` (see the type) on `threads` threads. `started` is
    /// called once the trainer is ready (fresh or resumed), before the first epoch; `progress`
    /// during epochs; `epochFinished` after each. Returns the final metrics.
    @discardableResult
    public static func run(_ configuration: TrainingConfiguration, in directory: String, resume: Bool, threads: Int,
                           logEvery: Int = TrainingLog.defaultEvery,
                           loadData: () throws -> (train: Dataset, test: Dataset),
                           started: ((TrainingSession) -> Void)? = nil,
                           progress: ((TrainingProgress) -> Void)? = nil,
                           epochFinished: ((EpochOutcome) -> Void)? = nil) throws -> MetricsDocument {
        let folder = try RunFolder(directory, resume: resume)
        let session: TrainingSession
        let log: TrainingLog?
        do {
            let data = try loadData()
            session = try TrainingSession(configuration: configuration, train: data.train, test: data.test, directory: directory,
                                          resume: resume, threads: threads, lock: folder.lock)
            log = logEvery > 0 ? try TrainingLog(directory: directory, every: logEvery, trainer: session.trainer) : nil
        } catch {
            folder.abandon()
            throw error
        }
        defer { session.close() }
        started?(session)
        // A log line that cannot be written (a full disk) ends the logging; the run goes on to
        // its end (its checkpoints are what a resume needs), then fails with the log's error.
        var logError: Error?
        let result = try session.run(progress: { p in
            if let log, logError == nil {
                do { try log.record(p) } catch { logError = error }
            }
            progress?(p)
        }, epochFinished: epochFinished)
        if let logError { throw logError }
        return result
    }
}

/// A run folder made ready and locked, remembering the folders it created so that a run
/// that fails before writing anything can remove them (`abandon()`).
struct RunFolder {
    let path: String
    let lock: FileLock
    /// Folders made here, outermost first.
    let created: [String]

    /// Creates the folder and its missing parents (`mkdir` tells atomically whether it made
    /// each one), locks it, and checks that it can take the run.
    init(_ path: String, resume: Bool) throws {
        self.path = path
        let fm = FileManager.default
        var missing: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !fm.fileExists(atPath: url.path) && url.path != "/" {
            missing.insert(url.path, at: 0)
            url.deleteLastPathComponent()
        }
        var created: [String] = []
        for folder in missing {
            if mkdir(folder, 0o777) == 0 {
                created.append(folder)
            } else if errno != EEXIST {
                let reason = String(cString: strerror(errno))
                for made in created.reversed() { rmdir(made) }
                throw TrainingRunError.outputDirectory(path: path, reason: "cannot create folder '\(folder)': \(reason)")
            }
        }
        self.created = created
        do {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TrainingRunError.outputDirectory(path: path, reason: "exists and is not a folder")
            }
            guard fm.isWritableFile(atPath: path) else { throw TrainingRunError.outputDirectory(path: path, reason: "is not writable") }
            lock = try TrainingSession.lock(path)
        } catch {
            for made in created.reversed() { rmdir(made) }
            throw error
        }
        do {
            if !resume, fm.fileExists(atPath: (path as NSString).appendingPathComponent(Checkpoint.fileName)) {
                throw TrainingRunError.existingRun(path: path)
            }
            let metrics = (path as NSString).appendingPathComponent(TrainingSession.metricsFileName)
            do { try AtomicFile.checkWritable(metrics) } catch {
                throw TrainingRunError.outputDirectory(path: path, reason: "\(error)")
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Undoes the start of a run that failed before writing anything: the folders this run
    /// created are removed (with its lock file), and the lock released.
    func abandon() {
        defer { lock.release() }
        guard !created.isEmpty else { return }
        // Still holding the lock, so no other run can be using the file. rmdir fails (and
        // keeps the folder) if anything else has appeared in it.
        unlink((path as NSString).appendingPathComponent(TrainingSession.lockFileName))
        for folder in created.reversed() { rmdir(folder) }
    }
}
