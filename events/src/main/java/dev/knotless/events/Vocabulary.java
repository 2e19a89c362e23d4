package dev.knotless.events;

/** The closed sets of values shared by the API, the events and every service. */
public final class Vocabulary {
    private Vocabulary() {
    }

    public enum Side { LEFT, RIGHT, BILATERAL, MIDLINE }

    public enum BodyRegion {
        HEAD, NECK, SHOULDER, UPPER_ARM, ELBOW, FOREARM, WRIST_HAND, UPPER_BACK, LOWER_BACK,
        CHEST, ABDOMEN, HIP, BUTTOCK, THIGH, KNEE, LOWER_LEG, ANKLE_FOOT
    }

    /** SUPERFICIAL dry needling, DEEP dry needling, or IMS (intramuscular stimulation). */
    public enum Technique { SUPERFICIAL, DEEP, IMS }

    /** Needling clearance from the intake screening; ordered from least to most restrictive. */
    public enum NeedlingClearance { CLEARED, PRECAUTION, CONTRAINDICATED }

    public enum AssessmentKind { PROGRESS, DISCHARGE }

    /** The two follow-up checkpoints after a session. */
    public enum Checkpoint { H24, H48 }

    public enum FollowUpStatus { SCHEDULED, OPEN, COMPLETED, MISSED }

    public enum AdverseEventSeverity { NONE, MINOR, SIGNIFICANT }

    public enum AlertLevel { HIGH, MEDIUM, LOW }

    public enum AlertStatus { OPEN, ACKNOWLEDGED }

    /** Why an alert was raised; each rule has a default level (configurable in outcomes-service). */
    public enum AlertRule {
        SIGNIFICANT_ADVERSE_EVENT, HIGH_SORENESS, SORENESS_NOT_SUBSIDING, FOLLOW_UPS_MISSED
    }

    public enum RomPhase { PRE, POST }

    public enum Joint { CERVICAL_SPINE, THORACOLUMBAR_SPINE, SHOULDER, ELBOW, FOREARM, WRIST, HIP, KNEE, ANKLE }

    public enum Movement {
        FLEXION, EXTENSION, ABDUCTION, ADDUCTION, INTERNAL_ROTATION, EXTERNAL_ROTATION, LATERAL_FLEXION,
        ROTATION, PRONATION, SUPINATION, RADIAL_DEVIATION, ULNAR_DEVIATION, DORSIFLEXION, PLANTARFLEXION,
        INVERSION, EVERSION
    }
}
