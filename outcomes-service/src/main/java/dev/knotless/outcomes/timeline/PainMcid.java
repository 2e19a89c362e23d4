package dev.knotless.outcomes.timeline;

/**
 * The minimal clinically important difference in pain on the 0-10 scale: reached when the
 * baseline pain minus the latest pain is at least {@code points} (2 by default).
 */
public record PainMcid(int points) {

    public static final PainMcid DEFAULT = new PainMcid(2);

    public PainMcid {
        if (points < 1 || points > 10) {
            throw new IllegalArgumentException("the pain MCID is between 1 and 10 points, not " + points);
        }
    }

    public boolean reached(Integer baselinePain, Integer latestPain) {
        return baselinePain != null && latestPain != null && baselinePain - latestPain >= points;
    }

    /** Latest minus baseline: negative when pain went down; null when either is unknown. */
    public static Integer change(Integer baselinePain, Integer latestPain) {
        return baselinePain == null || latestPain == null ? null : latestPain - baselinePain;
    }
}
