package io.truenasgitops.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest (the Maven project version). */
public class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = RootCommand.class.getPackage().getImplementationVersion();
        return new String[] {"truenas-gitops " + (version == null ? "dev" : version)};
    }
}
