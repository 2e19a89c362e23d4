package dev.knotless.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.knotless.testsupport.DocumentReads;
import dev.knotless.testsupport.EmbeddedInfrastructure;
import dev.knotless.testsupport.MutableClock;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The MongoDB-backed authorizations against the embedded store, without Spring: what is stored, found, replaced and removed. */
class MongoAuthorizationsTest {

    static final String DATABASE = "knotless-auth-authorizations";
    static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);
    static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);
    static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

    private static final MongoClient CLIENT = MongoClients.create(EmbeddedInfrastructure.mongoUri(DATABASE));

    private final MongoTemplate mongo = new MongoTemplate(CLIENT, DATABASE);
    private final MutableClock clock = MutableClock.startingAt("2026-11-19T09:00:00Z");
    private final RegisteredClient client = RegisteredClient.withId("knotless-gateway").clientId("knotless-gateway")
            .clientSecret("{noop}secret")
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
            .redirectUri("http://localhost:8080/login/oauth2/code/knotless").scope("openid").build();
    private final MongoAuthorizations authorizations = new MongoAuthorizations(mongo, new InMemoryRegisteredClientRepository(client), clock);

    @AfterAll
    static void close() {
        CLIENT.close();
    }

    @BeforeEach
    void empty() {
        mongo.getCollection(MongoAuthorizations.AUTHORIZATIONS).drop();
        mongo.getCollection(MongoAuthorizations.TOKENS).drop();
        authorizations.createIndexes();
    }

    @Test
    void aSignInIsFoundByEachOfItsTokensWithItsPrincipalRequestAndClaims() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        authorizations.save(signedIn);

        for (var lookup : List.of(
                Map.entry(OAuth2TokenType.ACCESS_TOKEN, signedIn.getAccessToken().getToken().getTokenValue()),
                Map.entry(OAuth2TokenType.REFRESH_TOKEN, signedIn.getRefreshToken().getToken().getTokenValue()),
                Map.entry(ID_TOKEN, signedIn.getToken(OidcIdToken.class).getToken().getTokenValue()),
                Map.entry(CODE, signedIn.getToken(OAuth2AuthorizationCode.class).getToken().getTokenValue()))) {
            OAuth2Authorization found = authorizations.findByToken(lookup.getValue(), lookup.getKey());
            assertThat(found).as(lookup.getKey().getValue()).isNotNull();
            assertThat(found.getToken(lookup.getValue())).as("the token looked up has its value").isNotNull();
            assertThat(found.getToken(lookup.getValue()).getToken().getExpiresAt()).isNotNull();
            assertThat(authorizations.findByToken(lookup.getValue(), null)).as("any type").isNotNull();
            assertThat(authorizations.findByToken(lookup.getValue(),
                    lookup.getKey().equals(OAuth2TokenType.ACCESS_TOKEN) ? OAuth2TokenType.REFRESH_TOKEN : OAuth2TokenType.ACCESS_TOKEN))
                    .as("another type").isNull();
            assertSame(found, signedIn);
        }
        assertThat(authorizations.findByToken("not-a-token", OAuth2TokenType.ACCESS_TOKEN)).isNull();
        assertThat(authorizations.findById(signedIn.getId()).getPrincipalName()).isEqualTo("therapist-a");
    }

    @Test
    void aConsentStateIsFoundByItsValue() {
        OAuth2Authorization pending = OAuth2Authorization.withRegisteredClient(client).id("pending").principalName("therapist-a")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).attribute(OAuth2ParameterNames.STATE, "consent-state-1").build();
        authorizations.save(pending);

        OAuth2Authorization found = authorizations.findByToken("consent-state-1", STATE);
        assertThat(found.<String>getAttribute(OAuth2ParameterNames.STATE)).isEqualTo("consent-state-1");
        assertThat(mongo.getCollection(MongoAuthorizations.AUTHORIZATIONS).find().first().getDate("expiresAt").toInstant())
                .as("no token yet: kept for the pending time").isEqualTo(clock.instant().plus(MongoAuthorizations.PENDING));
    }

    private void assertSame(OAuth2Authorization found, OAuth2Authorization saved) {
        assertThat(found.getId()).isEqualTo(saved.getId());
        assertThat(found.getRegisteredClientId()).isEqualTo(saved.getRegisteredClientId());
        assertThat(found.getPrincipalName()).isEqualTo(saved.getPrincipalName());
        assertThat(found.getAuthorizationGrantType()).isEqualTo(saved.getAuthorizationGrantType());
        assertThat(found.getAuthorizedScopes()).isEqualTo(saved.getAuthorizedScopes());
        assertThat(found.getAttributes().keySet()).isEqualTo(saved.getAttributes().keySet());
        Authentication principal = found.getAttribute(Principal.class.getName());
        assertThat(principal.getName()).isEqualTo(saved.getPrincipalName());
        assertThat(principal.getAuthorities()).extracting(Object::toString).contains("ROLE_THERAPIST");
        assertThat(found.<OAuth2AuthorizationRequest>getAttribute(OAuth2AuthorizationRequest.class.getName()).getState()).isEqualTo("client-state");
        assertThat(found.getAccessToken().getClaims()).isEqualTo(saved.getAccessToken().getClaims());
        assertThat(found.getAccessToken().getToken().getScopes()).containsExactly("openid");
        assertThat(found.getAccessToken().getToken().getTokenType()).isEqualTo(OAuth2AccessToken.TokenType.BEARER);
        assertThat(found.getAccessToken().getToken().getExpiresAt())
                .isEqualTo(saved.getAccessToken().getToken().getExpiresAt().truncatedTo(ChronoUnit.MILLIS));
        assertThat(found.getToken(OidcIdToken.class).getToken().getClaims()).isEqualTo(saved.getToken(OidcIdToken.class).getToken().getClaims());
        assertThat(found.getToken(OAuth2AuthorizationCode.class).isInvalidated()).isTrue();
        assertThat(found.getRefreshToken().isActive()).isEqualTo(saved.getRefreshToken().isActive());
    }

    @Test
    void theStoreHoldsNoTokenValueOnlyHashes() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        authorizations.save(signedIn);

        String stored = String.join("\n", all(MongoAuthorizations.AUTHORIZATIONS).stream().map(Document::toJson).toList())
                + all(MongoAuthorizations.TOKENS).stream().map(Document::toJson).toList();
        for (String value : tokenValues(signedIn)) {
            assertThat(stored).doesNotContain(value).contains(MongoAuthorizations.sha256(value));
        }
        assertThat(all(MongoAuthorizations.TOKENS)).hasSize(4);
        assertThat(all(MongoAuthorizations.AUTHORIZATIONS)).hasSize(1);
    }

    @Test
    void aRefreshReplacesTheTokensAndTheOldOnesFindNothing() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        authorizations.save(signedIn);
        String oldAccess = signedIn.getAccessToken().getToken().getTokenValue();
        String oldRefresh = signedIn.getRefreshToken().getToken().getTokenValue();
        String oldId = signedIn.getToken(OidcIdToken.class).getToken().getTokenValue();

        OAuth2Authorization found = authorizations.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN);
        Instant now = Instant.now();
        OAuth2Authorization refreshed = OAuth2Authorization.from(found)
                .token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-2-" + UUID.randomUUID(), now, now.plus(Duration.ofMinutes(15)),
                        Set.of("openid")), metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, Map.of("sub", "therapist-a")))
                .refreshToken(new OAuth2RefreshToken("refresh-2-" + UUID.randomUUID(), now, now.plus(Duration.ofHours(8))))
                .build();
        authorizations.save(refreshed);

        assertThat(authorizations.findByToken(oldAccess, OAuth2TokenType.ACCESS_TOKEN)).isNull();
        assertThat(authorizations.findByToken(oldRefresh, OAuth2TokenType.REFRESH_TOKEN)).isNull();
        assertThat(authorizations.findByToken(refreshed.getAccessToken().getToken().getTokenValue(), OAuth2TokenType.ACCESS_TOKEN).getId())
                .isEqualTo(signedIn.getId());
        assertThat(authorizations.findByToken(refreshed.getRefreshToken().getToken().getTokenValue(), OAuth2TokenType.REFRESH_TOKEN))
                .isNotNull();
        assertThat(authorizations.findByToken(oldId, ID_TOKEN)).as("the ID token kept (read back as a placeholder) keeps its hash")
                .isNotNull();
        assertThat(all(MongoAuthorizations.TOKENS)).as("the replaced tokens' index documents are gone").hasSize(4);
    }

    @Test
    void aValueThatLooksLikeAPlaceholderIsHashedAsAnyOther() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        authorizations.save(signedIn);
        String refreshHash = MongoAuthorizations.sha256(signedIn.getRefreshToken().getToken().getTokenValue());

        assertThat(authorizations.findByToken(MongoAuthorizations.PLACEHOLDER + refreshHash, OAuth2TokenType.REFRESH_TOKEN)).isNull();
        assertThat(authorizations.findByToken(refreshHash, OAuth2TokenType.REFRESH_TOKEN)).isNull();
    }

    @Test
    void removingAnAuthorizationRemovesItsIndexDocuments() {
        OAuth2Authorization kept = signedIn("therapist-a");
        OAuth2Authorization removed = signedIn("therapist-b");
        authorizations.save(kept);
        authorizations.save(removed);

        authorizations.remove(removed);

        for (String value : tokenValues(removed)) {
            assertThat(authorizations.findByToken(value, null)).isNull();
        }
        assertThat(authorizations.findById(removed.getId())).isNull();
        assertThat(authorizations.findByToken(kept.getAccessToken().getToken().getTokenValue(), OAuth2TokenType.ACCESS_TOKEN)).isNotNull();
        assertThat(all(MongoAuthorizations.TOKENS)).hasSize(4);
        assertThat(all(MongoAuthorizations.AUTHORIZATIONS)).hasSize(1);
    }

    @Test
    void anAuthorizationOfAClientNoLongerRegisteredIsNotFound() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        authorizations.save(signedIn);
        var withoutTheClient = new MongoAuthorizations(mongo, new InMemoryRegisteredClientRepository(
                RegisteredClient.withId("other").clientId("other").clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                        .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri("http://127.0.0.1/callback").build()), clock);

        assertThat(withoutTheClient.findByToken(signedIn.getRefreshToken().getToken().getTokenValue(), OAuth2TokenType.REFRESH_TOKEN)).isNull();
    }

    @Test
    void expiryIsTheLastTokensAndEachIndexDocumentItsTokens() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        authorizations.save(signedIn);

        Document stored = all(MongoAuthorizations.AUTHORIZATIONS).getFirst();
        assertThat(stored.getDate("expiresAt").toInstant())
                .isEqualTo(signedIn.getRefreshToken().getToken().getExpiresAt().truncatedTo(ChronoUnit.MILLIS));
        Document accessIndex = mongo.getCollection(MongoAuthorizations.TOKENS)
                .find(new Document("_id", MongoAuthorizations.sha256(signedIn.getAccessToken().getToken().getTokenValue()))).first();
        assertThat(accessIndex.getDate("expiresAt").toInstant())
                .isEqualTo(signedIn.getAccessToken().getToken().getExpiresAt().truncatedTo(ChronoUnit.MILLIS));
        assertThat(mongo.getCollection(MongoAuthorizations.TOKENS).listIndexes().into(new ArrayList<>()))
                .anySatisfy(index -> assertThat(index.getString("name")).isEqualTo("expiresAt_ttl"));
    }

    @Test
    void aTokenLookupExaminesAsManyDocumentsWithHundredsOfAuthorizationsAsWithAFew() {
        OAuth2Authorization signedIn = signedIn("therapist-a");
        for (int i = 0; i < 10; i++) {
            authorizations.save(signedIn("therapist-" + i));
        }
        authorizations.save(signedIn);
        long[] few = lookups(signedIn);
        for (int i = 0; i < 500; i++) {
            authorizations.save(signedIn("therapist-more-" + i));
        }
        long[] many = lookups(signedIn);

        System.out.printf("Documents examined in %s per token lookup (access, refresh, ID token, code, unknown): %s with 11 authorizations, %s with 511%n",
                DATABASE, java.util.Arrays.toString(few), java.util.Arrays.toString(many));
        assertThat(many).isEqualTo(few);
        assertThat(few).containsExactly(2, 2, 2, 2, 0);
    }

    private long[] lookups(OAuth2Authorization authorization) {
        return new long[] {
                DocumentReads.during(DATABASE, () -> authorizations.findByToken(authorization.getAccessToken().getToken().getTokenValue(),
                        OAuth2TokenType.ACCESS_TOKEN)),
                DocumentReads.during(DATABASE, () -> authorizations.findByToken(authorization.getRefreshToken().getToken().getTokenValue(),
                        OAuth2TokenType.REFRESH_TOKEN)),
                DocumentReads.during(DATABASE, () -> authorizations.findByToken(authorization.getToken(OidcIdToken.class).getToken().getTokenValue(),
                        ID_TOKEN)),
                DocumentReads.during(DATABASE, () -> authorizations.findByToken(authorization.getToken(OAuth2AuthorizationCode.class).getToken()
                        .getTokenValue(), CODE)),
                DocumentReads.during(DATABASE, () -> authorizations.findByToken("unknown-token", OAuth2TokenType.ACCESS_TOKEN))};
    }

    private List<Document> all(String collection) {
        return mongo.getCollection(collection).find().into(new ArrayList<>());
    }

    private static List<String> tokenValues(OAuth2Authorization authorization) {
        return List.of(authorization.getAccessToken().getToken().getTokenValue(), authorization.getRefreshToken().getToken().getTokenValue(),
                authorization.getToken(OidcIdToken.class).getToken().getTokenValue(),
                authorization.getToken(OAuth2AuthorizationCode.class).getToken().getTokenValue());
    }

    /** An authorization as the token endpoint leaves it: the code used (invalidated), access, refresh and ID tokens, the principal as signed in. */
    private OAuth2Authorization signedIn(String username) {
        Instant now = Instant.now();
        var principal = UsernamePasswordAuthenticationToken.authenticated(username, null, List.of(new SimpleGrantedAuthority("ROLE_THERAPIST"),
                FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY).issuedAt(now).build()));
        principal.setDetails(new WebAuthenticationDetails("127.0.0.1", null));
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri("http://localhost:9000/oauth2/authorize").clientId(client.getClientId())
                .redirectUri("http://localhost:8080/login/oauth2/code/knotless").scopes(Set.of("openid")).state("client-state")
                .additionalParameters(Map.of("nonce", "n-1")).build();
        String suffix = username + "-" + UUID.randomUUID();
        // Claims as the JWT generator hands them over (JwtClaimsSet's map)
        Map<String, Object> claims = JwtClaimsSet.builder().subject(username).audience(List.of("knotless-api")).claim("clinic_id", "clinic-a")
                .claim("role", "THERAPIST").issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(15))).claim("scope", Set.of("openid"))
                .build().getClaims();
        Map<String, Object> idClaims = JwtClaimsSet.builder().subject(username).audience(List.of(client.getClientId())).issuedAt(now)
                .expiresAt(now.plus(Duration.ofMinutes(30))).claim("auth_time", now).claim("sid", "sid-hash").claim("role", "THERAPIST")
                .build().getClaims();
        return OAuth2Authorization.withRegisteredClient(client).id(UUID.randomUUID().toString()).principalName(username)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).authorizedScopes(Set.of("openid"))
                .attribute(Principal.class.getName(), principal)
                .attribute(OAuth2AuthorizationRequest.class.getName(), request)
                .token(new OAuth2AuthorizationCode("code-" + suffix, now, now.plus(Duration.ofMinutes(5))),
                        metadata -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true))
                .token(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-" + suffix, now, now.plus(Duration.ofMinutes(15)),
                        Set.of("openid")), metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
                .refreshToken(new OAuth2RefreshToken("refresh-" + suffix, now, now.plus(Duration.ofHours(8))))
                .token(new OidcIdToken("id-" + suffix, now, now.plus(Duration.ofMinutes(30)), idClaims),
                        metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, idClaims))
                .build();
    }
}
