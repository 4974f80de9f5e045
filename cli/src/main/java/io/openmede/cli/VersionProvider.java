package io.openmede.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest (the Maven project version). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"openmede " + (v == null ? "development build" : v)};
  }
}
