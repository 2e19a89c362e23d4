package dev.knotless.platform.store;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The children a parent document lists by id, loaded with one {@code _id $in} read: an id that
 * finds nothing (its child's insert never happened) or a child of another parent is skipped, and
 * the rest come in {@code order}, stably, so equal keys keep the order the ids were added in.
 */
public final class ChildrenByIds {

    private ChildrenByIds() {
    }

    public static <T> List<T> inOrder(List<String> ids, Iterable<T> found, Function<T, String> idOf, Predicate<T> belongs,
                                      Comparator<T> order) {
        Map<String, T> byId = StreamSupport.stream(found.spliterator(), false)
                .filter(belongs)
                .collect(Collectors.toMap(idOf, Function.identity()));
        return ids.stream().map(byId::get).filter(Objects::nonNull).sorted(order).toList();
    }
}
