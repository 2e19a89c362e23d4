package dev.knotless.platform.idempotency;

import java.time.Instant;

/**
 * A stored key as far as deciding about a new request with it goes: a plain rule, no store.
 *
 * @param claim       the id of the request that holds or held the key (a claim is taken over only
 *                    from the one that was read)
 * @param inProgress  the request has not answered yet (or crashed before it could complete the key)
 * @param leaseUntil  until when an in-progress claim keeps others out
 * @param expiresAt   when the key counts as never used
 */
record KeyRecord(String claim, String fingerprint, boolean inProgress, Instant leaseUntil, Instant expiresAt) {

    enum Verdict {
        /** Unused for our purposes (expired, or a claim whose request never answered): claim it and run. */
        TAKE_OVER,
        /** The key was used for another request: 422. */
        REUSED,
        /** The first request is still running: 409. */
        IN_PROGRESS,
        /** The first request answered: send its answer again. */
        REPLAY
    }

    Verdict judge(String requestFingerprint, Instant now) {
        if (!now.isBefore(expiresAt)) {
            return Verdict.TAKE_OVER;
        }
        if (!fingerprint.equals(requestFingerprint)) {
            return Verdict.REUSED;
        }
        if (inProgress) {
            // A claim past its lease belongs to a request that crashed (or ran longer than any should).
            return now.isBefore(leaseUntil) ? Verdict.IN_PROGRESS : Verdict.TAKE_OVER;
        }
        return Verdict.REPLAY;
    }
}
