package dev.knotless.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What a service process runs: its own copy of the built jar in {@code <dataDir>/jars}, never
 * {@code target/*.jar} itself, because rebuilding while Knotless runs rewrites that file under the
 * running JVM. A Spring Boot jar is extracted ({@code -Djarmode=tools extract}) and run with a
 * class data sharing archive that the JVM writes on its first stop and maps on later starts,
 * which more than halves the start-up time. The copy is refreshed only when the built jar changes.
 *
 * @param jar        the jar to run with {@code java -jar}
 * @param jvmOptions options that go with it (the CDS archive), possibly none
 */
record RunnableJar(Path jar, List<String> jvmOptions) {

    private static final String STAMP = ".built-from";

    static RunnableJar prepare(Path built, Path jarsDir, Path java) {
        String name = built.getFileName().toString().replaceFirst("\\.jar$", "");
        Path folder = jarsDir.resolve(name);
        Path archive = jarsDir.resolve(name + ".jsa");
        try {
            String stamp = Files.size(built) + " " + Files.getLastModifiedTime(built).toMillis() + " " + built;
            Path stampFile = folder.resolve(STAMP);
            boolean springBoot = isSpringBootJar(built);
            Path runnable = folder.resolve(built.getFileName());
            if (!Files.isRegularFile(stampFile) || !Files.readString(stampFile).equals(stamp) || !Files.isRegularFile(runnable)) {
                deleteRecursively(folder);
                Files.deleteIfExists(archive);
                if (Files.isDirectory(jarsDir)) {
                    try (Stream<Path> others = Files.list(jarsDir)) { // the archives of further instances (forInstance)
                        for (Path other : others.filter(path -> path.getFileName().toString()
                                .matches(Pattern.quote(name) + "-\\d+\\.jsa")).toList()) {
                            Files.deleteIfExists(other);
                        }
                    }
                }
                Files.createDirectories(folder);
                if (springBoot) {
                    extract(built, folder, java);
                } else {
                    Files.copy(built, runnable, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
            }
            if (!springBoot) {
                return new RunnableJar(runnable, List.of());
            }
            return new RunnableJar(runnable, List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive"));
        } catch (IOException e) {
            throw new LaunchException("Cannot prepare " + built + " to run in " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same jar for instance {@code index} of its service ({@code --replicas}): from the second on,
     * with a class-data archive of its own ({@code intake-service-1.jsa}), since two JVMs that started
     * without a valid archive would both write the one archive when they stop.
     */
    RunnableJar forInstance(int index) {
        if (index == 0) {
            return this;
        }
        return new RunnableJar(jar, jvmOptions.stream()
                .map(option -> option.startsWith("-XX:SharedArchiveFile=") ? option.replaceFirst("\\.jsa$", "-" + index + ".jsa") : option)
                .toList());
    }

    private static boolean isSpringBootJar(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null && file.getManifest().getMainAttributes().getValue("Spring-Boot-Version") != null;
        } catch (java.util.zip.ZipException notAJar) {
            return false;
        }
    }

    private static void extract(Path built, Path folder, Path java) throws IOException {
        Path log = folder.resolve("extract.log");
        Process process = new ProcessBuilder(java.toString(), "-Djarmode=tools", "-jar", built.toString(),
                "extract", "--force", "--destination", folder.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("extracting failed: " + Files.readString(log).strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while extracting", e);
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (Files.notExists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
