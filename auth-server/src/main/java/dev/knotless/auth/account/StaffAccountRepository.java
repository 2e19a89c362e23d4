package dev.knotless.auth.account;

import org.springframework.data.mongodb.repository.MongoRepository;

/** By username ({@code _id}) only: every read is a lookup by key. */
public interface StaffAccountRepository extends MongoRepository<StaffAccount, String> {
}
