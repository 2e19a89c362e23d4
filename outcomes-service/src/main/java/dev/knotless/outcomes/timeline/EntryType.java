package dev.knotless.outcomes.timeline;

/** The kinds of timeline entries, in the order they are listed when they share a time. */
public enum EntryType { INTAKE, ASSESSMENT, SESSION, FOLLOW_UP, ALERT }
