package dev.knotless.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The demo password the auth-server prints once when it generates one (first start without
 * {@code KNOTLESS_DEMO_PASSWORD}). The launcher shows it on its console and masks it in the log file
 * the auth-server's output goes to. Masked in place with as many '*': the file keeps its length, so
 * the auth-server, which appends to it, is not disturbed.
 */
final class DemoPassword {

    /** As the auth-server's {@code DemoAccounts} prints it; the password follows. */
    static final String LINE = "KNOTLESS_DEMO_PASSWORD (generated, shown once): ";

    private DemoPassword() {
    }

    /**
     * Reads this run's part of {@code logFile} (from {@code offset}) for a generated password,
     * masks it there, and returns it.
     */
    static Optional<String> takeFrom(Path logFile, long offset) {
        byte[] marker = LINE.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "rw")) {
            long length = file.length();
            if (length <= offset) {
                return Optional.empty();
            }
            byte[] output = new byte[(int) Math.min(length - offset, 4 * 1024 * 1024)];
            file.seek(offset);
            file.readFully(output);
            int at = indexOf(output, marker);
            if (at < 0) {
                return Optional.empty();
            }
            int start = at + marker.length;
            int end = start;
            while (end < output.length && output[end] != '\n' && output[end] != '\r') {
                end++;
            }
            String password = new String(output, start, end - start, StandardCharsets.US_ASCII).strip();
            if (password.isEmpty() || password.chars().allMatch(c -> c == '*')) {
                return Optional.empty();
            }
            file.seek(offset + start);
            file.write("*".repeat(end - start).getBytes(StandardCharsets.US_ASCII));
            return Optional.of(password);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
