package io.tripwire.cli.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds files of the repository (the scenario, the demo's executor config and scripts) whatever the
 * current directory: first the current directory and its parents, then the directories above the
 * running jar ({@code ROOT/cli/target/tripwire.jar}) or classes directory.
 */
final class RepoFiles {

    private RepoFiles() {
    }

    /** The first existing {@code relative} under one of the search roots. */
    static Optional<Path> find(String relative) {
        for (Path root : roots()) {
            Path candidate = root.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate.normalize());
            }
        }
        return Optional.empty();
    }

    /** As {@link #find}, or an error saying where it looked. */
    static Path require(String relative, String hint) {
        return find(relative).orElseThrow(() -> new IllegalStateException("cannot find " + relative
                + " in the current directory, its parents or next to tripwire.jar; " + hint));
    }

    private static List<Path> roots() {
        List<Path> roots = new ArrayList<>();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            roots.add(p);
        }
        try {
            Path code = Path.of(RepoFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code.getParent(); p != null; p = p.getParent()) {
                roots.add(p);
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source (unusual class loader): the current directory is all we have
        }
        return roots;
    }
}
