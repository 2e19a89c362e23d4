package dev.knotless.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import tools.jackson.databind.SerializationFeature;

/** Every figure of a run with its target and pass/fail; written as report.md and report.json. */
final class Report {

    enum Better { LOWER, HIGHER, NONE }

    /**
     * One measured figure. {@code limit} is the target (null when the issue sets none), {@code better}
     * says which side of it passes; {@code compare} marks the figures that must be at the large
     * size within 20 % of the small size.
     */
    record Figure(String size, String key, String label, double value, String unit, Double limit, Better better, boolean compare, String note) {
        Boolean pass() {
            if (limit == null || Double.isNaN(value)) {
                return limit == null ? null : Boolean.FALSE;
            }
            return better == Better.LOWER ? value <= limit : value >= limit;
        }

        String target() {
            if (limit == null) {
                return "-";
            }
            return (better == Better.LOWER ? "≤ " : "≥ ") + number(limit) + " " + unit;
        }
    }

    record Comparison(String key, String label, double small, double large, String unit, double ratio, boolean pass) {
    }

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> sizes = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, List<String>> htmlReports = new LinkedHashMap<>();

    void header(String key, Object value) {
        header.put(key, value);
    }

    void size(String name, Map<String, Object> facts) {
        sizes.put(name, facts);
    }

    void note(String note) {
        notes.add(note);
        Log.info("note: %s", note);
    }

    void html(String size, Path report) {
        htmlReports.computeIfAbsent(size, key -> new ArrayList<>()).add(report.toString());
    }

    void add(String size, String key, String label, double value, String unit, Double limit, Better better, boolean compare) {
        add(size, key, label, value, unit, limit, better, compare, null);
    }

    void add(String size, String key, String label, double value, String unit, Double limit, Better better, boolean compare, String note) {
        Figure figure = new Figure(size, key, label, value, unit, limit, better, compare, note);
        figures.add(figure);
        Log.info("%-6s %-52s %10s %-5s target %-12s %s", size, label, number(value), unit, figure.target(),
                figure.pass() == null ? "" : figure.pass() ? "pass" : "FAIL");
    }

    List<Comparison> comparisons() {
        List<Comparison> comparisons = new ArrayList<>();
        for (Figure small : figures) {
            if (!small.compare() || !small.size().equals("small")) {
                continue;
            }
            figures.stream().filter(large -> large.size().equals("large") && large.key().equals(small.key())).findFirst().ifPresent(large -> {
                double ratio = large.value() / small.value();
                boolean lower = small.better() == Better.LOWER;
                boolean pass = lower ? large.value() <= small.value() * 1.2 : large.value() >= small.value() * 0.8;
                comparisons.add(new Comparison(small.key(), small.label(), small.value(), large.value(), small.unit(), ratio, pass));
            });
        }
        return comparisons;
    }

    void write(Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>(header);
        json.put("sizes", sizes);
        json.put("figures", figures.stream().map(figure -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("size", figure.size());
            row.put("key", figure.key());
            row.put("label", figure.label());
            row.put("value", Double.isNaN(figure.value()) ? null : figure.value());
            row.put("unit", figure.unit());
            row.put("target", figure.limit() == null ? null : figure.target());
            row.put("pass", figure.pass());
            if (figure.note() != null) {
                row.put("note", figure.note());
            }
            return row;
        }).toList());
        json.put("largeWithin20PercentOfSmall", comparisons());
        json.put("htmlReports", htmlReports);
        json.put("notes", notes);
        Files.writeString(out.resolve("report.json"), Http.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        Files.writeString(out.resolve("report.md"), markdown());
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Knotless benchmark\n\n");
        header.forEach((key, value) -> md.append("- **").append(key).append("**: ").append(value).append('\n'));
        md.append('\n');
        sizes.forEach((name, facts) -> md.append("- **").append(name).append("**: ").append(facts).append('\n'));
        md.append("\n## Figures against the targets\n\n");
        List<String> names = new ArrayList<>(new TreeSet<>(figures.stream().map(Figure::size).toList()).descendingSet());
        names.remove("system");
        md.append("| figure | target |");
        names.forEach(name -> md.append(' ').append(name).append(" |"));
        md.append('\n').append("|---|---|");
        names.forEach(name -> md.append("---|"));
        md.append('\n');
        List<String> keys = figures.stream().map(Figure::key).distinct()
                .sorted(Comparator.comparingInt(Report::rank)).toList();
        for (String key : keys) {
            Figure first = figures.stream().filter(figure -> figure.key().equals(key)).findFirst().orElseThrow();
            md.append("| ").append(first.label()).append(" | ").append(first.target()).append(" |");
            for (String name : names) {
                Figure figure = figures.stream().filter(f -> f.key().equals(key) && f.size().equals(name)).findFirst().orElse(null);
                md.append(' ').append(figure == null ? "" : cell(figure)).append(" |");
            }
            md.append('\n');
        }
        List<Comparison> comparisons = comparisons();
        if (!comparisons.isEmpty()) {
            md.append("\n## Large within 20 % of small\n\n| figure | small | large | large / small | pass |\n|---|---|---|---|---|\n");
            for (Comparison comparison : comparisons) {
                md.append("| ").append(comparison.label()).append(" | ").append(number(comparison.small())).append(' ').append(comparison.unit())
                        .append(" | ").append(number(comparison.large())).append(' ').append(comparison.unit())
                        .append(" | ").append(String.format(Locale.ROOT, "%.2f", comparison.ratio()))
                        .append(" | ").append(comparison.pass() ? "pass" : "**FAIL**").append(" |\n");
            }
        }
        if (!htmlReports.isEmpty()) {
            md.append("\n## Latency over time (Gatling's HTML reports)\n\n");
            htmlReports.forEach((size, paths) -> paths.forEach(path -> md.append("- ").append(size).append(": ").append(path).append("/index.html\n")));
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        return md.toString();
    }

    /** The order of the table: the HTTP scenarios as the issue lists them, then freshness, replay, start-up, memory. */
    private static final List<String> ORDER = List.of("surveys-", "direct-", "gateway-share", "sessions-", "registrations-", "timeline-",
            "dashboard-", "alerts-", "freshness-", "replay", "startup", "rss-idle", "rss-load");

    private static int rank(String key) {
        for (int i = 0; i < ORDER.size(); i++) {
            if (key.startsWith(ORDER.get(i))) {
                return i;
            }
        }
        return ORDER.size();
    }

    private static String cell(Figure figure) {
        String value = Double.isNaN(figure.value()) ? "n/a" : number(figure.value()) + " " + figure.unit();
        Boolean pass = figure.pass();
        return pass == null ? value : pass ? value + " ✓" : "**" + value + " ✗**";
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, Math.abs(value) < 10 ? "%.2f" : "%.1f", value);
    }

    static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        try {
            String total = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal")).findFirst().orElse("");
            machine.put("memory", String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(total.replaceAll("\\D", "")) / 1024.0 / 1024.0));
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name")).findFirst().orElse(":?");
            machine.put("cpu", cpu.substring(cpu.indexOf(':') + 1).trim());
        } catch (IOException | RuntimeException e) {
            machine.put("memory", "?");
        }
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        return machine;
    }

    static String jdk() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version") + " (" + ManagementFactory.getRuntimeMXBean().getVmName() + ")";
    }

    static String commit(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty", "--abbrev=12").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String mib(long bytes) {
        return Objects.toString(bytes / 1024 / 1024);
    }
}
