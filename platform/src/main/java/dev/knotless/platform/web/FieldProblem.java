package dev.knotless.platform.web;

/** One failing field of a request, by its JSON path (for example {@code needling[0].technique}). */
public record FieldProblem(String field, String message) {
}
