package dev.knotless.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnableJarTest {

    @TempDir
    Path dir;

    @Test
    void aServiceRunsFromItsOwnCopySoThatRebuildingDoesNotPullTheJarFromUnderIt() throws Exception {
        Path built = FakeService.writeJar(dir.resolve("intake-service/target/intake-service.jar"));
        byte[] original = Files.readAllBytes(built);

        RunnableJar runnable = RunnableJar.prepare(built, dir.resolve("data/jars"), LauncherOptions.currentJava());
        Files.writeString(built, "rebuilt while running");

        assertThat(runnable.jar()).isEqualTo(dir.resolve("data/jars/intake-service/intake-service.jar"));
        assertThat(Files.readAllBytes(runnable.jar())).isEqualTo(original);
        assertThat(runnable.jvmOptions()).as("no class data sharing for a jar that is not a Spring Boot jar").isEmpty();
    }

    @Test
    void theCopyIsRefreshedOnlyWhenTheBuiltJarChanged() throws Exception {
        Path built = FakeService.writeJar(dir.resolve("gateway/target/gateway.jar"));
        Path jars = dir.resolve("data/jars");
        RunnableJar first = RunnableJar.prepare(built, jars, LauncherOptions.currentJava());
        FileTime copied = Files.getLastModifiedTime(first.jar());
        Files.setLastModifiedTime(first.jar(), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        RunnableJar again = RunnableJar.prepare(built, jars, LauncherOptions.currentJava());
        assertThat(Files.getLastModifiedTime(again.jar())).as("unchanged: not copied again").isEqualTo(FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        Files.setLastModifiedTime(built, FileTime.from(copied.toInstant().plusSeconds(60)));
        RunnableJar refreshed = RunnableJar.prepare(built, jars, LauncherOptions.currentJava());
        assertThat(Files.getLastModifiedTime(refreshed.jar())).isNotEqualTo(FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    }

    @Test
    void furtherInstancesOfAServiceHaveAClassDataArchiveOfTheirOwn() {
        RunnableJar first = new RunnableJar(Path.of("/data/jars/intake-service/intake-service.jar"),
                List.of("-XX:SharedArchiveFile=/data/jars/intake-service.jsa", "-XX:+AutoCreateSharedArchive"));

        assertThat(first.forInstance(0)).isEqualTo(first);
        assertThat(first.forInstance(2).jvmOptions())
                .containsExactly("-XX:SharedArchiveFile=/data/jars/intake-service-2.jsa", "-XX:+AutoCreateSharedArchive");
        assertThat(first.forInstance(2).jar()).isEqualTo(first.jar());
        assertThat(new RunnableJar(Path.of("plain.jar"), List.of()).forInstance(1).jvmOptions()).isEmpty();
    }

    @Test
    void aBuiltJarThatIsNoJarIsCopiedAndLeftToJavaToRefuse() throws Exception {
        Path built = dir.resolve("session-service/target/session-service.jar");
        Files.createDirectories(built.getParent());
        Files.writeString(built, "not a jar");

        assertThat(RunnableJar.prepare(built, dir.resolve("data/jars"), LauncherOptions.currentJava()).jvmOptions()).isEmpty();
        assertThatThrownBy(() -> RunnableJar.prepare(dir.resolve("nowhere.jar"), dir.resolve("data/jars"), LauncherOptions.currentJava()))
                .isInstanceOf(LaunchException.class).hasMessageContaining("nowhere.jar");
    }
}
