package io.truenasgitops.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest (the Maven project version). */
public class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        // one place for the line: ShortMain prints it for --version without loading picocli
        return new String[] {ShortMain.versionLine()};
    }
}
