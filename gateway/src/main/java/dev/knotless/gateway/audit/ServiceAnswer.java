package dev.knotless.gateway.audit;

/** What one service said to one audit page request. */
sealed interface ServiceAnswer {

    String service();

    /** A 2xx with an audit page. */
    record Page(String service, ServicePage page) implements ServiceAnswer {
    }

    /** A 4xx: the service refuses this caller or this query; passed on as it came. */
    record Refused(String service, int status, String contentType, byte[] body, String wwwAuthenticate) implements ServiceAnswer {
    }

    /** Down, too slow, a 5xx, or an answer that is not an audit page: its part cannot be read. */
    record Unavailable(String service, String why) implements ServiceAnswer {
    }
}
