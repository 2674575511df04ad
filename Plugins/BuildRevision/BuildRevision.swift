import Foundation
import PackagePlugin

/// Writes the git revision of the package's sources into the target it is applied to
/// (`ToolVersion.buildRevision`, nil when the sources are not a git checkout or git is
/// missing), before every build. The file is rewritten only when the revision changes, so an
/// unchanged checkout does not recompile anything. `-dirty` marks uncommitted changes to
/// tracked files (`--no-optional-locks`: a build never writes the repository's index).
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("Generated")
        let script = #"""
        out="$1/BuildRevision.swift"
        mkdir -p "$1"
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
        return [.prebuildCommand(displayName: "Recording the git revision of \(target.name)",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", output.path, context.package.directoryURL.path],
                                 outputFilesDirectory: output)]
    }
}
