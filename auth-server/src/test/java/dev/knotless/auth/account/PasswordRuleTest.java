package dev.knotless.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordRuleTest {

    @Test
    void fifteenCharactersUpToSeventyTwoBytesAndNotTheUsername() {
        assertThat(PasswordRule.problem("fourteen-chars", "therapist-x")).hasValue("must be at least 15 characters");
        assertThat(PasswordRule.problem("fifteen-chars-x", "therapist-x")).isEmpty();
        assertThat(PasswordRule.problem("x".repeat(72), "therapist-x")).isEmpty();
        assertThat(PasswordRule.problem("x".repeat(73), "therapist-x")).hasValue("must be at most 72 bytes in UTF-8");
        assertThat(PasswordRule.problem("é".repeat(37), "therapist-x")).as("74 bytes").hasValue("must be at most 72 bytes in UTF-8");
        assertThat(PasswordRule.problem("correct horse battery", "therapist-x")).as("spaces are fine").isEmpty();
        assertThat(PasswordRule.problem(" ".repeat(20), "therapist-x")).hasValue("must not be only spaces");
        assertThat(PasswordRule.problem("therapist-longname", "therapist-longname")).hasValue("must not be the username");
        assertThat(PasswordRule.problem(null, "therapist-x")).hasValue("is required");
        assertThat(PasswordRule.problem("", "therapist-x")).hasValue("is required");
    }

    @Test
    void usernames() {
        assertThat(PasswordRule.isUsername("therapist-c.1_x")).isTrue();
        assertThat(PasswordRule.isUsername("Therapist")).isFalse();
        assertThat(PasswordRule.isUsername("-therapist")).isFalse();
        assertThat(PasswordRule.isUsername("a b")).isFalse();
        assertThat(PasswordRule.isUsername("a".repeat(65))).isFalse();
        assertThat(PasswordRule.isUsername(null)).isFalse();
    }
}
