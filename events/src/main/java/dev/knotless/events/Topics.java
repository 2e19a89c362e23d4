package dev.knotless.events;

import java.util.List;

/** Topic names: {@code knotless.<context>.v<major>}; dead letters go to {@code <topic>-dlt}. */
public final class Topics {
    public static final String INTAKE = "knotless.intake.v1";
    public static final String SESSION = "knotless.session.v1";
    public static final String OUTCOME = "knotless.outcome.v1";
    public static final List<String> ALL = List.of(INTAKE, SESSION, OUTCOME);

    private Topics() {
    }

    public static String deadLetterOf(String topic) {
        return topic + "-dlt";
    }
}
