import Foundation
import PackagePlugin

/// Writes the git revision of the package's sources into the target it is applied to
/// (`ToolVersion.buildRevision`: 12 hex digits, `-dirty` when tracked files have uncommitted
/// changes; nil when the sources are not a git checkout or git is missing).
///
/// A build command, re-run whenever the checkout's HEAD, index or reflog changes (a commit,
/// a checkout, `git add`) or a source file of the package changes (it may make the tree
/// dirty). It rewrites the file only when the revision differs, so an unchanged revision
/// recompiles nothing; git is run with `--no-optional-locks`, so a build never writes the
/// repository.
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildRevision.swift")
        var inputs = Self.gitFiles(package)
        for target in context.package.targets {
            if let source = target.sourceModule { inputs += source.sourceFiles.map(\.url) }
        }
        let script = #"""
        out="$1"
        revision=$(cd "$2" && git rev-parse --short=12 HEAD 2>/dev/null) || revision=""
        if [ -n "$revision" ] && [ -n "$(cd "$2" && git --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ]; then
            revision="$revision-dirty"
        fi
        if [ -n "$revision" ]; then value="\"$revision\""; else value="nil"; fi
        text="// Generated at build time by the BuildRevision plugin (Plugins/BuildRevision): do not edit.
        extension ToolVersion {
            static let buildRevision: String? = $value
        }"
        if [ ! -f "$out" ] || [ "$(cat "$out")" != "$text" ]; then printf '%s\n' "$text" > "$out"; fi
        """#
        return [.buildCommand(displayName: "Recording the git revision of \(target.name)",
                              executable: URL(fileURLWithPath: "/bin/sh"),
                              arguments: ["-c", script, "sh", output.path, package.path],
                              inputFiles: inputs, outputFiles: [output])]
    }

    /// The files of the checkout's git folder that change with a commit, a checkout or an add
    /// (`.git` may be a folder, or in a worktree a file naming it).
    static func gitFiles(_ package: URL) -> [URL] {
        let dotGit = package.appendingPathComponent(".git")
        var gitDirectory = dotGit
        if let text = try? String(contentsOf: dotGit, encoding: .utf8), text.hasPrefix("gitdir:") {
            let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDirectory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appendingPathComponent(path)
        }
        return ["HEAD", "index", "logs/HEAD"].map { gitDirectory.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
