package dev.knotless.auth.token;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authorizations (a sign-in's code, access, refresh and ID tokens) in the auth-server's database,
 * so that a restart signs nobody out and several instances can share them. Every read is by key:
 *
 * <ul>
 * <li>{@value #AUTHORIZATIONS}: one document per authorization under its id, its attributes and
 *     each token's metadata as JSON written by Spring Security's own Jackson modules (what
 *     {@code JdbcOAuth2AuthorizationService} stores), each token's times, and of its value only a
 *     SHA-256 hash: a copy of the database hands out no live token.</li>
 * <li>{@value #TOKENS}: one small document per token value, {@code _id} its SHA-256 hash, naming
 *     the authorization and the token's type. {@code findByToken} is two lookups by {@code _id}: the
 *     hash, then the authorization, which must still hold that hash (an index document left behind
 *     by an interrupted save or a concurrent one finds nothing).</li>
 * </ul>
 *
 * A token read back has the value it was looked up with; the others of the same authorization
 * (never sent to anybody: the token endpoint answers with the tokens it has just made) carry
 * {@value #PLACEHOLDER} and their hash, which a later save recognises and keeps.
 *
 * <p>Expiry: {@code expiresAt} on both (the authorization: its last token's expiry; an index
 * document: its token's), and a TTL index, so that MongoDB removes finished sign-ins. The embedded
 * store (mongo-java-server) accepts the index and never expires anything: each sign-in leaves 5
 * documents behind (the authorization, about 4.3 KB, and the index documents of its code, access,
 * refresh and ID token; a refresh rewrites the authorization, replaces three index documents and
 * deletes the old ones, so refreshes add nothing). A clinic of 20 staff signing in twice a day adds
 * some 15,000 sign-ins, 75,000 documents and 75 MB a year, which no read by key notices; a clinic
 * that minds the disk space runs MongoDB.
 */
final class MongoAuthorizations implements OAuth2AuthorizationService {

    static final String AUTHORIZATIONS = "oauth2_authorizations";
    static final String TOKENS = "oauth2_authorization_tokens";
    /** An authorization with no token yet (a consent under way) is kept this long. */
    static final Duration PENDING = Duration.ofMinutes(15);
    /** The value of a token read back through another one: its hash, which no token value can be. */
    static final String PLACEHOLDER = "sha256:";

    private static final Logger log = LoggerFactory.getLogger(MongoAuthorizations.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    /** The kinds of token an authorization may hold, under the names {@link OAuth2TokenType} gives them. */
    enum Kind {
        STATE(OAuth2ParameterNames.STATE, null),
        CODE(OAuth2ParameterNames.CODE, OAuth2AuthorizationCode.class),
        ACCESS_TOKEN(OAuth2TokenType.ACCESS_TOKEN.getValue(), OAuth2AccessToken.class),
        REFRESH_TOKEN(OAuth2TokenType.REFRESH_TOKEN.getValue(), OAuth2RefreshToken.class),
        ID_TOKEN(OidcParameterNames.ID_TOKEN, OidcIdToken.class),
        USER_CODE(OAuth2ParameterNames.USER_CODE, OAuth2UserCode.class),
        DEVICE_CODE(OAuth2ParameterNames.DEVICE_CODE, OAuth2DeviceCode.class);

        final String type;
        final Class<? extends OAuth2Token> tokenClass;

        Kind(String type, Class<? extends OAuth2Token> tokenClass) {
            this.type = type;
            this.tokenClass = tokenClass;
        }
    }

    private final MongoTemplate mongo;
    private final RegisteredClientRepository clients;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder()
            .addModules(SecurityJacksonModules.getModules(MongoAuthorizations.class.getClassLoader()))
            .build();

    MongoAuthorizations(MongoTemplate mongo, RegisteredClientRepository clients, Clock clock) {
        this.mongo = mongo;
        this.clients = clients;
        this.clock = clock;
    }

    /** The TTL indexes (MongoDB removes what has expired; the embedded store accepts them and removes nothing). */
    void createIndexes() {
        for (String collection : List.of(AUTHORIZATIONS, TOKENS)) {
            try {
                mongo.getCollection(collection).createIndex(Indexes.ascending("expiresAt"),
                        new IndexOptions().name("expiresAt_ttl").expireAfter(0L, TimeUnit.SECONDS));
            } catch (MongoException e) {
                log.error("No expiry index on {}: finished sign-ins will not be removed ({})", collection, e.getMessage());
            }
        }
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        Objects.requireNonNull(authorization, "authorization");
        Document existing = authorizations().find(Filters.eq("_id", authorization.getId())).first();
        Map<String, String> previous = hashes(existing);

        Document tokens = new Document();
        Map<String, Instant> tokenExpiries = new LinkedHashMap<>();
        String state = authorization.getAttribute(OAuth2ParameterNames.STATE);
        if (state != null && !state.isBlank()) {
            tokens.append(Kind.STATE.type, new Document("hash", hashOf(state, previous.get(Kind.STATE.type))));
        }
        for (Kind kind : Kind.values()) {
            OAuth2Authorization.Token<? extends OAuth2Token> token = kind.tokenClass == null ? null : authorization.getToken(kind.tokenClass);
            if (token == null) {
                continue;
            }
            OAuth2Token value = token.getToken();
            Document stored = new Document("hash", hashOf(value.getTokenValue(), previous.get(kind.type)))
                    .append("issuedAt", date(value.getIssuedAt()))
                    .append("expiresAt", date(value.getExpiresAt()))
                    .append("metadata", json.writeValueAsString(plain(token.getMetadata())));
            if (value instanceof OAuth2AccessToken access) {
                stored.append("tokenType", access.getTokenType().getValue()).append("scopes", new ArrayList<>(access.getScopes()));
            }
            tokens.append(kind.type, stored);
            if (value.getExpiresAt() != null) {
                tokenExpiries.put(kind.type, value.getExpiresAt());
            }
        }
        Instant expiresAt = tokenExpiries.values().stream().max(Instant::compareTo).orElseGet(() -> clock.instant().plus(PENDING));

        Map<String, Object> attributes = new LinkedHashMap<>(authorization.getAttributes());
        attributes.remove(OAuth2ParameterNames.STATE); // kept as a hash among the tokens
        Document document = new Document("_id", authorization.getId())
                .append("registeredClientId", authorization.getRegisteredClientId())
                .append("principalName", authorization.getPrincipalName())
                .append("grantType", authorization.getAuthorizationGrantType().getValue())
                .append("scopes", new ArrayList<>(authorization.getAuthorizedScopes()))
                .append("attributes", json.writeValueAsString(attributes))
                .append("tokens", tokens)
                .append("expiresAt", date(expiresAt));

        // The index documents first, so that a crash part way leaves at worst index documents that find nothing.
        Set<String> kept = new HashSet<>();
        for (Map.Entry<String, Object> entry : tokens.entrySet()) {
            String hash = ((Document) entry.getValue()).getString("hash");
            kept.add(hash);
            if (!previous.containsValue(hash)) {
                index().replaceOne(Filters.eq("_id", hash), new Document("_id", hash)
                        .append("authorizationId", authorization.getId())
                        .append("type", entry.getKey())
                        .append("expiresAt", date(tokenExpiries.getOrDefault(entry.getKey(), expiresAt))), UPSERT);
            }
        }
        authorizations().replaceOne(Filters.eq("_id", authorization.getId()), document, UPSERT);
        List<String> replaced = previous.values().stream().filter(hash -> !kept.contains(hash)).toList();
        if (!replaced.isEmpty()) {
            index().deleteMany(Filters.in("_id", replaced));
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        Objects.requireNonNull(authorization, "authorization");
        Document existing = authorizations().find(Filters.eq("_id", authorization.getId())).first();
        Collection<String> hashes = hashes(existing).values();
        if (!hashes.isEmpty()) {
            index().deleteMany(Filters.in("_id", new ArrayList<>(hashes)));
        }
        authorizations().deleteOne(Filters.eq("_id", authorization.getId()));
    }

    @Override
    public OAuth2Authorization findById(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        return authorization(authorizations().find(Filters.eq("_id", id)).first(), null, null);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String hash = sha256(token);
        Document entry = index().find(Filters.eq("_id", hash)).first();
        if (entry == null || (tokenType != null && !tokenType.getValue().equals(entry.getString("type")))) {
            return null;
        }
        Document stored = authorizations().find(Filters.eq("_id", entry.getString("authorizationId"))).first();
        if (!hash.equals(hashes(stored).get(entry.getString("type")))) {
            return null; // replaced since, or its authorization removed
        }
        return authorization(stored, entry.getString("type"), token);
    }

    /** Rebuilds an authorization; the token of type {@code foundType} gets {@code foundValue}, the others their placeholder. */
    private OAuth2Authorization authorization(Document stored, String foundType, String foundValue) {
        if (stored == null) {
            return null;
        }
        RegisteredClient client = clients.findById(stored.getString("registeredClientId"));
        if (client == null) {
            log.debug("Authorization {} is of a client no longer registered", stored.getString("_id"));
            return null;
        }
        Map<String, Object> attributes = json.readValue(stored.getString("attributes"), MAP);
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
                .id(stored.getString("_id"))
                .principalName(stored.getString("principalName"))
                .authorizationGrantType(new AuthorizationGrantType(stored.getString("grantType")))
                .authorizedScopes(new HashSet<>(stored.getList("scopes", String.class, List.of())))
                .attributes(all -> all.putAll(attributes));
        Document tokens = stored.get("tokens", Document.class);
        for (Kind kind : Kind.values()) {
            Document token = tokens.get(kind.type, Document.class);
            if (token == null) {
                continue;
            }
            String value = kind.type.equals(foundType) ? foundValue : PLACEHOLDER + token.getString("hash");
            if (kind == Kind.STATE) {
                builder.attribute(OAuth2ParameterNames.STATE, value);
                continue;
            }
            Instant issuedAt = instant(token.getDate("issuedAt"));
            Instant expiresAt = instant(token.getDate("expiresAt"));
            Map<String, Object> metadata = json.readValue(token.getString("metadata"), MAP);
            OAuth2Token rebuilt = switch (kind) {
                case CODE -> new OAuth2AuthorizationCode(value, issuedAt, expiresAt);
                case ACCESS_TOKEN -> new OAuth2AccessToken(tokenType(token.getString("tokenType")), value, issuedAt, expiresAt,
                        new HashSet<>(token.getList("scopes", String.class, List.of())));
                case REFRESH_TOKEN -> new OAuth2RefreshToken(value, issuedAt, expiresAt);
                case ID_TOKEN -> new OidcIdToken(value, issuedAt, expiresAt, claims(metadata));
                case USER_CODE -> new OAuth2UserCode(value, issuedAt, expiresAt);
                case DEVICE_CODE -> new OAuth2DeviceCode(value, issuedAt, expiresAt);
                case STATE -> throw new IllegalStateException("handled above");
            };
            builder.token(rebuilt, all -> all.putAll(metadata));
        }
        return builder.build();
    }

    /**
     * The metadata with every map, list and set as a plain {@link LinkedHashMap}, {@link ArrayList}
     * or {@link LinkedHashSet}: Spring Security's modules read back only the collection classes they
     * allow, and a claim set with {@code List.of(...)} (our audience) would be written but not read.
     */
    static Object plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(key, plain(entry)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(MongoAuthorizations::plain).toList());
        }
        if (value instanceof Set<?> set) {
            return new LinkedHashSet<>(set.stream().map(MongoAuthorizations::plain).toList());
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> claims(Map<String, Object> metadata) {
        return (Map<String, Object>) metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME);
    }

    private static OAuth2AccessToken.TokenType tokenType(String value) {
        return OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(value) ? OAuth2AccessToken.TokenType.DPOP
                : OAuth2AccessToken.TokenType.BEARER;
    }

    /** The stored hashes of an authorization's tokens by type; empty for none. */
    private static Map<String, String> hashes(Document stored) {
        Map<String, String> hashes = new LinkedHashMap<>();
        Document tokens = stored == null ? null : stored.get("tokens", Document.class);
        if (tokens != null) {
            tokens.forEach((type, token) -> hashes.put(type, ((Document) token).getString("hash")));
        }
        return hashes;
    }

    /**
     * A value's hash; a placeholder stands for the hash it carries only where the stored
     * authorization holds that very hash (a value sent by a client that looks like one is hashed as any other).
     */
    private static String hashOf(String value, String storedHash) {
        if (storedHash != null && value.equals(PLACEHOLDER + storedHash)) {
            return storedHash;
        }
        return sha256(value);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private MongoCollection<Document> authorizations() {
        return mongo.getCollection(AUTHORIZATIONS);
    }

    private MongoCollection<Document> index() {
        return mongo.getCollection(TOKENS);
    }
}
