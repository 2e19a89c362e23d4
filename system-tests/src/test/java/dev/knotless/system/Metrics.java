package dev.knotless.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.knotless.launcher.Service;

/** A service's Prometheus figures, read from its management port as the operator reads them. */
final class Metrics {

    private final RunningSystem system;
    private final String operatorToken;

    Metrics(RunningSystem system, String operatorToken) {
        this.system = system;
        this.operatorToken = operatorToken;
    }

    /** The sum of the samples of {@code name} whose labels include {@code label} (e.g. {@code topic="knotless.intake.v1"}), or all when null. */
    double sum(Service service, String name, String label) {
        return sum(service, 0, name, label);
    }

    /** As {@link #sum(Service, String, String)}, of instance {@code index} of the service. */
    double sum(Service service, int index, String name, String label) {
        String text = new Http(system.managementUrl(service, index), operatorToken).getText("/actuator/prometheus");
        assertThat(text).as("metrics of " + service + " instance " + index).isNotNull();
        double sum = 0;
        for (String line : text.split("\n")) {
            boolean named = line.startsWith(name + "{") || line.startsWith(name + " ");
            if (named && (label == null || line.contains(label))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** {@code knotless.messaging.dead.lettered{topic}}: the messages of {@code topic} this service's consumers dead-lettered. */
    long deadLettered(Service service, String topic) {
        return Math.round(sum(service, "knotless_messaging_dead_lettered_total", "topic=\"" + topic + "\""));
    }
}
