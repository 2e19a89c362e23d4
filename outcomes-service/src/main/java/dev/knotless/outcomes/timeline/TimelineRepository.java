package dev.knotless.outcomes.timeline;

import org.springframework.data.mongodb.repository.MongoRepository;

interface TimelineRepository extends MongoRepository<Timeline, String> {
}
